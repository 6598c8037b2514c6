import { RateLimiter } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Clock, Duration, Effect, Fiber, Layer, Logger } from "effect"
import { TestClock } from "effect/testing"

/** Takes a slot with a deadline one second away: admitted with no wait, or the wait it would need. */
const probe = (limiter: RateLimiter.RateLimiter) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const admission = yield* limiter.take(now + 1000)
    return admission._tag === "Admitted"
      ? Duration.toMillis(admission.permit.waited)
      : Duration.toMillis(admission.wait)
  })

const rateLimited = (limiter: RateLimiter.RateLimiter, retryAfter: Duration.Input) =>
  Effect.gen(function* () {
    const admission = yield* limiter.take(undefined)
    if (admission._tag === "Admitted") yield* admission.permit.rateLimited(Duration.fromInputUnsafe(retryAfter))
  })

const warnings: Array<string> = []
const captureWarnings = Logger.layer([
  Logger.make((options) => {
    if (options.logLevel === "Warn") warnings.push(String(options.message))
  })
])

describe("RateLimiter", () => {
  it.effect("defaults to the documented 200 requests per minute, each window counted 5% longer (63 s)", () =>
    Effect.gen(function* () {
      expect(RateLimiter.defaults.limit).toBe(200)
      expect(Duration.toMillis(RateLimiter.defaults.window)).toBe(60_000)
      expect(RateLimiter.defaults.margin).toBe(0.05)
      const limiter = yield* RateLimiter.make()
      const waits = yield* Effect.all(Array.from({ length: 201 }, () => probe(limiter)))
      expect(waits.slice(0, 200).every((wait) => wait === 0)).toBe(true)
      expect(waits[200]).toBe(63_000)
    })
  )

  it.effect("a wait is slept through when the deadline allows it, and a new window has room again", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimiter.make({ limit: 2, window: "1 minute", margin: 0 })
      expect(yield* Effect.all([probe(limiter), probe(limiter), probe(limiter)])).toEqual([0, 0, 60_000])
      const third = yield* Effect.forkChild(limiter.take(undefined))
      yield* TestClock.adjust("1 minute")
      const admitted = yield* Fiber.join(third)
      expect(admitted._tag === "Admitted" && Duration.toMillis(admitted.permit.waited)).toBe(60_000)
      yield* TestClock.adjust("150 seconds")
      expect(yield* Effect.all([probe(limiter), probe(limiter)])).toEqual([0, 0])
    })
  )

  it.effect("without a store in the context, each limiter has its own budget", () =>
    Effect.gen(function* () {
      const one = yield* RateLimiter.make({ limit: 1, margin: 0 })
      const other = yield* RateLimiter.make({ limit: 1, margin: 0 })
      expect(yield* probe(one)).toBe(0)
      expect(yield* probe(other)).toBe(0)
      expect(yield* probe(one)).toBe(60_000)
    })
  )

  it.effect("limiters on one store share the budget of their account; another account has its own", () =>
    Effect.gen(function* () {
      const one = yield* RateLimiter.make({ limit: 2, margin: 0, account: "acc_1" })
      const other = yield* RateLimiter.make({ limit: 2, margin: 0, account: "acc_1" })
      const elsewhere = yield* RateLimiter.make({ limit: 2, margin: 0, account: "acc_2" })
      expect(yield* Effect.all([probe(one), probe(other), probe(one)])).toEqual([0, 0, 60_000])
      expect(yield* Effect.all([probe(elsewhere), probe(elsewhere)])).toEqual([0, 0])
    }).pipe(Effect.provide(Layer.fresh(RateLimiter.layerStoreMemory)))
  )

  it.effect("a 429 received by one client pauses every client on the store until its Retry-After", () =>
    Effect.gen(function* () {
      const one = yield* RateLimiter.make({ account: "acc_1" })
      const other = yield* RateLimiter.make({ account: "acc_1" })
      yield* rateLimited(one, "10 seconds")
      expect(yield* probe(other)).toBe(10_000)
      yield* TestClock.adjust("10 seconds")
      expect(yield* probe(other)).toBe(0)
    }).pipe(Effect.provide(Layer.fresh(RateLimiter.layerStoreMemory)))
  )

  it.effect("after the pause, the store learns the limit the server enforces from the next 429", () =>
    Effect.gen(function* () {
      // Configured for 100 a minute; the server turns out to accept 5 per 10 seconds.
      const one = yield* RateLimiter.make({ limit: 100, account: "acc_1" })
      const other = yield* RateLimiter.make({ limit: 100, account: "acc_1" })
      yield* rateLimited(one, "10 seconds")
      yield* TestClock.adjust("10 seconds")
      expect(yield* Effect.all(Array.from({ length: 5 }, (_, i) => probe(i % 2 === 0 ? one : other)))).toEqual([
        0, 0, 0, 0, 0
      ])
      yield* rateLimited(other, "10 seconds")
      // 5 accepted in the window the server announced: the next request waits for the next window.
      expect(yield* probe(one)).toBe(10_000)
    }).pipe(Effect.provide(Layer.fresh(RateLimiter.layerStoreMemory)))
  )

  it.effect("a store that fails: the client's own limiter takes over, with one warning", () =>
    Effect.gen(function* () {
      warnings.length = 0
      const limiter = yield* RateLimiter.make({ limit: 1, margin: 0 })
      expect(yield* Effect.all([probe(limiter), probe(limiter)])).toEqual([0, 60_000])
      expect(warnings).toEqual([
        "Shared rate limiter unavailable (Redis could not be reached at start-up); using this client's own limiter"
      ])
    }).pipe(
      Effect.provide(
        Layer.merge(
          Layer.succeed(RateLimiter.Store, RateLimiter.unavailableStore("Redis could not be reached at start-up")),
          captureWarnings
        )
      )
    )
  )

  it.effect("a store that fails, with onStoreFailure: fail: a typed RateLimiterUnavailable", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimiter.make({ account: "acc_1", onStoreFailure: "fail" })
      const error = yield* Effect.flip(limiter.take(undefined))
      expect(error).toBeInstanceOf(RateLimiter.RateLimiterUnavailable)
      expect(error.message).toBe(
        "The shared rate limiter for account acc_1 is unavailable (store down); nothing was sent"
      )
    }).pipe(Effect.provide(Layer.succeed(RateLimiter.Store, RateLimiter.unavailableStore("store down"))))
  )

  it.effect("a store that does not answer: each call gives up after storeTimeout", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimiter.make({ onStoreFailure: "fail", storeTimeout: "100 millis" })
      const taking = yield* Effect.forkChild(Effect.flip(limiter.take(undefined)))
      yield* TestClock.adjust("100 millis")
      const error = yield* Fiber.join(taking)
      expect(error.detail).toBe("no answer within 100ms")
    }).pipe(
      Effect.provide(
        Layer.succeed(RateLimiter.Store, {
          ...RateLimiter.unavailableStore("unused"),
          fixedWindow: () => Effect.never
        })
      )
    )
  )

  it.effect("options out of range are a defect naming the option, before any request", () =>
    Effect.gen(function* () {
      const options: ReadonlyArray<RateLimiter.Options> = [
        { limit: 0 },
        { limit: 1.5 },
        { window: "0 millis" },
        { margin: -1 },
        { storeTimeout: Duration.infinity }
      ]
      const mistakes = yield* Effect.forEach(options, (options) =>
        RateLimiter.make(options).pipe(
          Effect.exit,
          Effect.map((exit) => (exit._tag === "Failure" ? String(Cause.squash(exit.cause)) : "built"))
        )
      )
      expect(mistakes).toEqual([
        "Error: RateLimiter: limit must be a whole number above 0, got 0",
        "Error: RateLimiter: limit must be a whole number above 0, got 1.5",
        "Error: RateLimiter: window must be a finite duration above 0",
        "Error: RateLimiter: margin must be a number from 0, got -1",
        "Error: RateLimiter: storeTimeout must be a finite duration above 0"
      ])
    })
  )
})
