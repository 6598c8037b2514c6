/**
 * A small fleet run (`npm run fleet` at a smaller size): 3 Workers (3
 * isolates in one workerd), each sent 5 requests at a time that each call a
 * strict server allowing 15 requests per 2 s per account. Sharing the budget
 * through the Durable Object they keep under the limit together; each on its
 * isolate's in-memory limiter, they collect 429s. The clients leave a margin
 * of 25% (not the default 5%) so that a loaded test machine's scheduling
 * delays cannot decide the result.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fleet from "../../../scripts/fleet/Fleet.ts"

const size = { clients: 3, concurrency: 5, limit: 15, windowMillis: 2000, durationMillis: 6000, margin: 0.25 }

describe("a fleet of Worker isolates", () => {
  it("sharing a budget on the Durable Object: no 429, nothing over the limit", { timeout: 60_000 }, async () => {
    const result = await Fleet.run({ ...size, store: "durable-object" })
    expect({ rejected: result.rejected, overLimit: result.overLimit }).toEqual({ rejected: 0, overLimit: 0 })
    expect(result.requests).toBeGreaterThanOrEqual(30)
    expect(result.throughput).toBeGreaterThanOrEqual(60)
  })

  it("each on its isolate's in-memory limiter: the server answers 429s", { timeout: 60_000 }, async () => {
    const result = await Fleet.run({ ...size, store: "worker-memory", durationMillis: 2000 })
    expect(result.rejected).toBeGreaterThan(0)
  })
})
