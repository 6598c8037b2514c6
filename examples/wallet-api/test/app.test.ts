import { Client, type ServerRequest, ServerRuntime } from "@centrapay-effect/core"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Layer, Logger, References } from "effect"
import { app, layer } from "../src/app.ts"
import { ratesApiEnv, startRatesApi } from "../src/demo/rates-api.ts"
import type { ScriptedServer } from "../src/demo/scripted-server.ts"

let rates: ScriptedServer
beforeAll(async () => {
  rates = await startRatesApi()
})
afterAll(() => rates?.close())

const logged: Array<{ readonly message: unknown; readonly annotations: Readonly<Record<string, unknown>> }> = []
const capture = Logger.make((options) => {
  logged.push({ message: options.message, annotations: options.fiber.getRef(References.CurrentLogAnnotations) })
})

// The program with core's fetch client, configured as the runtimes configure it.
const runtime = () =>
  ServerRuntime.make(
    app,
    Layer.merge(layer(Client.layer), Logger.layer([capture])).pipe(
      Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(ratesApiEnv(rates.url))))
    )
  )

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

/** `Object.prototype` members: a request may name any of them, and each must be just a string. */
const prototypeNames = ["toString", "constructor", "__proto__", "valueOf", "hasOwnProperty", "__defineGetter__"]

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

  it("takes prototype names for ordinary strings: as API key, asset type, recipient or idempotency key", async () => {
    const rt = runtime()
    const unauthorized = {
      status: 401,
      headers: {
        "content-type": "application/json",
        "www-authenticate": 'ApiKey realm="centrapay", header="X-Api-Key", Bearer realm="centrapay"'
      },
      body: { statusCode: 401, error: "Unauthorized", message: "Invalid API key" }
    }
    const forbidden = (message: string) => ({
      status: 403,
      headers: { "content-type": "application/json" },
      body: { statusCode: 403, error: "Forbidden", message }
    })
    const moved = (id: string, amount: number, balance: number) => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: { id, recipient: "alice", assetType: "centrapay.nzd.main", amount, balance }
    })
    expect(await call(rt, transfer({ amount: 10 }))).toEqual(moved("at_000001", 10, 990))
    for (const name of prototypeNames) {
      const asKey = (path: string, body?: unknown) =>
        call(rt, request(body === undefined ? "GET" : "POST", path, { key: name, body }))
      expect(
        await asKey("/api/asset-transfers", { recipient: "alice", assetType: "centrapay.nzd.main", amount: 5 })
      ).toEqual(unauthorized)
      expect(await asKey("/api/merchant-configs/mc_3LKQhvGUcADgqoEM3bh6pslE")).toEqual(unauthorized)
      expect(await asKey("/api/exchange-rates/NZD")).toEqual(unauthorized)
      expect(await call(rt, transfer({ assetType: name }))).toEqual(forbidden("INVALID_ASSET_TYPE"))
      expect(await call(rt, transfer({ recipient: name }))).toEqual(forbidden("RECIPIENT_MISSING"))
    }
    // None of that moved money: the next transfer takes 10 more from 990.
    expect(await call(rt, transfer({ amount: 10 }))).toEqual(moved("at_000002", 10, 980))
    // As idempotency keys they are keys like any other: one transfer each, replayed on repeat.
    const keyed = [
      ["toString", "at_000003", 979],
      ["constructor", "at_000004", 978],
      ["__proto__", "at_000005", 977],
      ["valueOf", "at_000006", 976],
      ["hasOwnProperty", "at_000007", 975],
      ["__defineGetter__", "at_000008", 974]
    ] as const
    for (const [idempotencyKey, id, balance] of keyed) {
      expect(await call(rt, transfer({ amount: 1, idempotencyKey }))).toEqual(moved(id, 1, balance))
      expect(await call(rt, transfer({ amount: 1, idempotencyKey }))).toEqual(moved(id, 1, balance))
    }
    expect(await call(rt, transfer({ amount: 1 }))).toEqual(moved("at_000009", 1, 973))
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

  it("the live exchange-rate route never forwards what the rates provider answered", async () => {
    const rt = runtime()
    const live = (currency: string) => request("GET", `/api/exchange-rates/${currency}/live`)
    // What the provider says, none of which may reach our callers.
    const provider = async (currency: string) => {
      const response = await fetch(`${rates.url}/rates/${currency}`)
      return `${response.status} ${await response.text()}`
    }
    expect(await provider("AUD")).toBe('401 {"statusCode":401,"error":"Unauthorized","message":"Invalid API key"}')
    expect(await provider("GBP")).toBe('404 {"statusCode":404,"error":"Not Found","message":"Not Found"}')
    expect(await provider("JPY")).toContain(
      "<center>nginx/1.25.3</center><p>upstream rates-internal.prod.svc.cluster.local"
    )
    // The provider's rate, and its documented code re-raised as our own.
    expect(await call(rt, live("USD"))).toEqual({
      status: 200,
      headers: { "content-type": "application/json" },
      body: { currency: "USD", rate: 0.5912 }
    })
    expect(await call(rt, live("XAU"))).toEqual({
      status: 403,
      headers: { "content-type": "application/json" },
      body: { statusCode: 403, error: "Forbidden", message: "UNSUPPORTED_CURRENCY" }
    })
    // Everything else the provider did is a gateway error, its cause logged for the operator.
    const received: ReadonlyArray<readonly [string, 502 | 504, string, RegExp]> = [
      ["AUD", 502, "Bad Gateway", /^Unauthorized: Invalid API key\n/],
      ["GBP", 502, "Bad Gateway", /^RouteNotFound: Not Found\n/],
      ["JPY", 502, "Bad Gateway", /^ServerError: Bad Gateway\n/],
      [
        "CHF",
        504,
        "Gateway Timeout",
        /^Timeout: GET http:\/\/127\.0\.0\.1:\d+\/rates\/CHF timed out after 300ms \(1 attempt\)\n/
      ]
    ]
    for (const [currency, status, reason, cause] of received) {
      logged.length = 0
      const r = live(currency)
      const response = await rt.handle(r, Context.empty())
      expect(response).toEqual({
        status,
        headers: {
          "content-type": "application/json",
          "x-request-id": r.requestId,
          ...(status === 504 ? { "retry-after": "1" } : {})
        },
        body: `{"statusCode":${status},"error":"${reason}","message":"${reason}","correlationId":"${r.requestId}"}`
      })
      for (const leak of ["Invalid API key", "nginx", "rates-internal", "Unauthorized", "Not Found"]) {
        expect(response.body).not.toContain(leak)
      }
      expect(logged).toHaveLength(1)
      expect(logged[0]?.message).toEqual(["an upstream failure was not handled; answered as a gateway error"])
      expect(logged[0]?.annotations).toMatchObject({ requestId: r.requestId, status })
      expect(String(logged[0]?.annotations.cause)).toMatch(cause)
    }
    await rt.dispose()
  })
})
