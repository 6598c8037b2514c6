/**
 * A per-API-key rate limit in fixed one-minute windows, on Effect's Clock:
 * a request over the limit learns how long until the window resets.
 */
import { Clock, Context, Duration, Effect, Layer } from "effect"

/** The rate limiter's one operation: take a slot, or learn how long to wait. */
export interface RateLimitShape {
  readonly take: (key: string, perMinute: number) => Effect.Effect<Duration.Duration | undefined>
}

/** The rate limiter service. */
export class RateLimit extends Context.Service<RateLimit, RateLimitShape>()("wallet-api/RateLimit") {}

/** An in-memory limiter (per Lambda container or Worker isolate). */
export const layerMemory = Layer.sync(RateLimit, () => {
  const windows = new Map<string, { readonly start: number; count: number }>()
  return RateLimit.of({
    take: (key, perMinute) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const current = windows.get(key)
        const window = current === undefined || now - current.start >= 60_000 ? { start: now, count: 0 } : current
        windows.set(key, window)
        if (window.count >= perMinute) return Duration.millis(window.start + 60_000 - now)
        window.count++
        return undefined
      })
  })
})
