/**
 * Which outcomes are worth another attempt, as data. `RetryPolicy` and each
 * error's `isRetryable` read this table; tests and users can read it too.
 *
 * @module
 */

/**
 * Statuses outside the 5xx range that a retry can cure: request timeout and
 * rate limit.
 *
 * @category retry table
 */
export const retryableClientStatuses: ReadonlySet<number> = new Set([408, 429])

/**
 * The 5xx a retry cannot cure: not implemented, HTTP version not supported.
 * Every other 5xx is retryable (the contract: "retrying should solve the
 * issue"), 507, 508, 511 and a CDN's 520–524 included.
 *
 * @category retry table
 */
export const neverRetriedServerStatuses: ReadonlySet<number> = new Set([501, 505])

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
 * way; a response body over the client's cap would be as large again; a
 * client set to fail when its shared rate limiter is unavailable asked not
 * to wait for it.
 *
 * @category retry table
 */
export const neverRetriedTransportReasons: ReadonlySet<string> = new Set([
  "subrequest-limit",
  "response-too-large",
  "rate-limiter-unavailable"
])

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
 * RetryTable.isRetryableStatus(521) // true
 * RetryTable.isRetryableStatus(501) // false
 * ```
 */
export const isRetryableStatus = (status: number): boolean =>
  retryableClientStatuses.has(status) || (status >= 500 && status <= 599 && !neverRetriedServerStatuses.has(status))

/**
 * Methods whose repetition cannot duplicate a side effect (RFC 9110 §9.2.2).
 * Anything else (POST, PATCH) is retried only with an idempotency key.
 *
 * @category retry table
 */
export const idempotentMethods: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])

/**
 * Outcomes that prove the request was never acted on, so sending it again
 * cannot duplicate a side effect, even for a POST without an idempotency
 * key: a 429 (refused before any work), and transport failures before the
 * request left (connection refused, DNS lookup failed).
 *
 * @category retry table
 */
export const notActedOn: {
  readonly statuses: ReadonlySet<number>
  readonly transportReasons: ReadonlySet<string>
} = {
  statuses: new Set([429]),
  transportReasons: new Set(["connection-refused", "dns-lookup"])
}
