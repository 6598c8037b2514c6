/**
 * Which wire format a server answers errors in: the contract's own body
 * (`{ statusCode, error, message, … }`, the default) or RFC 9457 problem
 * details (`application/problem+json`), set per server or negotiated from
 * the request's `Accept`.
 *
 * Both formats are renderings of the same encoded error: `ResponseCodec.encode`
 * decides the status, the headers (`Retry-After`, `WWW-Authenticate`,
 * `x-request-id`) and the contract's fields once, and only the body's
 * envelope and the content type differ. A problem+json body carries:
 *
 * - `type`: a stable URI per error class (`problemTypes`), a `tag:` URI
 *   (RFC 4151): an identifier, never dereferenced. A transport failure or
 *   timeout answered 502/504 has the `ServerError` type, as it is a server
 *   error on the wire.
 * - `title`: the status's reason phrase (`ResponseCodec.reasonPhrase`).
 * - `status`: the HTTP status.
 * - `detail`: the human message, the contract's `message`.
 * - the contract's fields as extension members, under their own names:
 *   `message` (a business code such as `QUOTA_EXCEEDED` stays there, so a
 *   client branches on it as on the contract's body), `issues` and `problem`
 *   on a 400, `quotas` where the contract carries them, `correlationId` on a
 *   5xx. `statusCode` and `error` are not repeated (`status` and `title` say
 *   them).
 *
 * `ResponseCodec.decode` reads both formats into the same typed errors.
 * From Effect: `ProblemDetails.contentType` (`effect/http`), and the
 * lenient `ProblemDetails.Schema` the decoder reads a third party's problem
 * details with; its `toResponse` builds an `effect/http` server response,
 * which the adapters do not use, so the body is rendered by
 * `ResponseCodec.encode`.
 *
 * @module
 */
import * as ProblemDetails from "effect/http/ProblemDetails"

/**
 * The wire format of one error response.
 *
 * @category models
 */
export type Format = "centrapay" | "problem+json"

/**
 * A server's setting: always one format, or `negotiate` (problem+json only
 * when the request's `Accept` prefers it, see `negotiate`).
 *
 * @category models
 */
export type Setting = Format | "negotiate"

/**
 * The option a server takes (`ServerRuntime`, and both adapters, pass it on).
 *
 * @category models
 */
export interface Options {
  /**
   * The format of the server's error responses. `negotiate` answers
   * problem+json to a request whose `Accept` prefers it over
   * `application/json`, with `Vary: Accept`. @default "centrapay"
   */
  readonly errorFormat?: Setting | undefined
}

/**
 * The format chosen for one response, and whether the request's `Accept`
 * chose it (the response then says `Vary: Accept`). `ResponseCodec.encode`
 * takes it as its options.
 *
 * @category models
 */
export interface Choice {
  readonly format: Format
  readonly negotiated: boolean
}

/**
 * The `type` of each error class's problem details.
 *
 * @category constants
 */
export const problemTypes = {
  MalformedRequest: "tag:centrapay-effect,2026:problem:malformed-request",
  Unauthorized: "tag:centrapay-effect,2026:problem:unauthorized",
  ResourceForbidden: "tag:centrapay-effect,2026:problem:resource-forbidden",
  BusinessRuleViolation: "tag:centrapay-effect,2026:problem:business-rule-violation",
  RouteNotFound: "tag:centrapay-effect,2026:problem:route-not-found",
  TooManyRequests: "tag:centrapay-effect,2026:problem:too-many-requests",
  ServerError: "tag:centrapay-effect,2026:problem:server-error"
} as const

/**
 * The media type of a problem details body (Effect's `ProblemDetails.contentType`).
 *
 * @category constants
 */
export const problemJson: typeof ProblemDetails.contentType = ProblemDetails.contentType

/**
 * The contract's format, chosen without looking at the request.
 *
 * @category constants
 */
export const centrapay: Choice = { format: "centrapay", negotiated: false }

const problem: Choice = { format: "problem+json", negotiated: false }
const negotiatedCentrapay: Choice = { format: "centrapay", negotiated: true }
const negotiatedProblem: Choice = { format: "problem+json", negotiated: true }

/**
 * The format for a request whose `Accept` header is `accept`: problem+json
 * when it gives `application/problem+json` a higher weight than
 * `application/json`, the contract's format otherwise (no header, a tie
 * such as `application/*` or the full wildcard, neither acceptable, a header
 * that cannot be read). Each type takes the weight (`q`, default 1) of the
 * most specific range that matches it (`type/subtype`, then `type/*`, then
 * the full wildcard, RFC 9110 §12.5.1); parameters other than `q` are
 * ignored; a range that is not a media range or has an invalid `q` is
 * skipped. Never throws.
 *
 * @category negotiation
 * @example
 * ```ts
 * import { ErrorFormat } from "@centrapay-effect/core"
 * ErrorFormat.negotiate("application/problem+json") // "problem+json"
 * ErrorFormat.negotiate("application/json;q=0.5, application/problem+json") // "problem+json"
 * ErrorFormat.negotiate("application/*, application/problem+json;q=0.9") // "centrapay"
 * ErrorFormat.negotiate(undefined) // "centrapay"
 * ```
 */
export const negotiate = (accept: string | undefined): Format => {
  if (typeof accept !== "string") return "centrapay"
  // Clients send the same Accept on every request: the last answer is kept.
  if (accept === last.accept) return last.format
  const format = weigh(accept)
  last = { accept, format }
  return format
}

/**
 * The format of one error response, from the server's setting and the
 * request's `Accept` (read only when the setting is `negotiate`).
 *
 * @category negotiation
 * @example
 * ```ts
 * import { ErrorFormat } from "@centrapay-effect/core"
 * ErrorFormat.choose("negotiate", "application/problem+json") // { format: "problem+json", negotiated: true }
 * ErrorFormat.choose(undefined, "application/problem+json") // { format: "centrapay", negotiated: false }
 * ```
 */
export const choose = (setting: Setting | undefined, accept: string | undefined): Choice => {
  switch (setting) {
    case undefined:
    case "centrapay":
      return centrapay
    case "problem+json":
      return problem
    case "negotiate":
      return negotiate(accept) === "problem+json" ? negotiatedProblem : negotiatedCentrapay
  }
}

/**
 * The format when there is no request to negotiate with (a failure outside
 * any request): the setting's, the contract's for `negotiate`.
 *
 * @category negotiation
 */
export const withoutRequest = (setting: Setting | undefined): Choice =>
  setting === "problem+json" ? problem : centrapay

// The weight of the most specific range seen so far (0 `*/*`, 1 `type/*`, 2 `type/subtype`);
// equally specific ranges: the highest weight. Nothing matched: weight 0, not acceptable.
class Weight {
  specificity = -1
  q = 0
  offer(specificity: number, q: number): void {
    if (specificity > this.specificity) {
      this.specificity = specificity
      this.q = q
    } else if (specificity === this.specificity && q > this.q) this.q = q
  }
}

// The media ranges that match `application/problem+json` or `application/json`, and how
// specifically each matches them.
const rangesMatching: ReadonlyMap<string, { readonly problem?: number; readonly json?: number }> = new Map([
  ["*/*", { problem: 0, json: 0 }],
  ["application/*", { problem: 1, json: 1 }],
  ["application/problem+json", { problem: 2 }],
  ["application/json", { json: 2 }]
])

// RFC 9110 §12.4.2: 0 to 1, at most three decimals.
const qvalue = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/

// The weight in a range's parameters (`;q=0.5;level=1`): 1 without one, `undefined` for an invalid one.
const weightOf = (parameters: string): number | undefined => {
  let q = 1
  for (const parameter of parameters.split(";")) {
    const equals = parameter.indexOf("=")
    if (equals < 0 || parameter.slice(0, equals).trim().toLowerCase() !== "q") continue
    const value = parameter.slice(equals + 1).trim()
    if (!qvalue.test(value)) return undefined
    q = Number(value)
  }
  return q
}

// The last Accept header weighed, and its answer.
let last: { readonly accept: string; readonly format: Format } = { accept: "", format: "centrapay" }

const weigh = (accept: string): Format => {
  const problemWeight = new Weight()
  const jsonWeight = new Weight()
  for (const range of accept.split(",")) {
    const semicolon = range.indexOf(";")
    const head = (semicolon < 0 ? range : range.slice(0, semicolon)).trim().toLowerCase()
    // Only the ranges that match one of the two types are read further.
    const matches = rangesMatching.get(head)
    if (matches === undefined) continue
    const q = semicolon < 0 ? 1 : weightOf(range.slice(semicolon + 1))
    if (q === undefined) continue
    if (matches.problem !== undefined) problemWeight.offer(matches.problem, q)
    if (matches.json !== undefined) jsonWeight.offer(matches.json, q)
  }
  return problemWeight.q > jsonWeight.q ? "problem+json" : "centrapay"
}
