/**
 * What the Workers platform hands each request, as services: the `env`
 * bindings, the `ExecutionContext` (`ctx`) and `request.cf`; and
 * `waitUntil`, which runs an effect after the response has been sent
 * (logs, metrics) without delaying it.
 *
 * `WorkerHandler.make` provides all three services to every request.
 *
 * @module
 */

import { CurrentRequest } from "@centrapay-effect/core/ServerRequest"
import type {
  IncomingRequestCfProperties,
  ExecutionContext as PlatformExecutionContext
} from "@cloudflare/workers-types"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

/**
 * The Worker's `env`: its bindings (KV, D1, service bindings…), variables
 * and secrets, exactly as the platform passed them. For typed access, build
 * your services from `env` in the layer (`WorkerHandler.make` accepts
 * `(env: Env) => Layer`), or read string variables with `Config`.
 *
 * @category services
 */
export class Env extends Context.Service<Env, object>()("@centrapay-effect/worker-adapter/WorkerContext/Env") {}

/**
 * The request's `ExecutionContext` (`ctx`): `waitUntil`,
 * `passThroughOnException`, `props`.
 *
 * @category services
 */
export class ExecutionContext extends Context.Service<ExecutionContext, PlatformExecutionContext>()(
  "@centrapay-effect/worker-adapter/WorkerContext/ExecutionContext"
) {}

/**
 * The request's `cf` properties (colo, country, TLS, bot management…);
 * `undefined` where the platform sets none (some local runtimes, tests).
 *
 * @category services
 */
export class Cf extends Context.Service<Cf, IncomingRequestCfProperties | undefined>()(
  "@centrapay-effect/worker-adapter/WorkerContext/Cf"
) {}

/**
 * Runs an effect after the response, through `ctx.waitUntil`: the response
 * is not delayed, and the Worker stays alive until the effect ends. The
 * effect keeps the request's services (and logger). A failure or defect is
 * logged with the request's correlation id; it never reaches the platform.
 *
 * @category background work
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ServerResponse } from "@centrapay-effect/core"
 * import { WorkerContext } from "@centrapay-effect/worker-adapter"
 *
 * const handler = Effect.gen(function* () {
 *   yield* WorkerContext.waitUntil(Effect.logInfo("metrics flushed"))
 *   return ServerResponse.json({ ok: true })
 * })
 * ```
 */
export const waitUntil = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<void, never, R | ExecutionContext | CurrentRequest> =>
  Effect.gen(function* () {
    const ctx = yield* ExecutionContext
    const request = yield* CurrentRequest
    const logged = effect.pipe(
      Effect.asVoid,
      Effect.catchCause((cause) =>
        Effect.logError("background work failed").pipe(
          Effect.annotateLogs({ requestId: request.requestId, cause: Cause.pretty(cause) })
        )
      )
    )
    const fiber = yield* Effect.forkDetach(logged)
    ctx.waitUntil(new Promise<void>((resolve) => fiber.addObserver(() => resolve())))
  })
