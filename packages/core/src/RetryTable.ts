/**
 * Which outcomes are worth another attempt, as data. `RetryPolicy` and each
 * error's `isRetryable` read this table; tests and users can read it too.
 *
 * @module
 */

/**
 * Statuses a retry can cure: request timeout, rate limit, and the transient
 * server errors. Never any other 4xx, nor 501 (not implemented) or 505.
 *
 * @category retry table
 */
export const retryableStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

/**
 * Failures without a status that a retry can cure: the network failed or the
 * call ran out of time.
 *
 * @category retry table
 */
export const retryableFailures: ReadonlySet<"TransportFailure" | "Timeout"> = new Set(["TransportFailure", "Timeout"])

/**
 * Transport failures a retry cannot cure: past the platform's subrequest
 * limit, every further attempt of the same incoming request fails the same
 * way.
 *
 * @category retry table
 */
export const neverRetriedTransportReasons: ReadonlySet<string> = new Set(["subrequest-limit"])

/**
 * Statuses the contract says must never be retried as-is.
 *
 * @category retry table
 */
export const neverRetriedStatuses: ReadonlySet<number> = new Set([400, 401, 403, 404])

/**
 * Whether a response with this status is worth retrying.
 *
 * @category retry table
 * @example
 * ```ts
 * import { RetryTable } from "@centrapay-effect/core"
 * RetryTable.isRetryableStatus(503) // true
 * RetryTable.isRetryableStatus(501) // false
 * ```
 */
export const isRetryableStatus = (status: number): boolean => retryableStatuses.has(status)

/**
 * Methods whose repetition cannot duplicate a side effect (RFC 9110 §9.2.2).
 * Anything else (POST, PATCH) is retried only with an idempotency key.
 *
 * @category retry table
 */
export const idempotentMethods: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])
