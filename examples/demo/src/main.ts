/**
 * `npm start`: shows the contract end to end on this machine. First the
 * codec: one response of every status class, decoded to its typed error,
 * with the retry decision, and encoded back.
 */
import { codecRows, hintLegend } from "./codec-demo.ts"
import { renderTable } from "./table.ts"

console.log("Decode → typed error → retry decision → encode (one response per status class)\n")
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
