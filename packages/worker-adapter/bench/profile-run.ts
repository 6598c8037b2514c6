/**
 * Runs `profile.ts` in workerd (miniflare): 7 rounds of 4,000 requests per
 * stage, stages interleaved, after 10,000 warm-up requests each; prints one
 * JSON table for `core/bench/report.ts` (µs per request by stage, ratio to
 * the platform floor). The differences between stages are the cost of each
 * piece of the adapter's path.
 */
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { emit } from "../../core/bench/stats.ts"
import { start } from "../test/support/workerd.ts"
import { stages } from "./profile.ts"

const here = path.dirname(fileURLToPath(import.meta.url))
const names = stages({ waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} }).map(
  ([name]) => name
)
const worker = await start(path.join(here, "profile.ts"))
try {
  const round = async (stage: number, n: number) => {
    const response = await worker.fetch(`/?stage=${stage}&n=${n}`)
    if (response.status !== 200) throw new Error(`stage ${stage}: ${response.text}`)
    const { ms }: { ms: number } = JSON.parse(response.text)
    return (ms * 1000) / n
  }
  for (const stage of names.keys()) await round(stage, 10_000)
  const samples = names.map((): Array<number> => [])
  const rounds = Number(process.env.BENCH_ROUNDS ?? "7")
  for (let r = 0; r < rounds; r++) for (const stage of names.keys()) samples[stage]?.push(await round(stage, 4_000))
  emit([
    {
      id: "worker-profile",
      title: "Where a request's time goes in workerd: the loop with one more piece of the path per stage",
      unit: "µs",
      baseline: names[0] ?? "",
      rows: names.map((name, stage) => ({ name, samples: samples[stage] ?? [] })),
      note: "Each stage adds one piece to the one before (bench/profile.ts); the difference between two stages' medians is that piece's cost per request."
    }
  ])
} finally {
  await worker.dispose()
}
