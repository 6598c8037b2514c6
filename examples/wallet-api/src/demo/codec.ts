/**
 * Decodes one response of every status class, prints the typed error and the
 * retry decision for each, and encodes the error back to the wire.
 */

import { ApiError, Endpoint, ResponseCodec, RetryPolicy, type WireResponse } from "@centrapay-effect/core"
import { Duration, Result } from "effect"

const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", {
  403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED", "ASSET_NOT_ACTIVE", "RECIPIENT_MISSING", "INVALID_ASSET_TYPE"]
})
const CancelRequest = Endpoint.make(
  "POST /payments/api/requests.cancel",
  { 400: ["REQUEST_NOT_FOUND", "REQUEST_EXPIRED"], 404: ["REQUEST_PAID"] },
  { deprecated: true }
)

/** One row of the demo table. */
export interface CodecRow {
  readonly response: string
  readonly result: string
  readonly message: string
  readonly decision: string
  readonly reencoded: string
}

const body = (value: unknown) => JSON.stringify(value)

const cases: ReadonlyArray<{
  readonly label: string
  readonly response: WireResponse.ReceivedResponse
  readonly endpoint?: Endpoint.Endpoint<string>
}> = [
  { label: "200 merchant config", response: { status: 200, body: body({ id: "mc_3LKQhvGUcADgqoEM3bh6pslE" }) } },
  {
    label: "200 HTML, not JSON",
    response: { status: 200, headers: { "content-type": "text/html" }, body: "<html><h1>Maintenance</h1></html>" }
  },
  {
    label: "400 missing field",
    response: { status: 400, body: body({ statusCode: 400, message: "amount is required" }) }
  },
  {
    label: "401 no API key",
    response: { status: 401, body: body({ statusCode: 401, error: "Unauthorized", message: "Missing authentication" }) }
  },
  {
    label: "403 permission",
    response: { status: 403, body: body({ statusCode: 403, error: "Forbidden", message: "Forbidden" }) }
  },
  {
    label: "403 business (transfers)",
    endpoint: CreateAssetTransfer,
    response: {
      status: 403,
      body: body({ statusCode: 403, error: "Forbidden", message: "INSUFFICIENT_WALLET_BALANCE" })
    }
  },
  {
    label: "403 undocumented code",
    endpoint: CreateAssetTransfer,
    response: { status: 403, body: body({ statusCode: 403, error: "Forbidden", message: "NEW_RULE" }) }
  },
  {
    label: "404 typo in URL",
    response: { status: 404, body: body({ statusCode: 404, error: "Not Found", message: "Not Found" }) }
  },
  {
    label: "404 legacy REQUEST_PAID",
    endpoint: CancelRequest,
    response: { status: 404, body: body({ statusCode: 404, error: "Not Found", message: "REQUEST_PAID" }) }
  },
  {
    label: "429 Retry-After: 3",
    response: {
      status: 429,
      headers: { "retry-after": "3" },
      body: body({ statusCode: 429, error: "Too Many Requests", message: "RATE_LIMIT_EXCEEDED" })
    }
  },
  {
    label: "429 Retry-After: 120",
    response: {
      status: 429,
      headers: { "retry-after": "120" },
      body: body({ statusCode: 429, message: "RATE_LIMIT_EXCEEDED" })
    }
  },
  {
    label: "503 with request id",
    response: {
      status: 503,
      headers: { "x-request-id": "req-7f3a" },
      body: body({ statusCode: 503, message: "Service Unavailable" })
    }
  },
  {
    label: "501 not implemented",
    response: { status: 501, body: body({ statusCode: 501, message: "Not Implemented" }) }
  },
  {
    label: "502 HTML from a proxy",
    response: { status: 502, headers: { "content-type": "text/html" }, body: "<html><h1>502 Bad Gateway</h1></html>" }
  },
  { label: "503 empty body", response: { status: 503, body: "" } },
  { label: "409 outside contract", response: { status: 409, body: body({ message: "Conflict" }) } }
]

const describeDecision = (decision: RetryPolicy.RetryDecision): string =>
  decision._tag === "Retry"
    ? `retry in ${Duration.format(decision.delay)} (${decision.basis})`
    : `stop: ${decision.reason}`

/** Decodes every case, decides on a retry after the first attempt, and re-encodes. */
export const codecRows = (): ReadonlyArray<CodecRow> =>
  cases.map(({ label, response, endpoint }) => {
    const result = ResponseCodec.decode(response, { endpoint })
    if (Result.isSuccess(result)) {
      return { response: label, result: "Success", message: body(result.success.body), decision: "-", reencoded: "-" }
    }
    const error = result.failure
    // 0.5 stands in for the random jitter so the table is reproducible.
    const decision = RetryPolicy.decide(RetryPolicy.defaults, error, 1, 0.5)
    const wire = ResponseCodec.encode(error)
    const documented =
      error._tag === "BusinessRuleViolation" ? ` (${error.documented ? "documented" : "undocumented"})` : ""
    return {
      response: label,
      result: error._tag,
      message: `${error.message}${documented}`,
      decision: describeDecision(decision),
      reencoded:
        `${wire.status} ${wire.headers["retry-after"] === undefined ? "" : `Retry-After: ${wire.headers["retry-after"]}`}`.trim()
    }
  })

/** The hints of every class, for the legend under the table. */
export const hintLegend = (): ReadonlyArray<string> =>
  [
    new ApiError.MalformedRequest({ message: "" }),
    new ApiError.Unauthorized({ message: "" }),
    new ApiError.RouteNotFound({ message: "" })
  ].map((error) => `${error._tag}: ${error.hints.map((hint) => hint.text).join(" ")}`)
