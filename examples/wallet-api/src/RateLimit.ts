/**
 * A rate limit per account (the contract applies it to the account making the
 * call) in fixed one-minute windows, on Effect's Clock: a request over the
 * limit learns how long until the window resets. Windows are kept in a `Map`
 * by account id.
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** The rate limiter's one operation: take a slot, or learn how long to wait. */
export interface RateLimitShape {
  readonly take: (accountId: string, perMinute: number) => Effect.Effect<Duration.Duration | undefined>
}

/** The rate limiter service. */
export class RateLimit extends Context.Service<RateLimit, RateLimitShape>()("wallet-api/RateLimit") {}

/** An in-memory limiter (per Lambda container or Worker isolate). */
export const layerMemory = Layer.sync(RateLimit, () => {
  const windows = new Map<string, { readonly start: number; count: number }>()
  return RateLimit.of({
    take: (accountId, perMinute) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const current = windows.get(accountId)
        const window = current === undefined || now - current.start >= 60_000 ? { start: now, count: 0 } : current
        windows.set(accountId, window)
        if (window.count >= perMinute) return Duration.millis(window.start + 60_000 - now)
        window.count++
        return undefined
      })
  })
})
