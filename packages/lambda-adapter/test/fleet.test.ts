/**
 * A small fleet run (`npm run fleet` at a smaller size): 3 Node processes,
 * each a client with 5 calls in flight, against a strict server allowing 15
 * requests per 2 s per account. On one Redis (the global setup's) they keep
 * under the limit together; each on its own in-memory limiter, they collect
 * 429s. The clients leave a margin of 25% (not the default 5%) so that a
 * loaded test machine's scheduling delays cannot decide the result.
 */
import { describe, expect, inject, it } from "@effect/vitest"
import * as Fleet from "../../../scripts/fleet/Fleet.ts"

const size = { clients: 3, concurrency: 5, limit: 15, windowMillis: 2000, durationMillis: 6000, margin: 0.25 }

describe("a fleet of Lambda-like processes", () => {
  it("sharing a budget on Redis: no 429, nothing over the limit", { timeout: 60_000 }, async () => {
    const result = await Fleet.run({ ...size, store: "redis", redisUrl: inject("redisUrl") })
    expect({ rejected: result.rejected, overLimit: result.overLimit }).toEqual({ rejected: 0, overLimit: 0 })
    expect(result.requests).toBeGreaterThanOrEqual(30)
    expect(result.throughput).toBeGreaterThanOrEqual(60)
  })

  it("each with its own in-memory limiter: the server answers 429s", { timeout: 60_000 }, async () => {
    const result = await Fleet.run({ ...size, store: "memory", durationMillis: 2000 })
    expect(result.rejected).toBeGreaterThan(0)
  })
})
