import { ApiError, RetryPolicy, RetryTable } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Clock, Duration, Effect, Fiber, Random, Ref, Schedule } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"

const rateLimited = (seconds?: number) =>
  new ApiError.TooManyRequests({
    message: "RATE_LIMIT_EXCEEDED",
    ...(seconds === undefined ? {} : { retryAfter: Duration.seconds(seconds) })
  })
const serverError = (status = 503) => new ApiError.ServerError({ status, message: "down" })

/** An effect that fails with the given errors in turn (then succeeds), recording each attempt's clock time. */
const scripted = (errors: ReadonlyArray<ApiError.ApiError>, times: Ref.Ref<ReadonlyArray<number>>) => {
  let attempt = 0
  return Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    yield* Ref.update(times, (ts) => [...ts, now])
    const error = errors[attempt++]
    return error === undefined ? "ok" : yield* Effect.fail(error)
  })
}

describe("the retry table is data", () => {
  it("retries 408, 429, every 5xx but 501 and 505, timeouts and transport failures; never other 4xx", () => {
    for (const status of [408, 429, 500, 502, 503, 504, 507, 508, 511, 520, 521, 522, 523, 524, 599])
      expect(RetryTable.isRetryableStatus(status)).toBe(true)
    expect([...RetryTable.retryableFailures].sort()).toEqual(["Timeout", "TransportFailure"])
    for (const status of [200, 301, 400, 401, 403, 404, 409, 422, 501, 505, 600])
      expect(RetryTable.isRetryableStatus(status)).toBe(false)
  })

  it("a 429, a refused connection and a failed DNS lookup were never acted on", () => {
    expect([...RetryTable.notActedOn.statuses]).toEqual([429])
    expect([...RetryTable.notActedOn.transportReasons].sort()).toEqual(["connection-refused", "dns-lookup"])
  })
})

describe("maySendAgain: the one rule for repeating a request", () => {
  const keylessPost = { method: "POST", idempotencyKey: false }
  const transport = (reason: ApiError.TransportFailure["reason"]) =>
    new ApiError.TransportFailure({ method: "POST", url: "http://127.0.0.1:1/x", reason, detail: reason })
  it("a keyless POST may be repeated after a 429, a refused connection or a failed DNS lookup, nothing else", () => {
    expect(RetryPolicy.maySendAgain(rateLimited(1), keylessPost)).toBe(true)
    expect(RetryPolicy.maySendAgain(transport("connection-refused"), keylessPost)).toBe(true)
    expect(RetryPolicy.maySendAgain(transport("dns-lookup"), keylessPost)).toBe(true)
    expect(RetryPolicy.maySendAgain(transport("connection-reset"), keylessPost)).toBe(false)
    expect(RetryPolicy.maySendAgain(serverError(503), keylessPost)).toBe(false)
    expect(
      RetryPolicy.maySendAgain(
        new ApiError.Timeout({ method: "POST", url: "http://x/y", after: Duration.seconds(1), attempts: 1 }),
        keylessPost
      )
    ).toBe(false)
  })

  it("a keyed POST and idempotent methods may be repeated after any retryable failure", () => {
    expect(RetryPolicy.maySendAgain(serverError(503), { method: "POST", idempotencyKey: true })).toBe(true)
    for (const method of ["GET", "get", "HEAD", "PUT", "DELETE", "OPTIONS"])
      expect(RetryPolicy.maySendAgain(serverError(503), { method, idempotencyKey: false })).toBe(true)
    expect(RetryPolicy.maySendAgain(serverError(503), { method: "PATCH", idempotencyKey: false })).toBe(false)
  })

  it("decide stops a keyless POST after a 502 as not-idempotent, but retries it after a 429", () => {
    expect(RetryPolicy.decide(RetryPolicy.defaults, serverError(502), 1, 0.5, keylessPost)).toEqual({
      _tag: "Stop",
      reason: "not-idempotent"
    })
    expect(RetryPolicy.decide(RetryPolicy.defaults, rateLimited(2), 1, 0.5, keylessPost)).toEqual({
      _tag: "Retry",
      delay: Duration.seconds(2),
      basis: "retry-after"
    })
  })
})

describe("Retry-After is a minimum on any status that carries it", () => {
  it("a 503 with an HTML body and Retry-After: 2 waits 2 s", () => {
    const html503 = new ApiError.ServerError({
      status: 503,
      message: "Service Unavailable",
      retryAfter: Duration.seconds(2),
      body: { problem: "not-json", contentType: "text/html" }
    })
    expect(RetryPolicy.decide(RetryPolicy.defaults, html503, 1, 0.5)).toEqual({
      _tag: "Retry",
      delay: Duration.seconds(2),
      basis: "retry-after"
    })
  })

  it("the wait is the larger of Retry-After and the backoff", () => {
    // Attempt 3 with base 1 s: backoff ceiling 4 s, jitter 0.9 → 3.6 s > Retry-After 1 s.
    const slow = RetryPolicy.make({ maxAttempts: 5, baseDelay: "1 second" })
    const busy = new ApiError.ServerError({ status: 503, message: "busy", retryAfter: Duration.seconds(1) })
    expect(RetryPolicy.decide(slow, busy, 3, 0.9)).toEqual({
      _tag: "Retry",
      delay: Duration.millis(3600),
      basis: "backoff"
    })
    expect(RetryPolicy.decide(slow, busy, 3, 0.1)).toEqual({
      _tag: "Retry",
      delay: Duration.seconds(1),
      basis: "retry-after"
    })
  })
})

describe("decide", () => {
  const policy = RetryPolicy.defaults
  const never: ReadonlyArray<ApiError.ApiError> = [
    new ApiError.MalformedRequest({ message: "amount is required" }),
    new ApiError.Unauthorized({ message: "expired" }),
    new ApiError.ResourceForbidden({ message: "Forbidden" }),
    new ApiError.BusinessRuleViolation({ status: 403, message: "QUOTA_EXCEEDED", documented: true }),
    new ApiError.RouteNotFound({ message: "Not Found" }),
    serverError(501)
  ]
  for (const error of never) {
    it(`never retries ${error._tag} (${ApiError.statusOf(error)})`, () => {
      expect(RetryPolicy.decide(policy, error, 1, 0.5)).toEqual({ _tag: "Stop", reason: "not-retryable" })
    })
  }

  it("waits Retry-After when it is longer than the backoff, and fails fast above maxRetryAfter", () => {
    expect(RetryPolicy.decide(policy, rateLimited(7), 1, 0.99)).toEqual({
      _tag: "Retry",
      delay: Duration.seconds(7),
      basis: "retry-after"
    })
    expect(RetryPolicy.decide(policy, rateLimited(61), 1, 0)).toEqual({ _tag: "Stop", reason: "retry-after-too-long" })
    const emptyThrottle = new ApiError.TooManyRequests({
      message: "Too Many Requests",
      body: { problem: "empty-body" },
      retryAfter: Duration.seconds(120)
    })
    expect(RetryPolicy.decide(policy, emptyThrottle, 1, 0)).toEqual({ _tag: "Stop", reason: "retry-after-too-long" })
    const busy = new ApiError.ServerError({ status: 503, message: "busy", retryAfter: Duration.seconds(90) })
    expect(RetryPolicy.decide(RetryPolicy.make({ maxRetryAfter: "2 minutes" }), busy, 1, 0)).toMatchObject({
      _tag: "Retry"
    })
  })

  it("full jitter stays within [0, min(cap, base·2^(n-1))], with the throttle base for a 429 without Retry-After", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, random) => {
          const wide = RetryPolicy.make({ maxAttempts: 100 })
          const transient = RetryPolicy.decide(wide, serverError(), attempt, random)
          const throttled = RetryPolicy.decide(wide, rateLimited(), attempt, random)
          const ceiling = (base: number) => Math.min(20_000, base * 2 ** (attempt - 1))
          for (const [decision, base] of [
            [transient, 100],
            [throttled, 1000]
          ] as const) {
            if (decision._tag !== "Retry") throw new Error("expected a retry")
            expect(Duration.toMillis(decision.delay)).toBeGreaterThanOrEqual(0)
            expect(Duration.toMillis(decision.delay)).toBeLessThanOrEqual(ceiling(base))
          }
        }
      ),
      { numRuns: 10_000 }
    )
  })

  it("stops after maxAttempts in total; maxAttempts 1 means one attempt", () => {
    expect(RetryPolicy.decide(policy, serverError(), 3, 0)).toEqual({ _tag: "Stop", reason: "attempts-exhausted" })
    expect(RetryPolicy.decide(RetryPolicy.make({ maxAttempts: 1 }), serverError(), 1, 0)).toEqual({
      _tag: "Stop",
      reason: "attempts-exhausted"
    })
  })
})

describe("retry on TestClock", () => {
  it.effect("a 429 is retried no earlier than Retry-After, then succeeds", () =>
    Effect.gen(function* () {
      const times = yield* Ref.make<ReadonlyArray<number>>([])
      const fiber = yield* scripted([rateLimited(5)], times).pipe(RetryPolicy.retry(), Effect.forkChild)
      yield* TestClock.adjust("4999 millis")
      expect(yield* Ref.get(times)).toEqual([0])
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(fiber)).toBe("ok")
      expect(yield* Ref.get(times)).toEqual([0, 5000])
    })
  )

  it.effect("3 attempts in total by default, then the last error, unchanged", () =>
    Effect.gen(function* () {
      const times = yield* Ref.make<ReadonlyArray<number>>([])
      const errors = [serverError(500), serverError(502), serverError(503), serverError(504)]
      const fiber = yield* scripted(errors, times).pipe(RetryPolicy.retry(), Effect.flip, Effect.forkChild)
      yield* TestClock.adjust("1 minute")
      expect(yield* Fiber.join(fiber)).toBe(errors[2])
      expect((yield* Ref.get(times)).length).toBe(3)
    }).pipe(Random.withSeed(7))
  )

  it.effect("a Retry-After above maxRetryAfter fails fast without sleeping", () =>
    Effect.gen(function* () {
      const times = yield* Ref.make<ReadonlyArray<number>>([])
      const error = yield* scripted([rateLimited(3600)], times).pipe(RetryPolicy.retry(), Effect.flip)
      expect(error).toMatchObject({ _tag: "TooManyRequests" })
      expect(yield* Ref.get(times)).toEqual([0])
    })
  )

  it.effect("a 400 is never retried", () =>
    Effect.gen(function* () {
      const times = yield* Ref.make<ReadonlyArray<number>>([])
      yield* scripted([new ApiError.MalformedRequest({ message: "bad" })], times).pipe(RetryPolicy.retry(), Effect.flip)
      expect((yield* Ref.get(times)).length).toBe(1)
    })
  )

  it.effect("the same seed gives the same jittered delays", () =>
    Effect.gen(function* () {
      const delays = Effect.gen(function* () {
        const step = yield* Schedule.toStep(RetryPolicy.schedule(RetryPolicy.make({ maxAttempts: 5 })))
        const out: Array<number> = []
        for (let i = 0; i < 4; i++) {
          const [, delay] = yield* step(0, serverError())
          out.push(Duration.toMillis(delay))
        }
        return out
      })
      const a = yield* delays.pipe(Random.withSeed(42))
      const b = yield* delays.pipe(Random.withSeed(42))
      expect(a).toEqual(b)
      expect(a.every((d, i) => d <= 100 * 2 ** i)).toBe(true)
    })
  )
})
