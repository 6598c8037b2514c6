/**
 * The human-readable report of `centrapay-effect explain <status> [body]`:
 * the typed error, the endpoint, whether it documents the message and what
 * the docs say it means, what the default retry policy does, and the
 * checklist that applies.
 *
 * @module
 */
import * as Duration from "effect/Duration"
import type { Quota } from "../ErrorBody.ts"
import * as RetryPolicy from "../RetryPolicy.ts"
import type { Explanation, Kind } from "./explain.ts"

/** The styles the report uses. */
export type Style = "bold" | "dim" | "red" | "green" | "yellow"

/** Styles a piece of text (with ANSI colour, or not at all). */
export type Paint = (style: Style, text: string) => string

/** No styling: for pipes, files and `NO_COLOR`. */
export const plain: Paint = (_style, text) => text

const guidance: Readonly<Record<Kind, { readonly meaning: string; readonly otherwise: string }>> = {
  ok: { meaning: "success: decode the body", otherwise: "nothing to retry" },
  "malformed-request": {
    meaning: "a syntax failure in the request; the body says where",
    otherwise: "fix the request first"
  },
  unauthorized: {
    meaning: "the API key or JWT is missing, expired or invalid",
    otherwise: "refresh or fix the credentials first"
  },
  "forbidden-resource": {
    meaning:
      "the resource is missing or the caller may not touch it (wrong id, no membership of the owning account, role lacks permission)",
    otherwise: "check the id and the caller's access"
  },
  "business-rule": {
    meaning: "a business rule failed: the resource exists and access is allowed",
    otherwise: "branch on the message"
  },
  "route-not-found": {
    meaning: "no such route: a typo in the URL or the HTTP method, a bug in the caller",
    otherwise: "fix the URL or the method"
  },
  "rate-limited": {
    meaning: "rate limit exceeded (by default 200 requests per minute for the calling account)",
    otherwise: "wait before calling again"
  },
  "server-error": { meaning: "a fault on the server side", otherwise: "this status is not transient" },
  "unexpected-status": { meaning: "a status the contract does not use", otherwise: "this status is not transient" }
}

/** The report, one line per fact, ending with a newline. */
export const report = (explanation: Explanation, paint: Paint): string => {
  const { error, kind, status } = explanation
  const headline =
    error === undefined
      ? `${paint("green", "Ok")} (${status})`
      : `${paint(explanation.retryable ? "yellow" : "red", error._tag)} (${status}): ${paint("bold", error.message)}`
  const rows: Array<readonly [string, string]> = [
    ["kind", `${kind} — ${guidance[kind].meaning}`],
    ["endpoint", endpointText(explanation)],
    ...documentedRows(explanation),
    ...docsRows(explanation),
    ["retry", retryText(explanation)],
    ...detailRows(explanation)
  ]
  const width = Math.max(...rows.map(([label]) => label.length)) + 2
  const lines = [headline, ...rows.map(([label, text]) => `  ${paint("dim", label.padEnd(width))}${text}`)]
  const section = (title: string, items: ReadonlyArray<string>) =>
    items.length === 0 ? [] : [paint("bold", title), ...items.map((item) => `  - ${item}`)]
  return `${[
    ...lines,
    ...section(
      "checklist",
      explanation.hints.map((hint) => hint.text)
    ),
    ...section("notes", notes(explanation))
  ].join("\n")}\n`
}

const endpointText = ({ match, request }: Explanation): string => {
  if (match !== undefined) {
    const params = Object.entries(match.params).map(([name, value]) => `${name} = ${value}`)
    const extra = [...(match.endpoint.deprecated ? ["deprecated"] : []), ...params]
    return extra.length === 0 ? match.endpoint.id : `${match.endpoint.id} (${extra.join("; ")})`
  }
  return request === undefined
    ? 'none given (pass --endpoint "METHOD /path" to apply its documented errors)'
    : `${request.method.toUpperCase()} ${request.path}: not in the catalog, so the general status table applies`
}

const documentedRows = ({
  error,
  match,
  documented,
  status
}: Explanation): ReadonlyArray<readonly [string, string]> => {
  if (error === undefined) return []
  const endpoint = match?.endpoint
  if (documented && endpoint !== undefined) {
    return [["documented", `yes: ${endpoint.id} documents ${status} ${error.message}`]]
  }
  if (error._tag !== "BusinessRuleViolation") return []
  if (endpoint === undefined) return [["documented", "unknown: no endpoint to check the message against"]]
  const listed = endpoint.errors.filter((entry) => entry.status === status).map((entry) => entry.message)
  return [
    [
      "documented",
      listed.length === 0
        ? `no: ${endpoint.id} documents no ${status} messages`
        : `no: ${endpoint.id} documents ${status} ${listed.join(", ")}`
    ]
  ]
}

// What the docs say a documented error means, on one line.
const docsRows = ({ description }: Explanation): ReadonlyArray<readonly [string, string]> =>
  description === undefined ? [] : [["docs", description.replace(/\s+/g, " ")]]

const seconds = (duration: Duration.Duration): string => Duration.format(duration)

const retryText = ({ decision, kind, retryAfter }: Explanation): string => {
  if (decision === undefined) return "not needed"
  if (decision._tag === "Retry") {
    return decision.basis === "retry-after"
      ? `yes, after ${seconds(decision.delay)} (Retry-After)`
      : `yes, with jittered exponential backoff (default policy: ${RetryPolicy.defaults.maxAttempts} attempts in all)`
  }
  switch (decision.reason) {
    case "retry-after-too-long":
      return `not automatically: the server asks for ${retryAfter === undefined ? "a wait" : seconds(retryAfter)}, more than maxRetryAfter (${seconds(RetryPolicy.defaults.maxRetryAfter)} by default), so the client fails fast`
    case "attempts-exhausted":
      return "no: the attempts are used up"
    case "not-idempotent":
      return "no: the server may have acted on the request, which is not idempotent and has no idempotencyKey"
    case "not-retryable":
      return `no: ${guidance[kind].otherwise}`
  }
}

const detailRows = ({ error }: Explanation): ReadonlyArray<readonly [string, string]> => {
  switch (error?._tag) {
    case "BusinessRuleViolation":
    case "TooManyRequests":
      return (error.quotas ?? []).map((quota) => ["quota", quotaText(quota)])
    case "ServerError":
      return error.correlationId === undefined ? [] : [["correlation", `${error.correlationId} (quote it in a report)`]]
    case "MalformedRequest":
    case "UndecodableResponse":
      return (error.issues ?? []).map((issue) => ["issue", `${issue.path.join(".")}: ${issue.message}`])
    default:
      return []
  }
}

// "wallet-spend: usage 990 of limit 1000 (interval 1, period day)"
const quotaText = (quota: Quota): string => {
  const scope = [
    ["asset type", quota.assetType],
    ["interval", quota.interval],
    ["period", quota.period]
  ].flatMap(([name, value]) => (value === undefined ? [] : [`${name} ${value}`]))
  return `${quota.type}: usage ${quota.usage} of limit ${quota.limit}${scope.length === 0 ? "" : ` (${scope.join(", ")})`}`
}

const notes = ({ error, match, status, documentedOn: documenting }: Explanation): ReadonlyArray<string> => {
  if (error === undefined) return []
  const endpoint = match?.endpoint
  if (error._tag === "BusinessRuleViolation" && endpoint !== undefined) {
    if (error.documented && status !== 403) {
      return [
        `${endpoint.id} documents ${status} ${error.message} as a business outcome${endpoint.deprecated ? " (a legacy exception on a deprecated endpoint)" : ""}, not a ${status === 404 ? "missing route" : "malformed request"}.`
      ]
    }
    return error.documented
      ? []
      : [
          "An undocumented business error: the server added a rule or the docs lag. It still decodes as a BusinessRuleViolation with documented: false."
        ]
  }
  return documenting.length === 0
    ? []
    : [
        `${documenting.map((candidate) => candidate.id).join(", ")} ${documenting.length === 1 ? "documents" : "document"} ${status} ${error.message} as a business outcome: pass --endpoint if you called ${documenting.length === 1 ? "it" : "one of them"}.`
      ]
}
