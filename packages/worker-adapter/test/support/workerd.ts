/**
 * Runs a test worker in real workerd: bundles its source with esbuild (the
 * packages resolve to their built `dist`, so run `npm run build` first) and
 * starts it with miniflare. Requests go through `dispatchFetch`, or, for a
 * request that must travel on a connection of its own (a body the worker
 * refuses without reading), through `sendOnFreshConnection`.
 */
import * as http from "node:http"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as LocalWorker from "@centrapay-effect/worker-adapter/LocalWorker"
import { Miniflare, type MiniflareOptions } from "./miniflare.js"

const here = path.dirname(fileURLToPath(import.meta.url))

/** Bundles a worker entry (an absolute path, or one relative to `test/workers`) into one ES module. */
export const bundle = (entry: string, options?: { readonly minify?: boolean }): Promise<string> =>
  LocalWorker.bundle(path.isAbsolute(entry) ? entry : path.join(here, "..", "workers", entry), options)

/** A worker running in workerd. */
export interface RunningWorker {
  readonly miniflare: Miniflare
  /** The worker's local URL. */
  readonly url: URL
  /** Sends a request with `accept-encoding: identity`, so bytes and headers are the worker's own. */
  readonly fetch: (path: string, init?: RequestInit) => Promise<Received>
  readonly dispose: () => Promise<void>
}

/** A response as the test reads it: status, headers (lower-case names), exact body bytes and their text. */
export interface Received {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly setCookie: ReadonlyArray<string>
  readonly bytes: Uint8Array
  readonly text: string
}

/** Bundles `entry` and starts it in workerd. */
export const start = async (
  entry: string,
  options?: Omit<MiniflareOptions, "modules" | "script" | "scriptPath">
): Promise<RunningWorker> => {
  const script = await bundle(entry)
  const miniflare = new Miniflare({
    compatibilityDate: "2026-01-01",
    compatibilityFlags: ["nodejs_compat"],
    ...options,
    modules: true,
    script
  })
  const url = await miniflare.ready
  return {
    miniflare,
    url,
    fetch: async (target, init) => {
      const headers = new Headers(init?.headers)
      headers.set("accept-encoding", "identity")
      const response = await miniflare.dispatchFetch(new URL(target, url), { ...init, headers })
      const bytes = new Uint8Array(await response.arrayBuffer())
      return {
        status: response.status,
        headers: Object.fromEntries(response.headers),
        setCookie: response.headers.getSetCookie(),
        bytes,
        text: new TextDecoder().decode(bytes)
      }
    },
    dispose: () => miniflare.dispose()
  }
}

/** What came back over a fresh connection. */
export interface RawResponse {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
}

/**
 * Sends one request on a connection of its own and resolves with the
 * response, even when the worker answered before reading the whole body
 * and the connection was reset while the body was still being written.
 */
export const sendOnFreshConnection = (
  url: URL,
  request: {
    readonly method: string
    readonly path: string
    readonly headers?: Readonly<Record<string, string>>
    /** Headers as sent, in order, `[name, value, name, value, …]`: a name may repeat in any case. */
    readonly rawHeaders?: ReadonlyArray<string>
    readonly body?: Uint8Array | undefined
  }
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    let answered = false
    const outgoing = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers:
          request.rawHeaders === undefined
            ? { "accept-encoding": "identity", connection: "close", ...request.headers }
            : ["accept-encoding", "identity", "connection", "close", ...request.rawHeaders],
        agent: false
      },
      (incoming) => {
        answered = true
        const chunks: Array<Buffer> = []
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
        incoming.on("end", () =>
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) })
        )
        incoming.on("error", reject)
      }
    )
    outgoing.on("error", (error) => {
      if (!answered) reject(error)
    })
    outgoing.end(request.body)
  })
