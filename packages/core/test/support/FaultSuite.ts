/**
 * Fault injection: many calls through one client against a real local
 * server that answers at random from the whole contract (every status class
 * with JSON, HTML, empty and message-less bodies, 5xx from 500 to a CDN's
 * 520–524, statuses outside the contract, Retry-After as seconds and as an
 * HTTP-date on 429, 503 and others, resets before, after and in the middle of
 * a response, slow answers), and as a hostile server would: redirects (3xx to
 * the same origin and to another origin, which counts every request that
 * reaches it), gzip bombs and bodies over the client's cap (with and without
 * `Content-Length`), resets in the middle of a streamed body, bodies dripping
 * slower than the attempt timeout, and idempotency keys ignored (a share of
 * requests meet a server that acts on every attempt whatever the key). Some
 * attempts are sent to a port nothing listens on instead (refused
 * connections). The server (and, for refused attempts, the router in front
 * of the network) also plays the judge: it counts side effects per request
 * and idempotency key, checks every retry against the contract, and checks
 * each call's typed outcome against the last answer (the tag follows the
 * status).
 *
 * The judge's rules are written out below as data ("The contract, written
 * out"), never read from the code under test.
 *
 * Seeded and bounded: the answer to attempt `k` of request `i` depends only
 * on (seed, i, k), and the client's randomness is seeded per request. Waits
 * do not really happen: each request runs on its own virtual clock (an
 * Effect `Clock` whose `sleep` moves time forward at once), and the judge
 * reads the same clock, so "early waits" are measured against the clock the
 * client waits on. The exception is the 1% of requests that meet a dripping
 * server: a timeout needs real time to pass, so they run on the real clock
 * with a short attempt timeout, and every answer they get drips.
 *
 * The client is blamed only for what it controls: a POST/PATCH it repeated
 * when the contract forbids it, or whose key it changed, is a duplicate; a
 * server that ignores the key and acts again on the same key is counted
 * apart (`serverActedTwice`), as the server's fault.
 *
 * `run` is shared by `npm run faults` (10k requests) and a vitest test.
 */
import {
  ApiError,
  Client,
  ClientError,
  Credentials,
  Endpoint,
  type RetryBudget,
  RetryPolicy
} from "@centrapay-effect/core"
import { Cause, Clock, Duration, Effect, Exit, identity, Option, Random, Schema, type Scope } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import * as Server from "./ScriptedServer.ts"

/** What `run` found. */
export interface Report {
  readonly requests: number
  /** Attempts the client made: HTTP requests the server received, and attempts refused. */
  readonly attempts: number
  /** Attempts sent to a port nothing listens on (refused connections). */
  readonly refused: number
  /**
   * Calls that did not end in the typed outcome the contract gives their
   * last answer: a defect, an interruption, an error that is not one of the
   * library's, or one of its errors with another tag, status or transport
   * reason (a 5xx that is not `ServerError` with that status, a 403 whose tag
   * does not follow its message, a refusal that is not `connection-refused`).
   */
  readonly untyped: number
  /**
   * Retries the contract forbids: after a 2xx, 400, 403, 404, 501, 505 or a
   * status outside the contract but 408, after a `Retry-After` over the
   * limit, a second 401, or a 5xx/408/reset of an unkeyed POST or PATCH.
   */
  readonly nonRetryableRetried: number
  /** Retries that arrived before the Retry-After of the answer they followed. */
  readonly earlyWaits: number
  /** Requests attempted more often than the policy allows (plus one replay after a token refresh). */
  readonly overAttempts: number
  /**
   * POST/PATCH requests the client made act twice: acted on twice by a
   * server that honours idempotency keys, or whose key changed between
   * attempts.
   */
  readonly duplicatePosts: number
  /** Requests that reached another origin than the one called (a followed redirect). */
  readonly reachedOtherOrigin: number
  /**
   * Keyed POST/PATCH requests that a server ignoring the key acted on more
   * than once: the server's fault, not the client's (it sent the same key
   * every time); not part of the verdict.
   */
  readonly serverActedTwice: number
  /** Answers served by hostile kind (`redirect`, `too-large`, `drip`, `reset-mid-body`, …). */
  readonly hostile: Readonly<Record<string, number>>
  /** Calls by outcome tag (`Success`, `ServerError`, …). */
  readonly outcomes: Readonly<Record<string, number>>
  /** The first calls (at most 5, by request number) that broke a rule: the request, each answer, and what went wrong. */
  readonly examples: ReadonlyArray<string>
}

export interface Options {
  readonly requests: number
  readonly seed: number
  /** Calls in flight at once. @default 16 */
  readonly concurrency?: number
  /**
   * The client's retry budget. @default capacity of two tokens per request (a
   * retry costs five): it runs dry late in a run, so most retries are judged,
   * and the budget's stop is met too
   */
  readonly retryBudget?: Partial<RetryBudget.Options>
}

/** The last line `npm run faults` prints. */
export const summaryLine = (report: Report): string =>
  `faults: ${report.requests} requests, untyped ${report.untyped}, non-retryable retried ${report.nonRetryableRetried}, early waits ${report.earlyWaits}, over attempts ${report.overAttempts}, duplicate posts ${report.duplicatePosts}, reached another origin ${report.reachedOtherOrigin}`

/** Whether every count but the number of requests is zero. */
export const passed = (report: Report): boolean =>
  report.untyped === 0 &&
  report.nonRetryableRetried === 0 &&
  report.earlyWaits === 0 &&
  report.overAttempts === 0 &&
  report.duplicatePosts === 0 &&
  report.reachedOtherOrigin === 0

/**
 * The limits the suite's client runs with, and the judge holds it to: the
 * attempts, the longest `Retry-After` waited for, the response body cap (the
 * suite's own, well under the 4 MiB default, so over-cap bodies stay cheap),
 * and the real-time attempt timeout of the requests that meet a dripping
 * server.
 */
const limits = {
  maxAttempts: 4,
  maxRetryAfterSeconds: 60,
  maxResponseBytes: 64 * 1024,
  dripTimeoutMillis: 250
} as const

/** The policy the suite's client runs with. */
export const policy = RetryPolicy.make({
  maxAttempts: limits.maxAttempts,
  baseDelay: "100 millis",
  maxRetryAfter: Duration.seconds(limits.maxRetryAfterSeconds)
})

// ---------------------------------------------------------------------------
// The contract, written out (the judge's rules; never read from the code under test)
// ---------------------------------------------------------------------------

/** The outcome a call reports, as far as the judge checks it. */
interface Outcome {
  readonly tag: string
  /** Checked for the tags that carry a status. */
  readonly status?: number
  /** Checked for `TransportFailure`. */
  readonly reason?: string
}

/** What may follow an answer: nothing, a repeat if the request is safe to repeat, any repeat, or one replay with a new token. */
type Next = "final" | "retry-if-safe" | "retry" | "replay-after-refresh"

/** The tag of each contract status outside 2xx and 5xx. Every 5xx is `ServerError`, any other status `UnexpectedStatus`. */
const tagOfStatus: ReadonlyMap<number, string> = new Map([
  [400, "MalformedRequest"],
  [401, "Unauthorized"],
  [403, "ResourceForbidden"],
  [404, "RouteNotFound"],
  [429, "TooManyRequests"]
])

/** The 403 messages that are business rules (documented for the POST, or not): the 403 is a `BusinessRuleViolation`. */
const businessRules: ReadonlySet<string> = new Set(["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED", "NEW_RULE"])

/** The 5xx a retry cannot cure; every other 5xx is retried. */
const neverRetriedServerStatuses: ReadonlySet<number> = new Set([501, 505])

/**
 * The statuses outside 5xx that are retried. Every other status (400, 401,
 * 403, 404, any outside the contract) never is; a 401 is replayed once with
 * a new token.
 */
const retriedClientStatuses: ReadonlySet<number> = new Set([408, 429])

/**
 * Statuses that prove the server did not act: any request, a POST without key
 * too, may be sent again after them (as after a refused connection).
 */
const notActedOnStatuses: ReadonlySet<number> = new Set([429])

/** Methods whose repetition cannot duplicate a side effect; POST and PATCH repeat only with an idempotency key. */
const idempotentMethods: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])

const isServerStatus = (status: number) => status >= 500 && status <= 599

/** The outcome a call ending on an answer with this status (and JSON `message`) must report. */
const outcomeOfStatus = (status: number, message: string | undefined): Outcome => {
  if (isServerStatus(status)) return { tag: "ServerError", status }
  if (status === 403 && message !== undefined && businessRules.has(message)) {
    return { tag: "BusinessRuleViolation", status }
  }
  const tag = tagOfStatus.get(status)
  return tag === undefined ? { tag: "UnexpectedStatus", status } : { tag }
}

/** What may follow an answer with this status, given how long its `Retry-After` asked to wait. */
const nextAfterStatus = (status: number, retryAfterMillis: number | undefined): Next => {
  if (status === 401) return "replay-after-refresh"
  const retried = isServerStatus(status) ? !neverRetriedServerStatuses.has(status) : retriedClientStatuses.has(status)
  if (!retried) return "final"
  if (retryAfterMillis !== undefined && retryAfterMillis > limits.maxRetryAfterSeconds * 1000) return "final"
  return notActedOnStatuses.has(status) ? "retry" : "retry-if-safe"
}

// ---------------------------------------------------------------------------
// The API under test
// ---------------------------------------------------------------------------

const Thing = Schema.Struct({ id: Schema.String, name: Schema.String })
const Transfer = Schema.Struct({ id: Schema.String, status: Schema.String })
const Deleted = Schema.Struct({ id: Schema.String, deleted: Schema.Boolean })

const GetThing = Endpoint.withSchemas(Endpoint.make("GET /api/things/{thingId}", {}), { success: Thing })
const DeleteThing = Endpoint.withSchemas(Endpoint.make("DELETE /api/things/{thingId}", {}), { success: Deleted })
const PutThing = Endpoint.withSchemas(Endpoint.make("PUT /api/things/{thingId}", {}), {
  payload: Schema.Struct({ name: Schema.String }),
  success: Thing
})
const PatchThing = Endpoint.withSchemas(Endpoint.make("PATCH /api/things/{thingId}", {}), {
  payload: Schema.Struct({ name: Schema.String, idempotencyKey: Schema.optionalKey(Schema.String) }),
  success: Thing
})
const CreateAssetTransfer = Endpoint.withSchemas(
  Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"] }),
  {
    payload: Schema.Struct({ amount: Schema.String, idempotencyKey: Schema.optionalKey(Schema.String) }),
    success: Transfer
  }
)

/** The header that names the request (`r<i>`) on every attempt, for the server and the router. */
const refHeader = "x-fault-ref"

// ---------------------------------------------------------------------------
// The faults
// ---------------------------------------------------------------------------

/** One attempt's answer, as the judge reads it. */
interface Answer {
  /** e.g. `522 HTML, after acting`. */
  readonly name: string
  /** The hostile kind it belongs to, counted in the report. */
  readonly hostile?: "redirect" | "too-large" | "at-cap" | "reset-mid-body" | "drip"
  /** Whether the side effect happens (for POST/PATCH). */
  readonly applies: boolean
  /** What a client that stops here reports. */
  readonly outcome: Outcome
  readonly next: Next
  /** The clock time `Retry-After` asked to wait for. */
  readonly earliest?: number
}

/** An answer the server sends. */
interface Served extends Answer {
  readonly reply: Server.Reply
}

/**
 * What a fault's answer may depend on: random draws in [0, 1), the success
 * body, the request's clock time, the origin a redirect may send the client
 * to, and the bodies of gzip bombs made once per run.
 */
interface Given {
  readonly draw: () => number
  readonly success: Readonly<Record<string, unknown>>
  readonly now: number
  readonly otherOrigin: string
  readonly bomb: Uint8Array
}

interface Fault {
  readonly weight: number
  readonly answer: (given: Given) => Served
}

type NonEmpty<A> = readonly [A, ...ReadonlyArray<A>]

const oneOf = <A>(items: NonEmpty<A>, draw: () => number): A => items[Math.floor(draw() * items.length)] ?? items[0]

/** A response body, and the `message` it carries, if any. */
interface Body {
  readonly kind: string
  readonly message: string | undefined
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
}

/** The bodies an error status may come with: the contract's JSON with `message`, HTML from a proxy, nothing, JSON without `message`. */
const bodies = (status: number, message: string): NonEmpty<Body> => [
  {
    kind: "JSON",
    message,
    body: JSON.stringify({ statusCode: status, error: "Error", message }),
    headers: { "content-type": "application/json" }
  },
  {
    kind: "HTML",
    message: undefined,
    body: `<html><body><h1>${status}</h1></body></html>`,
    headers: { "content-type": "text/html" }
  },
  { kind: "empty", message: undefined, body: "", headers: {} },
  {
    kind: "JSON without message",
    message: undefined,
    body: JSON.stringify({ type: "about:blank", title: "Error", status }),
    headers: { "content-type": "application/problem+json" }
  }
]

/** A `Retry-After` header and the clock time it asks to wait for (none when it cannot be read). */
type RetryAfter = (draw: () => number, now: number) => { readonly header: string; readonly earliest?: number }

const inSeconds =
  (min: number, max: number): RetryAfter =>
  (draw, now) => {
    const seconds = min + Math.floor(draw() * (max - min + 1))
    return { header: String(seconds), earliest: now + seconds * 1000 }
  }

const asHttpDate: RetryAfter = (draw, now) => {
  const header = new Date(now + (1 + Math.floor(draw() * 5)) * 1000).toUTCString()
  return { header, earliest: Date.parse(header) }
}

/** A header that sets no minimum: not whole seconds nor a date, or a date already past. */
const unreadable: RetryAfter = (draw, now) => ({
  header: oneOf(["soon", "-5", "1.5", new Date(now - 10_000).toUTCString()], draw)
})

/** A wait of a few seconds. */
const shortWait = inSeconds(1, 5)
/** A wait over the policy's `maxRetryAfter`: the client stops at once. */
const tooLong = inSeconds(limits.maxRetryAfterSeconds + 1, 300)

/** Answers one of `statuses` with one of `messages` in a random body, and `Retry-After` when given. */
const statusFault = (spec: {
  readonly weight: number
  readonly statuses: NonEmpty<number>
  readonly messages: NonEmpty<string>
  readonly applies?: boolean
  readonly retryAfter?: RetryAfter
}): Fault => ({
  weight: spec.weight,
  answer: ({ draw, now }) => {
    const code = oneOf(spec.statuses, draw)
    const body = oneOf(bodies(code, oneOf(spec.messages, draw)), draw)
    const retryAfter = spec.retryAfter?.(draw, now)
    const headers = retryAfter === undefined ? body.headers : { ...body.headers, "retry-after": retryAfter.header }
    return {
      name: [
        `${code} ${body.kind}${body.message === undefined ? "" : ` "${body.message}"`}`,
        ...(retryAfter === undefined ? [] : [`Retry-After ${retryAfter.header}`]),
        ...(spec.applies === true ? ["after acting"] : [])
      ].join(", "),
      applies: spec.applies ?? false,
      outcome: outcomeOfStatus(code, body.message),
      next: nextAfterStatus(code, retryAfter?.earliest === undefined ? undefined : retryAfter.earliest - now),
      reply: Server.raw(code, body.body, headers),
      ...(retryAfter?.earliest === undefined ? {} : { earliest: retryAfter.earliest })
    }
  }
})

/** A 2xx: `Success` when the body is the endpoint's success, `UndecodableResponse` otherwise. */
const successFault = (
  name: string,
  weight: number,
  reply: (success: Readonly<Record<string, unknown>>) => Server.Reply,
  matches: boolean
): Fault => ({
  weight,
  answer: ({ success }) => ({
    name,
    applies: true,
    outcome: matches ? { tag: "Success" } : { tag: "UndecodableResponse", status: 200 },
    next: "final",
    reply: reply(success)
  })
})

/** The connection closes without a (whole) response. */
const resetFault = (
  name: string,
  weight: number,
  applies: boolean,
  reply: (success: Readonly<Record<string, unknown>>) => Server.Reply
): Fault => ({
  weight,
  answer: ({ success }) => ({
    name,
    applies,
    outcome: { tag: "TransportFailure", reason: "connection-reset" },
    next: "retry-if-safe",
    reply: reply(success)
  })
})

/** Every 3xx a server may redirect with. */
const redirectStatuses: NonEmpty<number> = [301, 302, 303, 307, 308]

/**
 * A 3xx to the same origin (relative or absolute `Location`) or to another
 * origin: a status outside the contract, never followed, never retried.
 */
const redirectFault = (weight: number): Fault => ({
  weight,
  answer: ({ draw, otherOrigin }) => {
    const status = oneOf(redirectStatuses, draw)
    const [where, location] = oneOf(
      [
        ["same origin", "/moved/here"],
        ["another origin", `${otherOrigin}/stolen`]
      ],
      draw
    )
    return {
      name: `${status} to ${where}`,
      hostile: "redirect",
      applies: false,
      outcome: { tag: "UnexpectedStatus", status },
      next: "final",
      reply: Server.raw(status, "", { location })
    }
  }
})

/** The typed outcome of a body over the client's cap: whatever the status, never retried. */
const tooLarge: Outcome = { tag: "TransportFailure", reason: "response-too-large" }

/**
 * A body over the client's cap: a gzip bomb, a body with `Content-Length`,
 * or one streamed without; on a 200 (after acting) or an error status.
 */
const tooLargeFault = (weight: number): Fault => ({
  weight,
  answer: ({ draw, bomb }) => {
    const status = oneOf([200, 200, 403, 503], draw)
    const headers = { "content-type": "application/json" }
    const kinds: NonEmpty<readonly [string, () => Server.Reply]> = [
      ["gzip bomb", () => Server.raw(status, bomb, { ...headers, "content-encoding": "gzip" })],
      ["body over the cap", () => Server.raw(status, "x".repeat(2 * limits.maxResponseBytes), headers)],
      ["endless body", () => Server.endless(status, headers)]
    ]
    const [kind, reply] = oneOf(kinds, draw)
    return {
      name: `${status} ${kind}${status === 200 ? ", after acting" : ""}`,
      hostile: "too-large",
      applies: status === 200,
      outcome: tooLarge,
      next: "final",
      reply: reply()
    }
  }
})

/** A success body of exactly the cap (the endpoint's fields and padding), streamed: read whole. */
const atCapFault = (weight: number): Fault => ({
  weight,
  answer: ({ success }) => {
    const frame = JSON.stringify({ ...success, padding: "" })
    const body = JSON.stringify({ ...success, padding: "p".repeat(limits.maxResponseBytes - frame.length) })
    return {
      name: "200 of exactly the cap",
      hostile: "at-cap",
      applies: true,
      outcome: { tag: "Success" },
      next: "final",
      reply: Server.chunked(200, body, { "content-type": "application/json" })
    }
  }
})

/** A streamed body (no `Content-Length`) cut by a reset after 32 KiB, under the cap. */
const resetMidStreamFault = (weight: number): Fault => ({
  weight,
  answer: ({ draw }) => {
    const status = oneOf([200, 503], draw)
    return {
      name: `${status} streamed, reset mid-body${status === 200 ? " after acting" : ""}`,
      hostile: "reset-mid-body",
      applies: status === 200,
      outcome: { tag: "TransportFailure", reason: "connection-reset" },
      next: "retry-if-safe",
      reply: Server.endless(status, { "content-type": "application/json" }, { bytes: 32 * 1024, end: "reset" })
    }
  }
})

/**
 * The answer every attempt of a dripping request gets: the success body,
 * one byte every 100 ms (seconds in all), after acting; the attempt times
 * out mid-body.
 */
const dripAnswer = (success: Readonly<Record<string, unknown>>): Served => ({
  name: "200 dripping, after acting",
  hostile: "drip",
  applies: true,
  outcome: { tag: "Timeout" },
  next: "retry-if-safe",
  reply: Server.drip(200, JSON.stringify(success), 100)
})

/**
 * The first answer of a server that ignores idempotency keys: a 500 after
 * acting. A keyed request may be repeated, and this server acts again on
 * the same key — its fault, not the client's.
 */
const failedAfterActing: Served = {
  name: "500 after acting (this server ignores idempotency keys)",
  applies: true,
  outcome: { tag: "ServerError", status: 500 },
  next: "retry-if-safe",
  reply: Server.json(500, { statusCode: 500, error: "Internal Server Error", message: "Internal Server Error" })
}

/** An attempt the router sent to a port nothing listens on: nothing was sent, so any request may repeat it. */
const refusedConnection: Answer = {
  name: "connection refused",
  applies: false,
  outcome: { tag: "TransportFailure", reason: "connection-refused" },
  next: "retry"
}

/** Every 5xx a retry may cure, a CDN's included. */
const retriedServerStatuses: NonEmpty<number> = [500, 502, 503, 504, 507, 508, 511, 520, 521, 522, 523, 524]
/** Messages a 5xx may carry: reason phrases, and codes that must not make it anything but a `ServerError`. */
const serverMessages: NonEmpty<string> = [
  "Internal Server Error",
  "Service Unavailable",
  "UPSTREAM_DOWN",
  "QUOTA_EXCEEDED"
]

const faults: NonEmpty<Fault> = [
  successFault("ok", 30, (s) => Server.json(200, s), true),
  successFault("ok, slow", 3, (s) => Server.delay(3, Server.json(200, s)), true),
  successFault("200, body not matching", 2, () => Server.json(200, { unexpected: true }), false),
  successFault(
    "200 HTML from a proxy",
    1,
    () => Server.raw(200, "<html>ok</html>", { "content-type": "text/html" }),
    false
  ),
  statusFault({ weight: 4, statuses: [400], messages: ["amount is required", "QUOTA_EXCEEDED"] }),
  statusFault({ weight: 4, statuses: [401], messages: ["Missing authentication", "TOKEN_EXPIRED"] }),
  statusFault({
    weight: 7,
    statuses: [403],
    messages: ["Forbidden", "FORBIDDEN", "INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED", "NEW_RULE"]
  }),
  statusFault({ weight: 2, statuses: [404], messages: ["Not Found", "REQUEST_PAID"] }),
  statusFault({ weight: 6, statuses: [429], messages: ["RATE_LIMIT_EXCEEDED"], retryAfter: shortWait }),
  statusFault({ weight: 4, statuses: [429], messages: ["RATE_LIMIT_EXCEEDED"], retryAfter: asHttpDate }),
  statusFault({ weight: 2, statuses: [429], messages: ["RATE_LIMIT_EXCEEDED"], retryAfter: tooLong }),
  statusFault({ weight: 1, statuses: [429], messages: ["RATE_LIMIT_EXCEEDED"] }),
  statusFault({ weight: 10, statuses: retriedServerStatuses, messages: serverMessages }),
  statusFault({ weight: 4, statuses: retriedServerStatuses, messages: serverMessages, applies: true }),
  statusFault({ weight: 4, statuses: [503], messages: serverMessages, retryAfter: shortWait }),
  statusFault({ weight: 2, statuses: [503], messages: serverMessages, retryAfter: asHttpDate }),
  statusFault({ weight: 1, statuses: [503], messages: serverMessages, retryAfter: tooLong }),
  statusFault({ weight: 2, statuses: retriedServerStatuses, messages: serverMessages, retryAfter: shortWait }),
  statusFault({
    weight: 1,
    statuses: [503, 429],
    messages: ["Service Unavailable", "RATE_LIMIT_EXCEEDED"],
    retryAfter: unreadable
  }),
  statusFault({ weight: 2, statuses: [501, 505], messages: ["Not Implemented"] }),
  statusFault({ weight: 1, statuses: [501, 505], messages: ["Not Implemented"], retryAfter: shortWait }),
  statusFault({ weight: 1, statuses: [408], messages: ["Request Timeout"] }),
  statusFault({ weight: 1, statuses: [408], messages: ["Request Timeout"], retryAfter: shortWait }),
  statusFault({ weight: 2, statuses: [405, 409, 410, 418, 422], messages: ["Conflict"] }),
  resetFault("reset before acting", 3, false, () => Server.reset),
  resetFault("reset after acting", 3, true, () => Server.reset),
  resetFault("reset mid-body", 3, true, (s) => Server.resetMidBody(200, s)),
  redirectFault(3),
  tooLargeFault(3),
  atCapFault(1),
  resetMidStreamFault(2)
]

const totalWeight = faults.reduce((sum, fault) => sum + fault.weight, 0)

const pickFault = (random: number): Fault => {
  let left = random * totalWeight
  for (const fault of faults) {
    left -= fault.weight
    if (left < 0) return fault
  }
  return faults[0]
}

/**
 * The share of a request's attempts refused, by a draw per request: 5% of
 * requests call a host that is down (every attempt refused), 10% a flapping
 * one (one attempt in two, at random).
 */
const refusalRate = (random: number): number => (random < 0.05 ? 1 : random < 0.15 ? 0.5 : 0)

// ---------------------------------------------------------------------------
// The judge: what the server (and the router) saw of each request
// ---------------------------------------------------------------------------

interface Attempt {
  readonly at: number
  readonly answer: Answer
  readonly token: string | undefined
  readonly key: string | undefined
}

interface Ledger {
  readonly number: number
  readonly method: string
  readonly keyed: boolean
  readonly refusalRate: number
  /** Every answer drips (the request runs on the real clock). */
  readonly dripping: boolean
  /** The server ignores the idempotency key: it acts on every attempt that acts (its first answer is a 500 after acting). */
  readonly ignoresKey: boolean
  /** The time on the clock the request's client runs on. */
  readonly now: () => number
  readonly attempts: Array<Attempt>
  /** Side effects as a server honouring idempotency keys would have them: what the client is judged on. */
  applied: number
  /** Side effects the server really had (more than `applied` where it ignores the key). */
  acted: number
  replayed: boolean
  violations: { nonRetryable: number; early: number }
  /** What went wrong, for the report's examples. */
  readonly problems: Array<string>
}

const isSafeToRepeat = (ledger: Ledger) => idempotentMethods.has(ledger.method) || ledger.keyed

/** Judges attempt `next` against the attempt before it. */
const judge = (ledger: Ledger, previous: Attempt, next: Omit<Attempt, "answer">) => {
  const allowed = (() => {
    switch (previous.answer.next) {
      case "final":
        return false
      case "retry":
        return true
      case "retry-if-safe":
        return isSafeToRepeat(ledger)
      case "replay-after-refresh": {
        const ok = !ledger.replayed && next.token !== previous.token
        ledger.replayed = true
        return ok
      }
    }
  })()
  const attempt = ledger.attempts.length + 1
  if (!allowed) {
    ledger.violations.nonRetryable += 1
    ledger.problems.push(`attempt ${attempt} followed "${previous.answer.name}"`)
  }
  if (previous.answer.earliest !== undefined && next.at < previous.answer.earliest) {
    ledger.violations.early += 1
    ledger.problems.push(`attempt ${attempt} came ${previous.answer.earliest - next.at} ms before Retry-After`)
  }
}

/** Records an attempt (after judging it), and the side effect its answer has. */
const arrive = (ledger: Ledger, seen: Omit<Attempt, "answer">, answer: Answer) => {
  const previous = ledger.attempts.at(-1)
  if (previous !== undefined) judge(ledger, previous, seen)
  const keyAlreadyActed = seen.key !== undefined && ledger.attempts.some((a) => a.key === seen.key && a.answer.applies)
  if (answer.applies && !keyAlreadyActed) ledger.applied += 1
  if (answer.applies && (ledger.ignoresKey || !keyAlreadyActed)) ledger.acted += 1
  ledger.attempts.push({ ...seen, answer })
}

/** The request, its answers in order, and what went wrong. */
const describe = (seed: number, ledger: Ledger): string => {
  const key = ledger.method === "POST" || ledger.method === "PATCH" ? (ledger.keyed ? " with key" : " without key") : ""
  const answers = ledger.attempts.map((a) => a.answer.name).join(" → ")
  return `seed ${seed}, r${ledger.number} ${ledger.method}${key}: ${answers}; ${ledger.problems.join("; ")}`
}

// ---------------------------------------------------------------------------
// A virtual clock per request
// ---------------------------------------------------------------------------

/** Time that moves only when the request's fiber sleeps, by exactly the time asked for. */
interface VirtualClock {
  readonly clock: Clock.Clock
  readonly now: () => number
}

const makeVirtualClock = (start: number): VirtualClock => {
  let now = start
  const nanos = () => BigInt(now) * BigInt(1_000_000)
  return {
    now: () => now,
    clock: {
      currentTimeMillisUnsafe: () => now,
      currentTimeMillis: Effect.sync(() => now),
      currentTimeNanosUnsafe: nanos,
      currentTimeNanos: Effect.sync(nanos),
      monotonicTimeNanosUnsafe: nanos,
      monotonicTimeNanos: Effect.sync(nanos),
      sleep: (duration) =>
        Effect.suspend(() => {
          if (!Duration.isFinite(duration)) return Effect.never
          now += Duration.toMillis(duration)
          return Effect.yieldNow
        })
    }
  }
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

/** A deterministic number in [0, 1) for (seed, request, attempt, salt): mulberry32 over a mixed seed. */
const randomOf = (seed: number, request: number, attempt: number, salt: number): number => {
  let t =
    (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^
      Math.imul(request + 1, 0xc2b2ae35) ^
      Math.imul(attempt + 1, 0x27d4eb2f) ^
      salt) >>>
    0
  t = (t + 0x6d2b79f5) >>> 0
  let r = Math.imul(t ^ (t >>> 15), t | 1)
  r ^= r + Math.imul(r ^ (r >>> 7), r | 61)
  return ((r ^ (r >>> 14)) >>> 0) / 4294967296
}

/** Draws for attempt `attempt` of request `request`: salts 10, 11, … */
const drawsOf = (seed: number, request: number, attempt: number): (() => number) => {
  let salt = 10
  return () => randomOf(seed, request, attempt, salt++)
}

const epoch = Date.UTC(2025, 0, 1)

/** Runs the suite: `requests` calls against a fault server, and the judge's report. */
export const run = (options: Options): Effect.Effect<Report, never, Scope.Scope> =>
  Effect.gen(function* () {
    const ledgers = new Map<string, Ledger>()
    // The origin redirects point to: whatever reaches it is counted (and named in the examples).
    const otherOrigin = yield* Server.make((request) => {
      ledgers.get(request.headers[refHeader] ?? "")?.problems.push(`reached another origin: ${request.url}`)
      return Server.json(200, { id: "stolen", name: "stolen", status: "stolen", deleted: false })
    })
    // 64 times the cap once inflated: a few KB of gzip.
    const bomb = yield* Server.gzipBomb(64 * limits.maxResponseBytes)
    const server = yield* Server.make((request) => {
      const ledger = ledgers.get(request.headers[refHeader] ?? "")
      if (ledger === undefined) return Server.json(404, { statusCode: 404, message: "Not Found" })
      const now = ledger.now()
      const index = ledger.attempts.length
      const success = successFor(request.method, ledger.number)
      const answer = ledger.dripping
        ? dripAnswer(success)
        : ledger.ignoresKey && index === 0
          ? failedAfterActing
          : pickFault(randomOf(options.seed, ledger.number, index, 1)).answer({
              draw: drawsOf(options.seed, ledger.number, index),
              success,
              now,
              otherOrigin: otherOrigin.url,
              bomb
            })
      arrive(ledger, { at: now, token: request.headers.authorization, key: keyOf(request.body) }, answer)
      return answer.reply
    })

    // In front of the network: sends the attempts a request's refusal rate picks to a closed port.
    const closedPort = yield* Server.closedPortUrl
    const route = (request: HttpClientRequest.HttpClientRequest): HttpClientRequest.HttpClientRequest => {
      const ledger = ledgers.get(request.headers[refHeader] ?? "")
      if (ledger === undefined) return request
      if (randomOf(options.seed, ledger.number, ledger.attempts.length, 5) >= ledger.refusalRate) return request
      const seen = {
        at: ledger.now(),
        token: request.headers.authorization,
        key: keyOf(request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : "")
      }
      arrive(ledger, seen, refusedConnection)
      return HttpClientRequest.setUrl(request, request.url.replace(server.url, closedPort))
    }

    let issued = 0
    const client = yield* Client.make({
      baseUrl: server.url,
      credentials: Credentials.refreshableToken(Effect.sync(() => `token-${++issued}`)),
      retryPolicy: policy,
      retryBudget: { capacity: 2 * options.requests, ...options.retryBudget },
      attemptTimeout: Duration.infinity,
      maxResponseBytes: limits.maxResponseBytes
    }).pipe(
      Effect.updateService(
        HttpClient.HttpClient,
        HttpClient.mapRequestEffect((r) => Effect.sync(() => route(r)))
      ),
      Effect.provide(FetchHttpClient.layer)
    )

    const outcomes: Record<string, number> = {}
    let untyped = 0

    const one = (i: number) =>
      Effect.gen(function* () {
        const ref = `r${i}`
        const shape = randomOf(options.seed, i, -1, 3)
        const withKey = randomOf(options.seed, i, -1, 4) < 0.5
        const key = withKey ? { idempotencyKey: `key-${ref}` } : {}
        const path = { thingId: `t_${i}` }
        const headers = { [refHeader]: ref }
        // 1% of requests meet a server whose every answer drips: they run on the real clock, with a short timeout.
        const dripping = randomOf(options.seed, i, -1, 7) < 0.01
        const callOptions = dripping ? { attemptTimeout: Duration.millis(limits.dripTimeoutMillis) } : {}
        const request: { readonly method: string; readonly call: Effect.Effect<unknown, unknown> } =
          shape < 0.3
            ? { method: "GET", call: client.call(GetThing, { path, headers }, callOptions) }
            : shape < 0.4
              ? { method: "DELETE", call: client.call(DeleteThing, { path, headers }, callOptions) }
              : shape < 0.5
                ? { method: "PUT", call: client.call(PutThing, { path, headers, payload: { name: "n" } }, callOptions) }
                : shape < 0.65
                  ? {
                      method: "PATCH",
                      call: client.call(PatchThing, { path, headers, payload: { name: "n", ...key } }, callOptions)
                    }
                  : {
                      method: "POST",
                      call: client.call(
                        CreateAssetTransfer,
                        { headers, payload: { amount: "1.00", ...key } },
                        callOptions
                      )
                    }
        const clock = makeVirtualClock(epoch)
        const ledger: Ledger = {
          number: i,
          method: request.method,
          keyed: withKey && (request.method === "POST" || request.method === "PATCH"),
          refusalRate: refusalRate(randomOf(options.seed, i, -1, 6)),
          dripping,
          // 10% of requests meet a server that ignores idempotency keys (and first fails after acting).
          ignoresKey: randomOf(options.seed, i, -1, 8) < 0.1,
          now: dripping ? Date.now : clock.now,
          attempts: [],
          applied: 0,
          acted: 0,
          replayed: false,
          violations: { nonRetryable: 0, early: 0 },
          problems: []
        }
        ledgers.set(ref, ledger)
        const exit: Exit.Exit<unknown, unknown> = yield* Effect.exit(request.call).pipe(
          dripping ? identity : Effect.provideService(Clock.Clock, clock.clock),
          Random.withSeed(`${options.seed}:${i}`)
        )
        const ended = observe(exit)
        outcomes[ended.tag] = (outcomes[ended.tag] ?? 0) + 1
        const last = ledger.attempts.at(-1)
        const expected = last === undefined ? "an attempt" : show(last.answer.outcome)
        if (ended.reported !== expected) {
          untyped += 1
          ledger.problems.push(`ended ${ended.reported}, expected ${expected}`)
        }
        if (isOverAttempts(ledger)) ledger.problems.push(`${ledger.attempts.length} attempts`)
        if (isDuplicate(ledger)) ledger.problems.push(`acted ${ledger.applied} times`)
      })

    yield* Effect.forEach(
      Array.from({ length: options.requests }, (_, i) => i),
      one,
      {
        concurrency: options.concurrency ?? 16,
        discard: true
      }
    )

    const all = [...ledgers.values()].sort((a, b) => a.number - b.number)
    const hostile: Record<string, number> = {}
    for (const attempt of all.flatMap((l) => l.attempts)) {
      if (attempt.answer.hostile !== undefined)
        hostile[attempt.answer.hostile] = (hostile[attempt.answer.hostile] ?? 0) + 1
    }
    return {
      requests: options.requests,
      attempts: all.reduce((sum, l) => sum + l.attempts.length, 0),
      refused: all.reduce((sum, l) => sum + l.attempts.filter((a) => a.answer === refusedConnection).length, 0),
      untyped,
      nonRetryableRetried: all.reduce((sum, l) => sum + l.violations.nonRetryable, 0),
      earlyWaits: all.reduce((sum, l) => sum + l.violations.early, 0),
      overAttempts: all.filter(isOverAttempts).length,
      duplicatePosts: all.filter(isDuplicate).length,
      reachedOtherOrigin: otherOrigin.requests.length,
      serverActedTwice: all.filter((l) => l.keyed && l.acted > 1 && !isDuplicate(l)).length,
      hostile,
      outcomes,
      examples: all
        .filter((l) => l.problems.length > 0)
        .slice(0, 5)
        .map((l) => describe(options.seed, l))
    }
  })

/** A request attempted more often than the policy allows (plus one replay after a token refresh). */
const isOverAttempts = (ledger: Ledger): boolean =>
  ledger.attempts.length > limits.maxAttempts + (ledger.replayed ? 1 : 0)

/**
 * A POST/PATCH the client made act twice: twice by a server honouring the
 * key (so the client repeated a request it should not have), or with a key
 * that changed between attempts. A server that ignores the key acting again
 * is not the client's doing.
 */
const isDuplicate = (ledger: Ledger): boolean =>
  (ledger.method === "POST" || ledger.method === "PATCH") &&
  (ledger.applied > 1 || new Set(ledger.attempts.map((a) => a.key)).size > 1)

const show = (outcome: Outcome): string =>
  [outcome.tag, outcome.status, outcome.reason].filter((part) => part !== undefined).join(" ")

/**
 * The call's outcome tag, and what it reports as the judge compares it with
 * the last answer's outcome: the answer it ended on (for a budget stop, the
 * one it would have retried), or how it failed untyped.
 */
const observe = (exit: Exit.Exit<unknown, unknown>): { readonly tag: string; readonly reported: string } => {
  if (Exit.isSuccess(exit)) return { tag: "Success", reported: show({ tag: "Success" }) }
  const error = Cause.findErrorOption(exit.cause)
  if (Cause.hasDies(exit.cause) || Cause.hasInterrupts(exit.cause) || Option.isNone(error)) {
    return { tag: "untyped", reported: `untyped: ${Cause.pretty(exit.cause).split("\n")[0]}` }
  }
  const value = error.value
  if (value instanceof ClientError.RetryBudgetExhausted) {
    return { tag: value._tag, reported: show(outcomeOf(value.lastError)) }
  }
  return ApiError.isApiError(value)
    ? { tag: value._tag, reported: show(outcomeOf(value)) }
    : { tag: "untyped", reported: `untyped: ${String(value)}` }
}

const outcomeOf = (error: ApiError.ApiError): Outcome => ({
  tag: error._tag,
  ...("status" in error ? { status: error.status } : {}),
  ...(error._tag === "TransportFailure" ? { reason: error.reason } : {})
})

const successFor = (method: string, number: number): Readonly<Record<string, unknown>> =>
  method === "POST"
    ? { id: `at_${number}`, status: "complete" }
    : method === "DELETE"
      ? { id: `t_${number}`, deleted: true }
      : { id: `t_${number}`, name: "n" }

const JsonObject = Schema.fromJsonString(Schema.Record(Schema.String, Schema.Unknown))

/** The `idempotencyKey` a JSON body carries. */
const keyOf = (text: string): string | undefined => {
  const body = text === "" ? {} : Option.getOrElse(Schema.decodeUnknownOption(JsonObject)(text), () => ({}))
  const key = body.idempotencyKey
  return typeof key === "string" ? key : undefined
}
