/**
 * Part 3 of the demo: the wallet API served by both adapters on localhost,
 * calling the scripted rates provider, the same scripted client run against
 * each, one table per runtime, and a check that both runtimes answered
 * identically.
 */
import { Effect } from "effect"
import { type Running, startLambda, startWorker } from "../runtimes.ts"
import { type Row, run } from "../scenario.ts"
import { ratesApiEnv, startRatesApi } from "./rates-api.ts"
import { renderTable } from "./table.ts"

// Retry delays are jittered; everything else must match between runtimes.
const comparable = (rows: ReadonlyArray<Row>): string =>
  JSON.stringify(rows.map((row) => ({ ...row, decisions: row.decisions.replace(/\d+ ms/g, "… ms") })))

const short = (text: string): string => (text.length > 60 ? `${text.slice(0, 57)}...` : text)

/** Runs the scenario against both runtimes, prints a table for each; true when both answered alike. */
export const showRuntimes = async (): Promise<boolean> => {
  const rates = await startRatesApi()
  const runtimes: Array<Running> = []
  try {
    const env = ratesApiEnv(rates.url)
    runtimes.push(await startLambda(env), await startWorker(env))
    const results: Array<string> = []
    for (const runtime of runtimes) {
      // The runtime's own log lines (a 502 or 504 is logged with its cause) come under its name.
      console.log(`\n${runtime.name} — ${runtime.url}`)
      const rows = await Effect.runPromise(run(runtime.url))
      results.push(comparable(rows))
      console.log(
        `\n${renderTable(
          [
            ["request", "request"],
            ["status", "status"],
            ["tag", "typed result"],
            ["message", "business message / detail"],
            ["attempts", "attempts"],
            ["decisions", "per attempt: answer → retry decision"]
          ],
          rows.map((row) => ({ ...row, message: short(row.message) }))
        )}`
      )
    }
    const identical = results.length === 2 && results[0] === results[1]
    console.log(identical ? "\nBoth runtimes answered every call identically." : "\nThe runtimes answered differently.")
    return identical
  } finally {
    await Promise.all([...runtimes.map((runtime) => runtime.stop()), rates.close()])
  }
}
