/**
 * Debugging checklists from the contract, attached to the errors they help
 * with: what to check when a request is malformed, unauthorised, forbidden
 * routed nowhere or rate limited, or when a failure is transient.
 *
 * @module
 */

/**
 * One thing to check, with a stable `id` for programs and `text` for people.
 *
 * @category models
 */
export interface DebugHint {
  readonly id:
    | "content-type"
    | "body-fields"
    | "http-verb"
    | "query-parameters"
    | "path-parameters"
    | "object-id-prefix"
    | "credentials-present"
    | "credentials-valid"
    | "account-header"
    | "resource-id"
    | "account-membership"
    | "role-permission"
    | "url"
    | "wait-retry-after"
    | "client-rate-limit"
    | "account-rate-limit"
    | "retry-later"
    | "report-if-persistent"
  readonly text: string
}

const hint = (id: DebugHint["id"], text: string): DebugHint => ({ id, text })

/** The checklist for a 400 Malformed Request. @category checklists */
export const malformedRequest: ReadonlyArray<DebugHint> = [
  hint("content-type", "Send the body as JSON with `Content-Type: application/json`."),
  hint("body-fields", "Check the body's field names, types and required fields against the endpoint's docs."),
  hint("http-verb", "Check the HTTP method."),
  hint("query-parameters", "Check the query parameters' names and values."),
  hint("path-parameters", "Check the path parameters."),
  hint("object-id-prefix", "Check that object IDs carry the right prefix, e.g. `mc_` for a merchant config.")
]

/** The checklist for a 401 Unauthorized. @category checklists */
export const unauthorized: ReadonlyArray<DebugHint> = [
  hint("credentials-present", "Send an API key in `X-Api-Key`, or a user token (JWT) in `Authorization`."),
  hint(
    "credentials-valid",
    "A user token expires after an hour: refresh it through OIDC; check the API key is not revoked."
  ),
  hint("account-header", "With a user token on an org account, also send `X-Centrapay-Account`.")
]

/** The checklist for a 403 whose resource is missing or out of reach (not a business rule). @category checklists */
export const resourceForbidden: ReadonlyArray<DebugHint> = [
  hint("resource-id", "Check the ID refers to a resource that exists (a missing resource is a 403 too)."),
  hint(
    "account-membership",
    "Check the caller is a member of the account that owns the resource (`X-Centrapay-Account`)."
  ),
  hint("role-permission", "Check the caller's role has the permission this operation needs.")
]

/** The checklist for a 404 Route Not Found: a bug in the caller. @category checklists */
export const routeNotFound: ReadonlyArray<DebugHint> = [
  hint("url", "Check the URL for typos (path, version prefix, trailing segments)."),
  hint("http-verb", "Check the HTTP method: a wrong verb is a 404 too.")
]

/** The checklist for a 429 Too Many Requests. @category checklists */
export const tooManyRequests: ReadonlyArray<DebugHint> = [
  hint("wait-retry-after", "Wait at least the `Retry-After` the response names before calling again, then back off."),
  hint("client-rate-limit", "Queue requests client-side: the client's `rateLimit` option keeps under the limit."),
  hint(
    "account-rate-limit",
    "The limit (200 requests per minute unless the endpoint says otherwise) is per calling account, shared by all its callers; requests made with `X-Centrapay-Account` count against the caller."
  )
]

/** The checklist for a 5xx, a timeout or a network failure. @category checklists */
export const transient: ReadonlyArray<DebugHint> = [
  hint("retry-later", "Retry with backoff; repeat a POST only with the same `idempotencyKey`."),
  hint("report-if-persistent", "If it persists, report it with the correlation id.")
]
