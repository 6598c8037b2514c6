/**
 * The size guard: the example Worker, bundled as wrangler bundles it (esbuild,
 * minified) and gzipped as Cloudflare counts it, stays within its budget. A
 * size, not a time, so it does not flake; `npm run bench` reports the figure
 * beside its peers (BENCHMARKS.md). Raise the budget only with a reason a
 * reviewer accepts; lower it when a change makes the Worker smaller.
 */
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import * as LocalWorker from "@centrapay-effect/worker-adapter/LocalWorker"
import { describe, expect, it } from "@effect/vitest"

const worker = fileURLToPath(new URL("../src/worker.ts", import.meta.url))

/** The budget, in bytes after gzip: the measured size when it was set, rounded up to the next KB or two. */
const budget = 80 * 1024

describe("the example Worker's bundle", () => {
  it("stays within its gzip budget", async () => {
    const script = await LocalWorker.bundle(worker, { minify: true })
    const gzip = gzipSync(script).byteLength
    expect(gzip, `${(gzip / 1024).toFixed(1)} KB gzip`).toBeLessThanOrEqual(budget)
  })

  it("carries the one catalog contract it uses, not the whole Centrapay catalog", async () => {
    const script = await LocalWorker.bundle(worker, { minify: true })
    expect(script).toContain("/api/asset-transfers")
    expect(script).not.toContain("/api/bank-authorities/{bankAccountId}/verify")
    expect(script).not.toContain("/api/payment-requests/{paymentRequestId}/void")
  })
})
