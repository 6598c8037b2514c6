/**
 * Routing requests to handlers by endpoint contract. A route is an endpoint
 * (method + path template, with its schemas) and a handler that may fail
 * only with the errors that endpoint documents. The router decodes what the
 * endpoint declares (path parameters, query, JSON payload) before the
 * handler runs, and encodes the handler's success with the endpoint's
 * `success` schema. An unknown path, or a known path with the wrong method,
 * is the contract's 404; a part that fails its schema is a 400 naming it.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Pipeable from "effect/Pipeable"
import * as Result from "effect/Result"
import * as ApiError from "./ApiError.ts"
import type * as Endpoint from "./Endpoint.ts"
import * as EndpointMatcher from "./EndpointMatcher.ts"
import * as RequestDecoding from "./RequestDecoding.ts"
import { CurrentRequest, type ServerRequest } from "./ServerRequest.ts"
import * as ServerResponse from "./ServerResponse.ts"
import { bodyText } from "./WireResponse.ts"

/**
 * A set of routes, each an endpoint with a handler that may fail with
 * `E` and needs `R`. Build one from `empty` with `add`, then serve it with
 * `toHandler`.
 *
 * @category models
 */
export class Router<out E, out R> extends Pipeable.Class {
  /** Each endpoint's route: the percent-decoded path parameters and the request in, the response out. */
  readonly handlers: ReadonlyMap<Endpoint.Endpoint<string>, Handler<E, R>>
  constructor(handlers: ReadonlyMap<Endpoint.Endpoint<string>, Handler<E, R>>) {
    super()
    this.handlers = handlers
  }
}

/**
 * A route as served: decodes the request's parts, runs the handler and
 * encodes its success.
 *
 * @category models
 */
export type Handler<E, R> = (
  params: Readonly<Record<string, string>>,
  request: ServerRequest
) => Effect.Effect<ServerResponse.ServerResponse, E, R>

/**
 * What a handler receives: the endpoint's path parameters, query and
 * payload, decoded with its schemas (the template's strings, the parsed
 * query and `undefined` where it declares none).
 *
 * @category models
 */
export interface Input<P, Q, I> {
  readonly path: P
  readonly query: Q
  readonly payload: I
}

/**
 * What the handler of endpoint `E` receives, for handlers written apart from
 * their `Router.add`: `(input: Router.InputOf<typeof GetMerchantConfig>) => …`.
 *
 * @category models
 */
export type InputOf<E> =
  E extends Endpoint.Endpoint<string, string, infer P, infer Q, infer I, unknown> ? Input<P, Q, I> : never

/**
 * A router with no routes: every request is a 404.
 *
 * @category constructors
 */
export const empty: Router<never, never> = new Router(new Map())

/**
 * Adds a route. The handler receives the decoded `{ path, query, payload }`
 * and returns the endpoint's success (encoded with its `success` schema, a
 * 200 JSON body; 204 when it encodes to nothing), or, when the endpoint
 * declares no `success` schema, the `ServerResponse` it builds. It may fail
 * only with errors the endpoint documents (`Endpoint.HandlerError`); a part
 * that fails its schema is a 400 naming it before the handler runs, and a
 * success its own schema rejects is a defect (a logged 500). Adding an
 * endpoint twice replaces the earlier handler.
 *
 * Write a generator handler as `Effect.fnUntraced(function* (input) { … })`,
 * one generator function for all requests, rather than
 * `() => Effect.gen(function* () { … })`, which makes a new generator
 * function per request: V8's first call of each one costs several µs (about
 * 8 µs of a request in Node in the repository's benchmark, more in
 * workerd).
 *
 * @category combinators
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Endpoint, ObjectId, Router, ServerResponse } from "@centrapay-effect/core"
 * const Health = Endpoint.make("GET /health", {})
 * const Echo = Endpoint.make("POST /echo", {}, {
 *   payload: Schema.Struct({ text: Schema.String }),
 *   success: Schema.Struct({ text: Schema.String })
 * })
 * const GetMerchantConfig = Endpoint.make("GET /api/merchant-configs/{merchantConfigId}", {}, {
 *   path: Schema.Struct({ merchantConfigId: ObjectId.MerchantConfigId }),
 *   success: Schema.Struct({ id: ObjectId.MerchantConfigId })
 * })
 * const router = Router.empty.pipe(
 *   Router.add(Health, () => Effect.succeed(ServerResponse.json({ ok: true }))),
 *   Router.add(Echo, ({ payload }) => Effect.succeed({ text: payload.text })),
 *   Router.add(GetMerchantConfig, ({ path }) => Effect.succeed({ id: path.merchantConfigId }))
 * )
 * ```
 */
export const add =
  <M extends string, C extends string, P, Q, I, A, E2 extends Endpoint.HandlerError<Endpoint.Endpoint<M>>, R2>(
    endpoint: Endpoint.Endpoint<M, C, P, Q, I, A>,
    handler: (input: Input<NoInfer<P>, NoInfer<Q>, NoInfer<I>>) => Effect.Effect<NoInfer<A>, E2, R2>
  ) =>
  <E, R>(self: Router<E, R>): Router<E | E2 | ApiError.MalformedRequest, R | R2> => {
    const handlers = new Map<Endpoint.Endpoint<string>, Handler<E | E2 | ApiError.MalformedRequest, R | R2>>(
      self.handlers
    )
    handlers.set(endpoint, route(endpoint, handler))
    return new Router(handlers)
  }

/** A success encoded by its endpoint's schema: 200 JSON, or 204 when it encodes to nothing. */
const json = (encoded: unknown): ServerResponse.ServerResponse =>
  encoded === undefined ? ServerResponse.empty() : ServerResponse.json(encoded)

/** The route of an endpoint: decode each declared part (400 naming it), run the handler, encode its success. */
const route = <M extends string, C extends string, P, Q, I, A, E, R>(
  endpoint: Endpoint.Endpoint<M, C, P, Q, I, A>,
  handler: (input: Input<P, Q, I>) => Effect.Effect<A, E, R>
): Handler<E | ApiError.MalformedRequest, R> => {
  const { codec, schemas } = endpoint
  const readsPayload = schemas.payload !== undefined
  return (params, request) => {
    const path = codec.decodePath(params)
    if (Result.isFailure(path)) return Effect.fail(RequestDecoding.fromSchemaError(path.failure, "path"))
    const query = codec.decodeQuery(request.query)
    if (Result.isFailure(query)) return Effect.fail(RequestDecoding.fromSchemaError(query.failure, "query"))
    let payloadJson: unknown
    if (readsPayload) {
      const parsed = RequestDecoding.parseJsonBody(bodyText(request.body), request.headers["content-type"])
      if (Result.isFailure(parsed)) return Effect.fail(parsed.failure)
      payloadJson = parsed.success
    }
    const payload = codec.decodePayload(payloadJson)
    if (Result.isFailure(payload)) return Effect.fail(RequestDecoding.fromSchemaError(payload.failure, "body"))
    return codec.respond(handler({ path: path.success, query: query.success, payload: payload.success }), json)
  }
}

// Built on the first unmatched request, not at import: a cold start need not compile the error's constructor.
let notFound: ApiError.RouteNotFound | undefined
const notFoundError = (): ApiError.RouteNotFound => (notFound ??= new ApiError.RouteNotFound({ message: "Not Found" }))

const decodeSegment = (raw: string): string | undefined => {
  try {
    return decodeURIComponent(raw)
  } catch {
    return undefined
  }
}

/**
 * Serves the routes: matches the current request's method and path (a
 * segment trie, not a scan of every route), percent-decodes the path
 * parameters and runs the route. An unknown path or a wrong method is the
 * contract's 404.
 *
 * @category converting
 */
export const toHandler = <E, R>(
  router: Router<E, R>
): Effect.Effect<
  ServerResponse.ServerResponse,
  E | ApiError.RouteNotFound | ApiError.MalformedRequest,
  R | CurrentRequest
> => {
  const matcher = EndpointMatcher.make(router.handlers.keys())
  return CurrentRequest.use(
    (
      request
    ): Effect.Effect<ServerResponse.ServerResponse, E | ApiError.RouteNotFound | ApiError.MalformedRequest, R> => {
      const found = EndpointMatcher.match(matcher, request.method, request.path)
      const handle = found === undefined ? undefined : router.handlers.get(found.endpoint)
      if (found === undefined || handle === undefined) return Effect.fail(notFoundError())
      const params: Record<string, string> = {}
      for (const [name, raw] of Object.entries(found.params)) {
        const value = decodeSegment(raw)
        if (value === undefined) {
          return Effect.fail(
            new ApiError.MalformedRequest({
              message: `path.${name}: Invalid percent-encoding`,
              problem: "schema-mismatch",
              issues: [{ path: ["path", name], message: "Invalid percent-encoding" }]
            })
          )
        }
        params[name] = value
      }
      return handle(params, request)
    }
  )
}
