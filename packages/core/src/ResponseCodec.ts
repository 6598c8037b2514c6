/**
 * Decode (response → typed error) and encode (typed error → response), both
 * driven by the same definitions: the error classes in `ApiError`, the wire
 * schema `ErrorBody` and the status table. Both are pure and total: decode
 * returns a typed value for any status, headers and bytes; encode writes the
 * documented wire format for any error, or the same error as RFC 9457
 * problem details when asked (`ErrorFormat`), and decode reads both.
 *
 * @module
 */
import * as Duration from "effect/Duration"
import * as Headers from "effect/http/Headers"
import * as ProblemDetails from "effect/http/ProblemDetails"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as ApiError from "./ApiError.ts"
import * as Endpoint from "./Endpoint.ts"
import { type ErrorBody, Issue, type ProblemBody, Quota } from "./ErrorBody.ts"
import * as ErrorFormat from "./ErrorFormat.ts"
import { definedEntry } from "./internal/record.ts"
import { withoutStackTrace } from "./internal/stackTrace.ts"
import { bodyText, headerValue, type ReceivedResponse, type WireResponse } from "./WireResponse.ts"

/**
 * Options for `decode`.
 *
 * @category models
 */
export interface DecodeOptions<M extends string, C extends string = never> {
  /** The endpoint called: its documented errors (and legacy overrides) apply. */
  readonly endpoint?: Endpoint.Endpoint<M, C> | undefined
  /** The request the response answered, named in the error's `upstream`. */
  readonly request?: ApiError.Upstream | undefined
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

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()
const isQuota = Schema.is(Quota)
const isIssue = Schema.is(Issue)
const isMalformedRequestProblem = Schema.is(ApiError.MalformedRequestProblem)
const decodeProblemDetails = Schema.decodeUnknownOption(ProblemDetails.Schema)

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
 * The start of a body, short enough to keep inside an error value.
 *
 * @category converting
 */
export const excerptOf = (text: string): string =>
  text.length <= ApiError.maxExcerptLength ? text : `${text.slice(0, ApiError.maxExcerptLength - 1)}…`

/** What a body said, read field by field: only `message` decides anything. */
interface ReadBody {
  readonly message: string | undefined
  readonly quotas: ReadonlyArray<Quota> | undefined
  readonly issues: ReadonlyArray<Issue> | undefined
  readonly problem: ApiError.MalformedRequest["problem"]
  readonly correlationId: string | undefined
  /** Why the body said less than the contract expects, its excerpt, the fields dropped. */
  readonly detail: ApiError.ReceivedBody | undefined
}

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const parseJson = (text: string): { readonly json: unknown } | undefined => {
  try {
    // A UTF-8 byte order mark before the JSON is tolerated.
    return { json: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) }
  } catch {
    return undefined
  }
}

// Each entry of a list field kept on its own: an odd entry is dropped and noted. At most
// `maxReceivedEntries` are read; the rest are dropped as one range.
const listOf = <A>(
  name: string,
  value: unknown,
  is: (u: unknown) => u is A,
  dropped: Array<string>
): ReadonlyArray<A> | undefined => {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) {
    dropped.push(name)
    return undefined
  }
  const kept: Array<A> = []
  const read = Math.min(value.length, ApiError.maxReceivedEntries)
  for (let index = 0; index < read; index++) {
    const entry: unknown = value[index]
    if (is(entry)) kept.push(entry)
    else dropped.push(`${name}.${index}`)
  }
  if (value.length > read) dropped.push(`${name}.${read}-${value.length - 1}`)
  return kept
}

// A string field, as an excerpt; anything else is dropped and noted.
const stringOf = (name: string, value: unknown, dropped: Array<string>): string | undefined => {
  if (value === undefined) return undefined
  if (typeof value === "string") return excerptOf(value)
  dropped.push(name)
  return undefined
}

// Problem details, by content type or shape (a string `type` with a standard member beside it).
const isProblemDetails = (json: Readonly<Record<string, unknown>>, contentType: string | undefined): boolean =>
  (contentType !== undefined && mediaTypeOf(contentType) === ErrorFormat.problemJson) ||
  (typeof json.type === "string" &&
    (json.title !== undefined || json.status !== undefined || json.detail !== undefined))

const mediaTypeOf = (contentType: string): string => (contentType.split(";")[0] ?? "").trim().toLowerCase()

// A usable message: a string with something in it, as an excerpt.
const messageOf = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? excerptOf(value) : undefined

// The message of a body: its `message`; for problem details without one, the `detail`
// (read by RFC 9457's rules, with Effect's lenient `ProblemDetails.Schema`).
const bodyMessageOf = (json: Readonly<Record<string, unknown>>, contentType: string | undefined): string | undefined =>
  messageOf(json.message) ??
  (isProblemDetails(json, contentType)
    ? messageOf(Option.getOrUndefined(decodeProblemDetails(json))?.detail)
    : undefined)

const readBody = (text: string, contentType: string | undefined): ReadBody => {
  const nothing = (problem: ApiError.ReceivedBody["problem"], excerpt: boolean): ReadBody => ({
    message: undefined,
    quotas: undefined,
    issues: undefined,
    problem: undefined,
    correlationId: undefined,
    detail: {
      ...definedEntry("problem", problem),
      ...(excerpt ? { excerpt: excerptOf(text) } : {}),
      ...definedEntry("contentType", contentType)
    }
  })
  if (text.trim() === "") return nothing("empty-body", false)
  const parsed = parseJson(text)
  if (parsed === undefined) return nothing("not-json", true)
  const json = parsed.json
  if (!isRecord(json)) return nothing("no-message", true)
  const dropped: Array<string> = []
  // Strings are kept as excerpts: a body is never kept whole inside an error value.
  const message = bodyMessageOf(json, contentType)
  const quotas = listOf("quotas", json.quotas, isQuota, dropped)
  const issues = listOf("issues", json.issues, isIssue, dropped)?.map((issue) => ({
    path: issue.path.slice(0, ApiError.maxReceivedEntries),
    message: excerptOf(issue.message)
  }))
  const problemText = stringOf("problem", json.problem, dropped)
  const problem = isMalformedRequestProblem(problemText) ? problemText : undefined
  if (problemText !== undefined && problem === undefined) dropped.push("problem")
  const correlationId = stringOf("correlationId", json.correlationId, dropped)
  const detail: ApiError.ReceivedBody = {
    ...(message === undefined ? { problem: "no-message" as const, excerpt: excerptOf(text) } : {}),
    ...definedEntry("contentType", message === undefined ? contentType : undefined),
    ...definedEntry("dropped", nonEmpty(dropped))
  }
  return {
    message,
    quotas,
    issues,
    problem,
    correlationId,
    detail: Object.keys(detail).length === 0 ? undefined : detail
  }
}

/**
 * Reads any response as the contract says: a `Success` for 2xx, otherwise
 * the typed error of its status class, whatever the body held (an HTML 502
 * is a `ServerError`, an empty 403 a `ResourceForbidden`, a `problem+json`
 * 404 a `RouteNotFound`; what the body lacked is noted in the error's
 * `body`). The status wins over the body's `statusCode` (or `status`); only
 * `message` decides anything, and only a documented or UPPER_SNAKE_CASE one
 * that is not a reason phrase makes a business outcome. The endpoint's
 * documented codes (and a legacy endpoint's overrides) apply. The
 * contract's body and RFC 9457 problem details (by content type
 * `application/problem+json`, or by shape) decode alike: the same fields,
 * the same typed error; problem details without a `message` give their
 * `detail` as the message. Never throws. The errors carry no stack trace
 * (they describe a response, not the code that read it; capturing one was
 * most of a decode's cost).
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
 * // Result.fail(TooManyRequests { message: "RATE_LIMIT_EXCEEDED", retryAfter: 3 seconds, upstream: {} })
 * ```
 */
export const decode = <M extends string = never, C extends string = never>(
  received: ReceivedResponse,
  options?: DecodeOptions<M, C>
): Result.Result<Success, Endpoint.DecodedError<M, C>> => withoutStackTrace(() => decodeResponse(received, options))

const decodeResponse = <M extends string, C extends string>(
  received: ReceivedResponse,
  options: DecodeOptions<M, C> | undefined
): Result.Result<Success, Endpoint.DecodedError<M, C>> => {
  const status = Number.isInteger(received.status) ? received.status : 0
  const text = bodyText(received.body)
  const contentType = headerValue(received.headers, "content-type")
  const statusClass = ApiError.statusClassOf(status)
  const upstream: ApiError.Upstream = options?.request ?? {}
  const now = options?.now ?? Date.now()
  // The classes type `upstream` as optional; every error decoded here has it (each constructor below sets it).
  const receivedFrom = <E extends ApiError.StatusError>(error: E): ApiError.Received<E> =>
    Object.assign(error, { upstream })

  if (statusClass === "Ok") {
    if (text.trim() === "") return Result.succeed({ status, body: undefined })
    const parsed = parseJson(text)
    if (parsed !== undefined) return Result.succeed({ status, body: parsed.json })
    return Result.fail(
      receivedFrom(
        new ApiError.UndecodableResponse({
          status,
          upstream,
          body: { problem: "not-json", excerpt: excerptOf(text), ...definedEntry("contentType", contentType) }
        })
      )
    )
  }
  const read = readBody(text, contentType)
  const seen = { upstream, ...definedEntry("body", read.detail) }
  const retryAfter = definedEntry("retryAfter", retryAfterOf(received, now))
  const endpoint = options?.endpoint
  const message = read.message
  if (endpoint !== undefined && message !== undefined && Endpoint.documents(endpoint, status, message)) {
    const violation = Endpoint.violation(endpoint, message, { ...definedEntry("quotas", read.quotas), ...seen })
    return Result.fail(receivedFrom(violation))
  }
  const said = message ?? reasonPhrase(status)
  switch (statusClass) {
    case "UnexpectedStatus":
      return Result.fail(
        receivedFrom(
          new ApiError.UnexpectedStatus({
            status,
            upstream,
            ...retryAfter,
            body: {
              ...read.detail,
              ...(text.trim() === "" ? {} : { excerpt: excerptOf(text) }),
              ...definedEntry("contentType", contentType)
            }
          })
        )
      )
    case "MalformedRequest": {
      const fields = {
        message: said,
        ...definedEntry("issues", nonEmpty(read.issues)),
        ...definedEntry("problem", read.problem),
        ...seen
      }
      return Result.fail(
        receivedFrom(
          endpoint !== undefined && message !== undefined && Endpoint.documentsMalformed(endpoint, message)
            ? Object.assign(new ApiError.MalformedRequest({ ...fields, code: message }), { code: message })
            : Object.assign(new ApiError.MalformedRequest(fields), { code: undefined })
        )
      )
    }
    case "Unauthorized":
      return Result.fail(receivedFrom(new ApiError.Unauthorized({ message: said, ...seen })))
    case "ResourceForbidden":
      return Result.fail(
        receivedFrom(
          message !== undefined && ApiError.isBusinessCode(message)
            ? Endpoint.undocumentedViolation(403, message, {
                ...definedEntry("endpoint", endpoint?.id),
                ...definedEntry("quotas", read.quotas),
                ...seen
              })
            : new ApiError.ResourceForbidden({ message: said, ...seen })
        )
      )
    case "RouteNotFound":
      return Result.fail(receivedFrom(new ApiError.RouteNotFound({ message: said, ...seen })))
    case "TooManyRequests":
      return Result.fail(
        receivedFrom(
          new ApiError.TooManyRequests({
            message: said,
            ...retryAfter,
            ...definedEntry("quotas", read.quotas),
            ...seen
          })
        )
      )
    case "ServerError":
      return Result.fail(
        receivedFrom(
          new ApiError.ServerError({
            status,
            message: said,
            ...definedEntry("correlationId", read.correlationId ?? correlationIdOf(received)),
            ...retryAfter,
            ...seen
          })
        )
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
  /**
   * The body's format: the contract's, or the same error as RFC 9457 problem
   * details (`ErrorFormat`); status and headers are the same. @default "centrapay"
   */
  readonly format?: ErrorFormat.Format | undefined
  /** The format was chosen from the request's `Accept`: the response says `Vary: Accept`. @default false */
  readonly negotiated?: boolean | undefined
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
const problemHeaders = { "content-type": ErrorFormat.problemJson } as const
const varyAccept = { vary: "Accept" } as const

// What an error says on the wire, whatever the format.
type Fields = Omit<ErrorBody, "statusCode" | "error">

// The one rendering of an encoded error: the contract's body (`ErrorBody`) or problem
// details (`ProblemBody`) around the same fields, with the same status and headers. The
// body is typed by its schema and built only from fields the error's own schema validated
// at construction, so it is written with JSON.stringify (about 10x faster than a second
// Schema pass on the hot path of every error response). The round-trip property tests
// hold the two in step.
const written = (
  options: EncodeOptions | undefined,
  type: string,
  status: number,
  fields: Fields,
  headers?: Readonly<Record<string, string>>
): WireResponse => {
  const vary = options?.negotiated === true ? varyAccept : undefined
  if (options?.format === "problem+json") {
    const wire: ProblemBody = { type, title: reasonPhrase(status), status, detail: fields.message, ...fields }
    return { status, headers: { ...problemHeaders, ...headers, ...vary }, body: JSON.stringify(wire) }
  }
  const wire: ErrorBody = { statusCode: status, error: reasonPhrase(status), ...fields }
  return { status, headers: { ...jsonHeaders, ...headers, ...vary }, body: JSON.stringify(wire) }
}

// At least one second: `Retry-After: 0` would invite an immediate retry storm.
const retryAfterHeader = (delay: Duration.Duration): string =>
  Headers.formatRetryAfter(Headers.retryAfterDuration(Duration.max(delay, minimumRetryAfter)))

const minimumRetryAfter = Duration.seconds(1)

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
 * `WWW-Authenticate` on a 401. What a client noted on receiving an error
 * (`body`, `upstream`) is never written. A transport failure or timeout is
 * answered as a gateway would: 502 or 504, without the upstream's details.
 * This is the codec; what a server answers for an error it received from
 * elsewhere is `ServerResponse.fromError`'s rule (502/504). With
 * `format: "problem+json"` the same error, status and headers come with an
 * RFC 9457 body (`ErrorBody.ProblemBody`, `application/problem+json`).
 *
 * @category encoding
 * @example
 * ```ts
 * import { ApiError, ResponseCodec } from "@centrapay-effect/core"
 * ResponseCodec.encode(new ApiError.ResourceForbidden({ message: "Forbidden" }))
 * // { status: 403, headers: { "content-type": "application/json" },
 * //   body: '{"statusCode":403,"error":"Forbidden","message":"Forbidden"}' }
 * ResponseCodec.encode(new ApiError.ResourceForbidden({ message: "Forbidden" }), { format: "problem+json" })
 * // { status: 403, headers: { "content-type": "application/problem+json" },
 * //   body: '{"type":"tag:centrapay-effect,2026:problem:resource-forbidden","title":"Forbidden",
 * //          "status":403,"detail":"Forbidden","message":"Forbidden"}' }
 * ```
 */
export const encode = (error: ApiError.ApiError, options?: EncodeOptions): WireResponse => {
  const types = ErrorFormat.problemTypes
  switch (error._tag) {
    case "MalformedRequest":
      return written(options, types.MalformedRequest, 400, {
        message: error.message,
        ...definedEntry("issues", error.issues),
        ...definedEntry("problem", error.problem)
      })
    case "Unauthorized":
      return written(
        options,
        types.Unauthorized,
        401,
        { message: error.message },
        { "www-authenticate": options?.challenge ?? defaultChallenge }
      )
    case "ResourceForbidden":
      return written(options, types.ResourceForbidden, 403, { message: error.message })
    case "RouteNotFound":
      return written(options, types.RouteNotFound, 404, { message: error.message })
    case "BusinessRuleViolation":
      return written(options, types.BusinessRuleViolation, error.status, {
        message: error.message,
        ...definedEntry("quotas", error.quotas)
      })
    case "TooManyRequests":
      return written(
        options,
        types.TooManyRequests,
        429,
        { message: error.message, ...definedEntry("quotas", error.quotas) },
        { "retry-after": retryAfterHeader(error.retryAfter ?? defaultRetryAfter) }
      )
    case "ServerError":
      return written(
        options,
        types.ServerError,
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
    case "UndecodableResponse":
      // Only a client meets these; written back as the excerpt it kept (a server answers them 502).
      return {
        status: error.status,
        headers: {
          ...definedEntry("content-type", error.body?.contentType),
          ...definedEntry(
            "retry-after",
            error._tag === "UnexpectedStatus" && error.retryAfter !== undefined
              ? retryAfterHeader(error.retryAfter)
              : undefined
          )
        },
        body: error.body?.excerpt ?? ""
      }
    case "TransportFailure":
      return written(options, types.ServerError, 502, { message: reasonPhrase(502) })
    case "Timeout":
      return written(options, types.ServerError, 504, { message: reasonPhrase(504) })
  }
}
