/**
 * A CPU profile of the benchmark's loop inside workerd, through workerd's
 * inspector (miniflare's `inspectorPort`) and the DevTools protocol:
 * `node bench/workerd-cpu-profile.ts [peer] [n]` (default `ours`, 40,000
 * requests) starts `worker.ts`, warms the peer up, profiles one loop and
 * prints the functions with the most self time (a `.cpuprofile` is written
 * to the temp directory for DevTools).
 */
import { writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { start } from "../test/support/workerd.ts"

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}
interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
}

const here = path.dirname(fileURLToPath(import.meta.url))
const peer = process.argv[2] ?? "ours"
const n = Number(process.argv[3] ?? "40000")
const inspectorPort = 9229 + Math.floor(Math.random() * 500)
const worker = await start(path.join(here, "worker.ts"), { inspectorPort })
try {
  await worker.fetch(`/?peer=${peer}&n=10000`)
  const targets: Array<{ readonly webSocketDebuggerUrl: string }> = await (
    await fetch(`http://127.0.0.1:${inspectorPort}/json`)
  ).json()
  const target = targets[0]
  if (target === undefined) throw new Error("no inspector target")
  const socket = new WebSocket(target.webSocketDebuggerUrl)
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true })
    socket.addEventListener("error", reject, { once: true })
  })
  let next = 0
  const pending = new Map<number, (result: unknown) => void>()
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data))
    if (typeof message.id === "number") pending.get(message.id)?.(message.result)
  })
  const send = (method: string, params?: object) =>
    new Promise<unknown>((resolve) => {
      const id = ++next
      pending.set(id, resolve)
      socket.send(JSON.stringify({ id, method, params }))
    })
  await send("Profiler.enable")
  await send("Profiler.setSamplingInterval", { interval: 50 })
  await send("Profiler.start")
  await worker.fetch(`/?peer=${peer}&n=${n}`)
  const { profile } = (await send("Profiler.stop")) as { profile: Profile }
  socket.close()
  const file = path.join(tmpdir(), `workerd-${peer}.cpuprofile`)
  writeFileSync(file, JSON.stringify(profile))
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map<string, number>()
  for (const sample of profile.samples) {
    const frame = byId.get(sample)?.callFrame
    if (frame === undefined) continue
    const key = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").at(-1) ?? ""}:${frame.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + 1)
  }
  const total = profile.samples.length
  console.log(`${peer}: ${total} samples, profile in ${file}`)
  for (const [key, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(`${((100 * count) / total).toFixed(1).padStart(5)} %  ${key}`)
} finally {
  await worker.dispose()
}
