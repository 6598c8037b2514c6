/**
 * A fleet run: a strict server (`StrictServer`) and several clients sharing
 * one account's budget through a store, measured by the server.
 *
 * - `redis` and `memory`: `clients` Node processes (`client.ts`), each with
 *   `concurrency` loops calling as fast as its limiter allows; on Redis they
 *   share one budget, in memory each has its own.
 * - `durable-object` and `worker-memory`: `clients` Workers in one workerd
 *   (one isolate each) running `worker.ts`, each sent `concurrency`
 *   concurrent requests at a time; with the Durable Object they share one
 *   budget, in memory each isolate has its own.
 *
 * The clients are configured with the server's limit. The result line:
 * `fleet <store>: <P> clients, <N> requests, 429s <n>, over limit <n>, throughput <x>% of limit`,
 * where N counts every request the server received, and throughput is
 * the requests it accepted over what the limit allows from the first
 * accepted request to the end of the last one's window.
 */
import { spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { RateLimiter } from "@centrapay-effect/core"
import * as LocalWorker from "@centrapay-effect/worker-adapter/LocalWorker"
import * as StrictServer from "./StrictServer.ts"

const here = path.dirname(fileURLToPath(import.meta.url))

/** Where the budget is kept. */
export type Store = "redis" | "memory" | "durable-object" | "worker-memory"

/** The size of a run. */
export interface Options {
  readonly store: Store
  /** Node processes, or Workers (isolates). */
  readonly clients: number
  /** Calls in flight per client. */
  readonly concurrency: number
  /** The server's limit, and the clients'. */
  readonly limit: number
  readonly windowMillis: number
  /** How long the clients send. */
  readonly durationMillis: number
  /** The clients' `rateLimit.margin`. @default the client's (0.05) */
  readonly margin?: number | undefined
  /** Required for `redis`. */
  readonly redisUrl?: string | undefined
}

/** What the server measured. */
export interface Result {
  readonly store: Store
  readonly clients: number
  readonly requests: number
  readonly rejected: number
  readonly overLimit: number
  /**
   * Requests accepted over what the limit allows from the first accepted
   * request to the end of the last one's window, in percent.
   */
  readonly throughput: number
}

/** The result as the one line the issue asks for. */
export const line = (result: Result): string =>
  `fleet ${result.store}: ${result.clients} clients, ${result.requests} requests, 429s ${result.rejected}, over limit ${result.overLimit}, throughput ${result.throughput.toFixed(1)}% of limit`

/** Runs the fleet once and reports what the server measured. */
export const run = async (options: Options): Promise<Result> => {
  const server = await StrictServer.start({ limit: options.limit, windowMillis: options.windowMillis })
  const account = `acc_${options.store}_${Date.now().toString(36)}`
  try {
    if (options.store === "redis" || options.store === "memory") {
      await runNode(options, server.url, account)
    } else {
      await runWorkers(options, server.url, account)
    }
    const tally = server.tally()
    // What the limit allows from the first accepted request to the end of the last one's window.
    const span =
      tally.firstAcceptedAt === undefined || tally.lastAcceptedAt === undefined
        ? options.windowMillis
        : tally.lastAcceptedAt - tally.firstAcceptedAt + options.windowMillis
    const allowed = (options.limit * span) / options.windowMillis
    return {
      store: options.store,
      clients: options.clients,
      requests: tally.requests,
      rejected: tally.rejected,
      overLimit: tally.overLimit,
      throughput: (100 * tally.accepted) / allowed
    }
  } finally {
    await server.close()
  }
}

/**
 * When the clients start and stop sending, once all are ready: after the
 * window of their warm-up calls has passed (with the clients' margin), so
 * that the run's first window is a window of its own.
 */
const times = (options: Options) => {
  const margin = options.margin ?? RateLimiter.defaults.margin
  const startAt = Date.now() + Math.ceil(options.windowMillis * (1 + margin)) + 200
  return { startAt, endAt: startAt + options.durationMillis }
}

const runNode = async (options: Options, url: string, account: string) => {
  const args = [
    path.join(here, "client.ts"),
    "--url",
    url,
    "--store",
    options.store,
    "--redis-url",
    options.redisUrl ?? "",
    "--account",
    account,
    "--limit",
    String(options.limit),
    "--window-ms",
    String(options.windowMillis),
    "--concurrency",
    String(options.concurrency),
    ...(options.margin === undefined ? [] : ["--margin", String(options.margin)])
  ]
  const children = Array.from({ length: options.clients }, () =>
    spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] })
  )
  const exits = children.map(
    (child) =>
      new Promise<void>((resolve, reject) => {
        child.once("error", reject)
        child.once("exit", (code) =>
          code === 0 ? resolve() : reject(new Error(`fleet client exited with ${code ?? "a signal"}`))
        )
      })
  )
  const ready = children.map(
    (child) =>
      new Promise<void>((resolve, reject) => {
        child.stdout.once("data", () => resolve())
        child.once("exit", () => reject(new Error("a fleet client exited before it was ready")))
      })
  )
  await Promise.all(ready)
  const go = `${JSON.stringify(times(options))}\n`
  for (const child of children) child.stdin.end(go)
  await Promise.all(exits)
}

// miniflare through the narrow shape used here (its own declarations do not
// type-check with skipLibCheck: false), loaded by name and checked.
interface Fetcher {
  fetch(url: string): Promise<{ readonly status: number; text(): Promise<string> }>
}
interface MiniflareInstance {
  readonly ready: Promise<URL>
  getWorker(name: string): Promise<Fetcher>
  dispose(): Promise<void>
}
type MiniflareConstructor = new (options: {
  readonly workers: ReadonlyArray<Readonly<Record<string, unknown>>>
}) => MiniflareInstance

// By name, so that the compiler does not read miniflare's declarations.
const load = (name: string): Promise<unknown> => import(name)

const isMiniflareModule = (value: unknown): value is { readonly Miniflare: MiniflareConstructor } =>
  typeof value === "object" && value !== null && "Miniflare" in value && typeof value.Miniflare === "function"

const runWorkers = async (options: Options, url: string, account: string) => {
  const [script, miniflare] = await Promise.all([LocalWorker.bundle(path.join(here, "worker.ts")), load("miniflare")])
  if (!isMiniflareModule(miniflare)) throw new Error("the fleet needs miniflare")
  const names = Array.from({ length: options.clients }, (_, i) => `fleet-${i}`)
  const instance = new miniflare.Miniflare({
    workers: names.map((name, i) => ({
      name,
      modules: true,
      script,
      compatibilityDate: "2026-01-01",
      compatibilityFlags: ["nodejs_compat"],
      bindings: {
        UPSTREAM_URL: url,
        STORE: options.store,
        LIMIT: String(options.limit),
        WINDOW_MS: String(options.windowMillis),
        ACCOUNT: account,
        ...(options.margin === undefined ? {} : { MARGIN: String(options.margin) })
      },
      durableObjects: {
        RATE_LIMITER: i === 0 ? "RateLimiterObject" : { className: "RateLimiterObject", scriptName: names[0] }
      }
    }))
  })
  try {
    await instance.ready
    const workers = await Promise.all(names.map((name) => instance.getWorker(name)))
    // As many warm-up requests at once as the run will have: each opens the connections a loop will use.
    await Promise.all(
      workers.flatMap((worker) =>
        Array.from({ length: options.concurrency }, async () => {
          const response = await worker.fetch("http://fleet.local/fleet/warmup")
          if (response.status !== 200) throw new Error(`a fleet worker answered ${response.status} to its warm-up`)
          await response.text()
        })
      )
    )
    const { startAt, endAt } = times(options)
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())))
    const loop = async (worker: Fetcher) => {
      while (Date.now() < endAt) {
        const response = await worker.fetch(`http://fleet.local/fleet/call?deadline=${Math.max(1, endAt - Date.now())}`)
        await response.text()
      }
    }
    await Promise.all(workers.flatMap((worker) => Array.from({ length: options.concurrency }, () => loop(worker))))
  } finally {
    await instance.dispose()
  }
}
