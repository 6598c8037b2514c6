/**
 * Cold start and warm memory: a fresh Node process imports a handler module
 * and answers its first event (the benchmark's route, 403): the time from
 * the process's start to the first result (`performance.now()`, as a Lambda
 * init plus first invocation), and from before the import to it. The
 * same process then answers 10,000 more events and reports its heap (after
 * a full GC) and resident set: the memory of a warm container. Each handler
 * is bundled with esbuild (minified, as SAM and CDK's NodejsFunction deploy
 * it); this adapter's is also loaded unbundled from node_modules. Processes
 * are interleaved across variants, `BENCH_PROCESSES` (default 7) each.
 * Prints one JSON line for `core/bench/report.ts`.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"
import { emit } from "../../core/bench/stats.ts"
import { transferEvent } from "./event.ts"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const event = transferEvent(500)
const context = "{ awsRequestId: 'cold', getRemainingTimeInMillis: () => 3000 }"

const childFor = (module: string) => `
const event = ${JSON.stringify(event)}
const context = ${context}
const started = performance.now()
const { handler } = await import(${JSON.stringify(module)})
const result = await handler(event, context)
const answered = performance.now()
const elapsed = answered - started
for (let i = 0; i < 10000; i++) await handler(event, context)
globalThis.gc()
const { heapUsed, rss } = process.memoryUsage()
process.stdout.write(JSON.stringify({ answered, elapsed, status: result.statusCode, heapUsed, rss }))
`

interface Sample {
  readonly answered: number
  readonly elapsed: number
  readonly heapUsed: number
  readonly rss: number
}

const once = (module: string): Sample => {
  const output = execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", childFor(module)], {
    cwd: packageDir,
    encoding: "utf8"
  })
  const { answered, elapsed, status, heapUsed, rss } = JSON.parse(output)
  if (status !== 403) throw new Error(`${module}: unexpected status ${status}`)
  return { answered, elapsed, heapUsed, rss }
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
  const variants = [
    ["hand-written", await bundle("cold-start-hand-written.ts", outDir)],
    ["@centrapay-effect/lambda-adapter (bundled)", await bundle("cold-start-app.ts", outDir)],
    [
      "@centrapay-effect/lambda-adapter (unbundled, node_modules)",
      new URL("./cold-start-app.ts", import.meta.url).href
    ],
    ["middy + http-error-handler (bundled)", await bundle("cold-start-middy.ts", outDir)],
    ["hono aws-lambda (bundled)", await bundle("cold-start-hono.ts", outDir)]
  ] as const
  const samples = variants.map((): Array<Sample> => [])
  once(variants[0][1])
  const processes = Number(process.env.BENCH_PROCESSES ?? "7")
  for (let run = 0; run < processes; run++) {
    for (const [index, [, module]] of variants.entries()) samples[index]?.push(once(module))
  }
  const series = (pick: (sample: Sample) => number) =>
    variants.map(([name], index) => ({ name, samples: (samples[index] ?? []).map(pick) }))
  emit([
    {
      id: "lambda-cold",
      title: "Lambda cold start: process start to first answer (Node start-up included, as in a Lambda init)",
      unit: "ms",
      baseline: "hand-written",
      rows: series((sample) => sample.answered)
    },
    {
      id: "lambda-import",
      title: "Lambda cold start: import + first answer only (Node start-up excluded)",
      unit: "ms",
      baseline: "hand-written",
      rows: series((sample) => sample.elapsed)
    },
    {
      id: "lambda-memory",
      title: "Lambda warm container memory: heap used after 10,000 events and a full GC",
      unit: "MB",
      baseline: "hand-written",
      rows: series((sample) => sample.heapUsed / 2 ** 20),
      note: "Node's own heap (about 4 MB) is in every row; the difference to hand-written is what the handler keeps."
    },
    {
      id: "lambda-rss",
      title: "Lambda warm container memory: resident set after 10,000 events",
      unit: "MB",
      baseline: "hand-written",
      rows: series((sample) => sample.rss / 2 ** 20)
    }
  ])
} finally {
  rmSync(outDir, { recursive: true, force: true })
}
