/**
 * Serves an Effect program from AWS Lambda: `make` turns a program (request
 * → response effect, failing with core's typed errors) and its layer into a
 * Lambda handler for API Gateway REST and HTTP APIs, ALB targets and
 * Function URLs.
 *
 * - The layer is built once per container, on the first invocation, and
 *   reused by every warm one; a layer that fails to build, or is not built
 *   before the invocation's deadline, is not kept (that invocation answers a
 *   clean 503, the next one builds again).
 * - The raw event, the Lambda context and the authorizer's claims are
 *   services (`LambdaEvent`, `LambdaContext`, `Authorizer`).
 * - Events are translated straight to core's neutral request and back to the
 *   result shape of their source (detected, or named with `source`) — no Web
 *   `Request`/`Response` on the way.
 * - Requests pass core's checks in core's order (`RequestChecks`): a body
 *   over `maxBodyBytes` (its size after base64 decoding) or a query over
 *   core's caps is a 400 before the layer or the program runs, as in the
 *   Workers adapter.
 * - Every HTTP invocation ends in a valid contract response, never an
 *   invocation error (which API Gateway turns into a 502): typed failures get
 *   their documented encoding, defects a generic 500 with the correlation id
 *   (the Lambda request id), a response outside the contract or over the
 *   source's size limit (6 MB, 1 MB behind an ALB) the same 500, and a
 *   program still running shortly before the Lambda timeout is interrupted
 *   and answered 503 with `Retry-After`. Causes go to a structured (JSON)
 *   log line.
 * - A non-HTTP event (SQS, S3, EventBridge…) is rejected with an
 *   `UnsupportedEvent` naming the supported shapes.
 *
 * @module
 */
import type * as ErrorFormat from "@centrapay-effect/core/ErrorFormat"
import type * as RequestChecks from "@centrapay-effect/core/RequestChecks"
import * as ServerRequest from "@centrapay-effect/core/ServerRequest"
import type * as ServerResponse from "@centrapay-effect/core/ServerResponse"
import * as ServerRuntime from "@centrapay-effect/core/ServerRuntime"
import type { Context as InvocationContext } from "aws-lambda"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Authorizer from "./Authorizer.ts"
import * as Translate from "./internal/translate.ts"
import { field } from "./internal/values.ts"
import * as LambdaContext from "./LambdaContext.ts"
import * as LambdaEvent from "./LambdaEvent.ts"

/**
 * The services every invocation gets from the adapter, besides core's
 * `CurrentRequest` and `ResponseHeaders`.
 *
 * @category models
 */
export type Services = LambdaEvent.LambdaEvent | LambdaContext.LambdaContext | Authorizer.Authorizer

/**
 * A Lambda handler (`export const handler = …`), with `dispose` to release
 * what the layer acquired.
 *
 * @category models
 */
export interface LambdaHandler<Event, Result> {
  (event: Event, context: InvocationContext): Promise<Result>
  /** Releases the resources the layer acquired (on shutdown, or between tests). */
  readonly dispose: () => Promise<void>
}

/**
 * How the handler reads events and bounds the program: core's limits
 * (`maxBodyBytes`, default 1 MiB), the format of error responses
 * (`errorFormat`: core's, default `"centrapay"`; `"problem+json"` or
 * `"negotiate"` for RFC 9457), the event source, the timeout margin.
 *
 * @category models
 */
export interface Options extends RequestChecks.Options, ErrorFormat.Options {
  /**
   * The event source, when the function is wired to one: events are read as
   * that source without detection. @default detected per event
   */
  readonly source?: LambdaEvent.Source | undefined
  /**
   * How long before the Lambda timeout the program is interrupted and
   * answered 503, leaving time to send the answer.
   * @default 500 millis
   */
  readonly timeoutMargin?: Duration.Input | undefined
}

/**
 * The default `timeoutMargin`.
 *
 * @category constants
 */
export const defaultTimeoutMargin: Duration.Duration = Duration.millis(500)

/**
 * The program a handler serves: a response, or a failure core knows how to
 * answer (`ServerResponse.ProgramError`: the contract's errors the program
 * raised, as they are; anything its client received from an upstream, as
 * 502/504), using the layer's services, the adapter's and core's per-request
 * ones.
 *
 * @category models
 */
export type Program<R> = Effect.Effect<
  ServerResponse.ServerResponse,
  ServerResponse.ProgramError,
  R | Services | ServerRequest.CurrentRequest | ServerResponse.ResponseHeaders
>

/**
 * Turns a program and its layer into a Lambda handler.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { Endpoint, Router, ServerResponse } from "@centrapay-effect/core"
 * import { LambdaHandler } from "@centrapay-effect/lambda-adapter"
 *
 * const Health = Endpoint.make("GET /health", {})
 * const app = Router.toHandler(
 *   Router.empty.pipe(Router.add(Health, () => Effect.succeed(ServerResponse.json({ ok: true }))))
 * )
 *
 * // any HTTP event source, detected per event (anything else is rejected):
 * export const handler = LambdaHandler.make(app, Layer.empty)
 * // or typed for one source:
 * export const httpApi = LambdaHandler.make(app, Layer.empty, { source: "api-gateway-v2" })
 * ```
 */
export function make<R, LE, const S extends LambdaEvent.Source>(
  program: Program<R>,
  layer: Layer.Layer<R, LE>,
  options: Options & { readonly source: S }
): LambdaHandler<LambdaEvent.EventOf<S>, LambdaEvent.ResultOf<S>>
export function make<R, LE>(
  program: Program<R>,
  layer: Layer.Layer<R, LE>,
  options?: Options
): LambdaHandler<unknown, LambdaEvent.ResultOf<LambdaEvent.Source>>
export function make<R, LE>(
  program: Program<R>,
  layer: Layer.Layer<R, LE>,
  options?: Options
): LambdaHandler<unknown, Translate.AnyResult> {
  // Logs are core's default: one JSON line per event (what CloudWatch Logs Insights reads).
  const runtime = ServerRuntime.make<R, LE, Services>(program, layer, {
    maxBodyBytes: options?.maxBodyBytes,
    errorFormat: options?.errorFormat
  })
  const source = options?.source
  const margin = Duration.toMillis(Duration.fromInputUnsafe(options?.timeoutMargin ?? defaultTimeoutMargin))

  const answer = (http: LambdaEvent.HttpEvent, context: InvocationContext): Promise<Translate.AnyResult> => {
    let requestId = "unknown"
    try {
      requestId = requestIdOf(http, context)
      const request = Translate.toRequest(http, requestId)
      const services = Context.makeUnsafe<Services>(
        new Map<string, unknown>([
          [LambdaEvent.LambdaEvent.key, http],
          [LambdaContext.LambdaContext.key, context],
          [Authorizer.Authorizer.key, Authorizer.fromEvent(http)]
        ])
      )
      const responseLimits = Translate.responseLimitsOf(http)
      const remaining = LambdaContext.remainingMillis(context)
      const response = runtime.respond(
        request,
        services,
        remaining === undefined ? { responseLimits } : { deadline: Math.max(0, remaining - margin), responseLimits }
      )
      return response instanceof Promise
        ? response.then((answered) => resultOf(http, answered, requestId))
        : Promise.resolve(resultOf(http, response, requestId))
    } catch (error) {
      return Promise.resolve(failed(http, requestId, error))
    }
  }

  // Something threw outside the program (reading the event or the context, translating the
  // response): core's generic 500, logged, in the source's shape.
  const failed = (http: LambdaEvent.HttpEvent, requestId: string, error: unknown): Translate.AnyResult =>
    Translate.lastResort(http, requestId, runtime.lastResort(requestId, error))

  const resultOf = (
    http: LambdaEvent.HttpEvent,
    response: ServerResponse.ServerResponse,
    requestId: string
  ): Translate.AnyResult => {
    try {
      return Translate.toResult(http, response)
    } catch (error) {
      return failed(http, requestId, error)
    }
  }

  const handler = (event: unknown, context: InvocationContext): Promise<Translate.AnyResult> => {
    const classified = LambdaEvent.classify(event, source)
    return Result.isSuccess(classified) ? answer(classified.success, context) : Promise.reject(classified.failure)
  }
  return Object.assign(handler, { dispose: runtime.dispose })
}

// The Lambda request id names the invocation in Lambda's own log lines; the
// event's request id and a fresh one stand in for a hand-made context. Only
// an id core deems safe to echo back is taken.
const requestIdOf = (http: LambdaEvent.HttpEvent, context: InvocationContext): string =>
  ServerRequest.safeRequestId(field(context, "awsRequestId")) ??
  ServerRequest.safeRequestId(field(http.event.requestContext, "requestId")) ??
  globalThis.crypto.randomUUID()
