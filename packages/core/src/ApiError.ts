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

/**
 * Whether a message is a business-rule code (UPPER_SNAKE_CASE, e.g.
 * `INSUFFICIENT_WALLET_BALANCE`) rather than a plain phrase like `Forbidden`.
 *
 * @category guards
 */
export const isBusinessCode = (message: string): boolean => businessCodePattern.test(message)

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
 * 400 Malformed Request: a syntax failure. Never retry; fix the request.
 * `issues` says where (`["body", "amount"]`, `["path", "merchantConfigId"]`).
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
  problem: Schema.optionalKey(MalformedRequestProblem)
}) {}

/**
 * 401 Unauthorized: the API key or JWT is missing, expired or invalid.
 * Never retry as-is; refresh the credentials.
 *
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  message: Schema.String
}) {}

/**
 * 403 (a): the resource is missing, or the caller may not touch it (wrong id,
 * not a member of the owning account, role lacks the permission). Its
 * message is a phrase such as `Forbidden`, never a business code.
 *
 * @category errors
 */
export class ResourceForbidden extends Schema.TaggedError<ResourceForbidden>()("ResourceForbidden", {
  message: NotBusinessCode
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
  quotas: Schema.optionalKey(Schema.Array(Quota))
}) {}

/**
 * 404 Route Not Found: a typo in the URL or the HTTP method. A bug in the
 * caller; never retry.
 *
 * @category errors
 */
export class RouteNotFound extends Schema.TaggedError<RouteNotFound>()("RouteNotFound", {
  message: Schema.String
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
  quotas: Schema.optionalKey(Schema.Array(Quota))
}) {}

/**
 * 5xx Server Error, with the exact status and the server's correlation id
 * when it sent one. Retryable except 501 and 505; a 503 may say when.
 *
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", {
  status: StatusBetween(500, 599),
  message: Schema.String,
  correlationId: Schema.optionalKey(Schema.String),
  retryAfter: Schema.optionalKey(WholeSeconds)
}) {}

/**
 * A status the contract does not use (3xx, 409, 418…), kept with its body.
 *
 * @category errors
 */
export class UnexpectedStatus extends Schema.TaggedError<UnexpectedStatus>()("UnexpectedStatus", {
  status: Schema.Int.check(
    Schema.makeFilter(
      (status: number) => statusClassOf(status) === "UnexpectedStatus" || "Expected a status outside the contract"
    )
  ),
  body: Schema.String,
  contentType: Schema.optionalKey(Schema.String)
}) {
  override get message(): string {
    return `The contract does not use status ${this.status}`
  }
}

/**
 * Why a response could not be read.
 *
 * @category schemas
 */
export const UndecodableProblem = Schema.Literals(["empty-body", "not-json", "schema-mismatch"])

/**
 * A response whose body could not be read as the contract says: HTML or an
 * empty body from a proxy, or JSON that fails the wire schema. It is still
 * classified by its status (`statusClass`), so an HTML 502 is retried like
 * any 502 and an empty 429 still honours its `Retry-After`.
 *
 * @category errors
 */
export class UndecodableResponse extends Schema.TaggedError<UndecodableResponse>()("UndecodableResponse", {
  status: StatusBetween(100, 599),
  problem: UndecodableProblem,
  body: Schema.String,
  contentType: Schema.optionalKey(Schema.String),
  issues: Schema.optionalKey(Schema.NonEmptyArray(Issue)),
  retryAfter: Schema.optionalKey(WholeSeconds)
}) {
  override get message(): string {
    const what =
      this.problem === "empty-body"
        ? "an empty body"
        : this.problem === "not-json"
          ? `a body that is not JSON (${this.contentType ?? "no content type"})`
          : "JSON that does not match the contract"
    return `Status ${this.status} came with ${what}`
  }

  /** The status class this response would have been, had its body been readable. */
  get statusClass(): StatusClass {
    return statusClassOf(this.status)
  }
}

/**
 * What kind of network failure ended the call. `subrequest-limit`: the
 * platform's cap on outgoing requests per incoming request (Cloudflare
 * Workers) was reached, so the request was never sent.
 *
 * @category schemas
 */
export const TransportReason = Schema.Literals([
  "connection-refused",
  "connection-reset",
  "dns-lookup",
  "subrequest-limit",
  "other"
])

/**
 * The request never got a response: connection refused or reset, DNS
 * failure, or the platform's subrequest limit. Retryable (POST only with an
 * idempotency key), except past the subrequest limit.
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
    return `${this.method} ${this.url} failed before a response: ${this.reason} (${this.detail})`
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
 * Any error a contract response decodes to.
 *
 * @category models
 */
export type StatusError =
  | MalformedRequest
  | Unauthorized
  | ResourceForbidden
  | BusinessRuleViolation
  | RouteNotFound
  | TooManyRequests
  | ServerError
  | UnexpectedStatus
  | UndecodableResponse

/**
 * Every error this library produces.
 *
 * @category models
 */
export type ApiError = StatusError | TransportFailure | Timeout

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
 * worker boundary) and read it back.
 *
 * @category schemas
 */
export const ApiErrorSchema = Schema.Union(classes)

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
 * Whether retrying can help, by the retry table: transport failures,
 * timeouts, 429 and the transient 5xx; an unreadable or unexpected response
 * by its status.
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
    default:
      return retryable ? DebugHint.transient : noHints
  }
}

/**
 * The debugging checklist for an error: the contract's 400 checklist for a
 * malformed request, credentials for a 401, resource id / membership / role
 * for a 403 that is not a business rule, URL and verb for a 404, retry
 * advice for transient failures; an unreadable response gets its status
 * class's checklist. A business outcome (documented codes, legacy 400/404
 * included) has none: its code says what happened.
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
