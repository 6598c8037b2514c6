/**
 * `npm run fuzz`: hostile inputs for both adapters, judged against the
 * contract (see scripts/fuzz/). Options: `--seed <n>` (default 1),
 * `--inputs <n>` per adapter (default 100000), `--seconds <n>`, a cap per
 * adapter (default 900), `--adapter lambda|worker` (default both),
 * `--index <i>` (only input `i` of the seed, described in full: reproduces a
 * finding).
 *
 * It prints each distinct finding with the first input that showed it, the
 * slowest inputs, a latency line per adapter (p99 and max), then one line per
 * adapter, last:
 * `fuzz <adapter>: <N> inputs, crashes <n>, invalid <n>, leaks <n>, injected headers <n>`.
 * The exit code is 1 when any count but N is above 0.
 */
import { parseArgs } from "node:util"
import * as LambdaFuzz from "./fuzz/LambdaFuzz.ts"
import * as LambdaInputs from "./fuzz/LambdaInputs.ts"
import * as Report from "./fuzz/Report.ts"
import * as WorkerFuzz from "./fuzz/WorkerFuzz.ts"
import * as WorkerInputs from "./fuzz/WorkerInputs.ts"

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    inputs: { type: "string", default: "100000" },
    seconds: { type: "string", default: "900" },
    adapter: { type: "string" },
    index: { type: "string" }
  }
})

const seed = Number(values.seed)
const index = values.index === undefined ? undefined : Number(values.index)
const inputs = index === undefined ? Number(values.inputs) : 1
const seconds = Number(values.seconds)
const adapters: ReadonlyArray<Report.Adapter> =
  values.adapter === "lambda" || values.adapter === "worker" ? [values.adapter] : ["lambda", "worker"]
for (const [name, value] of [
  ["seed", seed],
  ["inputs", inputs],
  ["seconds", seconds],
  ["index", index ?? 0]
] as const)
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, got ${value}`)

const progress = (adapter: Report.Adapter) => (done: number) => {
  if (process.stderr.isTTY) process.stderr.write(`\r${adapter}: ${done}/${inputs}`)
}

const describe = (adapter: Report.Adapter, at: number): string =>
  adapter === "lambda"
    ? LambdaInputs.describe(LambdaInputs.generate(seed, at))
    : WorkerInputs.describe(WorkerInputs.generate(seed, at))

console.log(
  index === undefined
    ? `fuzz: seed ${seed}, ${inputs} inputs per adapter, at most ${seconds} s each`
    : `fuzz: seed ${seed}, input ${index} only`
)
const reports: Array<Report.Report> = []
for (const adapter of adapters) {
  if (index !== undefined) console.log(`${adapter} input: ${describe(adapter, index)}`)
  const options = { seed, inputs, seconds, first: index ?? 0, onProgress: progress(adapter) }
  const report = adapter === "lambda" ? await LambdaFuzz.run(options) : await WorkerFuzz.run(options)
  if (process.stderr.isTTY) process.stderr.write("\r")
  reports.push(report)
  console.log(
    `${adapter}: ${report.inputs} inputs in ${report.seconds.toFixed(1)} s${report.stoppedByTime ? ` (stopped at the ${seconds} s cap)` : ""}`
  )
  for (const finding of report.findings)
    console.log(
      `  ${finding.category} ×${finding.count}: ${finding.reason}\n    first: ${describe(adapter, finding.first)}`
    )
  for (const slow of report.slowest.slice(0, 3))
    console.log(`  slow: ${slow.ms.toFixed(1)} ms for ${describe(adapter, slow.index)}`)
  for (const note of report.notes) console.log(`  note: ${note}`)
}
const how: Readonly<Record<Report.Adapter, string>> = {
  lambda: "in process",
  worker: "in workerd, whole ms"
}
for (const report of reports) console.log(Report.latencyLine(report, how[report.adapter]))
for (const report of reports) console.log(Report.summaryLine(report))
process.exitCode = reports.every(Report.passed) ? 0 : 1
