/**
 * Routing requests to handlers by endpoint contract. A route is an endpoint
 * (method + path template) and a handler that may fail only with the
 * errors that endpoint documents. An unknown path, or a known path with the
 * wrong method, is the contract's 404; a path parameter that fails its schema
 * is a 400 naming it.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Pipeable from "effect/Pipeable"
import type * as Schema from "effect/Schema"
import * as ApiError from "./ApiError.ts"
import type * as Endpoint from "./Endpoint.ts"
import * as EndpointMatcher from "./EndpointMatcher.ts"
import * as RequestDecoding from "./RequestDecoding.ts"
import { CurrentRequest } from "./ServerRequest.ts"
import type { ServerResponse } from "./ServerResponse.ts"

/**
 * A set of routes, each an endpoint with a handler that may fail with
 * `E` and needs `R`. Build one from `empty` with `add` / `addWithParams`,
 * then serve it with `toHandler`.
 *
 * @category models
 */
export class Router<out E, out R> extends Pipeable.Class {
  /** Handlers by endpoint; path parameters arrive percent-decoded. */
  readonly handlers: ReadonlyMap<Endpoint.Endpoint<string>, Handler<E, R>>
  constructor(handlers: ReadonlyMap<Endpoint.Endpoint<string>, Handler<E, R>>) {
    super()
    this.handlers = handlers
  }
}

/**
 * A route's handler: path parameters in, response out.
 *
 * @category models
 */
export type Handler<E, R> = (params: Readonly<Record<string, string>>) => Effect.Effect<ServerResponse, E, R>

/**
 * A router with no routes: every request is a 404.
 *
 * @category constructors
 */
export const empty: Router<never, never> = new Router(new Map())

/**
 * Adds a route whose handler receives the raw path parameters. The handler
 * may fail only with errors the endpoint documents (`Endpoint.HandlerError`).
 * Adding an endpoint twice replaces the earlier handler.
 *
 * The handler is called for every request. Write a generator handler as
 * `Effect.fnUntraced(function* (params) { … })`, one generator function for
 * all requests, rather than `() => Effect.gen(function* () { … })`, which
 * makes a new generator function per request: V8's first call of each one
 * costs several µs (about 10 µs of a request in the worker-adapter
 * benchmark, in Node and in workerd).
 *
 * @category combinators
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Endpoint, Router, ServerRequest, ServerResponse } from "@centrapay-effect/core"
 * const Health = Endpoint.make("GET /health", {})
 * const Echo = Endpoint.make("POST /echo", {})
 * const router = Router.empty.pipe(
 *   Router.add(Health, () => Effect.succeed(ServerResponse.json({ ok: true }))),
 *   Router.add(Echo, Effect.fnUntraced(function* () {
 *     const body = yield* ServerRequest.jsonBody(Schema.Struct({ text: Schema.String }))
 *     return ServerResponse.json(body)
 *   }))
 * )
 * ```
 */
export const add =
  <M extends string, E2 extends Endpoint.HandlerError<Endpoint.Endpoint<M>>, R2>(
    endpoint: Endpoint.Endpoint<M>,
    handler: (params: Readonly<Record<string, string>>) => Effect.Effect<ServerResponse, E2, R2>
  ) =>
  <E, R>(self: Router<E, R>): Router<E | E2, R | R2> => {
    const handlers = new Map<Endpoint.Endpoint<string>, Handler<E | E2, R | R2>>(self.handlers)
    handlers.set(endpoint, handler)
    return new Router(handlers)
  }

/**
 * Adds a route whose path parameters are decoded with a schema first (e.g.
 * an `ObjectId`); a failure is a 400 naming the parameter.
 *
 * @category combinators
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Endpoint, ObjectId, Router, ServerResponse } from "@centrapay-effect/core"
 * const GetMerchantConfig = Endpoint.make("GET /api/merchant-configs/{merchantConfigId}", {})
 * const router = Router.empty.pipe(
 *   Router.addWithParams(GetMerchantConfig, Schema.Struct({ merchantConfigId: ObjectId.MerchantConfigId }), ({ merchantConfigId }) =>
 *     Effect.succeed(ServerResponse.json({ id: merchantConfigId })))
 * )
 * ```
 */
export const addWithParams = <M extends string, P, E2 extends Endpoint.HandlerError<Endpoint.Endpoint<M>>, R2>(
  endpoint: Endpoint.Endpoint<M>,
  params: Schema.Codec<P, Readonly<Record<string, string>>>,
  handler: (params: P) => Effect.Effect<ServerResponse, E2, R2>
) => {
  const decode = RequestDecoding.decode(params, "path")
  return add<M, E2 | ApiError.MalformedRequest, R2>(endpoint, (raw) => Effect.flatMap(decode(raw), handler))
}

const notFound = new ApiError.RouteNotFound({ message: "Not Found" })

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
): Effect.Effect<ServerResponse, E | ApiError.RouteNotFound | ApiError.MalformedRequest, R | CurrentRequest> => {
  const matcher = EndpointMatcher.make(router.handlers.keys())
  return CurrentRequest.use(
    (request): Effect.Effect<ServerResponse, E | ApiError.RouteNotFound | ApiError.MalformedRequest, R> => {
      const found = EndpointMatcher.match(matcher, request.method, request.path)
      const handle = found === undefined ? undefined : router.handlers.get(found.endpoint)
      if (found === undefined || handle === undefined) return Effect.fail(notFound)
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
      return handle(params)
    }
  )
}
