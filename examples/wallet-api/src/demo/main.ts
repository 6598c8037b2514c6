/**
 * `npm start`: the whole story on this machine.
 *
 * 1. The codec: one response of every status class decoded to its typed
 *    error, the retry decision, and the error encoded back.
 * 2. The client against a scripted local server: retries where the contract
 *    allows them, never where it does not.
 * 3. The wallet API, written once, served by the Lambda adapter (behind the
 *    local bridge) and the Workers adapter (in workerd), with the same client
 *    run against both.
 * 4. Its OpenAPI document, from the same endpoint declarations, written to
 *    `examples/wallet-api/dist/openapi.json`.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { Effect } from "effect"
import { document } from "../openapi.ts"
import { codecRows, hintLegend } from "./codec.ts"
import { showRuntimes } from "./runtimes-demo.ts"
import { clientRows } from "./scripted-client.ts"
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

console.log("\n2. The client against a scripted local server (real retries, real clock)\n")
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

console.log("\n3. The wallet API in both runtimes, called by the same client")
const identical = await showRuntimes()

const openApiDir = join(import.meta.dirname, "../../dist")
const openApiFile = join(openApiDir, "openapi.json")
mkdirSync(openApiDir, { recursive: true })
writeFileSync(openApiFile, `${JSON.stringify(document, null, 2)}\n`)
const operations = Object.values(document.paths).reduce((count, item) => count + Object.keys(item).length, 0)
console.log(
  `\n4. The OpenAPI 3.1 document, from the same endpoint declarations (${operations} operations): ${relative(process.cwd(), openApiFile)}`
)
process.exitCode = identical ? 0 : 1
