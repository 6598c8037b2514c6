/**
 * The Lambda adapter passes core's `errorFormat` through: real AWS sample
 * events, with the `Accept` a client sends, answered in RFC 9457 problem
 * details or the contract's format, in each source's result shape; the
 * answer decodes to the same typed error.
 */
import { ApiError, Endpoint, ResponseCodec, ServerRequest } from "@centrapay-effect/core"
import { LambdaContext, LambdaHandler } from "@centrapay-effect/lambda-adapter"
import { afterAll, describe, expect, it } from "@effect/vitest"
import type { APIGatewayProxyEventV2 } from "aws-lambda"
import { Effect, Layer, Result } from "effect"
import * as Fixtures from "./support/fixtures.ts"

const Transfer = Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"] })

// Every request fails as the contract says; no router, so only the format is under test.
const program = Effect.gen(function* () {
  const request = yield* ServerRequest.CurrentRequest
  return yield* request.path === "/api/asset-transfers"
    ? Effect.fail(Endpoint.violation(Transfer, "INSUFFICIENT_WALLET_BALANCE"))
    : Effect.fail(new ApiError.RouteNotFound({ message: "Not Found" }))
})

const negotiating = LambdaHandler.make(program, Layer.empty, { errorFormat: "negotiate", maxBodyBytes: 16 })
const always = LambdaHandler.make(program, Layer.empty, { errorFormat: "problem+json" })
const plain = LambdaHandler.make(program, Layer.empty)
afterAll(() => Promise.all([negotiating.dispose(), always.dispose(), plain.dispose()]))

const context = () => LambdaContext.local({ requestId: "req-42", functionName: "wallet-api" })

const problem403 =
  '{"type":"tag:centrapay-effect,2026:problem:business-rule-violation","title":"Forbidden","status":403,"detail":"INSUFFICIENT_WALLET_BALANCE","message":"INSUFFICIENT_WALLET_BALANCE"}'
const contract403 = '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
const problem404 =
  '{"type":"tag:centrapay-effect,2026:problem:route-not-found","title":"Not Found","status":404,"detail":"Not Found","message":"Not Found"}'

/** The plain HTTP API sample, sent to `path` with the sample's own headers and `headers` over them. */
const v2 = (path: string, headers: Readonly<Record<string, string>>, body?: string): APIGatewayProxyEventV2 => {
  const event = Fixtures.payloadV2("apigw-v2-get.json")
  return {
    ...event,
    rawPath: path,
    headers: { ...event.headers, ...headers },
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: "POST", path } },
    ...(body === undefined ? {} : { body })
  }
}

describe("errorFormat through the Lambda handler, on real sample events", () => {
  it("negotiate, Accept: application/problem+json → problem details, Vary: Accept", async () => {
    const result = await negotiating(v2("/api/asset-transfers", { accept: "application/problem+json" }), context())
    expect(result).toEqual({
      statusCode: 403,
      headers: { "content-type": "application/problem+json", vary: "Accept" },
      body: problem403,
      isBase64Encoded: false
    })
  })

  it("negotiate, the sample's own browser Accept (wildcards at equal weight) → the contract's format", async () => {
    const result = await negotiating(v2("/api/asset-transfers", {}), context())
    expect(result).toEqual({
      statusCode: 403,
      headers: { "content-type": "application/json", vary: "Accept" },
      body: contract403,
      isBase64Encoded: false
    })
  })

  it("negotiate: a body over maxBodyBytes, refused before the program, is a problem+json 400 too", async () => {
    const result = await negotiating(
      v2("/api/asset-transfers", { accept: "application/problem+json" }, '{"amount":"1000000.00"}'),
      context()
    )
    expect(result.statusCode).toBe(400)
    expect(result.headers).toEqual({ "content-type": "application/problem+json", vary: "Accept" })
    expect(JSON.parse(result.body ?? "")).toMatchObject({
      type: "tag:centrapay-effect,2026:problem:malformed-request",
      title: "Bad Request",
      status: 400,
      issues: [{ path: ["body"] }]
    })
  })

  it("problem+json per server: an ALB multi-value event, whatever it accepts", async () => {
    const result = await always(Fixtures.anyEvent("alb-multi-value-get.json"), context())
    expect(result).toEqual({
      statusCode: 404,
      statusDescription: "404 Not Found",
      multiValueHeaders: { "content-type": ["application/problem+json"] },
      body: problem404,
      isBase64Encoded: false
    })
  })

  it("the default is the contract's format, even when a client asks for problem+json", async () => {
    const result = await plain(v2("/api/asset-transfers", { accept: "application/problem+json" }), context())
    expect(result).toEqual({
      statusCode: 403,
      headers: { "content-type": "application/json" },
      body: contract403,
      isBase64Encoded: false
    })
  })

  it("the problem+json answer decodes to the documented code of the endpoint", async () => {
    const result = await negotiating(v2("/api/asset-transfers", { accept: "application/problem+json" }), context())
    const headers = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)])
    )
    const decoded = ResponseCodec.decode(
      { status: result.statusCode ?? 0, headers, body: result.body },
      { endpoint: Transfer }
    )
    expect(Result.isFailure(decoded) && decoded.failure).toMatchObject({
      _tag: "BusinessRuleViolation",
      message: "INSUFFICIENT_WALLET_BALANCE",
      documented: true
    })
  })
})
