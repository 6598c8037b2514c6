/** Runs `workerd-micro.ts` in workerd: each case 5 times; prints the median µs per call. */
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { median } from "../../core/bench/stats.ts"
import { start } from "../test/support/workerd.ts"
import { cases } from "./workerd-micro.ts"

const worker = await start(path.join(path.dirname(fileURLToPath(import.meta.url)), "workerd-micro.ts"))
try {
  for (const name of Object.keys(cases)) {
    const samples: Array<number> = []
    for (let i = 0; i < 5; i++) {
      const response = await worker.fetch(`/?case=${encodeURIComponent(name)}`)
      samples.push(JSON.parse(response.text).us)
    }
    console.log(`| ${name} | ${median(samples).toFixed(2)} µs |`)
  }
} finally {
  await worker.dispose()
}
