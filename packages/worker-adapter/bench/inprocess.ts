/**
 * One peer in a Node process of its own (so no other peer's code shares its
 * JIT state): `node bench/inprocess.ts <peer>` prints the median µs per
 * request over several rounds, after a warm-up.
 */
import { loop } from "./loop.ts"
import { handlers, isPeer, peers } from "./peers/index.ts"

const peer = process.argv[2]
if (!isPeer(peer)) throw new Error(`usage: inprocess.ts <${peers.join("|")}>`)
const handler = handlers()[peer]
await loop(handler, 20_000)
const rounds: Array<number> = []
for (let round = 0; round < 9; round++) {
  const started = process.hrtime.bigint()
  await loop(handler, 10_000)
  rounds.push(Number(process.hrtime.bigint() - started) / 10_000 / 1000)
}
rounds.sort((a, b) => a - b)
console.log(JSON.stringify({ peer, median: rounds[4], min: rounds[0] }))
