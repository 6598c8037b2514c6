/**
 * A real `node:http` server on 127.0.0.1 (port 0) that answers from a script
 * and records every request: arrival order, clock time, method, URL, headers
 * and body. It closes (dropping open connections) when its scope closes.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { ApiError, ResponseCodec, type WireResponse } from "@centrapay-effect/core"
import { Effect } from "effect"

/** What the server does with one request. */
export type Reply =
  | {
      readonly _tag: "Respond"
      readonly status: number
      readonly headers: Readonly<Record<string, string>>
      readonly body: string
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

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** Every request so far, in arrival order. */
  readonly requests: ReadonlyArray<Recorded>
  /** Completes once at least `count` requests have arrived. */
  readonly awaitRequests: (count: number) => Effect.Effect<void>
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

/** A reply of any status, headers and text. */
export const raw = (status: number, body: string, headers: Readonly<Record<string, string>> = {}): Reply => ({
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

/** Starts a server answering from `script`; `now` stamps arrivals (default: `Date.now`). */
export const make = (script: Script, options: { readonly now?: () => number } = {}) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly server: http.Server; readonly scripted: ScriptedServer }>((resume) => {
      const requests: Array<Recorded> = []
      const waiters: Array<{ readonly count: number; readonly done: () => void }> = []
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
          for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
            waiters.splice(waiters.indexOf(waiter), 1)
            waiter.done()
          }
          const reply = typeof script === "function" ? script(recorded) : (script[recorded.index] ?? script.at(-1))
          if (reply !== undefined) answer(req, res, reply)
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
              awaitRequests: (count) =>
                Effect.callback<void>((done) => {
                  if (requests.length >= count) return done(Effect.void)
                  waiters.push({ count, done: () => done(Effect.void) })
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

const answer = (req: http.IncomingMessage, res: http.ServerResponse, reply: Reply): void => {
  switch (reply._tag) {
    case "Respond":
      res.writeHead(reply.status, reply.headers)
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
      setTimeout(() => answer(req, res, reply.then), reply.millis)
      return
    case "Hang":
      return
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
