/**
 * The Workers adapter passes core's `errorFormat` through, in real workerd:
 * problem details when the request's `Accept` prefers them (or always, per
 * handler), the contract's format otherwise, a body refused while reading
 * included; the answer decodes to the same typed error.
 */
import { Endpoint, ResponseCodec } from "@centrapay-effect/core"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import { type Received, type RunningWorker, sendOnFreshConnection, start } from "./support/workerd.ts"

let worker: RunningWorker

beforeAll(async () => {
  worker = await start("errorFormat.ts")
})

afterAll(async () => {
  await worker.dispose()
})

const Transfer = Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"] })
const problem403 =
  '{"type":"tag:centrapay-effect,2026:problem:business-rule-violation","title":"Forbidden","status":403,"detail":"INSUFFICIENT_WALLET_BALANCE","message":"INSUFFICIENT_WALLET_BALANCE"}'
const contract403 = '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'

/** Headers the test compares: everything but the length, which the bytes already pin. */
const headersOf = (response: Received) => {
  const { "content-length": _, ...rest } = response.headers
  return rest
}

const transfer = (path: string, accept?: string) =>
  worker.fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(accept === undefined ? {} : { accept }) },
    body: "{}"
  })

describe("errorFormat through the Worker handler, in workerd", () => {
  const table: ReadonlyArray<{
    readonly path: string
    readonly accept: string | undefined
    readonly headers: Readonly<Record<string, string>>
    readonly body: string
  }> = [
    {
      path: "/api/asset-transfers",
      accept: "application/problem+json",
      headers: { "content-type": "application/problem+json", vary: "Accept" },
      body: problem403
    },
    {
      path: "/api/asset-transfers",
      accept: "application/json, application/problem+json;q=0.5",
      headers: { "content-type": "application/json", vary: "Accept" },
      body: contract403
    },
    {
      path: "/api/asset-transfers",
      accept: undefined,
      headers: { "content-type": "application/json", vary: "Accept" },
      body: contract403
    },
    {
      path: "/always/api/asset-transfers",
      accept: "application/json",
      headers: { "content-type": "application/problem+json" },
      body: problem403
    }
  ]
  it.each(table)("$path, Accept $accept → $headers.content-type", async (c) => {
    const response = await transfer(c.path, c.accept)
    expect(response.status).toBe(403)
    expect(headersOf(response)).toEqual(c.headers)
    expect(response.text).toBe(c.body)
  })

  it("a body over the cap, refused while reading, is a problem+json 400 when asked", async () => {
    const response = await sendOnFreshConnection(worker.url, {
      method: "POST",
      path: "/api/asset-transfers",
      headers: { "content-type": "application/json", accept: "application/problem+json" },
      body: new Uint8Array(1024)
    })
    expect(response.status).toBe(400)
    expect(response.headers["content-type"]).toBe("application/problem+json")
    expect(response.headers.vary).toBe("Accept")
    expect(response.body.toString()).toBe(
      '{"type":"tag:centrapay-effect,2026:problem:malformed-request","title":"Bad Request","status":400,"detail":"The request body is larger than 16 bytes","message":"The request body is larger than 16 bytes","issues":[{"path":["body"],"message":"Expected at most 16 bytes"}]}'
    )
  })

  it("the problem+json answer decodes to the documented code of the endpoint", async () => {
    const response = await transfer("/api/asset-transfers", "application/problem+json")
    const decoded = ResponseCodec.decode(
      { status: response.status, headers: response.headers, body: response.bytes },
      { endpoint: Transfer }
    )
    expect(Result.isFailure(decoded) && decoded.failure).toMatchObject({
      _tag: "BusinessRuleViolation",
      message: "INSUFFICIENT_WALLET_BALANCE",
      documented: true
    })
  })
})
