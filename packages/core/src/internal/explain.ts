/**
 * What `centrapay-effect explain` says about one response, computed with the
 * client's own pieces: the contracts' matcher finds the endpoint (Centrapay's
 * catalog, or the user's own contracts, see `contracts.ts`),
 * `ResponseCodec.decode` types the response, `ApiError.isRetryable` /
 * `ApiError.hints` and `RetryPolicy.decide` say what to do next, and the
 * contracts' docs (the generated `centrapayDocs` for the catalog) say what a
 * documented error means.
 *
 * @module
 */
import * as Duration from "effect/Duration"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as ApiError from "../ApiError.ts"
import type * as DebugHint from "../DebugHint.ts"
import * as Endpoint from "../Endpoint.ts"
import type * as EndpointMatcher from "../EndpointMatcher.ts"
import * as ResponseCodec from "../ResponseCodec.ts"
import * as RetryPolicy from "../RetryPolicy.ts"
import type { ReceivedResponse } from "../WireResponse.ts"
import { type Contracts, centrapay } from "./contracts.ts"

/**
 * The outcome class of a response, as the contract names it. An unreadable
 * body (`UndecodableResponse`) is classed by its status.
 */
export type Kind =
  | "ok"
  | "malformed-request"
  | "unauthorized"
  | "forbidden-resource"
  | "business-rule"
  | "route-not-found"
  | "rate-limited"
  | "server-error"
  | "unexpected-status"

/** The request a response answered, as far as it is known. */
export interface Request {
  readonly method: string
  readonly path: string
  /** Whether the request's body carried an `idempotencyKey` (decides whether a POST may be sent again). */
  readonly idempotencyKey?: boolean | undefined
}

/** Everything `explain` concludes about one response. */
export interface Explanation {
  readonly status: number
  readonly kind: Kind
  /** `undefined` for a 2xx whose body parsed. */
  readonly error: ApiError.StatusError | undefined
  readonly request: Request | undefined
  /** The endpoint of the contracts the request matched. */
  readonly match: EndpointMatcher.Match<Endpoint.Endpoint<string>> | undefined
  /** When the request matched none (or is unknown): the endpoints documenting this status and message as a business outcome. */
  readonly documentedOn: ReadonlyArray<Endpoint.Endpoint<string>>
  /** Whether the endpoint's table lists this status and message. */
  readonly documented: boolean
  /** What Centrapay's docs say this documented error means (markdown); `undefined` when they say nothing. */
  readonly description: string | undefined
  readonly retryable: boolean
  /** The wait the server asked for, when the response is retryable. */
  readonly retryAfter: Duration.Duration | undefined
  /** What the default retry policy does after this response as a first attempt. */
  readonly decision: RetryPolicy.RetryDecision | undefined
  readonly hints: ReadonlyArray<DebugHint.DebugHint>
}

const kindOfClass: Readonly<Record<ApiError.StatusClass, Kind>> = {
  Ok: "ok",
  MalformedRequest: "malformed-request",
  Unauthorized: "unauthorized",
  ResourceForbidden: "forbidden-resource",
  RouteNotFound: "route-not-found",
  TooManyRequests: "rate-limited",
  ServerError: "server-error",
  UnexpectedStatus: "unexpected-status"
}

/** Explains one response to `request` (when known), by `contracts` (Centrapay's catalog unless given). Total: never throws. */
export const explain = (
  request: Request | undefined,
  response: ReceivedResponse,
  contracts: Contracts = centrapay
): Explanation => {
  const match = request === undefined ? undefined : contracts.match(request.method, request.path)
  const endpoint = match?.endpoint
  const decoded = ResponseCodec.decode(response, { endpoint })
  const error = Result.isFailure(decoded) ? decoded.failure : undefined
  const status = response.status
  const retryable = error !== undefined && ApiError.isRetryable(error)
  const requested =
    error?._tag === "TooManyRequests" || error?._tag === "ServerError" || error?._tag === "UnexpectedStatus"
      ? error.retryAfter
      : undefined
  return {
    status,
    kind:
      error === undefined
        ? "ok"
        : error._tag === "BusinessRuleViolation"
          ? "business-rule"
          : kindOfClass[ApiError.statusClassOf(status)],
    error,
    request,
    match,
    documentedOn:
      error === undefined || endpoint !== undefined
        ? []
        : contracts.endpoints.filter((candidate) => Endpoint.documents(candidate, status, error.message)),
    documented:
      error?._tag === "BusinessRuleViolation"
        ? error.documented
        : error !== undefined && endpoint !== undefined && lists(endpoint, status, error.message),
    description:
      error === undefined || endpoint === undefined
        ? undefined
        : contracts.description(endpoint, status, error.message),
    retryable,
    retryAfter: retryable ? requested : undefined,
    // The client's own rule, fed the request's method and idempotency key when known. Only the
    // decision's kind and any server-requested wait are reported, so the jitter draw is fixed.
    decision:
      error === undefined
        ? undefined
        : RetryPolicy.decide(
            RetryPolicy.defaults,
            error,
            1,
            0,
            request === undefined
              ? undefined
              : { method: request.method, idempotencyKey: request.idempotencyKey ?? false }
          ),
    hints: error === undefined ? [] : ApiError.hints(error)
  }
}

const lists = (endpoint: Endpoint.Endpoint<string>, status: number, message: string): boolean =>
  endpoint.errors.some((documented) => documented.status === status && documented.message === message)

/** One input line of `explain --json`. `body` is the raw text as received. */
const ResponseLine = Schema.Struct({
  method: Schema.String,
  path: Schema.String,
  idempotencyKey: Schema.optionalKey(Schema.Boolean),
  status: Schema.Int.check(Schema.isBetween({ minimum: 100, maximum: 599 })),
  headers: Schema.optionalKey(Schema.Record(Schema.String, Schema.Union([Schema.String, Schema.Array(Schema.String)]))),
  body: Schema.optionalKey(Schema.NullOr(Schema.String))
})

const decodeLine = Schema.decodeUnknownResult(Schema.fromJsonString(ResponseLine))
const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

/** One output line of `explain --json`. */
interface ExplanationRecord {
  readonly kind: Kind
  readonly tag: ApiError.StatusError["_tag"] | null
  readonly status: number
  readonly message: string | null
  readonly documented: boolean
  readonly description: string | null
  readonly retryable: boolean
  /** What the client does after this response as a first attempt: `retry`, or `stop: <reason>`. */
  readonly decision: string | null
  readonly retryAfterMs: number | null
  readonly endpoint: string | null
  readonly hints: ReadonlyArray<DebugHint.DebugHint["id"]>
}

/** An explanation as the `--json` record. */
const toRecord = (explanation: Explanation): ExplanationRecord => ({
  kind: explanation.kind,
  tag: explanation.error?._tag ?? null,
  status: explanation.status,
  message: explanation.error?.message ?? null,
  documented: explanation.documented,
  description: explanation.description ?? null,
  retryable: explanation.retryable,
  decision:
    explanation.decision === undefined
      ? null
      : explanation.decision._tag === "Retry"
        ? "retry"
        : `stop: ${explanation.decision.reason}`,
  retryAfterMs: explanation.retryAfter === undefined ? null : Duration.toMillis(explanation.retryAfter),
  endpoint: explanation.match?.endpoint.id ?? null,
  hints: explanation.hints.map((hint) => hint.id)
})

/**
 * Explains one NDJSON line (number `line`, 1-based) as one JSON line: the
 * record, or `{"error","line"}` when the line is not a valid response.
 */
export const explainLine = (text: string, line: number, contracts: Contracts = centrapay): string => {
  const parsed = decodeLine(text, { errors: "all" })
  if (Result.isFailure(parsed)) {
    const error = formatIssues(parsed.failure.issue)
      .issues.map(
        (issue) =>
          (issue.path === undefined || issue.path.length === 0 ? "" : `${issue.path.join(".")}: `) + issue.message
      )
      .join("; ")
    return JSON.stringify({ error, line })
  }
  const { method, path, idempotencyKey, ...response } = parsed.success
  return JSON.stringify(toRecord(explain({ method, path, idempotencyKey }, response, contracts)))
}
