/**
 * The error model: one tagged, Schema-backed error per status class of the
 * contract, plus the outcomes a client meets that are not statuses
 * (transport failure, timeout, undecodable response, unexpected status).
 *
 * Every error is serialisable with its own Schema, catchable with
 * `Effect.catchTag`, knows whether it is retryable (`isRetryable`), carries
 * the debugging checklist that applies (`hints`) and prints as one readable
 * line (`toString()`).
 *
 * @module
 */
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import * as DebugHint from "./DebugHint.ts"
import { Issue, Quota } from "./ErrorBody.ts"
import * as RetryTable from "./RetryTable.ts"

/**
 * The tag of the status class a status belongs to, by the contract's general
 * table (no endpoint overrides; 403 is `ResourceForbidden` until its message
 * says otherwise).
 *
 * @category models
 */
export type StatusClass =
  | "Ok"
  | "MalformedRequest"
  | "Unauthorized"
  | "ResourceForbidden"
  | "RouteNotFound"
  | "TooManyRequests"
  | "ServerError"
  | "UnexpectedStatus"

/**
 * Classifies a status by the contract's general table.
 *
 * @category classification
 * @example
 * ```ts
 * import { ApiError } from "@centrapay-effect/core"
 * ApiError.statusClassOf(503) // "ServerError"
 * ApiError.statusClassOf(409) // "UnexpectedStatus"
 * ```
 */
export const statusClassOf = (status: number): StatusClass => {
  if (status >= 200 && status <= 299) return "Ok"
  if (status >= 500 && status <= 599) return "ServerError"
  switch (status) {
    case 400:
      return "MalformedRequest"
    case 401:
      return "Unauthorized"
    case 403:
      return "ResourceForbidden"
    case 404:
      return "RouteNotFound"
    case 429:
      return "TooManyRequests"
    default:
      return "UnexpectedStatus"
  }
}

const businessCodePattern = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/

// Reason phrases (RFC 9110 and the ones gateways and Centrapay's own examples
// use), upper-cased with runs of spaces, `_` and `-` read as one space.
const genericPhrases: ReadonlySet<string> = new Set([
  "OK",
  "ERROR",
  "UNKNOWN",
  "BAD REQUEST",
  "CLIENT ERROR",
  "UNAUTHORIZED",
  "UNAUTHORISED",
  "PAYMENT REQUIRED",
  "FORBIDDEN",
  "ACCESS DENIED",
  "PERMISSION DENIED",
  "NOT FOUND",
  "ROUTE NOT FOUND",
  "METHOD NOT ALLOWED",
  "NOT ACCEPTABLE",
  "PROXY AUTHENTICATION REQUIRED",
  "REQUEST TIMEOUT",
  "CONFLICT",
  "GONE",
  "LENGTH REQUIRED",
  "PRECONDITION FAILED",
  "PAYLOAD TOO LARGE",
  "CONTENT TOO LARGE",
  "URI TOO LONG",
  "UNSUPPORTED MEDIA TYPE",
  "RANGE NOT SATISFIABLE",
  "EXPECTATION FAILED",
  "MISDIRECTED REQUEST",
  "UNPROCESSABLE ENTITY",
  "UNPROCESSABLE CONTENT",
  "TOO MANY REQUESTS",
  "RATE LIMIT EXCEEDED",
  "RATE LIMITED",
  "SERVER ERROR",
  "INTERNAL ERROR",
  "INTERNAL SERVER ERROR",
  "NOT IMPLEMENTED",
  "BAD GATEWAY",
  "SERVICE UNAVAILABLE",
  "GATEWAY TIMEOUT",
  "HTTP VERSION NOT SUPPORTED",
  "INSUFFICIENT STORAGE",
  "LOOP DETECTED",
  "NETWORK AUTHENTICATION REQUIRED"
])

/**
 * Whether a message is only an HTTP reason phrase, in any case or spacing
 * (`Forbidden`, `FORBIDDEN`, `BAD REQUEST`, `RATE_LIMIT_EXCEEDED`,
 * `Server Error`): the generic meaning of its status, never a business code.
 *
 * @category guards
 * @example
 * ```ts
 * import { ApiError } from "@centrapay-effect/core"
 * ApiError.isReasonPhrase("NOT FOUND") // true
 * ApiError.isReasonPhrase("QUOTA_EXCEEDED") // false
 * ```
 */
export const isReasonPhrase = (message: string): boolean =>
  genericPhrases.has(
    message
      .trim()
      .toUpperCase()
      .replace(/[\s_-]+/g, " ")
  )

/**
 * Whether a message is a business-rule code (UPPER_SNAKE_CASE, e.g.
 * `INSUFFICIENT_WALLET_BALANCE`) rather than a plain phrase like `Forbidden`
 * or a reason phrase in capitals like `FORBIDDEN`.
 *
 * @category guards
 */
export const isBusinessCode = (message: string): boolean =>
  businessCodePattern.test(message) && !isReasonPhrase(message)

/**
 * A business-rule code: an UPPER_SNAKE_CASE string.
 *
 * @category schemas
 */
export const BusinessCode = Schema.String.check(
  Schema.makeFilter((s: string) => isBusinessCode(s) || "Expected an UPPER_SNAKE_CASE business code")
)

const NotBusinessCode = Schema.String.check(
  Schema.makeFilter(
    (s: string) => !isBusinessCode(s) || "An UPPER_SNAKE_CASE message is a business rule: use BusinessRuleViolation"
  )
)

const WholeSeconds = Schema.DurationFromMillis.check(
  Schema.makeFilter(
    (d: Duration.Duration) =>
      (Duration.isFinite(d) && Duration.toMillis(d) % 1000 === 0 && Duration.toMillis(d) >= 0) ||
      "Expected a whole, non-negative number of seconds (Retry-After has one-second resolution)"
  )
)

const StatusBetween = (minimum: number, maximum: number) => Schema.Int.check(Schema.isBetween({ minimum, maximum }))

/**
 * What was wrong with a malformed request, when the server knows:
 * the body was not JSON, the content type was not JSON, or the input parsed
 * but failed the schema (see `issues`).
 *
 * @category schemas
 */
export const MalformedRequestProblem = Schema.Literals(["invalid-json", "unsupported-content-type", "schema-mismatch"])

/**
 * Why a received body could not say everything the contract expects:
 * `empty-body`, `not-json` (HTML from a load balancer, text from a proxy),
 * `no-message` (JSON without a usable `message`, e.g. a gateway's
 * `application/problem+json`), or, for a 2xx, `schema-mismatch` (the success
 * body does not match the endpoint's schema).
 *
 * @category schemas
 */
export const BodyProblem = Schema.Literals(["empty-body", "not-json", "no-message", "schema-mismatch"])

/**
 * The longest excerpt of a received body kept inside an error value.
 *
 * @category constants
 */
export const maxExcerptLength = 512

/**
 * The most entries of a received list field (`issues`, `quotas`) kept inside
 * an error value; the rest are dropped and noted.
 *
 * @category constants
 */
export const maxReceivedEntries = 100

/**
 * What a client noticed about a received body, beside the fields it
 * decoded: why it said less than the contract expects (`problem`), a short
 * `excerpt` of it (at most `maxExcerptLength` characters) when it could not
 * be read, its `contentType`, and the optional fields that had an odd shape
 * and were `dropped` (`"quotas.1"`, `"correlationId"`). Never written back on
 * the wire.
 *
 * @category schemas
 */
export const ReceivedBody = Schema.Struct({
  problem: Schema.optionalKey(BodyProblem),
  excerpt: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(maxExcerptLength))),
  contentType: Schema.optionalKey(Schema.String),
  dropped: Schema.optionalKey(Schema.NonEmptyArray(Schema.String))
})

/** @category models */
export type ReceivedBody = typeof ReceivedBody.Type

/**
 * The request an error answered, on errors a client decoded from another
 * server's response. Its presence marks the error as received, not raised:
 * a server never forwards such an error to its own caller as it is (see
 * `ServerResponse.fromExit` and `adopt`).
 *
 * @category schemas
 */
export const Upstream = Schema.Struct({
  method: Schema.optionalKey(Schema.String),
  url: Schema.optionalKey(Schema.String)
})

/** @category models */
export type Upstream = typeof Upstream.Type

// Fields every error decoded from a response may carry.
const receivedFields = {
  body: Schema.optionalKey(ReceivedBody),
  upstream: Schema.optionalKey(Upstream)
}

/**
 * 400 Malformed Request: a syntax failure. Never retry; fix the request.
 * `issues` says where (`["body", "amount"]`, `["path", "merchantConfigId"]`).
 * `code` is set when the message is a 400 code the endpoint documents (e.g.
 * `CHECKSUM_FAILED` on a barcode lookup): still a malformed request, with
 * the code as a typed detail.
 *
 * @category errors
 * @example
 * ```ts
 * import { ApiError } from "@centrapay-effect/core"
 * const error = new ApiError.MalformedRequest({
 *   message: "amount is required",
 *   issues: [{ path: ["body", "amount"], message: "Missing key" }],
 *   problem: "schema-mismatch"
 * })
 * ```
 */
export class MalformedRequest extends Schema.TaggedError<MalformedRequest>()("MalformedRequest", {
  message: Schema.String,
  issues: Schema.optionalKey(Schema.NonEmptyArray(Issue)),
  problem: Schema.optionalKey(MalformedRequestProblem),
  code: Schema.optional(BusinessCode),
  ...receivedFields
}) {}

/**
 * 401 Unauthorized: the API key or JWT is missing, expired or invalid.
 * Never retry as-is; refresh the credentials.
 *
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  message: Schema.String,
  ...receivedFields
}) {}

/**
 * 403 (a): the resource is missing, or the caller may not touch it (wrong id,
 * not a member of the owning account, role lacks the permission). Its
 * message is a phrase such as `Forbidden` (or `FORBIDDEN`), never a business
 * code. A 403 whose body cannot be read is this, too.
 *
 * @category errors
 */
export class ResourceForbidden extends Schema.TaggedError<ResourceForbidden>()("ResourceForbidden", {
  message: NotBusinessCode,
  ...receivedFields
}) {}

/**
 * 403 (b): a business rule was violated. `message` is the endpoint's
 * documented code (`documented: true`) or a code the endpoint does not
 * document (`documented: false`). Legacy endpoints document some of these
 * with status 400 or 404, hence `status`.
 *
 * @category errors
 */
export class BusinessRuleViolation extends Schema.TaggedError<BusinessRuleViolation>()("BusinessRuleViolation", {
  status: StatusBetween(400, 499),
  message: BusinessCode,
  documented: Schema.Boolean,
  endpoint: Schema.optionalKey(Schema.String),
  quotas: Schema.optionalKey(Schema.Array(Quota)),
  ...receivedFields
}) {}

/**
 * 404 Route Not Found: a typo in the URL or the HTTP method. A bug in the
 * caller; never retry.
 *
 * @category errors
 */
export class RouteNotFound extends Schema.TaggedError<RouteNotFound>()("RouteNotFound", {
  message: Schema.String,
  ...receivedFields
}) {}

/**
 * 429 Too Many Requests: wait at least `retryAfter` (whole seconds, parsed
 * from delay-seconds or an HTTP-date), then retry with backoff. `retryAfter`
 * is absent only when a non-conforming server omitted the header.
 *
 * @category errors
 */
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()("TooManyRequests", {
  message: Schema.String,
  retryAfter: Schema.optionalKey(WholeSeconds),
  quotas: Schema.optionalKey(Schema.Array(Quota)),
  ...receivedFields
}) {}

/**
 * 5xx Server Error, with the exact status and the server's correlation id
 * when it sent one. Every 5xx is this, whatever its body (an HTML 502 from a
 * load balancer, an empty 503): `catchTag("ServerError")` catches them all.
 * Retryable except 501 and 505; `retryAfter` when the server said when.
 *
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", {
  status: StatusBetween(500, 599),
  message: Schema.String,
  correlationId: Schema.optionalKey(Schema.String),
  retryAfter: Schema.optionalKey(WholeSeconds),
  ...receivedFields
}) {}

/**
 * A status the contract does not use (3xx, 408, 409, 418…), with what was
 * noticed about its body. Only a client meets it; a server that lets one
 * through answers 502.
 *
 * @category errors
 */
export class UnexpectedStatus extends Schema.TaggedError<UnexpectedStatus>()("UnexpectedStatus", {
  status: Schema.Int.check(
    Schema.makeFilter(
      (status: number) => statusClassOf(status) === "UnexpectedStatus" || "Expected a status outside the contract"
    )
  ),
  retryAfter: Schema.optionalKey(WholeSeconds),
  ...receivedFields
}) {
  override get message(): string {
    return `The contract does not use status ${this.status}`
  }
}

/**
 * A 2xx whose body is not the success the endpoint documents: not JSON, or
 * JSON that fails the endpoint's success schema (`issues` says where). Error
 * statuses never end here: they keep the tag of their status class.
 *
 * @category errors
 */
export class UndecodableResponse extends Schema.TaggedError<UndecodableResponse>()("UndecodableResponse", {
  status: StatusBetween(200, 299),
  issues: Schema.optionalKey(Schema.NonEmptyArray(Issue)),
  ...receivedFields
}) {
  override get message(): string {
    const problem = this.body?.problem
    const what =
      problem === "not-json"
        ? `a body that is not JSON (${this.body?.contentType ?? "no content type"})`
        : problem === "schema-mismatch"
          ? "a body that does not match the endpoint's success schema"
          : "a body that could not be read"
    return `Status ${this.status} came with ${what}`
  }
}

/**
 * What kind of network failure ended the call. `subrequest-limit`: the
 * platform's cap on outgoing requests per incoming request (Cloudflare
 * Workers) was reached, so the request was never sent.
 * `response-too-large`: the response body (as decoded) went past the
 * client's `maxResponseBytes`, so reading stopped there and the connection
 * was closed; nothing of the body is kept, and it is never retried.
 * `rate-limiter-unavailable`: the shared rate limiter's store did not answer
 * and the client was set to fail then (`rateLimit.onStoreFailure: "fail"`),
 * so the request was never sent; never retried.
 *
 * @category schemas
 */
export const TransportReason = Schema.Literals([
  "connection-refused",
  "connection-reset",
  "dns-lookup",
  "subrequest-limit",
  "response-too-large",
  "rate-limiter-unavailable",
  "other"
])

/**
 * The exchange failed on the way, not by any status: connection refused or
 * reset (also mid-body), DNS failure, the platform's subrequest limit, a
 * response body past the client's cap, or a shared rate limiter that could
 * not be reached. Retryable (a POST only with an idempotency key, or when
 * nothing was sent: refused, DNS), except past the subrequest limit, the
 * body cap, or with the rate limiter unavailable.
 *
 * @category errors
 */
export class TransportFailure extends Schema.TaggedError<TransportFailure>()("TransportFailure", {
  method: Schema.String,
  url: Schema.String,
  reason: TransportReason,
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.method} ${this.url} failed: ${this.reason} (${this.detail})`
  }
}

/**
 * No response arrived in time. `attempts` counts the attempts made,
 * `after` the time allowed.
 *
 * @category errors
 */
export class Timeout extends Schema.TaggedError<Timeout>()("Timeout", {
  method: Schema.String,
  url: Schema.String,
  after: Schema.DurationFromMillis,
  attempts: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
}) {
  override get message(): string {
    return `${this.method} ${this.url} timed out after ${Duration.format(this.after)} (${this.attempts} attempt${this.attempts === 1 ? "" : "s"})`
  }
}

/**
 * The errors of the contract's status classes: the ones a server raises and
 * answers with their own status.
 *
 * @category models
 */
export type ContractError =
  | MalformedRequest
  | Unauthorized
  | ResourceForbidden
  | BusinessRuleViolation
  | RouteNotFound
  | TooManyRequests
  | ServerError

/**
 * Any error a response decodes to: a status class's, a status outside the
 * contract, or an unreadable 2xx.
 *
 * @category models
 */
export type StatusError = ContractError | UnexpectedStatus | UndecodableResponse

/**
 * Every error this library produces.
 *
 * @category models
 */
export type ApiError = StatusError | TransportFailure | Timeout

/**
 * An error a client decoded from another server's response: it names the
 * request it answered in `upstream`.
 *
 * @category models
 */
export type Received<E> = E & { readonly upstream: Upstream }

// Received errors a program made its own with `adopt`.
const adopted = new WeakSet<ApiError>()

/**
 * Whether an error came from elsewhere rather than being raised by this
 * program: decoded from a response (it has `upstream`) and not `adopt`ed, or
 * an outcome only a client meets (transport failure, timeout, a status
 * outside the contract, an unreadable 2xx). A server answers these with 502
 * (504 for a timeout), never as they are.
 *
 * @category guards
 */
export const isReceived = (error: ApiError): boolean => {
  switch (error._tag) {
    case "TransportFailure":
    case "Timeout":
    case "UnexpectedStatus":
    case "UndecodableResponse":
      return true
    default:
      return error.upstream !== undefined && !adopted.has(error)
  }
}

/**
 * Makes an error a client received this program's own, deliberately: a
 * server then answers it as it is (say, an upstream 401 that really means
 * the caller's credentials are wrong) instead of with 502. Only the wire
 * fields are answered; `upstream` and the notes on the received body never
 * are. For an upstream business code, prefer re-raising it with
 * `Endpoint.violation` on your own endpoint, which checks that your endpoint
 * documents it.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ApiError } from "@centrapay-effect/core"
 *
 * declare const upstreamCall: Effect.Effect<string, ApiError.Received<ApiError.Unauthorized>>
 * // Our caller's token was passed on upstream: its 401 is the caller's 401.
 * const passedOn = upstreamCall.pipe(Effect.mapError(ApiError.adopt))
 * ```
 */
export const adopt = <E extends ContractError>(error: E): E => {
  adopted.add(error)
  return error
}

/**
 * All error classes, for code that needs the whole set (guards, unions).
 *
 * @category models
 */
export const classes = [
  MalformedRequest,
  Unauthorized,
  ResourceForbidden,
  BusinessRuleViolation,
  RouteNotFound,
  TooManyRequests,
  ServerError,
  UnexpectedStatus,
  UndecodableResponse,
  TransportFailure,
  Timeout
] as const

/**
 * One Schema for the whole union: serialise any `ApiError` (e.g. across a
 * worker boundary) and read it back. The union is built on first use: it
 * reads the schema of every class, which nothing on a server's request path
 * needs (at import, the largest single piece of work of this module).
 *
 * @category schemas
 */
export const ApiErrorSchema: Schema.suspend<Schema.Union<typeof classes>> = Schema.suspend(() => Schema.Union(classes))

const classByTag: ReadonlyMap<unknown, (typeof classes)[number]> = new Map(classes.map((C) => [C.identifier, C]))

/**
 * Whether a value is one of this library's errors. Checks the class, so it
 * works for values decoded by `ApiErrorSchema` too.
 *
 * @category guards
 */
export const isApiError = (u: unknown): u is ApiError => {
  // The class the value's tag names first: one lookup and one `instanceof` (12 ns in Node) where
  // trying the classes in turn takes up to 11 (190–280 ns), on every error response. Then every
  // class, so the answer is the class check's whatever the tag says.
  const named = typeof u === "object" && u !== null && "_tag" in u ? classByTag.get(u._tag) : undefined
  return (named !== undefined && u instanceof named) || classes.some((C) => u instanceof C)
}

/**
 * Whether retrying can help, by the retry table: transport failures
 * (except past a platform's subrequest limit), timeouts, 429, 408, and every
 * 5xx but 501 and 505, whatever its body said.
 *
 * @category classification
 */
export const isRetryable = (error: ApiError): boolean => {
  switch (error._tag) {
    case "TransportFailure":
      return RetryTable.retryableFailures.has(error._tag) && !RetryTable.neverRetriedTransportReasons.has(error.reason)
    case "Timeout":
      return RetryTable.retryableFailures.has(error._tag)
    case "TooManyRequests":
      return RetryTable.isRetryableStatus(429)
    case "ServerError":
    case "UnexpectedStatus":
    case "UndecodableResponse":
      return RetryTable.isRetryableStatus(error.status)
    default:
      return false
  }
}

const noHints: ReadonlyArray<DebugHint.DebugHint> = []

const hintsByClass = (statusClass: StatusClass, retryable: boolean): ReadonlyArray<DebugHint.DebugHint> => {
  switch (statusClass) {
    case "MalformedRequest":
      return DebugHint.malformedRequest
    case "Unauthorized":
      return DebugHint.unauthorized
    case "ResourceForbidden":
      return DebugHint.resourceForbidden
    case "RouteNotFound":
      return DebugHint.routeNotFound
    case "TooManyRequests":
      return DebugHint.tooManyRequests
    default:
      return retryable ? DebugHint.transient : noHints
  }
}

/**
 * The debugging checklist for an error: the contract's 400 checklist for a
 * malformed request, credentials for a 401, resource id / membership / role
 * for a 403 that is not a business rule, URL and verb for a 404, waiting and
 * the account's limit for a 429, retry advice for transient failures. A
 * business outcome (documented codes, legacy 400/404 included) has none:
 * its code says what happened.
 *
 * @category classification
 */
export const hints = (error: ApiError): ReadonlyArray<DebugHint.DebugHint> => {
  switch (error._tag) {
    case "BusinessRuleViolation":
      return noHints
    case "UndecodableResponse":
    case "UnexpectedStatus":
    case "ServerError":
      return hintsByClass(statusClassOf(error.status), isRetryable(error))
    case "TransportFailure":
    case "Timeout":
      return hintsByClass("ServerError", isRetryable(error))
    default:
      return hintsByClass(error._tag, isRetryable(error))
  }
}

/**
 * The HTTP status an error stands for; `undefined` for failures that never
 * got a response.
 *
 * @category accessors
 */
export const statusOf = (error: ApiError): number | undefined => {
  switch (error._tag) {
    case "MalformedRequest":
      return 400
    case "Unauthorized":
      return 401
    case "ResourceForbidden":
      return 403
    case "RouteNotFound":
      return 404
    case "TooManyRequests":
      return 429
    case "TransportFailure":
    case "Timeout":
      return undefined
    default:
      return error.status
  }
}

/**
 * One readable line: tag, status, message, what to do.
 *
 * @category formatting
 * @example
 * ```ts
 * import { ApiError } from "@centrapay-effect/core"
 * ApiError.format(new ApiError.Unauthorized({ message: "Missing authentication" }))
 * // "Unauthorized (401): Missing authentication [not retryable; check: credentials-present, credentials-valid, account-header]"
 * ```
 */
export const format = (error: ApiError): string => {
  const code = statusOf(error)
  const head = code === undefined ? error._tag : `${error._tag} (${code})`
  const checks = hints(error).map((h) => h.id)
  const advice = isRetryable(error) ? "retryable" : "not retryable"
  const documented =
    error._tag === "BusinessRuleViolation"
      ? `; ${error.documented ? "documented" : "undocumented"}${error.endpoint === undefined ? "" : ` for ${error.endpoint}`}`
      : ""
  return `${head}: ${error.message} [${advice}${documented}${checks.length > 0 ? `; check: ${checks.join(", ")}` : ""}]`
}

/**
 * What every error offers besides its fields, computed from the tables above.
 *
 * @category models
 */
export interface ErrorTraits {
  /** Whether retrying can help (see `RetryTable`). */
  readonly isRetryable: boolean
  /** The debugging checklist that applies. */
  readonly hints: ReadonlyArray<DebugHint.DebugHint>
}

export interface MalformedRequest extends ErrorTraits {}
export interface Unauthorized extends ErrorTraits {}
export interface ResourceForbidden extends ErrorTraits {}
export interface BusinessRuleViolation extends ErrorTraits {}
export interface RouteNotFound extends ErrorTraits {}
export interface TooManyRequests extends ErrorTraits {}
export interface ServerError extends ErrorTraits {}
export interface UnexpectedStatus extends ErrorTraits {}
export interface UndecodableResponse extends ErrorTraits {}
export interface TransportFailure extends ErrorTraits {}
export interface Timeout extends ErrorTraits {}

// The traits are defined once, here, for every class (the TypeScript mixin
// pattern: the interfaces above declare what this loop installs), rather than
// as a copy of the same getters in each class body. biome.json turns off
// noUnsafeDeclarationMerging for this file only; a test checks every class.
for (const ErrorClass of classes) {
  Object.defineProperties(ErrorClass.prototype, {
    isRetryable: {
      get(this: ApiError) {
        return isRetryable(this)
      }
    },
    hints: {
      get(this: ApiError) {
        return hints(this)
      }
    },
    toString: {
      value(this: ApiError) {
        return format(this)
      }
    }
  })
}
