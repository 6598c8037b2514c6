import { RateLimiter } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { TestClock } from "effect/testing"

const millis = (limiter: RateLimiter.RateLimiter) => Effect.map(limiter.reserve, Duration.toMillis)

describe("RateLimiter", () => {
  it.effect("defaults to the documented 200 requests per minute", () =>
    Effect.gen(function* () {
      expect(RateLimiter.defaults.limit).toBe(200)
      expect(Duration.toMillis(Duration.fromInputUnsafe(RateLimiter.defaults.window))).toBe(60_000)
      const limiter = yield* RateLimiter.make()
      const waits = yield* Effect.all(Array.from({ length: 201 }, () => millis(limiter)))
      expect(waits.slice(0, 200).every((wait) => wait === 0)).toBe(true)
      expect(waits[200]).toBe(60_000)
    })
  )

  it.effect("the wait shrinks as the window passes, and a new window has room again", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimiter.make({ limit: 2, window: "1 minute" })
      expect(yield* Effect.all([millis(limiter), millis(limiter), millis(limiter)])).toEqual([0, 0, 60_000])
      yield* TestClock.adjust("150 seconds")
      expect(yield* Effect.all([millis(limiter), millis(limiter)])).toEqual([0, 0])
    })
  )

  it.effect("each limiter has its own store", () =>
    Effect.gen(function* () {
      const one = yield* RateLimiter.make({ limit: 1 })
      const other = yield* RateLimiter.make({ limit: 1 })
      expect(yield* millis(one)).toBe(0)
      expect(yield* millis(other)).toBe(0)
      expect(yield* millis(one)).toBe(60_000)
    })
  )
})
