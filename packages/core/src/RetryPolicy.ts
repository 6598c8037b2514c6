/**
 * The retry policy as data plus `Schedule`s. Never retries 400, 401, 403 or
 * 404; waits at least `Retry-After` on a 429 (or a 503 that sends one) and
 * fails fast when that wait is longer than `maxRetryAfter`; retries 5xx,
 * timeouts and transport failures with full-jitter exponential backoff.
 * Time comes from Effect's `Clock` and randomness from Effect's `Random`, so
 * tests run on `TestClock` with seeded randomness.
 *
 * @module
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as ApiError from "./ApiError.ts"

/**
 * How hard to try. Build one with `make`; every field has a default.
 *
 * @category models
 */
export interface RetryPolicy {
  /** Attempts in total, the first included. `1` means never retry. @default 3 */
  readonly maxAttempts: number
  /** Backoff base for transient failures. @default 100 millis */
  readonly baseDelay: Duration.Duration
  /** Backoff base for throttling (429 without `Retry-After`). @default 1 second */
  readonly throttleBaseDelay: Duration.Duration
  /** No backoff delay exceeds this. @default 20 seconds */
  readonly maxDelay: Duration.Duration
  /** A server-requested wait above this fails fast instead of sleeping. @default 60 seconds */
  readonly maxRetryAfter: Duration.Duration
}

/**
 * The defaults: 3 attempts, base 100 ms (1 s when throttled), cap 20 s,
 * `maxRetryAfter` 60 s.
 *
 * @category constructors
 */
export const defaults: RetryPolicy = {
  maxAttempts: 3,
  baseDelay: Duration.millis(100),
  throttleBaseDelay: Duration.seconds(1),
  maxDelay: Duration.seconds(20),
  maxRetryAfter: Duration.seconds(60)
}

/**
 * A policy from the defaults and any overrides.
 *
 * @category constructors
 * @example
 * ```ts
 * import { RetryPolicy } from "@centrapay-effect/core"
 * const patient = RetryPolicy.make({ maxAttempts: 5, maxRetryAfter: "2 minutes" })
 * ```
 */
export const make = (
  overrides: {
    readonly maxAttempts?: number
    readonly baseDelay?: Duration.Input
    readonly throttleBaseDelay?: Duration.Input
    readonly maxDelay?: Duration.Input
    readonly maxRetryAfter?: Duration.Input
  } = {}
): RetryPolicy => ({
  maxAttempts: Math.max(1, Math.floor(overrides.maxAttempts ?? defaults.maxAttempts)),
  baseDelay: Duration.fromInputUnsafe(overrides.baseDelay ?? defaults.baseDelay),
  throttleBaseDelay: Duration.fromInputUnsafe(overrides.throttleBaseDelay ?? defaults.throttleBaseDelay),
  maxDelay: Duration.fromInputUnsafe(overrides.maxDelay ?? defaults.maxDelay),
  maxRetryAfter: Duration.fromInputUnsafe(overrides.maxRetryAfter ?? defaults.maxRetryAfter)
})

/**
 * What the policy decided after a failed attempt.
 *
 * - `Retry`: wait `delay`, because the server asked (`retry-after`) or by
 *   backoff (`backoff`).
 * - `Stop`: the error is not retryable, the attempts are used up, or the
 *   server asked for a wait longer than `maxRetryAfter`.
 *
 * @category models
 */
export type RetryDecision =
  | { readonly _tag: "Retry"; readonly delay: Duration.Duration; readonly basis: "retry-after" | "backoff" }
  | {
      readonly _tag: "Stop"
      readonly reason: "not-retryable" | "attempts-exhausted" | "retry-after-too-long"
    }

const serverRequestedWait = (error: ApiError.ApiError): Duration.Duration | undefined =>
  error._tag === "TooManyRequests" || error._tag === "ServerError" || error._tag === "UndecodableResponse"
    ? error.retryAfter
    : undefined

/**
 * The decision after attempt number `attempt` (1-based) failed with `error`.
 * `random` is a number in [0, 1) that spreads the backoff (full jitter:
 * `random × min(maxDelay, base × 2^(attempt-1))`). Pure; `schedule` feeds it
 * Effect's `Random`.
 *
 * @category deciding
 * @example
 * ```ts
 * import { ApiError, RetryPolicy } from "@centrapay-effect/core"
 * RetryPolicy.decide(RetryPolicy.defaults, new ApiError.RouteNotFound({ message: "Not Found" }), 1, 0.5)
 * // { _tag: "Stop", reason: "not-retryable" }
 * ```
 */
export const decide = (
  policy: RetryPolicy,
  error: ApiError.ApiError,
  attempt: number,
  random: number
): RetryDecision => {
  if (!ApiError.isRetryable(error)) return { _tag: "Stop", reason: "not-retryable" }
  if (attempt >= policy.maxAttempts) return { _tag: "Stop", reason: "attempts-exhausted" }
  const requested = serverRequestedWait(error)
  if (requested !== undefined) {
    return Duration.isGreaterThan(requested, policy.maxRetryAfter)
      ? { _tag: "Stop", reason: "retry-after-too-long" }
      : { _tag: "Retry", delay: requested, basis: "retry-after" }
  }
  const base = ApiError.statusOf(error) === 429 ? policy.throttleBaseDelay : policy.baseDelay
  const ceiling = Duration.min(policy.maxDelay, Duration.times(base, 2 ** Math.min(attempt - 1, 52)))
  return { _tag: "Retry", delay: Duration.millis(Math.floor(random * Duration.toMillis(ceiling))), basis: "backoff" }
}

/**
 * The policy as a `Schedule` whose input is the error of the failed attempt:
 * it recurs with the decided delay and stops (outputting the decision) when
 * the policy says stop. Use it with `Effect.retry`, or step it by hand.
 *
 * @category schedules
 */
export const schedule = (policy: RetryPolicy = defaults): Schedule.Schedule<RetryDecision, ApiError.ApiError> =>
  Schedule.fromStepWithMetadata(
    Effect.succeed((metadata: Schedule.InputMetadata<ApiError.ApiError>) =>
      Effect.flatMap(Random.next, (random) => {
        const decision = decide(policy, metadata.input, metadata.attempt, random)
        return decision._tag === "Retry"
          ? Effect.succeed<[RetryDecision, Duration.Duration]>([decision, decision.delay])
          : Cause.done(decision)
      })
    )
  )

/**
 * Retries an effect that fails with this library's errors, following the
 * policy. The final error is the last attempt's, unchanged: a 429 whose
 * `Retry-After` exceeds `maxRetryAfter` comes back at once, typed.
 *
 * It knows errors, not HTTP methods: wrapped around a non-idempotent call
 * (a POST without an idempotency key) it would repeat a 5xx. For HTTP calls
 * use `Client`, which applies the policy together with the idempotency rules.
 *
 * @category combinators
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ApiError, RetryPolicy } from "@centrapay-effect/core"
 *
 * declare const call: Effect.Effect<string, ApiError.ApiError>
 * const resilient = call.pipe(RetryPolicy.retry(RetryPolicy.make({ maxAttempts: 4 })))
 * ```
 */
export const retry =
  (policy: RetryPolicy = defaults) =>
  <A, E extends ApiError.ApiError, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.retry(self, schedule(policy))
