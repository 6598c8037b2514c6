import * as http from "node:http"
import { afterAll, beforeAll, describe, expect, inject, it } from "@effect/vitest"
import { Effect } from "effect"
import { createClient } from "redis"
import { ratesApiEnv, startRatesApi } from "../src/demo/rates-api.ts"
import type { ScriptedServer } from "../src/demo/scripted-server.ts"
import { type Running, startLambda, startWorker } from "../src/runtimes.ts"
import { run } from "../src/scenario.ts"

let rates: ScriptedServer
let lambda: Running
let worker: Running

// The rates provider's budget is shared through Redis by the Lambda (`REDIS_URL`) and
// through the Durable Object by the Worker (`startWorker` binds it), under this account.
const ratesAccount = `wallet-api-test-${process.pid}`

beforeAll(async () => {
  rates = await startRatesApi()
  const env = { ...ratesApiEnv(rates.url), RATES_API_ACCOUNT: ratesAccount }
  ;[lambda, worker] = await Promise.all([startLambda({ ...env, REDIS_URL: inject("redisUrl") }), startWorker(env)])
}, 60_000)

afterAll(async () => {
  await Promise.all([lambda?.stop(), worker?.stop(), rates?.close()])
})

interface Answer {
  readonly status: number
  readonly body: string
  readonly headers: Readonly<Record<string, string | null>>
}

const ask = async (base: string, path: string, init: RequestInit = {}, withApiKey = true): Promise<Answer> => {
  const response = await fetch(new URL(path, base), {
    ...init,
    headers: {
      "accept-encoding": "identity",
      ...(withApiKey ? { "x-api-key": "demo-key" } : {}),
      ...init.headers
    }
  })
  return {
    status: response.status,
    body: await response.text(),
    headers: Object.fromEntries(answerHeaders.map((name) => [name, response.headers.get(name)]))
  }
}

const answerHeaders = ["content-type", "retry-after", "www-authenticate"] as const

/**
 * POSTs a JSON body without an API key on a connection of its own, for a body
 * the server may refuse unread: the answer can come while the body is still
 * being written, and the write then fails (`fetch` would reject). A server that
 * closes the socket with the body unread may also reset it before its answer
 * arrives (TCP discards it): that attempt is made again, at most three times.
 */
const askUnread = async (base: string, path: string, body: string): Promise<Answer> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await askUnreadOnce(base, path, body)
    } catch (error) {
      const reset = error instanceof Error && "code" in error && (error.code === "ECONNRESET" || error.code === "EPIPE")
      if (!reset || attempt === 3) throw error
    }
  }
}

const askUnreadOnce = (base: string, path: string, body: string): Promise<Answer> =>
  new Promise((resolve, reject) => {
    let answered = false
    const outgoing = http.request(
      new URL(path, base),
      {
        method: "POST",
        agent: false,
        headers: { "accept-encoding": "identity", connection: "close", "content-type": "application/json" }
      },
      (incoming) => {
        answered = true
        const chunks: Array<Buffer> = []
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
        incoming.on("error", reject)
        incoming.on("end", () => {
          const header = (name: string) => {
            const value = incoming.headers[name]
            return typeof value === "string" ? value : null
          }
          resolve({
            status: incoming.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            headers: Object.fromEntries(answerHeaders.map((name) => [name, header(name)]))
          })
        })
      }
    )
    outgoing.on("error", (error) => {
      if (!answered) reject(error)
    })
    outgoing.end(body)
  })

/** `Object.prototype` members: a request may name any of them, and each must be just a string. */
const prototypeNames = ["toString", "constructor", "__proto__", "valueOf", "hasOwnProperty", "__defineGetter__"]

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body)
})

describe("the wallet API in both runtimes", () => {
  it("the scripted client gets the same typed results from Lambda and from workerd", async () => {
    const [fromLambda, fromWorker] = await Promise.all([
      Effect.runPromise(run(lambda.url)),
      Effect.runPromise(run(worker.url))
    ])
    const comparable = (rows: typeof fromLambda) =>
      rows.map(({ decisions, ...row }) => ({ ...row, decisions: decisions.replace(/\d+ ms/g, "") }))
    expect(comparable(fromWorker)).toEqual(comparable(fromLambda))
    const byRequest = Object.fromEntries(fromLambda.map((row) => [row.request, row]))
    expect(byRequest["POST transfer 100, key k-1 again"]?.message).toBe(
      byRequest["POST transfer 100, key k-1"]?.message
    )
    expect(
      fromLambda.map((row) => `${row.status} ${row.tag} ${row.tag === "Success" ? "" : row.message}`.trim())
    ).toEqual([
      "200 Success",
      "200 Success",
      "403 BusinessRuleViolation INSUFFICIENT_WALLET_BALANCE",
      "403 BusinessRuleViolation QUOTA_EXCEEDED",
      "403 BusinessRuleViolation RECIPIENT_MISSING",
      "403 BusinessRuleViolation INVALID_ASSET_TYPE",
      "403 BusinessRuleViolation ASSET_NOT_ACTIVE",
      "200 Success",
      '400 MalformedRequest path.merchantConfigId: Expected a merchant config ID starting with "mc_"',
      "403 ResourceForbidden Forbidden",
      "404 RouteNotFound Not Found",
      "401 Unauthorized Missing authentication",
      "200 Success",
      "200 Success",
      "403 BusinessRuleViolation UNSUPPORTED_CURRENCY",
      "502 ServerError Bad Gateway",
      "502 ServerError Bad Gateway",
      "504 ServerError Gateway Timeout",
      "200 Success",
      "200 Success",
      "429 TooManyRequests RATE_LIMIT_EXCEEDED"
    ])
    expect(byRequest["GET exchange rate USD (flaky)"]?.attempts).toBe("3")
  })

  it("answers the live exchange rate alike in both runtimes, never with what the rates provider answered", async () => {
    // The correlation id in the body is the response's `x-request-id`.
    const live = async (base: string, currency: string) => {
      const response = await fetch(new URL(`/api/exchange-rates/${currency}/live`, base), {
        headers: { "x-api-key": "demo-key" }
      })
      const body = await response.text()
      const requestId = response.headers.get("x-request-id")
      return {
        status: response.status,
        contentType: response.headers.get("content-type"),
        body:
          requestId === null ? body : body.replace(`"correlationId":"${requestId}"`, '"correlationId":"<x-request-id>"')
      }
    }
    const badGateway =
      '{"statusCode":502,"error":"Bad Gateway","message":"Bad Gateway","correlationId":"<x-request-id>"}'
    const cases: ReadonlyArray<readonly [string, number, string]> = [
      ["USD", 200, '{"currency":"USD","rate":0.5912}'],
      ["XAU", 403, '{"statusCode":403,"error":"Forbidden","message":"UNSUPPORTED_CURRENCY"}'],
      ["AUD", 502, badGateway],
      ["GBP", 502, badGateway],
      ["JPY", 502, badGateway],
      [
        "CHF",
        504,
        '{"statusCode":504,"error":"Gateway Timeout","message":"Gateway Timeout","correlationId":"<x-request-id>"}'
      ]
    ]
    for (const [currency, status, body] of cases) {
      const [fromLambda, fromWorker] = await Promise.all([live(lambda.url, currency), live(worker.url, currency)])
      const expected = { currency, status, contentType: "application/json", body }
      expect({ currency, ...fromLambda }).toEqual(expected)
      expect({ currency, ...fromWorker }).toEqual(expected)
      for (const leak of ["Invalid API key", "nginx", "rates-internal", "Unauthorized", "Not Found"]) {
        expect(fromLambda.body).not.toContain(leak)
        expect(fromWorker.body).not.toContain(leak)
      }
    }
  })

  it("answers every error class with the same bytes and contract headers in both runtimes", async () => {
    const cases: ReadonlyArray<readonly [string, RequestInit]> = [
      ["/api/asset-transfers", json({ recipient: "alice", assetType: "centrapay.nzd.main", amount: 9_999 })],
      ["/api/asset-transfers", json({ recipient: "alice", assetType: "centrapay.nzd.main", amount: 4_000 })],
      ["/api/asset-transfers", json({ recipient: "alice", assetType: "centrapay.nzd.main" })],
      ["/api/asset-transfers", { method: "POST", headers: { "content-type": "text/plain" }, body: "amount=1" }],
      ["/api/asset-transfers", { method: "POST", headers: { "content-type": "application/json" }, body: '{"amount":' }],
      ["/api/merchant-configs/c_1", {}],
      ["/api/merchant-configs/mc_nobody", {}],
      ["/api/merchant-configs/mc_3LKQhvGUcADgqoEM3bh6pslE", { method: "DELETE" }],
      ["/api/nothing-here", {}],
      ["/api/exchange-rates/NZD", { headers: { "x-api-key": "" } }],
      ["/api/exchange-rates/NZD", { headers: { "x-api-key": "stolen" } }]
    ]
    for (const [path, init] of cases) {
      const [fromLambda, fromWorker] = await Promise.all([ask(lambda.url, path, init), ask(worker.url, path, init)])
      expect({ path, ...fromWorker }).toEqual({ path, ...fromLambda })
      expect(fromLambda.status).toBeGreaterThanOrEqual(400)
      expect(JSON.parse(fromLambda.body)).toMatchObject({ statusCode: fromLambda.status })
    }
  })

  it("takes prototype names for ordinary strings in both runtimes: as API key, asset type, recipient or idempotency key", async () => {
    const unauthorized: Answer = {
      status: 401,
      body: '{"statusCode":401,"error":"Unauthorized","message":"Invalid API key"}',
      headers: {
        "content-type": "application/json",
        "retry-after": null,
        "www-authenticate": 'ApiKey realm="centrapay", header="X-Api-Key", Bearer realm="centrapay"'
      }
    }
    const forbidden = (message: string): Answer => ({
      status: 403,
      body: `{"statusCode":403,"error":"Forbidden","message":"${message}"}`,
      headers: { "content-type": "application/json", "retry-after": null, "www-authenticate": null }
    })
    const transfer = (body: Record<string, unknown>) =>
      json({ recipient: "alice", assetType: "centrapay.nzd.main", amount: 1, ...body })
    const balanceAfterTransfer = async (base: string, body: Record<string, unknown> = {}): Promise<number> => {
      const answer = await ask(base, "/api/asset-transfers", transfer(body))
      expect(answer.status).toBe(200)
      return JSON.parse(answer.body).balance
    }
    for (const base of [lambda.url, worker.url]) {
      const before = await balanceAfterTransfer(base)
      for (const name of prototypeNames) {
        const key = { "x-api-key": name }
        const hostileTransfer = { ...transfer({}), headers: { "content-type": "application/json", ...key } }
        expect(await ask(base, "/api/asset-transfers", hostileTransfer)).toEqual(unauthorized)
        expect(await ask(base, "/api/exchange-rates/NZD", { headers: key })).toEqual(unauthorized)
        expect(await ask(base, "/api/asset-transfers", transfer({ assetType: name }))).toEqual(
          forbidden("INVALID_ASSET_TYPE")
        )
        expect(await ask(base, "/api/asset-transfers", transfer({ recipient: name }))).toEqual(
          forbidden("RECIPIENT_MISSING")
        )
      }
      // None of that moved money: the next transfer of 1 leaves exactly 1 less.
      const after = await balanceAfterTransfer(base)
      expect(after).toBe(before - 1)
      // As idempotency keys they are keys like any other: one transfer each, replayed on repeat.
      for (const [index, idempotencyKey] of prototypeNames.entries()) {
        const first = await ask(base, "/api/asset-transfers", transfer({ idempotencyKey }))
        expect(await ask(base, "/api/asset-transfers", transfer({ idempotencyKey }))).toEqual(first)
        expect(JSON.parse(first.body)).toMatchObject({ amount: 1, balance: after - 1 - index })
      }
      expect(await balanceAfterTransfer(base)).toBe(after - 7)
    }
  })

  it("checks the body cap before the API key: a 2 MB body without one is the same 400 in both runtimes", async () => {
    const transfer = { recipient: "alice", assetType: "centrapay.nzd.main", amount: 1 }
    const twoMegabytes = JSON.stringify({ ...transfer, note: "x".repeat(2_000_000) })
    const [fromLambda, fromWorker] = await Promise.all([
      askUnread(lambda.url, "/api/asset-transfers", twoMegabytes),
      askUnread(worker.url, "/api/asset-transfers", twoMegabytes)
    ])
    const tooLarge: Answer = {
      status: 400,
      body: '{"statusCode":400,"error":"Bad Request","message":"The request body is larger than 1048576 bytes","issues":[{"path":["body"],"message":"Expected at most 1048576 bytes"}]}',
      headers: { "content-type": "application/json", "retry-after": null, "www-authenticate": null }
    }
    expect(fromLambda).toEqual(tooLarge)
    expect(fromWorker).toEqual(tooLarge)

    // A body of exactly 1 MiB passes the cap, and the program answers: no API key, 401.
    const padding = 1_048_576 - JSON.stringify({ ...transfer, note: "" }).length
    const atCap = json({ ...transfer, note: "x".repeat(padding) })
    expect(String(atCap.body).length).toBe(1_048_576)
    const [lambdaAtCap, workerAtCap] = await Promise.all([
      ask(lambda.url, "/api/asset-transfers", atCap, false),
      ask(worker.url, "/api/asset-transfers", atCap, false)
    ])
    expect(workerAtCap).toEqual(lambdaAtCap)
    expect(lambdaAtCap).toMatchObject({
      status: 401,
      body: '{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}'
    })
  })

  it("replays an idempotent transfer in each runtime without moving money twice", async () => {
    for (const base of [lambda.url, worker.url]) {
      const body = { recipient: "bob", assetType: "centrapay.nzd.main", amount: 1, idempotencyKey: `replay-${base}` }
      const first = await ask(base, "/api/asset-transfers", json(body))
      const again = await ask(base, "/api/asset-transfers", json(body))
      expect(again).toEqual(first)
      expect(first.status).toBe(200)
    }
  })

  it("the Lambda's calls to the rates provider take their slots from the shared budget in Redis", async () => {
    const answer = await ask(lambda.url, "/api/exchange-rates/USD/live")
    expect(answer.status).toBe(200)
    const redis = await createClient({ url: inject("redisUrl") }).connect()
    try {
      const keys = await redis.keys(`centrapay-effect:ratelimit:*${ratesAccount}*`)
      expect(keys.length).toBeGreaterThan(0)
    } finally {
      await redis.quit()
    }
  })
})
