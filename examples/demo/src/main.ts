/**
 * `npm start`: shows the contract end to end on this machine. First the
 * codec: one response of every status class, decoded to its typed error,
 * with the retry decision, and encoded back. Then the client against a local
 * server: what the caller got, and what the client decided after each attempt.
 */
import { Effect } from "effect"
import { clientRows } from "./client-demo.ts"
import { codecRows, hintLegend } from "./codec-demo.ts"
import { renderTable } from "./table.ts"

console.log("1. Decode → typed error → retry decision → encode (one response per status class)\n")
console.log(
  renderTable(
    [
      ["response", "response"],
      ["result", "typed result"],
      ["message", "message"],
      ["decision", "retry decision (after attempt 1 of 3)"],
      ["reencoded", "encoded back"]
    ],
    codecRows()
  )
)
console.log("\nDebugging hints carried by the errors:")
for (const line of hintLegend()) console.log(`  ${line}`)

console.log("\n2. The client against a local server (real retries, real clock)\n")
const rows = await Effect.runPromise(clientRows)
console.log(
  renderTable(
    [
      ["request", "request"],
      ["status", "last status"],
      ["tag", "typed result"],
      ["message", "message"],
      ["attempts", "attempts"],
      ["decision", "per attempt: answer → decision"]
    ],
    rows.map((row) => ({
      request: row.request,
      status: row.status === undefined ? "-" : String(row.status),
      tag: row.tag,
      message: row.message,
      attempts: String(row.attempts),
      decision: row.decision
    }))
  )
)
