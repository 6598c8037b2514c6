/**
 * A real `node:http` server on 127.0.0.1 (port 0) that answers from a script
 * and records every request (arrival order, clock time, method, URL, headers
 * and body) and how far each answer's body got before the client let go.
 * Besides plain answers it can reset a connection, hang, stream a body in
 * chunks without `Content-Length` (endless if asked), drip one byte at a
 * time, and send a gzip bomb. It closes (dropping open connections) when its
 * scope closes.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as zlib from "node:zlib"
import { ApiError, ResponseCodec, type WireResponse } from "@centrapay-effect/core"
import { Effect } from "effect"

/** What the server does with one request. */
export type Reply =
  | {
      readonly _tag: "Respond"
      readonly status: number
      readonly headers: Readonly<Record<string, string>>
      readonly body: string | Uint8Array
    }
  /** Closes the connection without answering. */
  | { readonly _tag: "Reset" }
  /** Sends the status, headers and half the body, then closes the connection. */
  | {
      readonly _tag: "ResetMidBody"
      readonly status: number
      readonly headers: Readonly<Record<string, string>>
      readonly body: string
    }
  /** Waits `millis` of real time, then replies. */
  | { readonly _tag: "Delay"; readonly millis: number; readonly then: Reply }
  /** Never answers. */
  | { readonly _tag: "Hang" }
  /**
   * Sends the status and headers, then the body's chunks as fast as the
   * client reads them (chunked: no `Content-Length`), then ends — or, with
   * `end: "reset"`, closes the connection instead of ending the body.
   */
  | {
      readonly _tag: "Stream"
      readonly status: number
      readonly headers: Readonly<Record<string, string>>
      readonly chunks: () => Iterable<Uint8Array>
      readonly end: "end" | "reset"
    }
  /** Sends the status and headers, then one byte of `text` every `everyMillis` of real time. */
  | {
      readonly _tag: "Drip"
      readonly status: number
      readonly headers: Readonly<Record<string, string>>
      readonly text: string
      readonly everyMillis: number
    }

/** A request as the server saw it. */
export interface Recorded {
  /** 0-based arrival order. */
  readonly index: number
  /** The time of the clock the server was given (the client's clock) on arrival. */
  readonly at: number
  readonly method: string
  /** Path and query, as sent. */
  readonly url: string
  readonly path: string
  readonly query: URLSearchParams
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
}

/** How far the answer to one request got. */
export interface Sent {
  /** Body bytes handed to the socket (as sent: compressed for a gzip body). */
  readonly bodyBytes: number
  /** The answer is over: complete, or cut. */
  readonly closed: boolean
  /** The connection closed before the answer was complete (the client let go, or a reset the script asked for). */
  readonly cut: boolean
}

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** Every request so far, in arrival order. */
  readonly requests: ReadonlyArray<Recorded>
  /** How far the answer to each request got, by arrival order. */
  readonly sent: ReadonlyArray<Sent>
  /** Completes once at least `count` requests have arrived. */
  readonly awaitRequests: (count: number) => Effect.Effect<void>
  /** Completes once how far the answer to request `index` got satisfies `reached`. */
  readonly awaitSent: (index: number, reached: (sent: Sent) => boolean) => Effect.Effect<void>
}

/** A script: replies in order (the last one repeats), or a function of the request. */
export type Script = ReadonlyArray<Reply> | ((request: Recorded) => Reply)

/** A reply with a JSON body. */
export const json = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Reply => ({
  _tag: "Respond",
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body)
})

/** The contract's response for an error, as core's encoder writes it, with extra or replaced headers. */
export const error = (value: ApiError.ApiError, headers: Readonly<Record<string, string>> = {}): Reply =>
  fromWire(ResponseCodec.encode(value), headers)

/** A 429 with `Retry-After` as given (seconds or an HTTP-date). */
export const rateLimited = (retryAfter: string): Reply =>
  error(new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED" }), { "retry-after": retryAfter })

/** A reply of any status, headers and body (text or bytes), with its `Content-Length`. */
export const raw = (
  status: number,
  body: string | Uint8Array,
  headers: Readonly<Record<string, string>> = {}
): Reply => ({
  _tag: "Respond",
  status,
  headers,
  body
})

export const fromWire = (wire: WireResponse.WireResponse, headers: Readonly<Record<string, string>> = {}): Reply => ({
  _tag: "Respond",
  status: wire.status,
  headers: { ...wire.headers, ...headers },
  body: wire.body
})

export const reset: Reply = { _tag: "Reset" }
export const hang: Reply = { _tag: "Hang" }
export const resetMidBody = (status: number, body: unknown): Reply => ({
  _tag: "ResetMidBody",
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body)
})
export const delay = (millis: number, then: Reply): Reply => ({ _tag: "Delay", millis, then })

/** A body streamed in chunks of `chunkSize` bytes without `Content-Length`, ended normally. */
export const chunked = (
  status: number,
  body: string | Uint8Array,
  headers: Readonly<Record<string, string>> = {},
  chunkSize = 16 * 1024
): Reply => {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body
  return {
    _tag: "Stream",
    status,
    headers,
    end: "end",
    chunks: function* () {
      for (let offset = 0; offset < bytes.length; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize)
    }
  }
}

/** `bytes` of `x` (or forever, with `Infinity`) in 64 KiB chunks without `Content-Length`; then ends or resets. */
export const endless = (
  status: number,
  headers: Readonly<Record<string, string>> = {},
  options: { readonly bytes?: number; readonly end?: "end" | "reset" } = {}
): Reply => {
  const chunk = new Uint8Array(64 * 1024).fill(0x78)
  const total = options.bytes ?? Number.POSITIVE_INFINITY
  return {
    _tag: "Stream",
    status,
    headers,
    end: options.end ?? "end",
    chunks: function* () {
      for (let sent = 0; sent < total; sent += chunk.length)
        yield chunk.subarray(0, Math.min(chunk.length, total - sent))
    }
  }
}

/** `text` one byte at a time, every `everyMillis` of real time. */
export const drip = (
  status: number,
  text: string,
  everyMillis: number,
  headers: Readonly<Record<string, string>> = { "content-type": "application/json" }
): Reply => ({ _tag: "Drip", status, headers, text, everyMillis })

/**
 * The body of a gzip bomb: `inflated` zero bytes, gzip-compressed to about
 * a thousandth of that. Send it with `Content-Encoding: gzip`
 * (`raw(status, bomb, { "content-encoding": "gzip" })`).
 */
export const gzipBomb = (inflated: number): Effect.Effect<Uint8Array> =>
  Effect.promise(
    () =>
      new Promise<Uint8Array>((resolve, reject) => {
        const gzip = zlib.createGzip({ level: 9 })
        const parts: Array<Buffer> = []
        gzip.on("data", (part: Buffer) => parts.push(part))
        gzip.on("error", reject)
        gzip.on("end", () => resolve(new Uint8Array(Buffer.concat(parts))))
        const zeros = Buffer.alloc(1024 * 1024)
        let left = inflated
        const pump = () => {
          while (left > 0) {
            const part = zeros.subarray(0, Math.min(zeros.length, left))
            left -= part.length
            if (!gzip.write(part)) return void gzip.once("drain", pump)
          }
          gzip.end()
        }
        pump()
      })
  )

/** Starts a server answering from `script`; `now` stamps arrivals (default: `Date.now`). */
export const make = (script: Script, options: { readonly now?: () => number } = {}) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly server: http.Server; readonly scripted: ScriptedServer }>((resume) => {
      const requests: Array<Recorded> = []
      const sent: Array<{ bodyBytes: number; closed: boolean; cut: boolean }> = []
      const waiters: Array<{ readonly count: number; readonly done: () => void }> = []
      const sentWaiters: Array<{
        readonly index: number
        readonly reached: (sent: Sent) => boolean
        readonly done: () => void
      }> = []
      const progress = (index: number, event: Progress) => {
        const entry = sent[index]
        if (entry === undefined) return
        if (event._tag === "Wrote") entry.bodyBytes += event.bytes
        else Object.assign(entry, { closed: true, cut: event.cut })
        for (const waiter of sentWaiters.filter((w) => w.index === index && w.reached(entry))) {
          sentWaiters.splice(sentWaiters.indexOf(waiter), 1)
          waiter.done()
        }
      }
      const now = options.now ?? Date.now
      const server = http.createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const target = new URL(req.url ?? "/", "http://127.0.0.1")
          const recorded: Recorded = {
            index: requests.length,
            at: now(),
            method: req.method ?? "",
            url: req.url ?? "",
            path: target.pathname,
            query: target.searchParams,
            headers: headersOf(req.headers),
            body: Buffer.concat(chunks).toString("utf8")
          }
          requests.push(recorded)
          sent.push({ bodyBytes: 0, closed: false, cut: false })
          for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
            waiters.splice(waiters.indexOf(waiter), 1)
            waiter.done()
          }
          const reply = typeof script === "function" ? script(recorded) : (script[recorded.index] ?? script.at(-1))
          if (reply === undefined) return
          // A client that lets go makes later writes fail; that is what the tests provoke.
          res.on("error", () => {})
          res.on("close", () => progress(recorded.index, { _tag: "Closed", cut: !res.writableFinished }))
          answer(req, res, reply, (event) => progress(recorded.index, event))
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = addressOf(server)
        resume(
          Effect.succeed({
            server,
            scripted: {
              url: `http://127.0.0.1:${port}`,
              requests,
              sent,
              awaitRequests: (count) =>
                Effect.callback<void>((done) => {
                  if (requests.length >= count) return done(Effect.void)
                  waiters.push({ count, done: () => done(Effect.void) })
                }),
              awaitSent: (index, reached) =>
                Effect.callback<void>((done) => {
                  const entry = sent[index]
                  if (entry !== undefined && reached(entry)) return done(Effect.void)
                  sentWaiters.push({ index, reached, done: () => done(Effect.void) })
                })
            }
          })
        )
      })
    }),
    ({ server }) =>
      Effect.callback<void>((done) => {
        server.closeAllConnections()
        server.close(() => done(Effect.void))
      })
  ).pipe(Effect.map(({ scripted }): ScriptedServer => scripted))

/** The URL of a port nothing listens on (a server opened and closed again). */
export const closedPortUrl: Effect.Effect<string> = Effect.scoped(Effect.map(make([]), (server) => server.url))

/** Body bytes handed to the socket, or the answer is over (cut: before it was complete). */
type Progress = { readonly _tag: "Wrote"; readonly bytes: number } | { readonly _tag: "Closed"; readonly cut: boolean }

const answer = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  reply: Reply,
  progress: (event: Progress) => void
): void => {
  switch (reply._tag) {
    case "Respond":
      res.writeHead(reply.status, reply.headers)
      progress({
        _tag: "Wrote",
        bytes: typeof reply.body === "string" ? Buffer.byteLength(reply.body) : reply.body.length
      })
      res.end(reply.body)
      return
    case "Reset":
      req.socket.destroy()
      return
    case "ResetMidBody":
      res.writeHead(reply.status, { ...reply.headers, "content-length": String(Buffer.byteLength(reply.body)) })
      res.write(reply.body.slice(0, Math.floor(reply.body.length / 2)))
      // Let the head and the first half reach the client before cutting the connection.
      setTimeout(() => req.socket.destroy(), 10)
      return
    case "Delay":
      setTimeout(() => answer(req, res, reply.then, progress), reply.millis)
      return
    case "Hang":
      return
    case "Stream": {
      res.writeHead(reply.status, reply.headers)
      const chunks = reply.chunks()[Symbol.iterator]()
      const pump = (): void => {
        while (!res.destroyed) {
          const next = chunks.next()
          if (next.done === true) {
            if (reply.end === "reset") req.socket.destroy()
            else res.end()
            return
          }
          progress({ _tag: "Wrote", bytes: next.value.length })
          if (!res.write(next.value)) return void res.once("drain", pump)
        }
      }
      pump()
      return
    }
    case "Drip": {
      res.writeHead(reply.status, reply.headers)
      res.flushHeaders()
      let offset = 0
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer)
        if (offset >= reply.text.length) {
          clearInterval(timer)
          res.end()
          return
        }
        const byte = reply.text.slice(offset, offset + 1)
        offset += 1
        res.write(byte)
        progress({ _tag: "Wrote", bytes: Buffer.byteLength(byte) })
      }, reply.everyMillis)
      res.on("close", () => clearInterval(timer))
      return
    }
  }
}

const headersOf = (headers: http.IncomingHttpHeaders): Readonly<Record<string, string | undefined>> =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : value])
  )

const addressOf = (server: http.Server): AddressInfo => {
  const address = server.address()
  return typeof address === "object" && address !== null ? address : { address: "127.0.0.1", family: "IPv4", port: 0 }
}
