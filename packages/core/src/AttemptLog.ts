/**
 * What the client did, attempt by attempt: runs a client call with a tracer
 * that keeps the client's attempt spans, and reads back each attempt's
 * status, outcome and decision. For logs, debugging and demos; the spans
 * themselves go to whatever tracer the app exports to.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import type * as Result from "effect/Result"
import * as Tracer from "effect/Tracer"

/**
 * One attempt of a client call.
 *
 * @category models
 */
export interface Attempt {
  /** The response status, when a response arrived. */
  readonly status: number | undefined
  /** `Success`, or the tag of the attempt's error. */
  readonly outcome: string
  /** What the client decided next: `retry`, `stop: <reason>`, `replay: …`; absent after a success. */
  readonly decision: string | undefined
  /** The wait before the next attempt, when retrying. */
  readonly delayMs: number | undefined
  /** Why that wait: `retry-after` or `backoff`. */
  readonly basis: string | undefined
}

const attemptSpan = "CentrapayClient.attempt"

const toAttempt = (span: Tracer.NativeSpan): Attempt => {
  const status = span.attributes.get("http.response.status_code")
  const decision = span.attributes.get("centrapay.decision")
  const delay = span.attributes.get("centrapay.retry.delay_ms")
  const basis = span.attributes.get("centrapay.retry.basis")
  const outcome = span.attributes.get("centrapay.outcome")
  return {
    status: typeof status === "number" ? status : undefined,
    outcome: typeof outcome === "string" ? outcome : "unknown",
    decision: typeof decision === "string" ? decision : undefined,
    delayMs: typeof delay === "number" ? delay : undefined,
    basis: typeof basis === "string" ? basis : undefined
  }
}

/**
 * Runs an effect (one or more client calls) and returns its result with the
 * attempts the client made, in order.
 *
 * @category running
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { AttemptLog, type Client } from "@centrapay-effect/core"
 * declare const call: Effect.Effect<unknown, Client.CallError<string>>
 * const program = Effect.map(AttemptLog.record(call), ({ attempts }) => attempts.map(AttemptLog.describe).join("; "))
 * // "503 → retry in 76 ms (backoff); 200"
 * ```
 */
export const record = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<{ readonly result: Result.Result<A, E>; readonly attempts: ReadonlyArray<Attempt> }, never, R> =>
  Effect.suspend(() => {
    const spans: Array<Tracer.NativeSpan> = []
    const tracer = Tracer.make({
      span: (options) => {
        const span = new Tracer.NativeSpan(options)
        if (span.name === attemptSpan) spans.push(span)
        return span
      }
    })
    return Effect.map(Effect.result(Effect.withTracer(effect, tracer)), (result) => ({
      result,
      attempts: spans.map(toAttempt)
    }))
  })

/**
 * One attempt as a short phrase: `503 → retry in 76 ms (backoff)`,
 * `404 → stop: not-retryable`, `200`.
 *
 * @category formatting
 */
export const describe = (attempt: Attempt): string => {
  const answer = attempt.status === undefined ? attempt.outcome : String(attempt.status)
  if (attempt.decision === undefined) return answer
  if (attempt.decision !== "retry") return `${answer} → ${attempt.decision}`
  return `${answer} → retry in ${attempt.delayMs ?? "?"} ms (${attempt.basis ?? "?"})`
}
