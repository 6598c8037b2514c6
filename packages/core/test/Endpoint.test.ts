import { ApiError, Endpoint, ResponseCodec } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Result, Schema } from "effect"
import { CancelRequest, CreateAssetTransfer, GetPatronCode } from "./arbitraries.ts"

type TransferCode = Endpoint.Messages<typeof CreateAssetTransfer>

/** What a client does with each documented code: the switch must stay exhaustive. */
const advice = (error: Endpoint.DecodedError<TransferCode>): string => {
  if (error._tag !== "BusinessRuleViolation") return error._tag
  if (!error.documented) return `undocumented ${error.message}`
  switch (error.message) {
    case "INSUFFICIENT_WALLET_BALANCE":
      return "top up"
    case "QUOTA_EXCEEDED":
      return `quota ${error.quotas?.[0]?.type ?? "?"}`
    case "ASSET_NOT_ACTIVE":
    case "RECIPIENT_MISSING":
    case "INVALID_ASSET_TYPE":
      return "fix the transfer"
    default:
      return error satisfies never
  }
}

const decodeTransfer = (status: number, body: unknown) => {
  const result = ResponseCodec.decode({ status, body: JSON.stringify(body) }, { endpoint: CreateAssetTransfer })
  if (Result.isSuccess(result)) throw new Error("expected a failure")
  return result.failure
}

describe("endpoint contracts", () => {
  it("declares documented codes once, with the status each is answered with", () => {
    expect(CreateAssetTransfer).toMatchObject({
      id: "POST /api/asset-transfers",
      method: "POST",
      path: "/api/asset-transfers"
    })
    expect([...CancelRequest.businessStatus]).toEqual([
      ["REQUEST_NOT_FOUND", 400],
      ["REQUEST_EXPIRED", 400],
      ["REQUEST_PAID", 404]
    ])
    expect(CancelRequest.deprecated).toBe(true)
  })

  it("plain phrases in a table document the general table, not business codes", () => {
    const Onboard = Endpoint.make("POST /api/businesses/onboard", { 400: ["Bad Request"], 401: ["Unauthorized"] })
    expect(Onboard.businessStatus.size).toBe(0)
    const error = Result.isFailure(
      ResponseCodec.decode({ status: 400, body: '{"message":"Bad Request"}' }, { endpoint: Onboard })
    )
    expect(error).toBe(true)
  })

  it("a client branches exhaustively on the literal union", () => {
    expect(advice(decodeTransfer(403, { message: "INSUFFICIENT_WALLET_BALANCE" }))).toBe("top up")
    expect(
      advice(decodeTransfer(403, { message: "QUOTA_EXCEEDED", quotas: [{ type: "spend", limit: "1", usage: "2" }] }))
    ).toBe("quota spend")
    expect(advice(decodeTransfer(403, { message: "BRAND_NEW_RULE" }))).toBe("undocumented BRAND_NEW_RULE")
    expect(advice(decodeTransfer(403, { message: "Forbidden" }))).toBe("ResourceForbidden")
  })

  it("a server fails only with documented codes, answered with their documented status", async () => {
    const handler: Effect.Effect<never, Endpoint.HandlerError<typeof CancelRequest>> = Effect.fail(
      Endpoint.violation(CancelRequest, "REQUEST_PAID")
    )
    const error = await Effect.runPromise(Effect.flip(handler))
    expect(error._tag === "BusinessRuleViolation" && ResponseCodec.encode(error).status).toBe(404)

    // @ts-expect-error: REQUEST_PAID is not documented for asset transfers
    Endpoint.violation(CreateAssetTransfer, "REQUEST_PAID")
    const madeUp = Effect.gen(function* () {
      return yield* new ApiError.BusinessRuleViolation({ status: 403, message: "MADE_UP", documented: true })
    })
    // @ts-expect-error: a plain BusinessRuleViolation's message is any string, so it is not a HandlerError
    const rejected: Effect.Effect<never, Endpoint.HandlerError<typeof CreateAssetTransfer>> = madeUp
    expect(rejected).toBeDefined()
  })
})

describe("a current endpoint's documented 400 codes", () => {
  type BarcodeCode = Endpoint.Codes<typeof GetPatronCode>

  /** A client switches exhaustively on a 400's documented code. */
  const advice = (error: Endpoint.DecodedError<never, BarcodeCode>): string => {
    if (error._tag !== "MalformedRequest") return error._tag
    if (error.code === undefined) return `fix: ${error.message}`
    switch (error.code) {
      case "CHECKSUM_FAILED":
        return "re-scan the barcode"
      default:
        return error.code satisfies never
    }
  }

  const decodeBarcode = (body: unknown) => {
    const result = ResponseCodec.decode({ status: 400, body: JSON.stringify(body) }, { endpoint: GetPatronCode })
    if (Result.isSuccess(result)) throw new Error("expected a failure")
    return result.failure
  }

  it("are typed details of a MalformedRequest, not business outcomes", () => {
    expect(GetPatronCode.businessOutcomes.size).toBe(0)
    expect([...GetPatronCode.malformedCodes]).toEqual(["CHECKSUM_FAILED"])
    expect(advice(decodeBarcode({ message: "CHECKSUM_FAILED" }))).toBe("re-scan the barcode")
    expect(advice(decodeBarcode({ message: "barcode is required" }))).toBe("fix: barcode is required")
  })

  it("a server fails with a documented 400 code through Endpoint.malformed; an undocumented one does not compile", () => {
    const error = Endpoint.malformed(GetPatronCode, "CHECKSUM_FAILED", {
      issues: [{ path: ["path", "barcode"], message: "Luhn check failed" }]
    })
    expect(ResponseCodec.encode(error)).toEqual({
      status: 400,
      headers: { "content-type": "application/json" },
      body: '{"statusCode":400,"error":"Bad Request","message":"CHECKSUM_FAILED","issues":[{"path":["path","barcode"],"message":"Luhn check failed"}]}'
    })
    // @ts-expect-error: LINE_ITEMS_SUM_CHECK_FAILED is not documented for the barcode lookup
    Endpoint.malformed(GetPatronCode, "LINE_ITEMS_SUM_CHECK_FAILED")
    // @ts-expect-error: a current endpoint's 400 code is not a business rule
    Endpoint.violation(GetPatronCode, "CHECKSUM_FAILED")
  })
})

describe("Endpoint.make and withSchemas", () => {
  it("reads the template's parameter names and method", () => {
    const Member = Endpoint.make("DELETE /api/accounts/{accountId}/members/{userId}", {})
    expect(Member).toMatchObject({
      id: "DELETE /api/accounts/{accountId}/members/{userId}",
      method: "DELETE",
      path: "/api/accounts/{accountId}/members/{userId}",
      pathParameters: ["accountId", "userId"],
      schemas: { path: undefined, query: undefined, payload: undefined, success: undefined }
    })
  })

  it("withSchemas adds schemas to a copy and leaves the declaration as it was", () => {
    const Member = Endpoint.make("GET /api/members/{userId}", { 403: ["MEMBER_SUSPENDED"] })
    const Success = Schema.Struct({ id: Schema.String })
    const WithSuccess = Endpoint.withSchemas(Member, { success: Success })
    expect(WithSuccess.schemas.success).toBe(Success)
    expect(Member.schemas.success).toBeUndefined()
    expect(WithSuccess.businessOutcomes).toEqual(new Set(["403 MEMBER_SUSPENDED"]))
    expect(Result.isSuccess(WithSuccess.codec.decodeSuccess({ id: "u_1" }))).toBe(true)
    expect(Result.isFailure(WithSuccess.codec.decodeSuccess({ id: 1 }))).toBe(true)
  })

  it("an unknown method is refused when declared", () => {
    // @ts-expect-error: FETCH is not an HTTP method
    expect(() => Endpoint.make("FETCH /api/x", {})).toThrow('Unknown HTTP method in route "FETCH /api/x"')
  })
})
