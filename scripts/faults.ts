/**
 * `npm run faults`: the fault-injection suite at full size. Options:
 * `--requests <n>` (default 10000), `--seed <n>` (default 1),
 * `--concurrency <n>` (default 16). It prints the attempts and outcomes, the
 * hostile answers served (and how often a server ignoring idempotency keys
 * acted twice: its fault, not the client's), the first calls that broke a
 * rule (the request, each answer, what went wrong), then the verdict as its
 * last line; the exit code is 1 when any of the verdict's counts (but the
 * number of requests) is above 0.
 */
import { parseArgs } from "node:util"
import { Effect } from "effect"
import * as FaultSuite from "../packages/core/test/support/FaultSuite.ts"

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "10000" },
    seed: { type: "string", default: "1" },
    concurrency: { type: "string", default: "16" }
  }
})

const started = performance.now()
const report = await Effect.runPromise(
  Effect.scoped(
    FaultSuite.run({
      requests: Number(values.requests),
      seed: Number(values.seed),
      concurrency: Number(values.concurrency)
    })
  )
)
const outcomes = Object.entries(report.outcomes)
  .sort(([, a], [, b]) => b - a)
  .map(([tag, count]) => `${tag} ${count}`)
  .join(", ")
console.log(
  `seed ${values.seed}: ${report.attempts} attempts (${report.refused} refused) in ${Math.round(performance.now() - started)} ms`
)
console.log(`outcomes: ${outcomes}`)
const hostile = Object.entries(report.hostile)
  .sort(([, a], [, b]) => b - a)
  .map(([kind, count]) => `${kind} ${count}`)
  .join(", ")
console.log(`hostile answers: ${hostile}; server ignored a key and acted twice: ${report.serverActedTwice} requests`)
for (const example of report.examples) console.log(`broke a rule: ${example}`)
console.log(FaultSuite.summaryLine(report))
process.exitCode = FaultSuite.passed(report) ? 0 : 1
