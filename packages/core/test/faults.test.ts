import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as FaultSuite from "./support/FaultSuite.ts"

describe("fault injection (small run; `npm run faults` runs 10k)", () => {
  it.live(
    "300 random answers from the whole contract, hostile servers and refused connections: every failure typed by its status, no forbidden retry, wait or duplicate, nothing sent elsewhere",
    () =>
      Effect.gen(function* () {
        const report = yield* FaultSuite.run({ requests: 300, seed: 42 })
        expect(report.examples).toEqual([])
        expect(FaultSuite.summaryLine(report)).toBe(
          "faults: 300 requests, untyped 0, non-retryable retried 0, early waits 0, over attempts 0, duplicate posts 0, reached another origin 0"
        )
        expect(FaultSuite.passed(report)).toBe(true)
        // The run exercised retries, refused connections and a spread of outcomes, not just successes.
        expect(report.attempts).toBeGreaterThan(report.requests)
        expect(report.refused).toBeGreaterThan(0)
        expect(Object.keys(report.outcomes).length).toBeGreaterThanOrEqual(8)
        // Every hostile kind was served, and a server ignoring keys acted twice without the client being blamed.
        for (const kind of ["redirect", "too-large", "at-cap", "reset-mid-body", "drip"]) {
          expect(report.hostile[kind] ?? 0).toBeGreaterThan(0)
        }
        expect(report.serverActedTwice).toBeGreaterThan(0)
      })
  )

  it("the verdict line has the documented form and fails on any count but N", () => {
    const clean: FaultSuite.Report = {
      requests: 5,
      attempts: 7,
      refused: 1,
      untyped: 0,
      nonRetryableRetried: 0,
      earlyWaits: 0,
      overAttempts: 0,
      duplicatePosts: 0,
      reachedOtherOrigin: 0,
      serverActedTwice: 2,
      hostile: {},
      outcomes: {},
      examples: []
    }
    expect(FaultSuite.summaryLine(clean)).toMatch(
      /^faults: \d+ requests, untyped \d+, non-retryable retried \d+, early waits \d+, over attempts \d+, duplicate posts \d+, reached another origin \d+$/
    )
    // A server that ignored idempotency keys is its own fault, not the client's.
    expect(FaultSuite.passed(clean)).toBe(true)
    for (const key of [
      "untyped",
      "nonRetryableRetried",
      "earlyWaits",
      "overAttempts",
      "duplicatePosts",
      "reachedOtherOrigin"
    ] as const) {
      expect(FaultSuite.passed({ ...clean, [key]: 1 })).toBe(false)
    }
  })
})
