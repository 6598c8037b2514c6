import { readFileSync } from "node:fs"
import { type ApiError, Centrapay, type Endpoint, RequestDecoding, ResponseCodec } from "@centrapay-effect/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Result, Schema } from "effect"

const Catalog = Schema.Struct({
  endpoints: Schema.Array(
    Schema.Struct({
      method: Schema.String,
      path: Schema.String,
      examplePath: Schema.String,
      deprecated: Schema.Boolean,
      errors: Schema.Array(Schema.Struct({ status: Schema.Int, message: Schema.String })),
      example: Schema.NullOr(
        Schema.Struct({
          request: Schema.NullOr(Schema.Struct({ payload: Schema.optionalKey(Schema.Unknown) }))
        })
      )
    })
  )
})

const catalog = Schema.decodeUnknownSync(Schema.fromJsonString(Catalog))(
  readFileSync(new URL("../data/centrapay-catalog.json", import.meta.url), "utf8")
)

const failure = (result: Result.Result<ResponseCodec.Success, ApiError.ApiError>): ApiError.ApiError => {
  if (Result.isSuccess(result)) throw new Error(`expected a failure, got status ${result.success.status}`)
  return result.failure
}

const decodeFor = (endpoint: Endpoint.Endpoint<string>, status: number, message: string) =>
  failure(ResponseCodec.decode({ status, body: JSON.stringify({ statusCode: status, message }) }, { endpoint, now: 0 }))

/** What a client of the legacy cancel does with each documented outcome: must stay exhaustive. */
const cancelOutcome = (
  error: Endpoint.DecodedError<Endpoint.Messages<typeof Centrapay.PostPaymentsRequestsCancel>>
) => {
  if (error._tag !== "BusinessRuleViolation" || !error.documented) return `other: ${error._tag}`
  switch (error.message) {
    case "REQUEST_NOT_FOUND":
      return "nothing to cancel"
    case "REQUEST_EXPIRED":
      return "already expired"
    case "REQUEST_PAID":
      return "refund instead"
    default:
      return error satisfies never
  }
}

describe("Centrapay catalog", () => {
  it("has one contract per catalog endpoint, with its documented table and deprecation", () => {
    expect(Centrapay.endpoints).toHaveLength(174)
    expect(Centrapay.endpoints.reduce((n, endpoint) => n + endpoint.errors.length, 0)).toBe(193)
    expect(Centrapay.endpoints.filter((endpoint) => endpoint.errors.length > 0)).toHaveLength(67)
    const byRoute: Readonly<Record<string, Endpoint.Endpoint<string>>> = Centrapay.byRoute
    for (const entry of catalog.endpoints) {
      const endpoint = byRoute[`${entry.method} ${entry.path}`]
      expect(endpoint).toMatchObject({ method: entry.method, path: entry.path, deprecated: entry.deprecated })
      expect(endpoint?.errors).toEqual(entry.errors)
    }
    expect(Centrapay.endpoints.filter((endpoint) => endpoint.deprecated).map((endpoint) => endpoint.id)).toEqual([
      "POST /api/bank-authorities/{bankAccountId}/verify",
      "GET /api/bank-authorities",
      "POST /api/bank-authorities",
      "GET /api/bank-authorities/{bankAccountId}",
      "POST /payments/api/requests.create",
      "GET /payments/api/requests.info",
      "POST /payments/api/requests.pay",
      "POST /payments/api/requests.cancel",
      "POST /payments/api/requests.void",
      "POST /payments/api/transactions.refund",
      "GET /api/merchants/{merchantId}/configs/{configId}",
      "GET /api/merchants"
    ])
  })

  it("declares an endpoint that documents no errors with an empty table: the general table applies", () => {
    expect(Centrapay.PostAccountsMembers).toMatchObject({
      id: "POST /api/accounts/{accountId}/members",
      deprecated: false,
      errors: []
    })
    expectTypeOf<Endpoint.Messages<typeof Centrapay.PostAccountsMembers>>().toEqualTypeOf<never>()
    expect(decodeFor(Centrapay.PostAccountsMembers, 403, "Forbidden")._tag).toBe("ResourceForbidden")
    expect(decodeFor(Centrapay.PostAccountsMembers, 403, "LAST_OWNER_NOT_REVOKABLE")).toMatchObject({
      _tag: "BusinessRuleViolation",
      documented: false,
      endpoint: "POST /api/accounts/{accountId}/members"
    })
    expect(Centrapay.GetMerchants).toMatchObject({ id: "GET /api/merchants", deprecated: true, errors: [] })
  })

  it("marks experimental and deprecated endpoints in their doc comments", () => {
    // Experimental is documentation only: the generated source is what carries it.
    const source = readFileSync(new URL("../src/Centrapay.ts", import.meta.url), "utf8")
    expect(source.match(/\*\*Experimental\.\*\*/g)).toHaveLength(81)
    expect(source.match(/\*\*Deprecated\.\*\*/g)).toHaveLength(12)
    expect(source.match(/@deprecated /g)).toHaveLength(12)
    expect(source).toContain(`/**
 * Add Member: \`POST /api/accounts/{accountId}/members\` (docs page \`account-memberships\`).
 * **Experimental.** No documented errors: the general status table applies.
 *
 * @category endpoints
 */
export const PostAccountsMembers = /*#__PURE__*/ Endpoint.make(
  "POST /api/accounts/{accountId}/members",
  {},
  { payload: /*#__PURE__*/ payload({ userId: "string", role: "string" }) }
)`)
    expect(source).toContain(`/**
 * List Merchants: \`GET /api/merchants\` (docs page \`merchants\`). **Deprecated.** No documented errors:
 * the general status table applies.
 *
 * @category endpoints
 * @deprecated Centrapay marks this endpoint deprecated.
 */
export const GetMerchants = /*#__PURE__*/ Endpoint.make("GET /api/merchants", {}, { deprecated: true })`)
  })

  it("names each contract by method and path", () => {
    expect(Centrapay.byRoute["POST /api/asset-transfers"]).toBe(Centrapay.PostAssetTransfers)
    expect(Centrapay.byRoute["POST /api/asset-transfers/{assetTransferId}/cancel"]).toBe(
      Centrapay.PostAssetTransfersCancel
    )
    expect(Centrapay.byRoute["GET /api/withdrawals/{withdrawalId}"]).toBe(Centrapay.GetWithdrawalsByWithdrawalId)
    expect(Centrapay.byRoute["DELETE /api/accounts/{accountId}/members/{userId}"]).toBe(
      Centrapay.DeleteAccountsMembersByUserId
    )
    expect(Centrapay.byRoute["POST /payments/api/requests.cancel"]).toBe(Centrapay.PostPaymentsRequestsCancel)
    expect(Centrapay.byRoute["POST /api/payment-requests"]).toBe(Centrapay.PostPaymentRequests)
    const named = Object.entries(Centrapay).filter(([name]) => /^[A-Z]/.test(name))
    expect(named).toHaveLength(174)
    expect(new Set(named.map(([, endpoint]) => endpoint))).toEqual(new Set(Centrapay.endpoints))
  })

  it("finds the endpoint of a concrete request", () => {
    expect(Centrapay.match("POST", "/api/bank-authorities/ba_123/verify")).toEqual({
      endpoint: Centrapay.PostBankAuthoritiesVerify,
      params: { bankAccountId: "ba_123" }
    })
    // The docs' example request does not fit the documented route for these (a different or missing
    // segment, a trailing slash); every other example path finds its own endpoint.
    const exampleMismatches = [
      "POST /api/asset-programs/{id}/set-terms-of-service-url",
      "POST /api/loyalty-programs/{loyaltyProgramId}",
      "GET /api/payment-links/{paymentLinkId}/",
      "POST /merchants/{merchantId}/archive",
      "GET /api/accountId/{id}/promotions"
    ]
    for (const entry of catalog.endpoints) {
      const route = `${entry.method} ${entry.path}`
      const found = Centrapay.match(entry.method, entry.examplePath)?.endpoint.id
      if (exampleMismatches.includes(route)) expect(found).toBeUndefined()
      else expect(found).toBe(route)
    }
    expect(Centrapay.match("POST", "/api/no-such-thing")).toBeUndefined()
  })

  describe("documented errors decode as documented business outcomes", () => {
    const deprecated = Centrapay.endpoints.filter((endpoint) => endpoint.deprecated)
    const sample = [
      Centrapay.PostAssetTransfers,
      Centrapay.PostPaymentRequestsPay,
      Centrapay.PostPaymentRequestsRefund,
      Centrapay.PostPaymentRequests,
      Centrapay.GetPatronCodesBarcodeByBarcode,
      Centrapay.PutManagedIntegrationsByExternalId,
      Centrapay.DeleteAccountsMembersByUserId,
      Centrapay.PostBusinessesOnboard
    ]
    const cases = [...deprecated, ...sample].flatMap((endpoint) =>
      [...endpoint.businessStatus].map(([message, status]) => ({ endpoint, status, message }))
    )

    it.each(cases)("$endpoint.id: $status $message", ({ endpoint, status, message }) => {
      expect(decodeFor(endpoint, status, message)).toMatchObject({
        _tag: "BusinessRuleViolation",
        status,
        message,
        documented: true,
        endpoint: endpoint.id
      })
    })

    it("covers every legacy exception of the deprecated endpoints", () => {
      const legacy = cases.filter(({ endpoint, status }) => endpoint.deprecated && status !== 403)
      expect(legacy.map(({ endpoint, status, message }) => `${endpoint.id} ${status} ${message}`)).toEqual([
        "POST /payments/api/requests.create 400 CHECKSUM_FAILED",
        "POST /payments/api/requests.cancel 400 REQUEST_NOT_FOUND",
        "POST /payments/api/requests.cancel 400 REQUEST_EXPIRED",
        "POST /payments/api/requests.cancel 404 REQUEST_PAID",
        "POST /payments/api/requests.void 400 REQUEST_NOT_FOUND",
        "POST /payments/api/requests.void 400 REQUEST_EXPIRED",
        "POST /payments/api/requests.void 404 REQUEST_PAID",
        "POST /payments/api/transactions.refund 400 ALREADY_REFUNDED",
        "POST /payments/api/transactions.refund 400 INVALID_AMOUNT",
        "POST /payments/api/transactions.refund 400 REPEAT_REFERENCE"
      ])
    })
  })

  it("applies a legacy override only on the endpoint that documents it", () => {
    expect(decodeFor(Centrapay.PostPaymentsRequestsVoid, 404, "REQUEST_PAID")).toMatchObject({
      _tag: "BusinessRuleViolation",
      status: 404,
      documented: true
    })
    // requests.pay documents REQUEST_PAID as a 403: a 404 there is a missing route.
    expect(decodeFor(Centrapay.PostPaymentsRequestsPay, 404, "REQUEST_PAID")._tag).toBe("RouteNotFound")
    // requests.cancel documents REQUEST_PAID as a 404: as a 403 it is an undocumented business error.
    expect(decodeFor(Centrapay.PostPaymentsRequestsCancel, 403, "REQUEST_PAID")).toMatchObject({
      _tag: "BusinessRuleViolation",
      documented: false
    })
    expect(decodeFor(Centrapay.PostPaymentsRequestsCancel, 400, "amount is required")._tag).toBe("MalformedRequest")
  })

  it("still decodes a business message the endpoint does not document", () => {
    expect(decodeFor(Centrapay.PostAssetTransfers, 403, "BRAND_NEW_RULE")).toMatchObject({
      _tag: "BusinessRuleViolation",
      status: 403,
      message: "BRAND_NEW_RULE",
      documented: false,
      endpoint: "POST /api/asset-transfers"
    })
  })

  it("keeps general-table phrases in the table without making them business codes", () => {
    expect(Centrapay.PostBusinessesOnboard.errors).toContainEqual({ status: 400, message: "Bad Request" })
    expect(Centrapay.PostBusinessesOnboard.businessStatus.has("Bad Request")).toBe(false)
    expect(decodeFor(Centrapay.PostBusinessesOnboard, 400, "Bad Request")._tag).toBe("MalformedRequest")
    expect(decodeFor(Centrapay.PostBusinessesOnboard, 401, "Unauthorized")._tag).toBe("Unauthorized")
  })

  it("types documented messages as literal unions", () => {
    expectTypeOf<Endpoint.Messages<typeof Centrapay.PostPaymentsRequestsCancel>>().toEqualTypeOf<
      "REQUEST_NOT_FOUND" | "REQUEST_EXPIRED" | "REQUEST_PAID"
    >()
    expectTypeOf<Endpoint.Messages<typeof Centrapay.PostBusinessesOnboard>>().toEqualTypeOf<
      "DUPLICATE_EXTERNAL_ID" | "INVALID_ASSET_PROGRAM" | "INVALID_SALES_CHANNEL"
    >()
    expectTypeOf(Centrapay.byRoute["POST /api/asset-transfers"]).toEqualTypeOf(Centrapay.PostAssetTransfers)

    const decode = (status: number, message: string) => {
      const result = ResponseCodec.decode(
        { status, body: JSON.stringify({ message }) },
        { endpoint: Centrapay.PostPaymentsRequestsCancel }
      )
      if (Result.isSuccess(result)) throw new Error("expected a failure")
      return cancelOutcome(result.failure)
    }
    expect(decode(404, "REQUEST_PAID")).toBe("refund instead")
    expect(decode(400, "REQUEST_EXPIRED")).toBe("already expired")
    expect(decode(400, "REQUEST_NOT_FOUND")).toBe("nothing to cancel")
    expect(decode(404, "Not Found")).toBe("other: RouteNotFound")
  })
})

/** The path parameters a generated contract takes (what `Client.call` asks for as `path`). */
type PathOf<E> = E extends Endpoint.Endpoint<string, string, infer P> ? P : never

/** The payload a generated contract takes (what `Client.call` asks for as `payload`). */
type PayloadOf<E> = E extends Endpoint.Endpoint<string, string, unknown, unknown, infer I> ? I : never

/** What a server answers when a payload fails the contract's schema: the Router's own steps. */
const answerTo = (endpoint: Endpoint.Endpoint<string>, body: unknown) => {
  const decoded = endpoint.codec.decodePayload(body)
  if (Result.isSuccess(decoded)) throw new Error("expected the payload to be rejected")
  const answer = ResponseCodec.encode(RequestDecoding.fromSchemaError(decoded.failure, "body"))
  return { status: answer.status, body: JSON.parse(answer.body) }
}

describe("Centrapay catalog: request payloads", () => {
  it("accepts the docs' own example request of every endpoint that shows one, unchanged", () => {
    const byRoute: Readonly<Record<string, Endpoint.Endpoint<string>>> = Centrapay.byRoute
    const examples = catalog.endpoints.flatMap((entry) =>
      entry.example?.request?.payload === undefined
        ? []
        : [{ route: `${entry.method} ${entry.path}`, payload: entry.example.request.payload }]
    )
    expect(examples).toHaveLength(62)
    for (const { route, payload } of examples) {
      const decoded = byRoute[route]?.codec.decodePayload(payload)
      // Unchanged: every field kept, the undocumented ones too (`connectionId` on POST /api/wallets).
      expect({ route, decoded }).toEqual({ route, decoded: Result.succeed(payload) })
    }
  })

  it("builds a payload only for a JSON body the docs list fields or an example for", () => {
    const withPayload = Centrapay.endpoints.filter((endpoint) => endpoint.schemas.payload !== undefined)
    expect(withPayload).toHaveLength(68)
    expect(new Set(withPayload.map((endpoint) => endpoint.method))).toEqual(new Set(["POST", "PUT"]))
    // GET endpoints list "request" fields that are query parameters or response fields: never a payload.
    expect(Centrapay.GetAssetsByAssetId.schemas.payload).toBeUndefined()
    // A multipart upload, and an action whose only listed field is its path parameter.
    expect(Centrapay.PostMediaUploads.schemas.payload).toBeUndefined()
    expect(Centrapay.PostAssetProgramMembershipsAccept.schemas.payload).toBeUndefined()
    expect(Centrapay.DeleteAccountsMembersByUserId.schemas.payload).toBeUndefined()
  })

  it("rejects a documented field of the wrong type with a 400 naming it", () => {
    expect(answerTo(Centrapay.PostAssetTransfers, { assetId: "YGRo6TYYSxH3js7", value: 1000 })).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: "Bad Request",
        message: "body.value: Expected string",
        issues: [{ path: ["body", "value"], message: "Expected string" }],
        problem: "schema-mismatch"
      }
    })
    expect(
      answerTo(Centrapay.PostAssetTransfers, { value: "ten", expiresAt: "tomorrow", suppressNotification: "no" })
    ).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: "Bad Request",
        message:
          'body.assetId: Missing key; body.value: Expected a BigNumber (a decimal string, e.g. "1000"); body.suppressNotification: Expected boolean; body.expiresAt: Expected a timestamp (ISO 8601, e.g. "2021-06-11T02:51:11.000Z")',
        issues: [
          { path: ["body", "assetId"], message: "Missing key" },
          { path: ["body", "value"], message: 'Expected a BigNumber (a decimal string, e.g. "1000")' },
          { path: ["body", "suppressNotification"], message: "Expected boolean" },
          {
            path: ["body", "expiresAt"],
            message: 'Expected a timestamp (ISO 8601, e.g. "2021-06-11T02:51:11.000Z")'
          }
        ],
        problem: "schema-mismatch"
      }
    })
    expect(
      answerTo(Centrapay.PostPaymentRequestsRefund, { value: { amount: 36, currency: "NZD" }, externalRef: "e8" })
    ).toMatchObject({
      status: 400,
      body: { issues: [{ path: ["body", "value", "amount"], message: "Expected string" }] }
    })
  })

  it("keeps fields the docs do not list, on the server and on the client", () => {
    const sent = { assetId: "YGRo6TYYSxH3js7", value: "12.50", giftWrap: { colour: "red" } }
    expect(Centrapay.PostAssetTransfers.codec.decodePayload(sent)).toEqual(Result.succeed(sent))
    expect(Centrapay.PostAssetTransfers.codec.encodePayload(sent)).toEqual(Result.succeed(sent))
    // The docs contradict themselves on `settlement` (boolean, sent as "true"): it takes either.
    expect(
      Result.isSuccess(
        Centrapay.PostWalletAssets.codec.decodePayload({ accountId: "a", ledgerId: "l", settlement: true })
      )
    ).toBe(true)
  })

  it("types path parameters and payloads from the declaration", () => {
    expectTypeOf<PathOf<typeof Centrapay.DeleteAccountsMembersByUserId>>().toEqualTypeOf<{
      readonly accountId: string
      readonly userId: string
    }>()
    expectTypeOf<keyof PathOf<typeof Centrapay.PostAssetTransfers>>().toEqualTypeOf<never>()
    const withdrawal: PathOf<typeof Centrapay.GetWithdrawalsByWithdrawalId> = { withdrawalId: "WRhAxxWpTKb5U7pXyxQjjY" }
    // @ts-expect-error: a misspelt path parameter does not compile
    const misspelt: PathOf<typeof Centrapay.GetWithdrawalsByWithdrawalId> = { withdrawalID: "WRhAxxWpTKb5U7pXyxQjjY" }
    // @ts-expect-error: nor does a missing one
    const missing: PathOf<typeof Centrapay.DeleteAccountsMembersByUserId> = { accountId: "Jaim1Cu1Q55uooxSens6yk" }
    expect([withdrawal, misspelt, missing]).toHaveLength(3)

    const transfer: PayloadOf<typeof Centrapay.PostAssetTransfers> = {
      assetId: "YGRo6TYYSxH3js7",
      value: "1000",
      expiresAt: "2026-12-31T00:00:00.000Z",
      giftWrap: true
    }
    // @ts-expect-error: a documented field of the wrong type does not compile
    const wrongType: PayloadOf<typeof Centrapay.PostAssetTransfers> = { assetId: "YGRo6TYYSxH3js7", value: 1000 }
    // @ts-expect-error: nor does a missing required field
    const noAsset: PayloadOf<typeof Centrapay.PostAssetTransfers> = { value: "1000" }
    expect([transfer, wrongType, noAsset]).toHaveLength(3)
    expectTypeOf<PayloadOf<typeof Centrapay.GetAssetsByAssetId>>().toEqualTypeOf<undefined>()
  })
})
