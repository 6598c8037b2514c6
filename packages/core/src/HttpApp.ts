/**
 * Effect HTTP apps (`HttpRouter`, `HttpApiBuilder`, any
 * `Effect<HttpServerResponse, E, HttpServerRequest | …>`) as server programs
 * that `ServerRuntime`, and so both adapters, run — with the contract held at
 * the edge:
 *
 * - the app reads an `HttpServerRequest` built over core's neutral request
 *   (no Web `Request`); its `HttpServerResponse` becomes core's neutral
 *   response (the platform computes `content-length`);
 * - an unmatched route (`HttpRouter`'s `RouteNotFound`) is the contract's 404
 *   body, a request part that fails its schema (`HttpApiSchemaError`) the
 *   contract's 400 naming each field, as core's `RequestDecoding` words it
 *   (an unsupported content type and unparseable JSON included);
 * - a response the framework answers by default — an empty error status, a
 *   405, a 413/415/422 — is the contract's: 404 for a wrong method, 400 for a
 *   body the server will not take, the documented body for the others;
 * - the contract's errors an app lets through are encoded as core encodes
 *   them, a defect is the generic 500 with the correlation id, and every
 *   response still passes `ResponseChecks` in `ServerRuntime`.
 *
 * @module
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as ErrorReporter from "effect/ErrorReporter"
import * as Cookies from "effect/http/Cookies"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerRespondable from "effect/http/HttpServerRespondable"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as HttpApiError from "effect/http-api/HttpApiError"
import * as Layer from "effect/Layer"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as ApiError from "./ApiError.ts"
import { InvalidRequest, RetryBudgetExhausted } from "./ClientError.ts"
import { NeutralHttpServerRequest } from "./internal/httpServerRequest.ts"
import * as RequestChecks from "./RequestChecks.ts"
import * as RequestDecoding from "./RequestDecoding.ts"
import * as ResponseCodec from "./ResponseCodec.ts"
import { CurrentRequest, type ServerRequest } from "./ServerRequest.ts"
import type * as ServerResponse from "./ServerResponse.ts"
import { bodyText } from "./WireResponse.ts"

/**
 * An Effect HTTP app: what `HttpRouter.toHttpEffect` and `HttpEffect` give,
 * reading the current `HttpServerRequest` (and a `Scope`, closed when the
 * request is answered).
 *
 * @category models
 */
export type HttpApp<E = unknown, R = never> = Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  E,
  R | HttpServerRequest.HttpServerRequest | Scope.Scope
>

/**
 * The `HttpServerRequest` an app reads, over core's neutral request:
 * method, path and query as `url`, the neutral headers, the body the adapter
 * read. `source` is what the app may inspect as the platform's request
 * (the neutral request by default).
 *
 * @category constructors
 */
export const httpServerRequest = (request: ServerRequest, source?: object): HttpServerRequest.HttpServerRequest =>
  new NeutralHttpServerRequest(request, source ?? request)

/**
 * The app as a core server program: the `HttpServerRequest` built over
 * `CurrentRequest`, a `Scope` per request, the response made neutral, and
 * every outcome the framework answers by default made the contract's (see
 * the module doc). Both adapters serve it like any program.
 *
 * @category converting
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { HttpServerResponse } from "effect/http"
 * import { HttpApp, ServerRuntime } from "@centrapay-effect/core"
 *
 * const app = Effect.succeed(HttpServerResponse.jsonUnsafe({ ok: true }))
 * const runtime = ServerRuntime.make(HttpApp.toProgram(app), Layer.empty)
 * ```
 */
export const toProgram = <E, R>(
  app: HttpApp<E, R>
): Effect.Effect<ServerResponse.ServerResponse, ServerResponse.ProgramError, R | CurrentRequest> =>
  CurrentRequest.use((request) =>
    Effect.withFiber<ServerResponse.ServerResponse, ServerResponse.ProgramError, R>((fiber) => {
      const reporters = fiber.getRef(ErrorReporter.CurrentErrorReporters)
      return app.pipe(
        Effect.provideService(HttpServerRequest.HttpServerRequest, httpServerRequest(request)),
        Effect.scoped,
        Effect.provideService(
          ErrorReporter.CurrentErrorReporters,
          reporters.size === 0 ? upstreamReporters : new Set([...reporters, upstreamReporter])
        ),
        Effect.matchCauseEffect({
          onSuccess: (response): Effect.Effect<ServerResponse.ServerResponse, ServerResponse.ProgramError> => {
            // A contract error left for core to answer (`answerLater`, HttpApiErrors' middleware) is
            // given to the runtime as the failure it was, as is an upstream failure the app answered
            // (HttpApi encodes it 502/504 as `HttpApiErrors` says): the same answer, its cause logged.
            const raised = answeredLater.get(response)
            const upstream = reported.get(fiber)
            reported.delete(fiber)
            if (raised !== undefined) return Effect.fail(raised)
            return upstream === undefined ? answer(response, request) : Effect.fail(upstream)
          },
          onFailure: (cause) => {
            reported.delete(fiber)
            return recover(cause, request)
          }
        })
      )
    })
  )

// The contract errors `answerLater` stands in for, by the response that stands in for each.
const answeredLater = new WeakMap<HttpServerResponse.HttpServerResponse, ServerResponse.ProgramError>()

/**
 * A stand-in response for one of the contract's errors, which `toProgram`
 * turns back into that failure, so core answers it as any program's (one
 * encoding, upstream failures 502/504 and logged): a middleware that
 * catches the errors before a framework encodes them returns this.
 * `undefined` for a failure that is not one of the contract's.
 *
 * @category converting
 */
export const answerLater = (error: unknown): HttpServerResponse.HttpServerResponse | undefined => {
  if (!isProgramError(error)) return undefined
  const standIn = HttpServerResponse.empty({ status: 500 })
  answeredLater.set(standIn, error)
  return standIn
}

// The upstream failures HttpApi handlers reported (`Effect.withErrorReporting`) by request fiber.
const reported = new WeakMap<object, ServerResponse.UpstreamError>()

// A reporter of its own rather than `ErrorReporter.make`, which renders every error it is given
// (a stack trace per failed request, whether an upstream's or not).
const upstreamReporter: ErrorReporter.ErrorReporter = {
  [ErrorReporter.TypeId]: ErrorReporter.TypeId,
  report: ({ cause, fiber }) => {
    for (const reason of cause.reasons) {
      if (Cause.isFailReason(reason) && isUpstream(reason.error)) reported.set(fiber, reason.error)
    }
  }
}

const upstreamReporters: ReadonlySet<ErrorReporter.ErrorReporter> = new Set([upstreamReporter])

const isUpstream = (u: unknown): u is ServerResponse.UpstreamError =>
  u instanceof RetryBudgetExhausted || (ApiError.isApiError(u) && ApiError.isReceived(u))

/**
 * The app an `HttpRouter` layer (routes, `HttpApiBuilder.layer(api)` with
 * its groups, middleware) registers, built once with the program's layer.
 *
 * @category services
 */
export class Router extends Context.Service<Router, HttpApp>()("@centrapay-effect/core/HttpApp/Router") {}

/**
 * The `Router` service `routed` serves, built by `build` — typically
 * `HttpRouter.toHttpEffect(layer)` over your routes (`HttpRouter.add`,
 * `HttpApiBuilder.layer(api)` with its groups, middleware), every service
 * the routes need provided. Built when the runtime builds its layer: once per
 * container or isolate.
 *
 * @category layers
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HttpRouter, HttpServerResponse } from "effect/http"
 * import { HttpApp, ServerRuntime } from "@centrapay-effect/core"
 *
 * const routes = HttpRouter.add("GET", "/health", Effect.succeed(HttpServerResponse.jsonUnsafe({ ok: true })))
 * const runtime = ServerRuntime.make(HttpApp.toProgram(HttpApp.routed), HttpApp.router(HttpRouter.toHttpEffect(routes)))
 * ```
 */
export const router = <E, R>(build: Effect.Effect<HttpApp, E, R>): Layer.Layer<Router, E, Exclude<R, Scope.Scope>> =>
  Layer.effect(Router, build)

/**
 * The app `router` built, as an app: serve it with an adapter's
 * `LambdaHttpApp.make` / `WorkerHttpApp.make`, wrap it (authenticate first, say), or run it with
 * `toProgram`.
 *
 * @category converting
 */
export const routed: HttpApp<unknown, Router> = Router.use((app) => app)

// What the contract answers instead of a framework default: a wrong method is a 404, a body the
// server will not take a 400, an error status with no body the documented body of its class.
const answer = (
  response: HttpServerResponse.HttpServerResponse,
  request: ServerRequest
): Effect.Effect<ServerResponse.ServerResponse, ApiError.ContractError> => {
  const status = response.status
  if (status >= 400) {
    if (status === 405) return Effect.fail(notFound)
    if (status === 413 || status === 415 || status === 422) return malformedBody(request, undefined)
    if (response.body._tag === "Empty") return Effect.fail(errorFor(status))
  }
  return neutral(response)
}

const notFound = new ApiError.RouteNotFound({ message: ResponseCodec.reasonPhrase(404) })

// The contract's error for an error status the app answered without a body.
const errorFor = (status: number): ApiError.ContractError => {
  const message = ResponseCodec.reasonPhrase(status)
  switch (ApiError.statusClassOf(status)) {
    case "MalformedRequest":
      return new ApiError.MalformedRequest({ message })
    case "Unauthorized":
      return new ApiError.Unauthorized({ message })
    case "ResourceForbidden":
      return new ApiError.ResourceForbidden({ message })
    case "RouteNotFound":
      return notFound
    case "TooManyRequests":
      // Encoded with `ResponseCodec.defaultRetryAfter`.
      return new ApiError.TooManyRequests({ message })
    default:
      return new ApiError.ServerError({ status: status >= 500 && status <= 599 ? status : 500, message })
  }
}

// A request body the app would not take: core's own 400 for the content type or the JSON when
// those are wrong, else the schema's issues (`cause`), else a plain 400.
const malformedBody = (
  request: ServerRequest,
  cause: Schema.SchemaError | undefined
): Effect.Effect<never, ApiError.MalformedRequest> =>
  Effect.flatMap(readJson(request), () =>
    Effect.fail(
      cause === undefined
        ? new ApiError.MalformedRequest({ message: ResponseCodec.reasonPhrase(400) })
        : RequestDecoding.fromSchemaError(cause, "body")
    )
  )

// Core's own content-type and JSON checks, nothing decoded past them.
const readJson = (request: ServerRequest): Effect.Effect<unknown, ApiError.MalformedRequest> =>
  Effect.fromResult(RequestDecoding.parseJsonBody(bodyText(request.body), request.headers["content-type"]))

const locations: Readonly<Record<"Params" | "Query" | "Headers", RequestDecoding.Location>> = {
  Params: "path",
  Query: "query",
  Headers: "header"
}

// A failure of the app: a request part that failed its schema is the contract's 400, an
// unmatched route its 404, whatever renders itself (`Respondable`) is rendered and made the
// contract's; the contract's errors are left for `ServerResponse.fromExit` to encode; anything
// else is a defect (the generic 500).
const recover = (
  cause: Cause.Cause<unknown>,
  request: ServerRequest
): Effect.Effect<ServerResponse.ServerResponse, ServerResponse.ProgramError> => {
  const reason = cause.reasons.find((each) => Cause.isFailReason(each) || Cause.isDieReason(each))
  const failure = reason === undefined ? undefined : Cause.isFailReason(reason) ? reason.error : reason.defect
  if (HttpApiError.HttpApiSchemaError.is(failure)) {
    if (failure.kind === "Payload") return malformedBody(request, failure.cause)
    if (failure.kind !== "Body" && failure.kind !== "ResponseHeaders") {
      return Effect.fail(RequestDecoding.fromSchemaError(failure.cause, locations[failure.kind]))
    }
  } else if (HttpApiError.HttpApiPayloadTooLarge.is(failure)) {
    return Effect.fail(RequestChecks.bodyTooLarge(Number(failure.size)))
  } else if (reason !== undefined && Cause.isFailReason(reason) && HttpServerRespondable.isRespondable(failure)) {
    return Effect.flatMap(HttpServerRespondable.toResponse(failure), (response) => answer(response, request))
  }
  return Effect.failCause(programCause(cause))
}

const isProgramError = (u: unknown): u is ServerResponse.ProgramError =>
  ApiError.isApiError(u) || u instanceof RetryBudgetExhausted || u instanceof InvalidRequest

// The cause with every failure core does not answer turned into a defect (the generic 500).
const programCause = (cause: Cause.Cause<unknown>): Cause.Cause<ServerResponse.ProgramError> => {
  let result: Cause.Cause<ServerResponse.ProgramError> = Cause.empty
  for (const reason of cause.reasons) {
    const next = Cause.isFailReason(reason)
      ? isProgramError(reason.error)
        ? Cause.fail(reason.error)
        : Cause.die(reason.error)
      : Cause.isDieReason(reason)
        ? Cause.die(reason.defect)
        : Cause.interrupt(reason.fiberId)
    result = Cause.combine(result, next)
  }
  return result
}

const utf8 = new TextDecoder()

// The response in core's neutral form: lower-case headers (without `content-length`, which the
// platform computes), every cookie a `set-cookie` value, the body as text.
const neutral = (
  response: HttpServerResponse.HttpServerResponse
): Effect.Effect<ServerResponse.ServerResponse, never> => {
  const headers: Record<string, string | ReadonlyArray<string>> = {}
  for (const name in response.headers) {
    if (name !== "content-length") headers[name] = response.headers[name] ?? ""
  }
  if (!Cookies.isEmpty(response.cookies)) headers["set-cookie"] = Cookies.toSetCookieHeaders(response.cookies)
  const body = response.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed({ status: response.status, headers, body: "" })
    case "Uint8Array":
      return Effect.succeed({ status: response.status, headers, body: body.text ?? utf8.decode(body.body) })
    case "Raw":
      if (typeof body.body === "string") return Effect.succeed({ status: response.status, headers, body: body.body })
      if (body.body instanceof Uint8Array) {
        return Effect.succeed({ status: response.status, headers, body: utf8.decode(body.body) })
      }
      return Effect.die(new TypeError("A raw response body that is not text or bytes cannot be sent"))
    case "Stream":
      return body.stream.pipe(
        Stream.decodeText,
        Stream.mkString,
        Effect.map((text) => ({ status: response.status, headers, body: text })),
        Effect.orDie
      )
    case "FormData":
      return Effect.die(new TypeError("A form-data response body cannot be sent"))
  }
}
