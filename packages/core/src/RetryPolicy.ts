/**
 * The retry policy as data plus `Schedule`s. Never retries 400, 401, 403 or
 * 404; waits at least `Retry-After` wherever a response carries it (a 429, a
 * 503) and fails fast when that wait is longer than `maxRetryAfter`; retries
 * 5xx (but 501 and 505), timeouts and transport failures with full-jitter
 * exponential backoff; and, given the request, never repeats one the server
 * may have acted on unless it is idempotent or carries an idempotency key.
 * Time comes from Effect's `Clock` and randomness from Effect's `Random`, so
 * tests run on `TestClock` with seeded randomness.
 *
 * @module
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Pull from "effect/Pull"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as ApiError from "./ApiError.ts"
import * as RetryTable from "./RetryTable.ts"

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
 * What the policy must know about the request to decide whether it may be
 * sent again: its method, and whether its body carries an `idempotencyKey`
 * (sent unchanged on every attempt).
 *
 * @category models
 */
export interface Attempted {
  readonly method: string
  readonly idempotencyKey: boolean
}

/**
 * What the policy decided after a failed attempt.
 *
 * - `Retry`: wait `delay`: the larger of the server's `Retry-After`
 *   (`retry-after`) and the jittered backoff (`backoff`).
 * - `Stop`: the error is not retryable, the request may not be sent again
 *   (`not-idempotent`: a POST without an idempotency key that the server may
 *   have acted on), the attempts are used up (or a caller's schedule ended),
 *   or the server asked for a wait longer than `maxRetryAfter`.
 *
 * @category models
 */
export type RetryDecision =
  | { readonly _tag: "Retry"; readonly delay: Duration.Duration; readonly basis: "retry-after" | "backoff" }
  | {
      readonly _tag: "Stop"
      readonly reason: "not-retryable" | "not-idempotent" | "attempts-exhausted" | "retry-after-too-long"
    }

/**
 * The one rule for "may this request be sent again" after it failed with
 * `error`: always when the failure proves the request was never acted on
 * (`RetryTable.notActedOn`: a 429, a refused connection, a failed DNS
 * lookup); otherwise only for an idempotent method or a body that carries an
 * idempotency key.
 *
 * @category deciding
 * @example
 * ```ts
 * import { ApiError, RetryPolicy } from "@centrapay-effect/core"
 * const post = { method: "POST", idempotencyKey: false }
 * RetryPolicy.maySendAgain(new ApiError.ServerError({ status: 503, message: "Service Unavailable" }), post) // false
 * RetryPolicy.maySendAgain(new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED" }), post) // true
 * ```
 */
export const maySendAgain = (error: ApiError.ApiError, request: Attempted): boolean => {
  const status = ApiError.statusOf(error)
  return (
    (status !== undefined && RetryTable.notActedOn.statuses.has(status)) ||
    (error._tag === "TransportFailure" && RetryTable.notActedOn.transportReasons.has(error.reason)) ||
    RetryTable.idempotentMethods.has(request.method.toUpperCase()) ||
    request.idempotencyKey
  )
}

const serverRequestedWait = (error: ApiError.ApiError): Duration.Duration | undefined =>
  error._tag === "TooManyRequests" || error._tag === "ServerError" || error._tag === "UnexpectedStatus"
    ? error.retryAfter
    : undefined

/**
 * Whether the contract lets the request be tried again at all, before any
 * timing: the error is retryable, and the request may be sent again (when
 * `request` is given). `undefined` when it may.
 *
 * @category deciding
 */
export const gate = (
  error: ApiError.ApiError,
  request?: Attempted
): Extract<RetryDecision, { _tag: "Stop" }> | undefined => {
  if (!ApiError.isRetryable(error)) return { _tag: "Stop", reason: "not-retryable" }
  if (request !== undefined && !maySendAgain(error, request)) return { _tag: "Stop", reason: "not-idempotent" }
  return undefined
}

/**
 * Applies the server's `Retry-After` to a delay the timing chose: a wait
 * longer than `maxRetryAfter` stops; otherwise the delay is the larger of the
 * two (`Retry-After` is a minimum).
 *
 * @category deciding
 */
export const honourRetryAfter = (
  policy: RetryPolicy,
  error: ApiError.ApiError,
  delay: Duration.Duration
): RetryDecision => {
  const requested = serverRequestedWait(error)
  if (requested === undefined) return { _tag: "Retry", delay, basis: "backoff" }
  if (Duration.isGreaterThan(requested, policy.maxRetryAfter)) return { _tag: "Stop", reason: "retry-after-too-long" }
  return Duration.isGreaterThan(delay, requested)
    ? { _tag: "Retry", delay, basis: "backoff" }
    : { _tag: "Retry", delay: requested, basis: "retry-after" }
}

/**
 * The decision after attempt number `attempt` (1-based) of `request` failed
 * with `error`. `random` is a number in [0, 1) that spreads the backoff
 * (full jitter: `random × min(maxDelay, base × 2^(attempt-1))`), and the
 * wait is at least the server's `Retry-After`. Without `request` the method
 * is not considered (see `maySendAgain`). Pure; `schedule` feeds it Effect's
 * `Random`.
 *
 * @category deciding
 * @example
 * ```ts
 * import { ApiError, RetryPolicy } from "@centrapay-effect/core"
 * RetryPolicy.decide(RetryPolicy.defaults, new ApiError.RouteNotFound({ message: "Not Found" }), 1, 0.5)
 * // { _tag: "Stop", reason: "not-retryable" }
 * RetryPolicy.decide(
 *   RetryPolicy.defaults,
 *   new ApiError.ServerError({ status: 502, message: "Bad Gateway" }),
 *   1,
 *   0.5,
 *   { method: "POST", idempotencyKey: false }
 * )
 * // { _tag: "Stop", reason: "not-idempotent" }
 * ```
 */
export const decide = (
  policy: RetryPolicy,
  error: ApiError.ApiError,
  attempt: number,
  random: number,
  request?: Attempted
): RetryDecision => {
  const stop = gate(error, request)
  if (stop !== undefined) return stop
  if (attempt >= policy.maxAttempts) return { _tag: "Stop", reason: "attempts-exhausted" }
  const base = ApiError.statusOf(error) === 429 ? policy.throttleBaseDelay : policy.baseDelay
  const ceiling = Duration.min(policy.maxDelay, Duration.times(base, 2 ** Math.min(attempt - 1, 52)))
  return honourRetryAfter(policy, error, Duration.millis(Math.floor(random * Duration.toMillis(ceiling))))
}

/**
 * The policy as a `Schedule` whose input is the error of the failed attempt:
 * it recurs with the decided delay and stops (outputting the decision) when
 * the policy says stop. With `request`, it also stops where the request may
 * not be sent again (`maySendAgain`).
 *
 * `timing` replaces the policy's own backoff and attempt count with any
 * `Schedule` of yours (it is fed the same errors); the contract still
 * applies around it: a non-retryable error or an unsafe repeat stops, and
 * `Retry-After` is a minimum capped by `maxRetryAfter`.
 *
 * @category schedules
 * @example
 * ```ts
 * import { Effect, Schedule } from "effect"
 * import { ApiError, RetryPolicy } from "@centrapay-effect/core"
 *
 * declare const call: Effect.Effect<string, ApiError.ApiError>
 * // Five quick retries, spaced 200 ms, still never past the contract:
 * const patient = call.pipe(
 *   Effect.retry(
 *     RetryPolicy.schedule(RetryPolicy.defaults, { method: "GET", idempotencyKey: false }, Schedule.max([Schedule.spaced("200 millis"), Schedule.recurs(5)]))
 *   )
 * )
 * ```
 */
export const schedule = (
  policy: RetryPolicy = defaults,
  request?: Attempted,
  timing?: Schedule.Schedule<unknown, ApiError.ApiError>
): Schedule.Schedule<RetryDecision, ApiError.ApiError> =>
  Schedule.fromStepWithMetadata(
    Effect.map(
      timing === undefined ? Effect.succeed(undefined) : Schedule.toStep(timing),
      (step) => (metadata: Schedule.InputMetadata<ApiError.ApiError>) => {
        const error = metadata.input
        if (step === undefined) {
          return Effect.flatMap(Random.next, (random) =>
            recurOrStop(decide(policy, error, metadata.attempt, random, request))
          )
        }
        const stop = gate(error, request)
        if (stop !== undefined) return Cause.done(stop)
        return step(metadata.now, error).pipe(
          Effect.flatMap(([, delay]) => recurOrStop(honourRetryAfter(policy, error, delay))),
          Pull.catchDone(() => Cause.done(attemptsExhausted))
        )
      }
    )
  )

const attemptsExhausted: RetryDecision = { _tag: "Stop", reason: "attempts-exhausted" }

const recurOrStop = (decision: RetryDecision) =>
  decision._tag === "Retry"
    ? Effect.succeed<[RetryDecision, Duration.Duration]>([decision, decision.delay])
    : Cause.done(decision)

/**
 * Retries an effect that fails with this library's errors, following the
 * policy. The final error is the last attempt's, unchanged: a 429 whose
 * `Retry-After` exceeds `maxRetryAfter` comes back at once, typed.
 *
 * Without `request` it knows errors, not HTTP methods: wrapped around a
 * non-idempotent call (a POST without an idempotency key) it would repeat a
 * 5xx; pass the request's facts, or use `Client`, which applies the policy
 * together with the idempotency rule.
 *
 * @category combinators
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ApiError, RetryPolicy } from "@centrapay-effect/core"
 *
 * declare const call: Effect.Effect<string, ApiError.ApiError>
 * const resilient = call.pipe(RetryPolicy.retry(RetryPolicy.make({ maxAttempts: 4 }), { method: "GET", idempotencyKey: false }))
 * ```
 */
export const retry =
  (policy: RetryPolicy = defaults, request?: Attempted) =>
  <A, E extends ApiError.ApiError, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.retry(self, schedule(policy, request))
