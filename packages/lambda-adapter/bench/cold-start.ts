/**
 * Cold start: a fresh Node process imports a handler module and answers its
 * first event; the time from before the import to the first result, Node's
 * own start-up excluded. Median of 7 processes each, for:
 *
 * - the handler loaded from node_modules as is (ES modules, unbundled);
 * - the handler bundled with esbuild, as SAM and CDK's NodejsFunction deploy it;
 * - the same program on core's ServerRuntime alone, bundled: Effect's and
 *   core's share, so the difference is the adapter's.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const event = {
  version: "2.0",
  routeKey: "$default",
  rawPath: "/api/asset-transfers",
  rawQueryString: "",
  headers: { "content-type": "application/json" },
  isBase64Encoded: false,
  body: "{}",
  requestContext: { http: { method: "POST", path: "/api/asset-transfers" }, requestId: "cold", stage: "$default" }
}
const context = "{ awsRequestId: 'cold', getRemainingTimeInMillis: () => 3000 }"

const childFor = (module: string) => `
const started = performance.now()
const { handler } = await import(${JSON.stringify(module)})
const result = await handler(${JSON.stringify(event)}, ${context})
process.stdout.write(JSON.stringify({ elapsed: performance.now() - started, status: result.statusCode }))
`

const coldStart = (module: string): { median: number; min: number; max: number } => {
  const runs: Array<number> = []
  for (let run = 0; run < 7; run++) {
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", childFor(module)], {
      cwd: packageDir,
      encoding: "utf8"
    })
    const { elapsed, status } = JSON.parse(output)
    if (status !== 403) throw new Error(`unexpected status ${status}`)
    runs.push(elapsed)
  }
  runs.sort((a, b) => a - b)
  return { median: runs[3] ?? Number.NaN, min: runs[0] ?? Number.NaN, max: runs[6] ?? Number.NaN }
}

const bundle = async (entry: string, outDir: string): Promise<string> => {
  const outfile = join(outDir, `${entry.replace(/\.ts$/, "")}.mjs`)
  await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node22",
    outfile,
    logLevel: "warning"
  })
  return new URL(`file://${outfile}`).href
}

const outDir = mkdtempSync(join(tmpdir(), "lambda-cold-start-"))
try {
  const rows = [
    ["handler, unbundled (node_modules)", coldStart(new URL("./cold-start-app.ts", import.meta.url).href)],
    ["handler, bundled (esbuild, minified)", coldStart(await bundle("cold-start-app.ts", outDir))],
    ["core ServerRuntime alone, bundled (baseline)", coldStart(await bundle("cold-start-baseline.ts", outDir))]
  ] as const
  console.log("\n| cold start: import + first response (Node start-up excluded) | median | min | max |")
  console.log("|---|---|---|---|")
  for (const [name, { median, min, max }] of rows) {
    console.log(`| ${name} | ${median.toFixed(1)} ms | ${min.toFixed(1)} ms | ${max.toFixed(1)} ms |`)
  }
} finally {
  rmSync(outDir, { recursive: true, force: true })
}
