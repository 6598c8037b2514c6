/**
 * The strict upstream of the fleet runs: a real `node:http` server on
 * 127.0.0.1 that limits each account (the caller's API key; an
 * `X-Centrapay-Account` header changes nothing) to `limit` requests per
 * `windowMillis`, counted in fixed windows of its own clock, as a
 * per-minute counter would. Beyond the limit it answers the contract's 429
 * with `Retry-After` (whole seconds until its window ends).
 *
 * It also judges, independently of its own windows: a request it accepted
 * while `limit` others had been accepted in the `windowMillis` before it
 * (any span, not only its windows) is counted as **over limit**: a burst at
 * the end of one window and the start of the next passes a fixed-window
 * server but breaks the limit as a sliding window reads it.
 *
 * `GET /fleet/warmup` is answered 200 and not counted: clients open their
 * connections with it before a run.
 */
import * as http from "node:http"

/** What the server saw. */
export interface Tally {
  /** Every request received. */
  readonly requests: number
  /** Requests answered 429. */
  readonly rejected: number
  /** Requests answered 200. */
  readonly accepted: number
  /** Accepted requests with `limit` others accepted in the window before them. */
  readonly overLimit: number
  /** Arrival times (ms since the epoch) of the first and the last accepted request. */
  readonly firstAcceptedAt: number | undefined
  readonly lastAcceptedAt: number | undefined
  /** Arrival times of the accepted requests, and of the rejected ones, in order. */
  readonly acceptedAt: ReadonlyArray<number>
  readonly rejectedAt: ReadonlyArray<number>
}

/** A running strict server. */
export interface StrictServer {
  readonly url: string
  readonly tally: () => Tally
  readonly close: () => Promise<void>
}

interface Account {
  window: number
  count: number
  /** Arrival times of accepted requests, oldest first, pruned to the judge's window. */
  readonly recent: Array<number>
}

const now = (): number => performance.timeOrigin + performance.now()

const tooMany = JSON.stringify({ statusCode: 429, error: "Too Many Requests", message: "RATE_LIMIT_EXCEEDED" })

/** Starts the server on a free loopback port. */
export const start = async (options: {
  readonly limit: number
  readonly windowMillis: number
}): Promise<StrictServer> => {
  const { limit, windowMillis } = options
  const accounts = new Map<string, Account>()
  const acceptedAt: Array<number> = []
  const rejectedAt: Array<number> = []
  let requests = 0
  let rejected = 0
  let overLimit = 0

  const server = http.createServer((request, response) => {
    const at = now()
    if (request.url === "/fleet/warmup") {
      request.resume()
      response.writeHead(200, { "content-type": "application/json" })
      response.end('{"ok":true}')
      return
    }
    requests += 1
    const key = request.headers["x-api-key"]
    const caller = typeof key === "string" ? key : ""
    const window = Math.floor(at / windowMillis)
    const account = accounts.get(caller) ?? { window, count: 0, recent: [] }
    accounts.set(caller, account)
    if (account.window !== window) {
      account.window = window
      account.count = 0
    }
    request.resume()
    if (account.count >= limit) {
      rejected += 1
      rejectedAt.push(at)
      const retryAfter = Math.max(1, Math.ceil(((window + 1) * windowMillis - at) / 1000))
      response.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfter) })
      response.end(tooMany)
      return
    }
    account.count += 1
    while (account.recent.length > 0 && (account.recent[0] ?? at) <= at - windowMillis) account.recent.shift()
    if (account.recent.length >= limit) overLimit += 1
    account.recent.push(at)
    acceptedAt.push(at)
    response.writeHead(200, { "content-type": "application/json" })
    response.end('{"ok":true}')
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    tally: () => ({
      requests,
      rejected,
      accepted: acceptedAt.length,
      overLimit,
      firstAcceptedAt: acceptedAt[0],
      lastAcceptedAt: acceptedAt.at(-1),
      acceptedAt: [...acceptedAt],
      rejectedAt: [...rejectedAt]
    }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
