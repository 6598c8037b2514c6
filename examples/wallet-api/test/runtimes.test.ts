import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type Running, startLambda, startWorker } from "../src/runtimes.ts"
import { run } from "../src/scenario.ts"

let lambda: Running
let worker: Running

beforeAll(async () => {
  ;[lambda, worker] = await Promise.all([startLambda(), startWorker()])
}, 60_000)

afterAll(async () => {
  await Promise.all([lambda?.stop(), worker?.stop()])
})

interface Answer {
  readonly status: number
  readonly body: string
  readonly headers: Readonly<Record<string, string | null>>
}

const ask = async (base: string, path: string, init: RequestInit = {}): Promise<Answer> => {
  const response = await fetch(new URL(path, base), {
    ...init,
    headers: { "accept-encoding": "identity", "x-api-key": "demo-key", ...init.headers }
  })
  const pick = ["content-type", "retry-after", "www-authenticate"] as const
  return {
    status: response.status,
    body: await response.text(),
    headers: Object.fromEntries(pick.map((name) => [name, response.headers.get(name)]))
  }
}

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
      "200 Success",
      "429 TooManyRequests RATE_LIMIT_EXCEEDED"
    ])
    expect(byRequest["GET exchange rate USD (flaky)"]?.attempts).toBe("3")
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

  it("replays an idempotent transfer in each runtime without moving money twice", async () => {
    for (const base of [lambda.url, worker.url]) {
      const body = { recipient: "bob", assetType: "centrapay.nzd.main", amount: 1, idempotencyKey: `replay-${base}` }
      const first = await ask(base, "/api/asset-transfers", json(body))
      const again = await ask(base, "/api/asset-transfers", json(body))
      expect(again).toEqual(first)
      expect(first.status).toBe(200)
    }
  })
})
