/**
 * The errors only the client produces, beside the contract's errors in
 * `ApiError`: a request it could not build (before any network call), and
 * the retry budget running dry.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import * as ApiError from "./ApiError.ts"
import { Issue } from "./ErrorBody.ts"

/**
 * Why the client could not build a request.
 *
 * @category schemas
 */
export const InvalidRequestReason = Schema.Literals([
  "invalid-url",
  "missing-path-parameter",
  "path-schema-mismatch",
  "query-schema-mismatch",
  "body-schema-mismatch",
  "body-not-serialisable"
])

/**
 * The client could not build the request, so nothing was sent: a bad base
 * URL, a missing path parameter, a path parameter, query or payload that
 * fails the endpoint's schema, or a payload that cannot be serialised. A mistake in the calling code, never the
 * server's 400 (`MalformedRequest` means a server answered 400), and never
 * retried. `issues` says where (`["path", "merchantConfigId"]`,
 * `["body", "amount"]`).
 *
 * @category errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", {
  method: Schema.String,
  url: Schema.String,
  reason: InvalidRequestReason,
  detail: Schema.String,
  issues: Schema.optionalKey(Schema.NonEmptyArray(Issue))
}) {
  override get message(): string {
    return `${this.method} ${this.url} was not sent: ${this.detail}`
  }
}

/**
 * The client stopped retrying because its shared retry budget (see
 * `RetryBudget`) could not pay for another attempt: many calls are failing at
 * once, and more retries would only add load. `lastError` is the failure the
 * client would have retried; `attempts` counts the attempts made.
 *
 * @category errors
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Client, Endpoint } from "@centrapay-effect/core"
 * import { Schema } from "effect"
 *
 * const GetAccount = Endpoint.withSchemas(Endpoint.make("GET /api/accounts/{accountId}", {}), {
 *   success: Schema.Struct({ id: Schema.String })
 * })
 * const account = Client.call(GetAccount, { path: { accountId: "acc_1" } }).pipe(
 *   Effect.catchTag("RetryBudgetExhausted", (e) => Effect.logWarning(`outage: ${e.lastError._tag}`))
 * )
 * ```
 */
export class RetryBudgetExhausted extends Schema.TaggedError<RetryBudgetExhausted>()("RetryBudgetExhausted", {
  method: Schema.String,
  url: Schema.String,
  attempts: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  lastError: ApiError.ApiErrorSchema
}) {
  override get message(): string {
    return `${this.method} ${this.url}: retry budget exhausted after ${this.attempts} attempt${this.attempts === 1 ? "" : "s"}; last error: ${ApiError.format(this.lastError)}`
  }
}
