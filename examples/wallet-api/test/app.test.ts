import { type ServerRequest, ServerRuntime } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Context } from "effect"
import { app, layer } from "../src/app.ts"

const runtime = () => ServerRuntime.make(app, layer)

let sequence = 0
const request = (
  method: string,
  path: string,
  options: { readonly body?: unknown; readonly key?: string | null } = {}
): ServerRequest.ServerRequest => ({
  method,
  path,
  query: {},
  headers: {
    ...(options.key === null ? {} : { "x-api-key": options.key ?? "demo-key" }),
    ...(options.body === undefined ? {} : { "content-type": "application/json" })
  },
  body: options.body === undefined ? undefined : JSON.stringify(options.body),
  requestId: `req-${++sequence}`
})

const call = async (rt: ServerRuntime.ServerRuntime<never>, r: ServerRequest.ServerRequest) => {
  const response = await rt.handle(r, Context.empty())
  return {
    status: response.status,
    headers: response.headers,
    body: response.body === "" ? undefined : JSON.parse(response.body)
  }
}

const transfer = (body: Record<string, unknown>) =>
  request("POST", "/api/asset-transfers", {
    body: { recipient: "alice", assetType: "centrapay.nzd.main", amount: 10, ...body }
  })

describe("wallet API program (runtime-independent)", () => {
  it("answers every documented 403 of POST /api/asset-transfers", async () => {
    const rt = runtime()
    const cases: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
      [{ recipient: "mallory" }, "RECIPIENT_MISSING"],
      [{ assetType: "bitcoin" }, "INVALID_ASSET_TYPE"],
      [{ assetType: "centrapay.nzd.legacy" }, "ASSET_NOT_ACTIVE"],
      [{ amount: 1_001 }, "INSUFFICIENT_WALLET_BALANCE"],
      [{ amount: 6_000 }, "QUOTA_EXCEEDED"]
    ]
    for (const [body, message] of cases) {
      const response = await call(rt, transfer(body))
      expect(response.status).toBe(403)
      expect(response.body).toMatchObject({ statusCode: 403, error: "Forbidden", message })
    }
    const quota = await call(rt, transfer({ amount: 6_000 }))
    expect(quota.body.quotas).toEqual([
      {
        type: "spend",
        limit: "5000",
        usage: "6000",
        assetType: "centrapay.nzd.main",
        period: "monthly",
        interval: "2026-11"
      }
    ])
  })

  it("replays a transfer with the same idempotency key instead of moving money twice", async () => {
    const rt = runtime()
    const first = await call(rt, transfer({ amount: 100, idempotencyKey: "k-1" }))
    const again = await call(rt, transfer({ amount: 100, idempotencyKey: "k-1" }))
    expect(first.status).toBe(200)
    expect(again).toEqual(first)
    expect(first.body.balance).toBe(900)
    const other = await call(rt, transfer({ amount: 100, idempotencyKey: "k-2" }))
    expect(other.body.balance).toBe(800)
  })

  it("401 without or with a wrong API key, with a WWW-Authenticate challenge", async () => {
    const rt = runtime()
    const missing = await call(rt, request("GET", "/api/merchant-configs/mc_3LKQhvGUcADgqoEM3bh6pslE", { key: null }))
    expect(missing).toMatchObject({ status: 401, body: { message: "Missing authentication" } })
    expect(missing.headers["www-authenticate"]).toMatch(/ApiKey/)
    const wrong = await call(rt, request("GET", "/api/merchant-configs/mc_3LKQhvGUcADgqoEM3bh6pslE", { key: "nope" }))
    expect(wrong).toMatchObject({ status: 401, body: { message: "Invalid API key" } })
  })

  it("merchant configs: mc_ prefix or 400 naming the parameter; unknown id is 403 resource missing", async () => {
    const rt = runtime()
    expect(await call(rt, request("GET", "/api/merchant-configs/mc_3LKQhvGUcADgqoEM3bh6pslE"))).toMatchObject({
      status: 200,
      body: { id: "mc_3LKQhvGUcADgqoEM3bh6pslE", name: "Coffee Cart" }
    })
    const wrongPrefix = await call(rt, request("GET", "/api/merchant-configs/c_3LKQ"))
    expect(wrongPrefix.status).toBe(400)
    expect(wrongPrefix.body.issues[0].path).toEqual(["path", "merchantConfigId"])
    expect(await call(rt, request("GET", "/api/merchant-configs/mc_unknown"))).toMatchObject({
      status: 403,
      body: { message: "Forbidden" }
    })
  })

  it("404 for a typo in the URL or a wrong verb", async () => {
    const rt = runtime()
    expect((await call(rt, request("GET", "/api/merchant-config/mc_1"))).status).toBe(404)
    expect((await call(rt, request("DELETE", "/api/asset-transfers"))).status).toBe(404)
  })

  it("429 with Retry-After once a key's per-minute limit is used", async () => {
    const rt = runtime()
    const limited = (n: number) =>
      call(rt, request("GET", `/api/exchange-rates/NZ${"DEF"[n] ?? "D"}`, { key: "limited-key" }))
    await limited(0)
    await limited(1)
    const third = await limited(2)
    expect(third.status).toBe(429)
    expect(Number(third.headers["retry-after"])).toBeGreaterThan(0)
    expect(Number(third.headers["retry-after"])).toBeLessThanOrEqual(60)
  })

  it("the exchange-rate route fails transiently, then recovers", async () => {
    const rt = runtime()
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await call(rt, request("GET", "/api/exchange-rates/USD"))).status)
    expect(statuses).toEqual([503, 503, 200])
  })
})
