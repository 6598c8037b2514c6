/**
 * The rate limiter's Durable Object in real workerd: two workers (two
 * isolates, as a Worker spread over many has them) bound to one
 * `RateLimiterObject` namespace through a real Durable Object binding.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Miniflare, type WorkerFetcher } from "./support/miniflare.js"
import { bundle } from "./support/workerd.ts"

let miniflare: Miniflare
let one: WorkerFetcher
let other: WorkerFetcher

beforeAll(async () => {
  const script = await bundle("rateLimiter.ts")
  const worker = { modules: true, script, compatibilityDate: "2026-01-01", compatibilityFlags: ["nodejs_compat"] }
  miniflare = new Miniflare({
    workers: [
      { ...worker, name: "one", durableObjects: { RATE_LIMITER: "RateLimiterObject" } },
      {
        ...worker,
        name: "other",
        durableObjects: { RATE_LIMITER: { className: "RateLimiterObject", scriptName: "one" } }
      }
    ]
  })
  await miniflare.ready
  one = await miniflare.getWorker("one")
  other = await miniflare.getWorker("other")
})
afterAll(() => miniflare.dispose())

const json = async (response: Promise<Response>): Promise<unknown> => (await response).json()
const take = (worker: WorkerFetcher, account: string, limit: number) =>
  json(worker.fetch(`http://worker.test/take?account=${account}&limit=${limit}`))

describe("RateLimiterObject", () => {
  it("isolates bound to one namespace share each account's budget; another account has its own", async () => {
    expect(await take(one, "acc_1", 2)).toEqual({ admission: "admitted" })
    expect(await take(other, "acc_1", 2)).toEqual({ admission: "admitted" })
    expect(await take(one, "acc_1", 2)).toEqual({ admission: "waits" })
    expect(await take(other, "acc_1", 2)).toEqual({ admission: "waits" })
    expect(await take(other, "acc_2", 2)).toEqual({ admission: "admitted" })
  })

  it("a 429 reported by one isolate pauses the other until its Retry-After", async () => {
    expect(await take(other, "acc_3", 200)).toEqual({ admission: "admitted" })
    expect(
      await json(one.fetch("http://worker.test/rate-limited?account=acc_3&seconds=30", { method: "POST" }))
    ).toEqual({
      reported: true
    })
    expect(await take(other, "acc_3", 200)).toEqual({ admission: "waits" })
  })

  it("the object answers what is not one of its operations with a 400, and keeps counting", async () => {
    const raw = (body: string) =>
      json(
        one.fetch("http://worker.test/raw?account=acc_4", {
          method: "POST",
          body,
          headers: { "content-type": "text/plain" }
        })
      )
    const refused = { status: 400, body: '{"statusCode":400,"message":"Not a rate limiter operation"}' }
    expect(await raw("not json")).toEqual(refused)
    expect(await raw('{"_tag":"__proto__","key":"acc_4"}')).toEqual(refused)
    expect(await raw('{"_tag":"fixedWindow","key":"","tokens":1,"refillMillis":10,"limit":null}')).toEqual(refused)
    expect(await raw('{"_tag":"fixedWindow","key":"acc_4","tokens":"1","refillMillis":10,"limit":null}')).toEqual(
      refused
    )
    expect(await take(one, "acc_4", 1)).toEqual({ admission: "admitted" })
    expect(await take(other, "acc_4", 1)).toEqual({ admission: "waits" })
  })
})
