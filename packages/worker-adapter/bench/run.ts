/**
 * Benchmarks the adapter against its peers on one route (`POST
 * /api/asset-transfers`, JSON body, documented 403): a plain fetch handler,
 * hono, Effect 4's `HttpEffect.toWebHandler`, and this adapter (its handler
 * defined once, and written as a new `Effect.gen` per request).
 *
 * 1. in-process (Node): µs per request, `new Request` to `await response.text()`,
 *    each peer in a Node process of its own (`inprocess.ts`);
 * 2. inside workerd (miniflare): µs per request and throughput relative to
 *    plain, looping inside the isolate (`worker.ts`), each peer in an
 *    instance of its own, rounds interleaved across peers;
 * 3. the size of a minimal worker per peer (esbuild as wrangler runs it,
 *    minified, gzip).
 *
 * Run: `npm run build && npm run bench -w packages/worker-adapter`. Prints a Markdown table.
 */
import { execFileSync } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { bundle, start } from "../test/support/workerd.ts"
import { type Peer, peers } from "./peers/index.ts"

const here = path.dirname(fileURLToPath(import.meta.url))
const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}
const perPeer = <A>(f: (peer: Peer) => A): Record<Peer, A> => ({
  plain: f("plain"),
  hono: f("hono"),
  effect: f("effect"),
  ours: f("ours"),
  oursGen: f("oursGen")
})

/** µs per request: the median over 3 processes per peer, the processes interleaved across peers. */
const inProcess = (): Record<Peer, number> => {
  const samples = perPeer((): Array<number> => [])
  for (let run = 0; run < 3; run++) {
    for (const peer of peers) {
      const output = execFileSync(process.execPath, [path.join(here, "inprocess.ts"), peer], { encoding: "utf8" })
      const { median: us }: { median: number } = JSON.parse(output)
      samples[peer].push(us)
    }
  }
  return perPeer((peer) => median(samples[peer]))
}

/**
 * µs per request inside workerd: one instance per peer, all started first,
 * then 9 rounds of 4,000 requests interleaved across peers (so a busy
 * moment of the machine hits every peer alike); the median round per peer.
 */
const inWorkerd = async (): Promise<Record<Peer, number>> => {
  const workers = await Promise.all(peers.map(() => start(path.join(here, "worker.ts"))))
  try {
    const round = async (index: number, n: number) => {
      const peer = peers[index] ?? "plain"
      const response = await workers[index]?.fetch(`/?peer=${peer}&n=${n}`)
      if (response?.status !== 200) throw new Error(`${peer} in workerd: ${response?.text}`)
      const { ms }: { ms: number } = JSON.parse(response.text)
      return (ms * 1000) / n
    }
    for (let index = 0; index < peers.length; index++) await round(index, 4_000)
    const samples = perPeer((): Array<number> => [])
    for (let r = 0; r < 9; r++) {
      for (let index = 0; index < peers.length; index++)
        samples[peers[index] ?? "plain"].push(await round(index, 4_000))
    }
    return perPeer((peer) => median(samples[peer]))
  } finally {
    await Promise.all(workers.map((worker) => worker.dispose()))
  }
}

/** Minified and gzipped bytes of a worker serving only the route with one peer. */
const sizeOf = async (entry: string) => {
  const code = await bundle(entry, { minify: true })
  return { minified: Buffer.byteLength(code), gzip: gzipSync(code).byteLength }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
const labels: Record<Peer, string> = {
  plain: "plain fetch handler",
  hono: "hono 4",
  effect: "Effect 4 `HttpEffect.toWebHandler`",
  ours: "**worker-adapter**",
  oursGen: "worker-adapter, handler `() => Effect.gen(…)`"
}

const local = inProcess()
const workerd = await inWorkerd()
const files: Record<Peer, string> = {
  plain: "plain",
  hono: "hono",
  effect: "effect",
  ours: "ours",
  oursGen: "ours-gen"
}
const sizes = perPeer((peer) => sizeOf(path.join(here, "peers", `${files[peer]}.ts`)))

console.log(`Node ${process.version}, miniflare's workerd, ${new Date().toISOString().slice(0, 10)}\n`)
console.log(
  "| peer | in-process µs/request | in workerd µs/request | in workerd, × plain's throughput | minimal worker (minified / gzip) |"
)
console.log("|---|---:|---:|---:|---:|")
for (const peer of peers) {
  const size = await sizes[peer]
  console.log(
    `| ${labels[peer]} | ${local[peer].toFixed(1)} | ${workerd[peer].toFixed(1)} | ${(workerd.plain / workerd[peer]).toFixed(2)}× | ${kb(size.minified)} / ${kb(size.gzip)} |`
  )
}
