/**
 * Benchmarks this adapter against its peers on one route (`POST
 * /api/asset-transfers`, JSON body, documented 403): a plain fetch handler,
 * hono, Effect 4's `HttpEffect.toWebHandler`, and this adapter (its handler
 * as the README shows, and written as a new `Effect.gen` per request).
 *
 * 1. in-process (Node): µs per request, `new Request` to `await response.text()`,
 *    each peer in Node processes of its own (`inprocess.ts`), interleaved;
 * 2. inside workerd (miniflare): µs per request, looping inside the isolate
 *    (`worker.ts`), each peer in an instance of its own, rounds interleaved
 *    across peers; then the workerd process's resident memory after 10,000
 *    requests (one isolate per process);
 * 3. cold start: a fresh Node process imports the peer's bundled worker and
 *    answers its first request; then 10,000 more, and the V8 heap it keeps;
 * 4. the size of each peer's worker, of the example Worker
 *    (`examples/wallet-api/src/worker.ts`) and of the example written with
 *    `HttpApi`, bundled as wrangler does (esbuild, minified, gzip).
 *
 * Prints one JSON line for `core/bench/report.ts` (`npm run bench`).
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { gzipSync } from "node:zlib"
import { emit, type Series } from "../../core/bench/stats.ts"
import { bundle, start } from "../test/support/workerd.ts"
import { forbidden } from "./loop.ts"
import { type Peer, peers } from "./peers/index.ts"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.join(here, "..", "..", "..")
const labels: Record<Peer, string> = {
  plain: "plain fetch handler",
  hono: "hono 4",
  effect: "Effect 4 `HttpEffect.toWebHandler` + Schema",
  ours: "@centrapay-effect/worker-adapter",
  oursGen: "@centrapay-effect/worker-adapter, handler `() => Effect.gen(…)`"
}
const files: Record<Peer, string> = {
  plain: "plain",
  hono: "hono",
  effect: "effect",
  ours: "ours",
  oursGen: "ours-gen"
}
const series = (samples: Record<Peer, Array<number>>): Array<Series> =>
  peers.map((peer) => ({ name: labels[peer], samples: samples[peer] }))
const perPeer = (): Record<Peer, Array<number>> => ({ plain: [], hono: [], effect: [], ours: [], oursGen: [] })

/** µs per request: one sample per Node process (its median round), processes interleaved across peers. */
const inProcess = (processes: number): Array<Series> => {
  const samples = perPeer()
  for (let run = 0; run < processes; run++) {
    for (const peer of peers) {
      const output = execFileSync(process.execPath, [path.join(here, "inprocess.ts"), peer], { encoding: "utf8" })
      const { median }: { median: number } = JSON.parse(output)
      samples[peer].push(median)
    }
  }
  return series(samples)
}

/** The pids of the workerd processes this process started (found through /proc). */
const workerdPids = (): Set<number> => {
  const parents = new Map<number, number>()
  const names = new Map<number, string>()
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8")
      const close = stat.lastIndexOf(")")
      names.set(Number(entry), stat.slice(stat.indexOf("(") + 1, close))
      parents.set(Number(entry), Number(stat.slice(close + 2).split(" ")[1]))
    } catch {}
  }
  const descends = (pid: number): boolean => {
    for (let current = parents.get(pid); current !== undefined && current > 1; current = parents.get(current))
      if (current === process.pid) return true
    return false
  }
  return new Set([...names].filter(([pid, name]) => name === "workerd" && descends(pid)).map(([pid]) => pid))
}
const rssMb = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/)
  return Number(line?.[1] ?? Number.NaN) / 1024
}

/**
 * µs per request inside workerd: one instance per peer, then `rounds` rounds
 * of 4,000 requests interleaved across peers, after 10,000 warm-up requests
 * each (the resident memory of each workerd process is read then).
 */
const inWorkerd = async (rounds: number): Promise<{ perRequest: Array<Series>; memory: Array<Series> }> => {
  const workers = []
  const pids: Array<number | undefined> = []
  for (const _ of peers) {
    const before = workerdPids()
    workers.push(await start(path.join(here, "worker.ts")))
    pids.push([...workerdPids()].find((pid) => !before.has(pid)))
  }
  try {
    const round = async (index: number, n: number) => {
      const peer = peers[index] ?? "plain"
      const response = await workers[index]?.fetch(`/?peer=${peer}&n=${n}`)
      if (response?.status !== 200) throw new Error(`${peer} in workerd: ${response?.text}`)
      const { ms }: { ms: number } = JSON.parse(response.text)
      return (ms * 1000) / n
    }
    const memory = perPeer()
    for (const [index, peer] of peers.entries()) {
      await round(index, 10_000)
      const pid = pids[index]
      if (pid !== undefined) memory[peer].push(rssMb(pid))
    }
    const samples = perPeer()
    for (let r = 0; r < rounds; r++) {
      for (const [index, peer] of peers.entries()) samples[peer].push(await round(index, 4_000))
    }
    return { perRequest: series(samples), memory: series(memory) }
  } finally {
    await Promise.all(workers.map((worker) => worker.dispose()))
  }
}

const childFor = (module: string) => `
import { makeRequest } from ${JSON.stringify(pathToFileURL(path.join(here, "loop.ts")).href)}
const request = makeRequest()
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined }
const started = performance.now()
const worker = (await import(${JSON.stringify(module)})).default
const response = await worker.fetch(request, {}, ctx)
const answered = performance.now()
const text = await response.text()
for (let i = 0; i < 10000; i++) await (await worker.fetch(makeRequest(), {}, ctx)).text()
globalThis.gc()
process.stdout.write(JSON.stringify({ answered, elapsed: answered - started, status: response.status, text, heapUsed: process.memoryUsage().heapUsed }))
`

/**
 * Cold start of each peer's bundled worker in a fresh Node process: ms from
 * the process's start to the first answer; then the V8 heap the isolate
 * keeps after 10,000 more requests and a full GC.
 */
const coldStart = async (processes: number): Promise<{ cold: Array<Series>; heap: Array<Series> }> => {
  const outDir = mkdtempSync(path.join(tmpdir(), "worker-cold-start-"))
  try {
    const modules = perPeerModules(outDir)
    const samples = perPeer()
    const heap = perPeer()
    for (let run = 0; run < processes; run++) {
      for (const peer of peers) {
        const child = childFor(await modules[peer])
        const output = execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", child], {
          encoding: "utf8"
        })
        const { answered, status, text, heapUsed } = JSON.parse(output)
        if (status !== 403 || text !== forbidden) throw new Error(`${peer}: cold start answered ${status} ${text}`)
        samples[peer].push(answered)
        heap[peer].push(heapUsed / 2 ** 20)
      }
    }
    return { cold: series(samples), heap: series(heap) }
  } finally {
    rmSync(outDir, { recursive: true, force: true })
  }
}
const perPeerModules = (outDir: string): Record<Peer, Promise<string>> => {
  const write = async (peer: Peer) => {
    const file = path.join(outDir, `${files[peer]}.mjs`)
    writeFileSync(file, await bundle(path.join(here, "peers", `${files[peer]}.ts`), { minify: true }))
    return pathToFileURL(file).href
  }
  return {
    plain: write("plain"),
    hono: write("hono"),
    effect: write("effect"),
    ours: write("ours"),
    oursGen: write("oursGen")
  }
}

/** Minified and gzipped KB of a worker, bundled as wrangler does. */
const sizeOf = async (entry: string) => {
  const code = await bundle(entry, { minify: true })
  return { minified: Buffer.byteLength(code) / 1024, gzip: gzipSync(code).byteLength / 1024 }
}

const rounds = Number(process.env.BENCH_ROUNDS ?? "9")
const processes = Number(process.env.BENCH_PROCESSES ?? "3")
const inProcessRows = inProcess(processes)
const workerd = await inWorkerd(rounds)
const cold = await coldStart(Number(process.env.BENCH_PROCESSES ?? "7"))
const sizes: Array<readonly [string, Awaited<ReturnType<typeof sizeOf>>]> = []
for (const peer of peers) sizes.push([labels[peer], await sizeOf(path.join(here, "peers", `${files[peer]}.ts`))])
sizes.push([
  "example Worker: examples/wallet-api/src/worker.ts",
  await sizeOf(path.join(root, "examples/wallet-api/src/worker.ts"))
])
sizes.push([
  "example Worker on Effect HttpApi: examples/wallet-httpapi/src/worker.ts",
  await sizeOf(path.join(root, "examples/wallet-httpapi/src/worker.ts"))
])

emit([
  {
    id: "worker-inprocess",
    title: "Worker in-process (Node): µs per request, `new Request` to `await response.text()`",
    unit: "µs",
    baseline: labels.plain,
    rows: inProcessRows,
    note: `one sample per Node process (its median of 9 rounds of 10,000 requests), ${processes} processes per peer`
  },
  {
    id: "worker-workerd",
    title: "Worker in real workerd (miniflare): µs per request, looped inside the isolate",
    unit: "µs",
    baseline: labels.plain,
    rows: workerd.perRequest,
    note: "throughput × plain is the inverse of the ratio shown: requests/s relative to plain = 1 / (µs ratio)"
  },
  {
    id: "worker-memory",
    title: "Worker isolate memory: workerd process resident set after 10,000 requests (one isolate per process)",
    unit: "MB",
    baseline: labels.plain,
    rows: workerd.memory,
    note: "one sample; workerd's own memory (tens of MB) is in every row"
  },
  {
    id: "worker-cold",
    title:
      "Worker cold start: a fresh Node process imports the bundled worker and answers its first request (process start to answer)",
    unit: "ms",
    baseline: labels.plain,
    rows: cold.cold
  },
  {
    id: "worker-heap",
    title: "Worker isolate memory: V8 heap used after 10,000 requests and a full GC (the bundled worker in Node)",
    unit: "MB",
    baseline: labels.plain,
    rows: cold.heap,
    note: "the runtime's own heap (about 4 MB) is in every row"
  },
  {
    id: "worker-size",
    title: "Worker bundle size, esbuild as wrangler runs it, minified, gzip",
    unit: "KB gzip",
    baseline: labels.hono,
    rows: sizes.map(([name, size]) => ({ name, samples: [size.gzip] })),
    note: sizes.map(([name, size]) => `${name}: ${size.minified.toFixed(1)} KB minified`).join("; ")
  }
])
