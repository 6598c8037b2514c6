/**
 * fast-check generators for every error value the contract can carry, and
 * for arbitrary received responses (any status, headers and bytes).
 */

import { ApiError, Endpoint, type ErrorBody, type ResponseCodec } from "@centrapay-effect/core"
import { Duration } from "effect"
import fc from "fast-check"

/** A modern endpoint and a legacy one with 400/404 business overrides. */
export const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", {
  403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED", "ASSET_NOT_ACTIVE", "RECIPIENT_MISSING", "INVALID_ASSET_TYPE"]
})
export const CancelRequest = Endpoint.make(
  "POST /payments/api/requests.cancel",
  { 400: ["REQUEST_NOT_FOUND", "REQUEST_EXPIRED"], 404: ["REQUEST_PAID"] },
  { deprecated: true }
)
/** A current endpoint documenting a 400 code: a malformed request with a typed code, not a business rule. */
export const GetPatronCode = Endpoint.make("GET /api/patron-codes/barcode/{barcode}", { 400: ["CHECKSUM_FAILED"] })
export const endpoints = [CreateAssetTransfer, CancelRequest] as const

const upperSnake = fc.stringMatching(/^[A-Z][A-Z0-9]{0,8}(?:_[A-Z0-9]{1,8}){0,3}$/)
// Not a reason phrase in capitals (`NOT_FOUND`, `FORBIDDEN`): those are not business codes.
const businessCode = upperSnake.filter((code) => ApiError.isBusinessCode(code))
const phrase = fc.string({ maxLength: 40 }).filter((s) => !ApiError.isBusinessCode(s) && s.trim() !== "")
const message = fc.oneof(fc.string({ maxLength: 60 }), upperSnake).filter((m) => m.trim() !== "")
const wholeSeconds = fc.integer({ min: 1, max: 86_400 }).map((s) => Duration.seconds(s))
const issue: fc.Arbitrary<ErrorBody.Issue> = fc.record({
  path: fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.nat({ max: 20 })), { maxLength: 4 }),
  message: fc.string({ maxLength: 40 })
})
const nonEmptyIssues = fc
  .tuple(issue, fc.array(issue, { maxLength: 2 }))
  .map(([first, rest]): readonly [ErrorBody.Issue, ...Array<ErrorBody.Issue>] => [first, ...rest])
const quota: fc.Arbitrary<ErrorBody.Quota> = fc.record(
  {
    type: fc.constantFrom("spend", "topup"),
    limit: fc.oneof(fc.nat().map(String), fc.nat()),
    usage: fc.oneof(fc.nat().map(String), fc.nat()),
    assetType: fc.constant("centrapay.nzd.main"),
    period: fc.constantFrom("monthly", "yearly"),
    interval: fc.constantFrom("2021", "2021-03")
  },
  { requiredKeys: ["type", "limit", "usage"] }
)
const quotas = fc.array(quota, { maxLength: 2 })
const optional = <K extends string, V>(key: K, arb: fc.Arbitrary<V>) =>
  fc.option(arb, { nil: undefined }).map((value) => {
    const entry: { [P in K]?: V } = {}
    if (value !== undefined) entry[key] = value
    return entry
  })

/** Statuses outside the contract's table. */
export const unexpectedStatus = fc
  .integer({ min: 100, max: 499 })
  .filter((s) => ApiError.statusClassOf(s) === "UnexpectedStatus")

/** An error value that has a wire form, paired with the endpoint to decode it with. */
export const wireError: fc.Arbitrary<{
  readonly error: ApiError.StatusError
  readonly endpoint: Endpoint.Endpoint<string, string> | undefined
}> = fc.oneof(
  fc
    .tuple(
      message,
      optional("issues", nonEmptyIssues),
      optional("problem", fc.constantFrom(...ApiError.MalformedRequestProblem.literals))
    )
    .map(([m, i, p]) => ({ error: new ApiError.MalformedRequest({ message: m, ...i, ...p }), endpoint: undefined })),
  message.map((m) => ({ error: new ApiError.Unauthorized({ message: m }), endpoint: undefined })),
  phrase.map((m) => ({ error: new ApiError.ResourceForbidden({ message: m }), endpoint: undefined })),
  message.map((m) => ({ error: new ApiError.RouteNotFound({ message: m }), endpoint: undefined })),
  fc
    .tuple(fc.constantFrom<Endpoint.Endpoint<string>>(...endpoints), fc.nat(), optional("quotas", quotas))
    .map(([endpoint, index, q]) => {
      const codes = [...endpoint.businessStatus.keys()]
      const code = codes[index % codes.length] ?? "QUOTA_EXCEEDED"
      return { error: Endpoint.violation(endpoint, code, q), endpoint }
    }),
  fc
    .tuple(businessCode, fc.option(fc.constantFrom(...endpoints), { nil: undefined }), optional("quotas", quotas))
    .filter(([code, endpoint]) => endpoint === undefined || !Endpoint.documents(endpoint, 403, code))
    .map(([code, endpoint, q]) => ({
      error: Endpoint.undocumentedViolation(403, code, {
        ...(endpoint === undefined ? {} : { endpoint: endpoint.id }),
        ...q
      }),
      endpoint
    })),
  fc
    .tuple(message, optional("retryAfter", wholeSeconds), optional("quotas", quotas))
    .filter(([, r]) => r.retryAfter !== undefined)
    .map(([m, r, q]) => ({ error: new ApiError.TooManyRequests({ message: m, ...r, ...q }), endpoint: undefined })),
  fc
    .tuple(
      fc.integer({ min: 500, max: 599 }),
      message.filter((m) => m.trim() !== ""),
      optional(
        "correlationId",
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s !== "")
      ),
      optional("retryAfter", wholeSeconds)
    )
    .map(([status, m, c, r]) => ({
      error: new ApiError.ServerError({ status, message: m, ...c, ...r }),
      endpoint: undefined
    })),
  fc.tuple(unexpectedStatus, optional("retryAfter", wholeSeconds)).map(([status, r]) => ({
    error: new ApiError.UnexpectedStatus({ status, ...r }),
    endpoint: undefined
  })),
  fc.constant({
    error: Endpoint.malformed(GetPatronCode, "CHECKSUM_FAILED"),
    endpoint: GetPatronCode
  })
)

const headerName = fc.oneof(
  fc.constantFrom("retry-after", "Retry-After", "content-type", "x-request-id", "cf-ray", "www-authenticate"),
  fc.string({ maxLength: 12 })
)
const headerValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("3", "-1", "1.5", "Wed, 21 Oct 2015 07:28:00 GMT", "99999999999999999999999", "text/html"),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 })
)
const jsonishBody = fc.oneof(
  fc.record(
    { statusCode: fc.integer(), message: fc.oneof(message, fc.integer()), quotas: fc.anything() },
    { requiredKeys: [] }
  ),
  fc.record({ message: message, issues: fc.anything(), problem: fc.string() }, { requiredKeys: ["message"] }),
  fc.anything()
)

/** Any response a server or proxy could send, and some no server should. */
export const receivedResponse: fc.Arbitrary<Parameters<typeof ResponseCodec.decode>[0]> = fc.record({
  status: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.constantFrom(0, -1, 600, 1.5, Number.NaN)),
  headers: fc.dictionary(headerName, headerValue, { maxKeys: 4 }),
  body: fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }),
    jsonishBody.map((value) => JSON.stringify(value) ?? ""),
    fc.constantFrom(
      null,
      undefined,
      "",
      "<html><body>502 Bad Gateway</body></html>",
      '{"message":"FORBIDDEN"}',
      '{"type":"about:blank","title":"Not Found","status":404}',
      '\uFEFF{"message":"QUOTA_EXCEEDED","quotas":[{"type":"spend"}]}'
    )
  )
})
