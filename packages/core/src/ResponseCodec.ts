/**
 * Decode (response → typed error) and encode (typed error → response), both
 * driven by the same definitions: the error classes in `ApiError`, the wire
 * schema `ErrorBody` and the status table. Both are pure and total: decode
 * returns a typed value for any status, headers and bytes; encode writes the
 * documented wire format for any error.
 *
 * @module
 */
import * as Duration from "effect/Duration"
import * as Headers from "effect/http/Headers"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as ApiError from "./ApiError.ts"
import * as Endpoint from "./Endpoint.ts"
import { ErrorBody, type Issue } from "./ErrorBody.ts"
import { definedEntry } from "./internal/record.ts"
import { bodyText, headerValue, type ReceivedResponse, type WireResponse } from "./WireResponse.ts"

/**
 * Options for `decode`.
 *
 * @category models
 */
export interface DecodeOptions<M extends string> {
  /** The endpoint called: its documented errors (and legacy overrides) apply. */
  readonly endpoint?: Endpoint.Endpoint<M> | undefined
  /** Epoch milliseconds that turn an HTTP-date `Retry-After` into a wait. Default: `Date.now()`. */
  readonly now?: number | undefined
}

/**
 * A 2xx response: its status and the body parsed as JSON (`undefined` when
 * the body is empty).
 *
 * @category models
 */
export interface Success {
  readonly status: number
  readonly body: unknown
}

/**
 * Headers that may carry a server's correlation id, in order of preference.
 * `encode` writes the first.
 *
 * @category constants
 */
export const correlationIdHeaders = ["x-request-id", "x-correlation-id", "x-amzn-requestid", "cf-ray"] as const

/**
 * The challenge `encode` sends with a 401 (RFC 9110 §11.6.1): the API key
 * header and the user token, both accepted by the contract.
 *
 * @category constants
 */
export const defaultChallenge = 'ApiKey realm="centrapay", header="X-Api-Key", Bearer realm="centrapay"'

const JsonText = Schema.fromJsonString(Schema.Unknown)
const parseJson = Schema.decodeUnknownResult(JsonText)
const decodeErrorBody = Schema.decodeUnknownResult(ErrorBody)
const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()
const isMalformedRequestProblem = Schema.is(ApiError.MalformedRequestProblem)

/**
 * The `path` + `message` list of a Schema failure, each path prefixed with
 * where the value came from (`body`, `path`, `query`, `header`) when given.
 *
 * @category converting
 */
export const issuesOf = (error: Schema.SchemaError, location?: string): ReadonlyArray<Issue> =>
  formatIssues(error.issue).issues.map((issue) => {
    const path = (issue.path ?? []).map((key) => (typeof key === "number" ? key : String(key)))
    return { path: location === undefined ? path : [location, ...path], message: issue.message }
  })

const nonEmpty = <A>(items: ReadonlyArray<A> | undefined): readonly [A, ...Array<A>] | undefined => {
  if (items === undefined) return undefined
  const [first, ...rest] = items
  return first === undefined ? undefined : [first, ...rest]
}

const retryAfterOf = (received: ReceivedResponse, now: number): Duration.Duration | undefined => {
  const raw = headerValue(received.headers, "retry-after")
  if (raw === undefined) return undefined
  const parsed = Headers.parseRetryAfter(raw.trim())
  if (Result.isFailure(parsed)) return undefined
  // Retry-After has one-second resolution and is a minimum: round up.
  const seconds = Math.ceil(Duration.toMillis(Headers.retryAfterDelay(parsed.success, now)) / 1000)
  return Number.isSafeInteger(seconds * 1000) ? Duration.seconds(seconds) : undefined
}

const correlationIdOf = (received: ReceivedResponse): string | undefined => {
  for (const name of correlationIdHeaders) {
    const value = headerValue(received.headers, name)
    if (value !== undefined && value !== "") return value
  }
  return undefined
}

/**
 * Reads any response as the contract says: a `Success` for 2xx, otherwise
 * the typed error of its status class, with the endpoint's documented
 * business codes (and legacy overrides) applied. Never throws.
 *
 * @category decoding
 * @example
 * ```ts
 * import { ResponseCodec } from "@centrapay-effect/core"
 * const result = ResponseCodec.decode({
 *   status: 429,
 *   headers: { "retry-after": "3" },
 *   body: '{"statusCode":429,"error":"Too Many Requests","message":"RATE_LIMIT_EXCEEDED"}'
 * })
 * // Result.fail(TooManyRequests { message: "RATE_LIMIT_EXCEEDED", retryAfter: 3 seconds })
 * ```
 */
export const decode = <M extends string = never>(
  received: ReceivedResponse,
  options?: DecodeOptions<M>
): Result.Result<Success, Endpoint.DecodedError<M>> => {
  const status = Number.isInteger(received.status) ? received.status : 0
  const text = bodyText(received.body)
  const contentType = headerValue(received.headers, "content-type")
  const statusClass = ApiError.statusClassOf(status)
  const unexpected = () =>
    Result.fail(new ApiError.UnexpectedStatus({ status, body: text, ...definedEntry("contentType", contentType) }))
  const now = options?.now ?? Date.now()
  const undecodable = (problem: ApiError.UndecodableResponse["problem"], issues?: ReadonlyArray<Issue>) =>
    Result.fail(
      new ApiError.UndecodableResponse({
        status,
        problem,
        body: text,
        ...definedEntry("contentType", contentType),
        ...definedEntry("issues", nonEmpty(issues)),
        ...definedEntry("retryAfter", retryAfterOf(received, now))
      })
    )

  if (statusClass === "Ok") {
    if (text.trim() === "") return Result.succeed({ status, body: undefined })
    const json = parseJson(text)
    return Result.isSuccess(json) ? Result.succeed({ status, body: json.success }) : undecodable("not-json")
  }
  // A status outside the contract is kept whole, unless the endpoint documents it.
  if (text.trim() === "") return statusClass === "UnexpectedStatus" ? unexpected() : undecodable("empty-body")
  const json = parseJson(text)
  if (Result.isFailure(json)) return statusClass === "UnexpectedStatus" ? unexpected() : undecodable("not-json")
  const parsed = decodeErrorBody(json.success, { errors: "all" })
  if (Result.isFailure(parsed)) {
    return statusClass === "UnexpectedStatus"
      ? unexpected()
      : undecodable("schema-mismatch", issuesOf(parsed.failure, "body"))
  }
  const body = parsed.success
  const endpoint = options?.endpoint
  if (endpoint !== undefined && Endpoint.documents(endpoint, status, body.message)) {
    return Result.fail(Endpoint.violation(endpoint, body.message, definedEntry("quotas", body.quotas)))
  }
  switch (statusClass) {
    case "UnexpectedStatus":
      return unexpected()
    case "MalformedRequest":
      return Result.fail(
        new ApiError.MalformedRequest({
          message: body.message,
          ...definedEntry("issues", nonEmpty(body.issues)),
          ...definedEntry("problem", isMalformedRequestProblem(body.problem) ? body.problem : undefined)
        })
      )
    case "Unauthorized":
      return Result.fail(new ApiError.Unauthorized({ message: body.message }))
    case "ResourceForbidden":
      return Result.fail(
        ApiError.isBusinessCode(body.message)
          ? Endpoint.undocumentedViolation(403, body.message, {
              ...definedEntry("endpoint", endpoint?.id),
              ...definedEntry("quotas", body.quotas)
            })
          : new ApiError.ResourceForbidden({ message: body.message })
      )
    case "RouteNotFound":
      return Result.fail(new ApiError.RouteNotFound({ message: body.message }))
    case "TooManyRequests":
      return Result.fail(
        new ApiError.TooManyRequests({
          message: body.message,
          ...definedEntry("retryAfter", retryAfterOf(received, now)),
          ...definedEntry("quotas", body.quotas)
        })
      )
    case "ServerError":
      return Result.fail(
        new ApiError.ServerError({
          status,
          message: body.message,
          ...definedEntry("correlationId", body.correlationId ?? correlationIdOf(received)),
          ...definedEntry("retryAfter", retryAfterOf(received, now))
        })
      )
  }
}

/**
 * Options for `encode`.
 *
 * @category models
 */
export interface EncodeOptions {
  /** The `WWW-Authenticate` challenge sent with a 401. Default: `defaultChallenge`. */
  readonly challenge?: string
}

const reasonPhrases: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  507: "Insufficient Storage",
  508: "Loop Detected",
  511: "Network Authentication Required"
}

/**
 * The reason phrase written in a body's `error` field (and an ALB's
 * `statusDescription`).
 *
 * @category encoding
 */
export const reasonPhrase = (status: number): string =>
  reasonPhrases[status] ?? (status >= 500 ? "Server Error" : status >= 400 ? "Client Error" : "Unknown")

const jsonHeaders = { "content-type": "application/json" } as const

// The body is typed by the `ErrorBody` schema and built only from fields the
// error's own schema validated at construction, so it is written with
// JSON.stringify (about 10x faster than a second Schema pass on the hot path
// of every error response). The round-trip property test holds the two in step.
const json = (status: number, body: ErrorBody, headers?: Readonly<Record<string, string>>): WireResponse => {
  const wire: ErrorBody = { statusCode: status, error: reasonPhrase(status), ...body }
  return { status, headers: { ...jsonHeaders, ...headers }, body: JSON.stringify(wire) }
}

const retryAfterHeader = (delay: Duration.Duration): string =>
  Headers.formatRetryAfter(Headers.retryAfterDuration(delay))

/**
 * When a 429 carries no `retryAfter` (only a non-conforming server omits the
 * header), `encode` still sends `Retry-After`, with this many seconds.
 *
 * @category constants
 */
export const defaultRetryAfter: Duration.Duration = Duration.seconds(1)

/**
 * Writes an error as the contract's response: the status, the documented
 * body (`statusCode`, reason phrase in `error`, `message`, and the documented
 * extras), `Retry-After` on every 429 (and on a 5xx that has one),
 * `WWW-Authenticate` on a 401. A transport failure or timeout is answered as
 * a gateway would: 502 or 504, without the upstream's details.
 *
 * @category encoding
 * @example
 * ```ts
 * import { ApiError, ResponseCodec } from "@centrapay-effect/core"
 * ResponseCodec.encode(new ApiError.ResourceForbidden({ message: "Forbidden" }))
 * // { status: 403, headers: { "content-type": "application/json" },
 * //   body: '{"statusCode":403,"error":"Forbidden","message":"Forbidden"}' }
 * ```
 */
export const encode = (error: ApiError.ApiError, options?: EncodeOptions): WireResponse => {
  switch (error._tag) {
    case "MalformedRequest":
      return json(400, {
        message: error.message,
        ...definedEntry("issues", error.issues),
        ...definedEntry("problem", error.problem)
      })
    case "Unauthorized":
      return json(401, { message: error.message }, { "www-authenticate": options?.challenge ?? defaultChallenge })
    case "ResourceForbidden":
    case "RouteNotFound":
      return json(ApiError.statusOf(error) ?? 500, { message: error.message })
    case "BusinessRuleViolation":
      return json(error.status, { message: error.message, ...definedEntry("quotas", error.quotas) })
    case "TooManyRequests":
      return json(
        429,
        { message: error.message, ...definedEntry("quotas", error.quotas) },
        { "retry-after": retryAfterHeader(error.retryAfter ?? defaultRetryAfter) }
      )
    case "ServerError":
      return json(
        error.status,
        { message: error.message, ...definedEntry("correlationId", error.correlationId) },
        {
          ...definedEntry("x-request-id", error.correlationId),
          ...definedEntry(
            "retry-after",
            error.retryAfter === undefined ? undefined : retryAfterHeader(error.retryAfter)
          )
        }
      )
    case "UnexpectedStatus":
      return { status: error.status, headers: definedEntry("content-type", error.contentType), body: error.body }
    case "UndecodableResponse":
      return {
        status: error.status,
        headers: {
          ...definedEntry("content-type", error.contentType),
          ...definedEntry(
            "retry-after",
            error.retryAfter === undefined ? undefined : retryAfterHeader(error.retryAfter)
          )
        },
        body: error.body
      }
    case "TransportFailure":
      return json(502, { message: reasonPhrase(502) })
    case "Timeout":
      return json(504, { message: reasonPhrase(504) })
  }
}
