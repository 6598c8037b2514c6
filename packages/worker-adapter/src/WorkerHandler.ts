/**
 * Serves an Effect program from Cloudflare Workers: `make` turns a program
 * (request → response effect, failing with core's typed errors) and its
 * layer into a module handler, `export default { fetch }`.
 *
 * - The layer is built once per isolate, on the first request, and reused;
 *   a layer that fails to build — a layer function that throws included —
 *   or is not built before the request's `deadline` is not kept (that
 *   request gets a clean 503, a later one builds again).
 * - `env`, `ctx` and `request.cf` are services (`WorkerContext`); the layer
 *   may also be a function of `env`, and `Config` reads `env`'s variables.
 * - Requests pass core's checks in core's order (`RequestChecks`): a body
 *   over `maxBodyBytes` is a 400 before the layer or the program runs — by
 *   its `Content-Length`, or while streaming, so it is never read whole — as
 *   is a query over core's caps.
 * - Every outcome is a contract response, never the platform's error page:
 *   a body over the cap or unreadable → 400; typed failures → their
 *   documented encoding; defects, and responses outside the contract (core's
 *   `ResponseChecks`) → generic 500 with the correlation id (`cf-ray`, else
 *   generated) in body and `x-request-id`, the cause logged through Effect's
 *   logger; anything thrown on the way → the same 500, logged.
 *
 * @module
 */

import * as ErrorFormat from "@centrapay-effect/core/ErrorFormat"
import * as RequestChecks from "@centrapay-effect/core/RequestChecks"
import type * as ServerRequest from "@centrapay-effect/core/ServerRequest"
import * as ServerResponse from "@centrapay-effect/core/ServerResponse"
import * as ServerRuntime from "@centrapay-effect/core/ServerRuntime"
import type { ExecutionContext, IncomingRequestCfProperties } from "@cloudflare/workers-types"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Subrequests from "./Subrequests.ts"
import * as WorkerContext from "./WorkerContext.ts"
import * as WorkerRequest from "./WorkerRequest.ts"
import * as WorkerResponse from "./WorkerResponse.ts"

/**
 * A Workers module handler: `export default` it. `Request` and `Response`
 * are the runtime's own (the Workers types in a Worker project).
 *
 * @category models
 */
export interface WorkerHandler<Env> {
  readonly fetch: (
    request: Request & { readonly cf?: IncomingRequestCfProperties | undefined },
    env: Env,
    ctx: ExecutionContext
  ) => Promise<Response>
}

/**
 * The services every request gets from the adapter, besides core's
 * `CurrentRequest` and `ResponseHeaders`.
 *
 * @category models
 */
export type Services = WorkerContext.Env | WorkerContext.ExecutionContext | WorkerContext.Cf

/**
 * How the handler reads requests and bounds the program: core's limits
 * (`maxBodyBytes`, default 1 MiB), the format of error responses
 * (`errorFormat`: core's, default `"centrapay"`; `"problem+json"` or
 * `"negotiate"` for RFC 9457) and a deadline.
 *
 * @category models
 */
export interface Options extends RequestChecks.Options, ErrorFormat.Options {
  /**
   * Time a request may take — waiting for the layer's build included —
   * before it is answered with 503 + `Retry-After` (the program interrupted).
   * Without one, a layer that never finishes building holds requests for as
   * long as the platform lets them wait. @default none
   */
  readonly deadline?: Duration.Input | undefined
}

/**
 * Turns a program and its layer into a Workers module handler.
 *
 * `layer` is a `Layer`, or a function of the Worker's `env` returning one
 * (called when the layer is built, with the first request's `env`; a throw
 * is a failed build: 503, and a later request builds again). While it
 * builds, `Config` reads `env`'s string variables and secrets; so does the
 * program.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Credentials, Endpoint, Router, ServerResponse } from "@centrapay-effect/core"
 * import { WorkerClient, WorkerHandler } from "@centrapay-effect/worker-adapter"
 *
 * const Health = Endpoint.make("GET /health", {})
 * const app = Router.toHandler(
 *   Router.empty.pipe(Router.add(Health, () => Effect.succeed(ServerResponse.json({ ok: true }))))
 * )
 *
 * interface Env { readonly CENTRAPAY_API_KEY: string }
 * // A layer, or a function of env returning one:
 * export default WorkerHandler.make(app, (env: Env) =>
 *   WorkerClient.layer({ baseUrl: "https://service.centrapay.com", credentials: Credentials.apiKey(env.CENTRAPAY_API_KEY) })
 * )
 * ```
 */
export const make = <Env extends object, R, LE = never>(
  program: Effect.Effect<
    ServerResponse.ServerResponse,
    ServerResponse.ProgramError,
    R | Services | ServerRequest.CurrentRequest | ServerResponse.ResponseHeaders
  >,
  layer: Layer.Layer<R, LE> | ((env: Env) => Layer.Layer<R, LE>),
  options?: Options
): WorkerHandler<Env> => {
  const limits = RequestChecks.limits(options)
  const deadline = options?.deadline === undefined ? undefined : { deadline: options.deadline }
  let runtime: ServerRuntime.ServerRuntime<Services> | undefined

  const runtimeFor = (env: Env): ServerRuntime.ServerRuntime<Services> => {
    if (runtime === undefined) {
      // Evaluated at each build, so a layer function that throws fails that build (a 503), not the request.
      const services = Layer.suspend(() =>
        Layer.provideMerge(
          typeof layer === "function" ? layer(env) : layer,
          ConfigProvider.layer(ConfigProvider.fromUnknown(env))
        )
      )
      runtime = ServerRuntime.make<R, LE, Services>(program, services, { ...limits, errorFormat: options?.errorFormat })
    }
    return runtime
  }

  // Something threw outside the program (reading the request, building the
  // platform's response): core's generic 500, logged.
  const lastResort = (env: Env, requestId: string, error: unknown): Response => {
    try {
      return WorkerResponse.fromServerResponse(runtimeFor(env).lastResort(requestId, error))
    } catch {
      return WorkerResponse.lastResort(requestId)
    }
  }

  return {
    // One async step per request: the platform's body read is the only await
    // unless the program itself suspends.
    fetch: async (request, env, ctx) => {
      let requestId = "unknown"
      try {
        const headers = WorkerRequest.headersOf(request)
        requestId = WorkerRequest.requestIdOf(headers)
        const read = WorkerRequest.readBody(request, headers, limits.maxBodyBytes)
        const body = read instanceof Promise ? await read : read
        if (Result.isFailure(body))
          return WorkerResponse.fromServerResponse(
            ServerResponse.fromError(body.failure, requestId, ErrorFormat.choose(options?.errorFormat, headers.accept))
          )
        const services = new Map<string, unknown>()
        services.set(WorkerContext.Env.key, env)
        services.set(WorkerContext.ExecutionContext.key, ctx)
        services.set(WorkerContext.Cf.key, request.cf)
        services.set(Subrequests.CurrentBudget.key, Subrequests.makeBudget())
        const response = runtimeFor(env).respond(
          WorkerRequest.withBody(request, headers, requestId, body.success),
          Context.makeUnsafe<Services>(services),
          deadline
        )
        // A program that finishes without waiting is answered without another promise.
        return WorkerResponse.fromServerResponse(response instanceof Promise ? await response : response)
      } catch (error) {
        return lastResort(env, requestId, error)
      }
    }
  }
}
