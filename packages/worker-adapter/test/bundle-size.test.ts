/**
 * The size guard of a Router-only Worker (`workers/routerOnly.ts`: one
 * endpoint, `Router`, `WorkerHandler`, subpath imports), bundled as wrangler
 * bundles it (esbuild, minified) and gzipped as Cloudflare counts it: what
 * this package and core add to Effect and Schema stays within its budget,
 * and modules a Router-only Worker does not use stay out. A size, not a
 * time; `npm run bench` reports it beside its peers (BENCHMARKS.md).
 */
import { gzipSync } from "node:zlib"
import { describe, expect, it } from "@effect/vitest"
import { bundle } from "./support/workerd.ts"

/** The budget, in bytes after gzip: the measured size when it was set (48.9 KB), rounded up. */
const budget = 50 * 1024

describe("a Router-only Worker's bundle", () => {
  it("stays within its gzip budget", async () => {
    const script = await bundle("routerOnly.ts", { minify: true })
    const gzip = gzipSync(script).byteLength
    expect(gzip, `${(gzip / 1024).toFixed(1)} KB gzip`).toBeLessThanOrEqual(budget)
  })

  it("carries neither the Centrapay catalog nor Effect's crypto, net or JSON Schema modules", async () => {
    const script = await bundle("routerOnly.ts")
    // Unminified, esbuild names each bundled module in a comment.
    expect(script).toContain("core/dist/Router.js")
    for (const module of [
      "core/dist/Centrapay.js",
      "effect/dist/crypto/",
      "effect/dist/net/",
      "effect/dist/JsonSchema.js"
    ])
      expect(script).not.toContain(module)
  })
})
