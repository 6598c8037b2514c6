/**
 * A client-side limiter for the contract's rate limit (200 requests per
 * minute per calling account). Every attempt of every call made through one
 * client reserves a slot first, so a busy app queues its requests instead of
 * collecting 429s. Built on Effect's `RateLimiter` (fixed window, "delay"
 * mode) with an in-memory store; time comes from Effect's `Clock`.
 *
 * @module
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as EffectRateLimiter from "effect/persistence/RateLimiter"

/**
 * How many requests per window.
 *
 * @category models
 */
export interface Options {
  /** Requests allowed per window. @default 200 */
  readonly limit?: number
  /** The window. @default 1 minute */
  readonly window?: Duration.Input
}

/**
 * The documented general limit: 200 requests per minute.
 *
 * @category constructors
 */
export const defaults: Required<Options> = { limit: 200, window: Duration.minutes(1) }

/**
 * A limiter shared by the fibers that hold it.
 *
 * @category models
 */
export interface RateLimiter {
  /**
   * Reserves a slot for one request and answers how long to wait before
   * sending it (zero while the window has room). The slot is taken even if
   * the caller then gives up waiting.
   */
  readonly reserve: Effect.Effect<Duration.Duration>
}

/**
 * A limiter with its own in-memory store: at most `limit` requests start in
 * any window of `window`, counted in consecutive windows from the first
 * request.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { RateLimiter } from "@centrapay-effect/core"
 *
 * const program = Effect.gen(function*() {
 *   const limiter = yield* RateLimiter.make({ limit: 2, window: "1 minute" })
 *   yield* limiter.reserve // 0 millis
 *   yield* limiter.reserve // 0 millis
 *   return yield* limiter.reserve // 1 minute
 * })
 * ```
 */
export const make = (options: Options = {}): Effect.Effect<RateLimiter> =>
  Effect.map(
    EffectRateLimiter.make.pipe(Effect.provide(Layer.fresh(EffectRateLimiter.layerStoreMemory))),
    (limiter) => {
      const consume = limiter.consume({
        key: "requests",
        limit: options.limit ?? defaults.limit,
        window: options.window ?? defaults.window,
        algorithm: "fixed-window",
        onExceeded: "delay"
      })
      return {
        // The in-memory store cannot fail; were it to, the request goes
        // unthrottled (the server's 429 is still handled) rather than failing.
        reserve: consume.pipe(
          Effect.map((result) => result.delay),
          Effect.catchTag("RateLimiterError", () => Effect.succeed(Duration.zero))
        )
      }
    }
  )
