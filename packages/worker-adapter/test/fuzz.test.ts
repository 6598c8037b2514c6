/**
 * The fuzzer (`npm run fuzz`, scripts/fuzz/) in small: 2,000 hostile
 * requests of every method in real workerd, against handlers whose program
 * dies with secrets or whose layer fails, hangs or is slow, judged by the
 * fuzzer's own rules (the full run is 100,000 per adapter). The packages
 * resolve to their built `dist`: run `npm run build` first.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Report from "../../../scripts/fuzz/Report.ts"
import * as WorkerFuzz from "../../../scripts/fuzz/WorkerFuzz.ts"
import * as WorkerInputs from "../../../scripts/fuzz/WorkerInputs.ts"

describe("fuzz (small run; `npm run fuzz` runs 100,000 per adapter)", () => {
  it("2,000 hostile requests in workerd: no crash, no invalid answer, no leak, no injected header", async () => {
    const report = await WorkerFuzz.run({ seed: 12, inputs: 2_000, seconds: 300 })
    expect(report.findings).toEqual([])
    expect(report.notes.filter((note) => note.includes("could not be built"))).toEqual([])
    expect(Report.summaryLine(report)).toBe(
      "fuzz worker: 2000 inputs, crashes 0, invalid 0, leaks 0, injected headers 0"
    )
  }, 300_000)

  it("the inputs reach every handler, both ways in, and every way a body travels", () => {
    const inputs = Array.from({ length: 2_000 }, (_, index) => WorkerInputs.generate(12, index))
    expect(new Set(inputs.map((input) => input.handler))).toEqual(
      new Set(["main", "failing layer", "stuck layer", "slow layer", "layer throws"])
    )
    expect(new Set(inputs.map((input) => input.overHttp))).toEqual(new Set([true, false]))
    expect(new Set(inputs.filter((input) => input.body !== undefined).map((input) => input.bodyMode))).toEqual(
      new Set(["length", "stream", "lying length"])
    )
    expect(new Set(inputs.map((input) => input.method))).toEqual(
      new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "MKCOL", "PURGE", "SEARCH"])
    )
  })
})
