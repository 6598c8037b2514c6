/**
 * The client's limiter for the contract's rate limit: 200 requests per
 * minute, counted against the account making the call (acting for another
 * account with `X-Centrapay-Account` still counts against the caller). Every
 * attempt takes a slot first, so a busy app queues its requests instead of
 * collecting 429s.
 *
 * Built on Effect's `effect/persistence/RateLimiter`: a fixed window ("delay"
 * mode) and its adaptive state, kept in a `RateLimiterStore`. The store is
 * chosen by a layer: none in the context means one in-memory store per client
 * (today's behaviour); `layerStoreRedis` (any Node host, with a `Redis`
 * service such as `@effect/platform-node`'s `NodeRedis`) or the worker
 * adapter's Durable Object store share one budget per account key across
 * every process that uses it.
 *
 * - **Adaptive on 429.** A 429 with `Retry-After` is reported to the store
 *   (Effect's adaptive feedback): every client sharing the store pauses until
 *   then, and the store then learns the limit the server enforces from how
 *   many requests it accepts before the next 429.
 * - **A store that is down or slow.** Each store call has its own timeout
 *   (`storeTimeout`). Past it, or on a store error, the client either falls
 *   back to its own in-memory limiter with a logged warning (`"local"`, the
 *   default) or fails (`"fail"`): `take` with `RateLimiterUnavailable`, which
 *   the client turns into a never-retried `TransportFailure`
 *   (`rate-limiter-unavailable`; a server answers it 502 like any upstream
 *   failure). A wait never runs past the call's deadline.
 * - A slot taken for a call that then gives up (its deadline would pass) is
 *   not given back: the budget errs on the side of sending less.
 *
 * @module
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as EffectRateLimiter from "effect/persistence/RateLimiter"
import type * as Redis from "effect/persistence/Redis"
import * as Schema from "effect/Schema"

/**
 * The limit, whose budget it is, and what to do when the shared store fails.
 *
 * @category models
 */
export interface Options {
  /** Requests allowed per window. @default 200 */
  readonly limit?: number | undefined
  /** The window. @default 1 minute */
  readonly window?: Duration.Input | undefined
  /**
   * Headroom: each window is counted this fraction longer than `window`
   * (0.05: 63 s for a minute), so the requests released at a window's start
   * reach the server after the previous window's requests have left any
   * window of its own, despite latency and skew between processes. `0`
   * follows `window` exactly. @default 0.05
   */
  readonly margin?: number | undefined
  /**
   * The account whose budget this is: the caller's own account (its API key's
   * account, or the user's), never the account acted for with
   * `X-Centrapay-Account`. Clients sharing a store and an `account` share one
   * budget. @default "default"
   */
  readonly account?: string | undefined
  /** Time allowed for one call to the store. @default 250 millis */
  readonly storeTimeout?: Duration.Input | undefined
  /**
   * When the store fails or times out: `"local"` takes the slot from the
   * client's own in-memory limiter and logs a warning; `"fail"` fails the
   * call (a `TransportFailure`, `rate-limiter-unavailable`). @default "local"
   */
  readonly onStoreFailure?: "local" | "fail" | undefined
}

/**
 * The documented general limit (200 requests per minute) and the defaults of
 * the other options.
 *
 * @category constants
 */
export const defaults: {
  readonly limit: number
  readonly window: Duration.Duration
  readonly margin: number
  readonly account: string
  readonly storeTimeout: Duration.Duration
  readonly onStoreFailure: "local" | "fail"
} = {
  limit: 200,
  window: Duration.minutes(1),
  margin: 0.05,
  account: "default",
  storeTimeout: Duration.millis(250),
  onStoreFailure: "local"
}

/**
 * The shared store could not be reached in time (or failed) and the limiter
 * was configured with `onStoreFailure: "fail"`: nothing was sent. The
 * client reports it as a `TransportFailure` (`rate-limiter-unavailable`).
 *
 * @category errors
 */
export class RateLimiterUnavailable extends Schema.TaggedError<RateLimiterUnavailable>()("RateLimiterUnavailable", {
  account: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `The shared rate limiter for account ${this.account} is unavailable (${this.detail}); nothing was sent`
  }
}

/**
 * A slot taken for one request, and how to report the server's answer to it.
 *
 * @category models
 */
export interface Permit {
  /** How long the request slept for its slot (store calls not counted). */
  readonly waited: Duration.Duration
  /**
   * Reports a 429 and its `Retry-After` to the store: every client sharing
   * it pauses until then, and the store learns the server's limit. Never
   * fails (a store error is logged).
   */
  readonly rateLimited: (retryAfter: Duration.Duration) => Effect.Effect<void>
}

/**
 * What taking a slot came to: a permit, or a wait that would end past the
 * call's deadline (nothing was sent).
 *
 * @category models
 */
export type Admission =
  | { readonly _tag: "Admitted"; readonly permit: Permit }
  | { readonly _tag: "PastDeadline"; readonly wait: Duration.Duration }

/**
 * A limiter shared by the fibers that hold it (and, through a shared store,
 * by every process using the same store and account).
 *
 * @category models
 */
export interface RateLimiter {
  /**
   * Takes a slot for one request, sleeping until it may be sent: the fixed
   * window first, then any fleet-wide pause after a 429. `deadline` is a
   * clock time in millis; a wait ending at or past it is `PastDeadline`.
   */
  readonly take: (deadline: number | undefined) => Effect.Effect<Admission, RateLimiterUnavailable>
  /** The options in force, defaults filled in; `window` with its margin. */
  readonly options: {
    readonly limit: number
    readonly window: Duration.Duration
    readonly account: string
  }
}

/**
 * The store the client's limiter uses when one is in the context: Effect's
 * `RateLimiterStore`. Provide one of the store layers to share the budget.
 *
 * @category services
 */
export const Store: typeof EffectRateLimiter.RateLimiterStore = EffectRateLimiter.RateLimiterStore

/**
 * The store service's identifier, as a layer's output type.
 *
 * @category services
 */
export type Store = EffectRateLimiter.RateLimiterStore

/**
 * One in-memory store for every client built with it in the context: the
 * budget is shared by the clients of one process (one Lambda container, one
 * Worker isolate), not across processes.
 *
 * @category layers
 */
export const layerStoreMemory: Layer.Layer<Store> = EffectRateLimiter.layerStoreMemory

/**
 * The key prefix of the Redis store.
 *
 * @category constants
 */
export const redisPrefix = "centrapay-effect:ratelimit:"

/**
 * A store in Redis, shared by every process that reaches the same Redis
 * (Lambda containers, ECS tasks, any Node host): Effect's own Redis store
 * (Lua scripts, atomic per key), over the `Redis` service in the context.
 * On Node, `NodeRedis.layer` from `@effect/platform-node` provides that
 * service; the Lambda adapter's `RedisRateLimiter.layer` wires both.
 *
 * @category layers
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { NodeRedis } from "@effect/platform-node"
 * import { Client, Credentials, RateLimiter } from "@centrapay-effect/core"
 *
 * const CentrapayLive = Client.layer({
 *   baseUrl: "https://service.centrapay.com",
 *   credentials: Credentials.apiKey(process.env.CENTRAPAY_API_KEY ?? ""),
 *   rateLimit: { account: "acc_1" }
 * }).pipe(Layer.provide(RateLimiter.layerStoreRedis().pipe(Layer.provide(NodeRedis.layer({ url: "redis://127.0.0.1:6379" })))))
 * ```
 */
export const layerStoreRedis = (options?: {
  readonly prefix?: string | undefined
}): Layer.Layer<Store, never, Redis.Redis> =>
  EffectRateLimiter.layerStoreRedis({ prefix: options?.prefix ?? redisPrefix })

/**
 * A store whose every call fails with `detail`: what a store layer provides
 * when its backend could not even be reached at start-up, so that the
 * clients' `onStoreFailure` choice applies from the first request.
 *
 * @category constructors
 */
export const unavailableStore = (detail: string): EffectRateLimiter.RateLimiterStore["Service"] => {
  const fail = Effect.fail(
    new EffectRateLimiter.RateLimiterError({ reason: new EffectRateLimiter.RateLimitStoreError({ message: detail }) })
  )
  return {
    fixedWindow: () => fail,
    tokenBucket: () => fail,
    adaptiveConsume: () => fail,
    adaptiveFeedback: () => fail
  }
}

/**
 * A limiter on the `Store` in the context, or on a fresh in-memory store
 * when there is none. At most `limit` requests start in any window of
 * `window` (lengthened by `margin`), counted in consecutive windows from the
 * first request. Options out of range (a `limit` that is not a whole number
 * above 0, a `window` or `storeTimeout` that is not a finite duration above
 * 0, a negative `margin`) are a defect naming the option: the layer building
 * the client fails before any call.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { RateLimiter } from "@centrapay-effect/core"
 *
 * const program = Effect.gen(function*() {
 *   const limiter = yield* RateLimiter.make({ limit: 2, window: "1 minute", margin: 0 })
 *   yield* limiter.take(undefined) // admitted at once
 *   yield* limiter.take(undefined) // admitted at once
 *   return yield* limiter.take(undefined) // admitted a minute later
 * })
 * ```
 */
export const make = (options: Options = {}): Effect.Effect<RateLimiter> =>
  Effect.gen(function* () {
    const limit = options.limit ?? defaults.limit
    const margin = options.margin ?? defaults.margin
    const windowMillis = Duration.toMillis(Duration.fromInputUnsafe(options.window ?? defaults.window))
    const storeTimeout = Duration.fromInputUnsafe(options.storeTimeout ?? defaults.storeTimeout)
    const mistake = [
      Number.isSafeInteger(limit) && limit > 0 ? undefined : `limit must be a whole number above 0, got ${limit}`,
      Number.isFinite(windowMillis) && windowMillis > 0 ? undefined : "window must be a finite duration above 0",
      Number.isFinite(margin) && margin >= 0 ? undefined : `margin must be a number from 0, got ${margin}`,
      Duration.isFinite(storeTimeout) && Duration.toMillis(storeTimeout) > 0
        ? undefined
        : "storeTimeout must be a finite duration above 0"
    ].find((message) => message !== undefined)
    // A configuration mistake: the layer building the client fails with it, before any call.
    if (mistake !== undefined) return yield* Effect.die(new Error(`RateLimiter: ${mistake}`))
    // Whole milliseconds: the stores count in them.
    const window = Duration.millis(Math.ceil(windowMillis * (1 + margin)))
    const account = options.account ?? defaults.account
    const onStoreFailure = options.onStoreFailure ?? defaults.onStoreFailure
    const local = yield* EffectRateLimiter.make.pipe(Effect.provide(Layer.fresh(EffectRateLimiter.layerStoreMemory)))
    const shared = yield* Effect.serviceOption(EffectRateLimiter.RateLimiterStore)
    const sharedLimiter = Option.isSome(shared)
      ? Option.some(
          yield* EffectRateLimiter.make.pipe(Effect.provideService(EffectRateLimiter.RateLimiterStore, shared.value))
        )
      : Option.none()
    let degraded = false

    /** One store operation on the shared store, bounded by `storeTimeout`; on failure the local store or a typed error. */
    const onStore = <A>(
      operation: (limiter: EffectRateLimiter.RateLimiter) => Effect.Effect<A, EffectRateLimiter.RateLimiterError>
    ): Effect.Effect<A, RateLimiterUnavailable> => {
      if (Option.isNone(sharedLimiter)) return Effect.orDie(operation(local))
      const fallBack = (detail: string): Effect.Effect<A, RateLimiterUnavailable> => {
        if (onStoreFailure === "fail") return Effect.fail(new RateLimiterUnavailable({ account, detail }))
        const warn = degraded
          ? Effect.void
          : Effect.logWarning(`Shared rate limiter unavailable (${detail}); using this client's own limiter`)
        degraded = true
        return Effect.andThen(warn, Effect.orDie(operation(local)))
      }
      return operation(sharedLimiter.value).pipe(
        Effect.timeoutOrElse({
          duration: storeTimeout,
          orElse: () => Effect.fail(`no answer within ${Duration.format(storeTimeout)}`)
        }),
        Effect.matchEffect({
          onFailure: (error) => fallBack(typeof error === "string" ? error : error.message),
          onSuccess: (value) => {
            if (degraded) {
              degraded = false
              return Effect.as(Effect.logInfo("Shared rate limiter available again"), value)
            }
            return Effect.succeed(value)
          }
        })
      )
    }

    const take = (deadline: number | undefined): Effect.Effect<Admission, RateLimiterUnavailable> =>
      Effect.gen(function* () {
        let waited = Duration.zero
        // Sleeps `wait` unless it would end at or past the deadline.
        const sleep = (wait: Duration.Duration) =>
          Effect.gen(function* () {
            if (Duration.isZero(wait)) return true
            const now = yield* Clock.currentTimeMillis
            if (deadline !== undefined && now + Duration.toMillis(wait) >= deadline) return false
            yield* Effect.sleep(wait)
            waited = Duration.sum(waited, wait)
            return true
          })
        const slot = yield* onStore((limiter) =>
          limiter.consume({ key: account, limit, window, algorithm: "fixed-window", onExceeded: "delay" })
        )
        if (!(yield* sleep(slot.delay))) return { _tag: "PastDeadline", wait: slot.delay } as const
        while (true) {
          const adaptive = yield* onStore((limiter) =>
            limiter.adaptiveConsume({ key: account, tokens: 1, fallbackLimit: limit, fallbackWindow: window })
          )
          if (!(yield* sleep(adaptive.delay))) return { _tag: "PastDeadline", wait: adaptive.delay } as const
          // After a fleet-wide pause, ask again: the first request after it starts the learning phase.
          if (adaptive.phase === "cooldown" && !Duration.isZero(adaptive.delay)) continue
          const permit: Permit = {
            waited,
            rateLimited: (retryAfter) =>
              onStore((limiter) =>
                limiter.adaptiveFeedback({ key: account, epoch: adaptive.epoch, tokens: 1, status: 429, retryAfter })
              ).pipe(Effect.catch((error) => Effect.logWarning(error.message)))
          }
          return { _tag: "Admitted", permit } as const
        }
      })

    return { take, options: { limit, window, account } }
  })
