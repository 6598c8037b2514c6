/**
 * The client's rate limit shared through Redis by every Lambda container
 * (or any Node process) of a fleet: one layer that connects to Redis with
 * `@effect/platform-node`'s `NodeRedis` (node-redis) and provides core's
 * `RateLimiter.layerStoreRedis` (Effect's own Redis store) on it. Provide it
 * to the client's layer; every client that names the same `rateLimit.account`
 * then shares one budget.
 *
 * Import it by its own path (`@centrapay-effect/lambda-adapter/RedisRateLimiter`):
 * it needs the optional peer dependencies `@effect/platform-node` and `redis`,
 * which the rest of the adapter does not load.
 *
 * @module
 */
import * as RateLimiter from "@centrapay-effect/core/RateLimiter"
import * as NodeRedis from "@effect/platform-node/NodeRedis"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redis from "effect/persistence/Redis"

/**
 * Where Redis is, and how long to try to connect.
 *
 * @category models
 */
export interface Options {
  /** e.g. `redis://cache.internal:6379` or `rediss://…` */
  readonly url: string
  /** Prefix of the keys this store writes. @default RateLimiter.redisPrefix */
  readonly prefix?: string | undefined
  /** Time allowed to connect when the layer is built. @default 1 second */
  readonly connectTimeout?: Duration.Input | undefined
}

/**
 * The shared store on Redis. Commands fail at once while the connection is
 * down (no offline queue), so the clients' `rateLimit.onStoreFailure` applies
 * (their own limiter with a warning, by default) until node-redis has
 * reconnected. A Redis that cannot be reached when the layer is built is
 * logged, and the store then fails every call the same way: a cold start
 * never fails because of Redis.
 *
 * @category layers
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { Credentials } from "@centrapay-effect/core"
 * import { LambdaClient } from "@centrapay-effect/lambda-adapter"
 * import * as RedisRateLimiter from "@centrapay-effect/lambda-adapter/RedisRateLimiter"
 *
 * const CentrapayLive = LambdaClient.layer({
 *   baseUrl: "https://service.centrapay.com",
 *   credentials: Credentials.apiKey(process.env.CENTRAPAY_API_KEY ?? ""),
 *   rateLimit: { account: "acc_1" }
 * }).pipe(Layer.provide(RedisRateLimiter.layer({ url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" })))
 * ```
 */
export const layer = (options: Options): Layer.Layer<RateLimiter.Store> =>
  RateLimiter.layerStoreRedis({ prefix: options.prefix }).pipe(
    Layer.provide(
      NodeRedis.layer({
        url: options.url,
        disableOfflineQueue: true,
        socket: { connectTimeout: Duration.toMillis(Duration.fromInputUnsafe(options.connectTimeout ?? "1 second")) }
      })
    ),
    Layer.catchCause((cause) =>
      Layer.effect(
        RateLimiter.Store,
        Effect.as(
          // The URL is never logged: it may carry a password.
          Effect.logWarning(`Redis for the shared rate limiter could not be reached at start-up (${reasonOf(cause)})`),
          RateLimiter.Store.of(RateLimiter.unavailableStore("Redis could not be reached at start-up"))
        )
      )
    )
  )

/** What stopped the connection, without the URL. */
const reasonOf = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  const inner = error instanceof Redis.RedisError ? error.cause : error
  return inner instanceof Error ? inner.message : "unknown error"
}
