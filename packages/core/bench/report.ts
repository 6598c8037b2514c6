/**
 * `npm run bench`: runs every benchmark of the repository, each in a process
 * of its own, and writes BENCHMARKS.md at the root: every table as a ratio to
 * its baseline measured in the same run (median and spread over rounds), the
 * goals of the performance issue with the figure measured against each, the
 * command, the machine and the versions; then `findings.md` (profiles and
 * what would close each goal missed). `--stdout` prints the Markdown
 * instead; `--only lambda|worker|core` runs one package's benchmarks;
 * `--findings` measures nothing and puts the current `findings.md` under the
 * tables of the last run in BENCHMARKS.md (after editing the analysis).
 */
import { execFileSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { median, ratio, type Table } from "./stats.ts"

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..")
const args = process.argv.slice(2)
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined
const known = new Set(["--stdout", "--only", "--findings", ...(only === undefined ? [] : [only])])
if (args.some((arg) => !known.has(arg)) || (only !== undefined && !["lambda", "worker", "core"].includes(only))) {
  process.stderr.write("usage: report.ts [--stdout] [--only lambda|worker|core] | --findings\n")
  process.exit(2)
}
const findingsFile = new URL("./findings.md", import.meta.url)
const benchmarksFile = path.join(root, "BENCHMARKS.md")
if (args.includes("--findings")) {
  // The last run's tables as they are, the analysis as it now reads.
  const written = readFileSync(benchmarksFile, "utf8")
  const at = written.indexOf("\n## Findings")
  if (at === -1) throw new Error("BENCHMARKS.md has no findings section: run `npm run bench`")
  writeFileSync(benchmarksFile, `${written.slice(0, at + 1)}${readFileSync(findingsFile, "utf8")}`)
  process.exit(0)
}
const started = Date.now()
const loadAtStart = os.loadavg()

interface Bench {
  readonly group: "lambda" | "worker" | "core"
  readonly script: string
  /** Rows of this bench were measured in another workspace, against its own baseline. */
  readonly separate?: string
}
const benches: ReadonlyArray<Bench> = [
  { group: "lambda", script: "packages/lambda-adapter/bench/peers.ts" },
  {
    group: "lambda",
    script: "packages/lambda-adapter/bench/effect-aws.ts",
    separate: "Effect 3 workspace in the temp directory, own process, ratio to its own hand-written row"
  },
  { group: "lambda", script: "packages/lambda-adapter/bench/cold-start.ts" },
  { group: "worker", script: "packages/worker-adapter/bench/run.ts" },
  { group: "worker", script: "packages/worker-adapter/bench/profile-run.ts" },
  { group: "core", script: "packages/core/bench/client.ts" },
  { group: "core", script: "packages/core/bench/scale.ts" }
]

interface Row {
  readonly name: string
  readonly median: number
  readonly ratio: { readonly median: number; readonly min: number; readonly max: number }
  readonly rounds: number
  readonly separate?: string
}
interface Merged {
  readonly table: Table
  readonly rows: Array<Row>
}
const merged = new Map<string, Merged>()
const failures: Array<string> = []

for (const bench of benches) {
  if (only !== undefined && bench.group !== only) continue
  process.stderr.write(`bench: ${bench.script}\n`)
  let output: string
  try {
    output = execFileSync(process.execPath, [path.join(root, bench.script)], {
      cwd: path.dirname(path.join(root, bench.script, "..")),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 64 * 2 ** 20
    })
  } catch (error) {
    failures.push(`${bench.script}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`)
    continue
  }
  const line = output.trim().split("\n").at(-1) ?? "{}"
  const { tables }: { tables: ReadonlyArray<Table> } = JSON.parse(line)
  for (const table of tables) {
    const baseline = table.rows.find((row) => row.name === table.baseline)?.samples ?? []
    const entry = merged.get(table.id) ?? { table, rows: [] }
    merged.set(table.id, entry)
    for (const row of table.rows) {
      if (bench.separate !== undefined && row.name === table.baseline) continue
      entry.rows.push({
        name: row.name,
        median: median(row.samples),
        ratio: ratio(row.samples, baseline),
        rounds: row.samples.length,
        ...(bench.separate === undefined ? {} : { separate: bench.separate })
      })
    }
  }
}

const fixed = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2))
const times = (value: number) => `${value.toFixed(2)}×`
const tableMarkdown = ({ table, rows }: Merged): string => {
  const lines = [
    `### ${table.title}`,
    "",
    `Baseline: ${table.baseline}. Ratio = variant ÷ baseline, taken round by round; median and min–max over the rounds.`,
    "",
    `| variant | median (${table.unit}) | × baseline (median) | spread (min–max) | rounds |`,
    "|---|---:|---:|---:|---:|"
  ]
  for (const row of rows) {
    const name = row.separate === undefined ? row.name : `${row.name} ¹`
    lines.push(
      `| ${name} | ${fixed(row.median)} | ${times(row.ratio.median)} | ${times(row.ratio.min)}–${times(row.ratio.max)} | ${row.rounds} |`
    )
  }
  const separate = rows.find((row) => row.separate !== undefined)?.separate
  if (separate !== undefined) lines.push("", `¹ ${separate}.`)
  if (table.note !== undefined) lines.push("", table.note)
  return lines.join("\n")
}

const rowOf = (id: string, name: string) => merged.get(id)?.rows.find((row) => row.name === name)
const bestPeer = (id: string, exclude: (name: string) => boolean, inverse = false) => {
  const peers = (merged.get(id)?.rows ?? []).filter((row) => !exclude(row.name))
  const sorted = [...peers].sort((a, b) => a.ratio.median - b.ratio.median)
  const best = sorted[0]
  if (best === undefined) return "–"
  return `${best.name} ${times(inverse ? 1 / best.ratio.median : best.ratio.median)}`
}
const isOursOrBase = (name: string) =>
  name.startsWith("@centrapay-effect") || name === "hand-written" || name === "plain fetch handler"
const goal = (measured: number | undefined, target: number, atMost: boolean) =>
  measured === undefined ? "not measured" : (atMost ? measured <= target : measured >= target) ? "met" : "**missed**"

const goals = (): string => {
  const lambdaError = rowOf("lambda-error", "@centrapay-effect/lambda-adapter (source named)")?.ratio.median
  const lambdaSuccess = rowOf("lambda-success", "@centrapay-effect/lambda-adapter (source named)")?.ratio.median
  const lambdaCold = rowOf("lambda-cold", "@centrapay-effect/lambda-adapter (bundled)")?.ratio.median
  const inProcess = rowOf("worker-inprocess", "@centrapay-effect/worker-adapter")?.ratio.median
  const workerd = rowOf("worker-workerd", "@centrapay-effect/worker-adapter")?.ratio.median
  const workerCold = rowOf("worker-cold", "@centrapay-effect/worker-adapter")?.ratio.median
  const bundle = rowOf("worker-size", "example Worker: examples/wallet-api/src/worker.ts")?.median
  const hono = rowOf("worker-size", "hono 4")?.median
  const show = (value: number | undefined, format: (value: number) => string) =>
    value === undefined ? "–" : `**${format(value)}**`
  const rows = [
    [
      "Lambda v2 warm, error path, × hand-written",
      bestPeer("lambda-error", isOursOrBase),
      show(lambdaError, times),
      "≤ 3×",
      goal(lambdaError, 3, true)
    ],
    [
      "Lambda v2 warm, success path, × hand-written",
      bestPeer("lambda-success", isOursOrBase),
      show(lambdaSuccess, times),
      "≤ 3×",
      goal(lambdaSuccess, 3, true)
    ],
    [
      "Lambda cold start (process start to first answer), × hand-written",
      bestPeer("lambda-cold", isOursOrBase),
      show(lambdaCold, times),
      "≤ 1.25×",
      goal(lambdaCold, 1.25, true)
    ],
    [
      "Worker in-process, time × plain fetch",
      bestPeer("worker-inprocess", isOursOrBase),
      show(inProcess, times),
      "≤ 1.0×",
      goal(inProcess, 1, true)
    ],
    [
      "Worker in real workerd, requests/s × plain",
      bestPeer("worker-workerd", isOursOrBase, true),
      show(workerd === undefined ? undefined : 1 / workerd, times),
      "≥ 0.85×",
      goal(workerd === undefined ? undefined : 1 / workerd, 0.85, false)
    ],
    [
      "Worker cold start, × plain",
      bestPeer("worker-cold", isOursOrBase),
      show(workerCold, times),
      "≤ 1.1×",
      goal(workerCold, 1.1, true)
    ],
    [
      "Example Worker bundle (examples/wallet-api/src/worker.ts, esbuild minified, gzip)",
      hono === undefined ? "–" : `hono app ${hono.toFixed(1)} KB`,
      show(bundle, (value) => `${value.toFixed(1)} KB`),
      "≤ 55 KB",
      goal(bundle, 55, true)
    ]
  ]
  return [
    "| figure | best peer | us | goal | |",
    "|---|---|---|---|---|",
    ...rows.map((cells) => `| ${cells.join(" | ")} |`)
  ].join("\n")
}

const versionOf = (name: string, from = root): string => {
  // The nearest node_modules copy, as Node resolves it from `from` (read directly: not every package exports its package.json).
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      return JSON.parse(readFileSync(path.join(dir, "node_modules", name, "package.json"), "utf8")).version
    } catch {
      if (dir === path.dirname(dir)) return "?"
    }
  }
}
const workspace = (dir: string) => path.join(root, dir)
const versions = [
  `Node ${process.version}`,
  `effect ${versionOf("effect")}`,
  `hono ${versionOf("hono", workspace("packages/lambda-adapter"))}`,
  `@middy/core ${versionOf("@middy/core", workspace("packages/lambda-adapter"))}`,
  `esbuild ${versionOf("esbuild", workspace("packages/worker-adapter"))}`,
  `miniflare ${versionOf("miniflare", workspace("packages/worker-adapter"))} (workerd ${versionOf("workerd", workspace("packages/worker-adapter"))})`,
  `ky ${versionOf("ky")}`,
  "@effect-aws/lambda and its Effect 3: pinned in packages/lambda-adapter/bench/effect-aws.ts"
].join(", ")
const cpus = os.cpus()
const machine = `${cpus[0]?.model ?? "?"} × ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, ${os.type()} ${os.release()} ${os.arch()}; load average at start ${loadAtStart.map((load) => load.toFixed(2)).join(" / ")}`

const findings = readFileSync(findingsFile, "utf8")
const markdown = [
  "# Benchmarks",
  "",
  "Written by `npm run bench` (`node packages/core/bench/report.ts`); do not edit by hand. Every figure is a ratio to the baseline measured in the same run, on one machine; the median and the spread (min–max) are over rounds interleaved across the variants, so a busy moment hits every variant alike.",
  "",
  `- date: ${new Date(started).toISOString()}, run took ${((Date.now() - started) / 1000).toFixed(0)} s`,
  `- command: \`npm run bench\`${only === undefined ? "" : ` (only ${only})`}`,
  `- machine: ${machine}`,
  `- versions: ${versions}`,
  ...(failures.length === 0 ? [] : ["", "Benchmarks that did not run:", ...failures.map((failure) => `- ${failure}`)]),
  "",
  "## Goals",
  "",
  goals(),
  "",
  "## Tables",
  "",
  [...merged.values()].map(tableMarkdown).join("\n\n"),
  "",
  findings
].join("\n")

if (process.argv.includes("--stdout") || only !== undefined) process.stdout.write(markdown)
else writeFileSync(benchmarksFile, markdown)
