/**
 * Fault injection: many calls through one client against a real local
 * server that answers at random from the whole contract (every status class,
 * Retry-After as seconds and as an HTTP-date, HTML and empty bodies, resets
 * before, after and in the middle of a response, slow answers). The server
 * also plays the judge: it counts side effects per request and idempotency
 * key and checks every retry against the contract.
 *
 * Seeded and bounded: the server's answer to attempt `k` of request `i`
 * depends only on (seed, i, k), and the client's randomness is seeded per
 * request. Waits do not really happen: each request runs on its own virtual
 * clock (an Effect `Clock` whose `sleep` moves time forward at once), and the
 * server reads the same clock, so "early waits" are measured against the
 * clock the client waits on.
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
  RetryPolicy,
  RetryTable
} from "@centrapay-effect/core"
import { Cause, Clock, Duration, Effect, Exit, Option, Random, Schema, type Scope } from "effect"
import { FetchHttpClient } from "effect/http"
import * as Server from "./ScriptedServer.ts"

/** What `run` found. */
export interface Report {
  readonly requests: number
  /** HTTP requests the server received. */
  readonly attempts: number
  /** Calls that ended in a defect, an interruption, or an error that is not one of the library's. */
  readonly untyped: number
  /** Retries the contract forbids: after 400/403/404/501/2xx, a second 401, or a 5xx/reset of an unkeyed POST or PATCH. */
  readonly nonRetryableRetried: number
  /** Retries that arrived before the Retry-After of the response they followed. */
  readonly earlyWaits: number
  /** Requests attempted more often than the policy allows (plus one replay after a token refresh). */
  readonly overAttempts: number
  /** POST/PATCH requests whose side effect happened twice, or whose idempotency key changed between attempts. */
  readonly duplicatePosts: number
  /** Calls whose typed outcome does not match the server's last answer. */
  readonly mismatches: number
  /** Calls by outcome tag (`Success`, `ServerError`, …). */
  readonly outcomes: Readonly<Record<string, number>>
}

export interface Options {
  readonly requests: number
  readonly seed: number
  /** Calls in flight at once. @default 16 */
  readonly concurrency?: number
  /** The client's retry budget. @default capacity 5000 */
  readonly retryBudget?: Partial<RetryBudget.Options>
}

/** The last line `npm run faults` prints. */
export const summaryLine = (report: Report): string =>
  `faults: ${report.requests} requests, untyped ${report.untyped}, non-retryable retried ${report.nonRetryableRetried}, early waits ${report.earlyWaits}, over attempts ${report.overAttempts}, duplicate posts ${report.duplicatePosts}`

/** Whether every count but the number of requests is zero. */
export const passed = (report: Report): boolean =>
  report.untyped === 0 &&
  report.nonRetryableRetried === 0 &&
  report.earlyWaits === 0 &&
  report.overAttempts === 0 &&
  report.duplicatePosts === 0

/** The policy the suite's client runs with (and the judge checks against). */
export const policy = RetryPolicy.make({ maxAttempts: 4, baseDelay: "100 millis", maxRetryAfter: "60 seconds" })

// ---------------------------------------------------------------------------
// The API under test
// ---------------------------------------------------------------------------

const Thing = Schema.Struct({ id: Schema.String, name: Schema.String })
const Transfer = Schema.Struct({ id: Schema.String, status: Schema.String })
const Deleted = Schema.Struct({ id: Schema.String, deleted: Schema.Boolean })
const businessCodes = ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"] as const

const GetThing = Endpoint.withSchemas(Endpoint.make("GET /api/things/{thingId}", {}), { success: Thing })
const DeleteThing = Endpoint.withSchemas(Endpoint.make("DELETE /api/things/{thingId}", {}), { success: Deleted })
const PutThing = Endpoint.withSchemas(Endpoint.make("PUT /api/things/{thingId}", {}), {
  body: Schema.Struct({ ref: Schema.String, name: Schema.String }),
  success: Thing
})
const PatchThing = Endpoint.withSchemas(Endpoint.make("PATCH /api/things/{thingId}", {}), {
  body: Schema.Struct({ ref: Schema.String, name: Schema.String, idempotencyKey: Schema.optionalKey(Schema.String) }),
  success: Thing
})
const CreateAssetTransfer = Endpoint.withSchemas(Endpoint.make("POST /api/asset-transfers", { 403: businessCodes }), {
  body: Schema.Struct({
    ref: Schema.String,
    amount: Schema.String,
    idempotencyKey: Schema.optionalKey(Schema.String)
  }),
  success: Transfer
})

// ---------------------------------------------------------------------------
// The faults
// ---------------------------------------------------------------------------

/** How the server answers one attempt, and what a correct client does next. */
interface Fault {
  readonly name: string
  readonly weight: number
  /** Whether the side effect happens (for POST/PATCH). */
  readonly applies: boolean
  /** What may follow: never, a retry if repeating is safe, any retry (429), or one replay with a new token (401). */
  readonly next: "final" | "retry-if-safe" | "retry" | "replay-after-refresh"
  /** The outcome tag a client that stops here reports. */
  readonly tag: string
  /** The reply, given a random number in [0, 1), the success body and the request's clock time. */
  readonly reply: (
    random: number,
    success: unknown,
    now: number
  ) => { readonly reply: Server.Reply; readonly earliest?: number }
}

const json = (status: number, message: string, headers: Readonly<Record<string, string>> = {}) =>
  Server.json(status, { statusCode: status, error: "Error", message }, headers)
const seconds = (random: number, max: number) => 1 + Math.floor(random * max)

const ok: Fault = {
  name: "ok",
  weight: 30,
  applies: true,
  next: "final",
  tag: "Success",
  reply: (_, success) => ({ reply: Server.json(200, success) })
}

const faults: ReadonlyArray<Fault> = [
  ok,
  {
    name: "ok, slow",
    weight: 3,
    applies: true,
    next: "final",
    tag: "Success",
    reply: (_, s) => ({ reply: Server.delay(3, Server.json(200, s)) })
  },
  {
    name: "200, body not matching",
    weight: 2,
    applies: true,
    next: "final",
    tag: "UndecodableResponse",
    reply: () => ({ reply: Server.json(200, { unexpected: true }) })
  },
  {
    name: "400",
    weight: 4,
    applies: false,
    next: "final",
    tag: "MalformedRequest",
    reply: () => ({ reply: json(400, "amount is required") })
  },
  {
    name: "401",
    weight: 4,
    applies: false,
    next: "replay-after-refresh",
    tag: "Unauthorized",
    reply: () => ({ reply: json(401, "Missing authentication") })
  },
  {
    name: "403",
    weight: 3,
    applies: false,
    next: "final",
    tag: "ResourceForbidden",
    reply: () => ({ reply: json(403, "Forbidden") })
  },
  {
    name: "403 business",
    weight: 4,
    applies: false,
    next: "final",
    tag: "BusinessRuleViolation",
    reply: (r) => ({ reply: json(403, businessCodes[Math.floor(r * businessCodes.length)] ?? "QUOTA_EXCEEDED") })
  },
  {
    name: "404",
    weight: 2,
    applies: false,
    next: "final",
    tag: "RouteNotFound",
    reply: () => ({ reply: json(404, "Not Found") })
  },
  {
    name: "429 Retry-After seconds",
    weight: 6,
    applies: false,
    next: "retry",
    tag: "TooManyRequests",
    reply: (r, _, now) => {
      const wait = seconds(r, 5)
      return { reply: json(429, "RATE_LIMIT_EXCEEDED", { "retry-after": String(wait) }), earliest: now + wait * 1000 }
    }
  },
  {
    name: "429 Retry-After HTTP-date",
    weight: 4,
    applies: false,
    next: "retry",
    tag: "TooManyRequests",
    reply: (r, _, now) => {
      const date = new Date(now + seconds(r, 5) * 1000).toUTCString()
      return { reply: json(429, "RATE_LIMIT_EXCEEDED", { "retry-after": date }), earliest: Date.parse(date) }
    }
  },
  {
    name: "429 HTML from a proxy, Retry-After seconds",
    weight: 2,
    applies: false,
    next: "retry",
    tag: "UndecodableResponse",
    reply: (r, _, now) => {
      const wait = seconds(r, 5)
      const headers = { "content-type": "text/html", "retry-after": String(wait) }
      return {
        reply: Server.raw(429, "<html><body>Too Many Requests</body></html>", headers),
        earliest: now + wait * 1000
      }
    }
  },
  {
    name: "429 Retry-After too long",
    weight: 2,
    applies: false,
    next: "final",
    tag: "TooManyRequests",
    reply: () => ({ reply: json(429, "RATE_LIMIT_EXCEEDED", { "retry-after": "120" }) })
  },
  {
    name: "429 without Retry-After",
    weight: 1,
    applies: false,
    next: "retry",
    tag: "TooManyRequests",
    reply: () => ({ reply: json(429, "RATE_LIMIT_EXCEEDED") })
  },
  {
    name: "500",
    weight: 5,
    applies: false,
    next: "retry-if-safe",
    tag: "ServerError",
    reply: () => ({ reply: json(500, "Internal Server Error") })
  },
  {
    name: "500 after acting",
    weight: 4,
    applies: true,
    next: "retry-if-safe",
    tag: "ServerError",
    reply: () => ({ reply: json(500, "Internal Server Error") })
  },
  {
    name: "502 HTML from a proxy",
    weight: 4,
    applies: false,
    next: "retry-if-safe",
    tag: "UndecodableResponse",
    reply: () => ({
      reply: Server.raw(502, "<html><body>502 Bad Gateway</body></html>", { "content-type": "text/html" })
    })
  },
  {
    name: "503 empty",
    weight: 3,
    applies: false,
    next: "retry-if-safe",
    tag: "UndecodableResponse",
    reply: () => ({ reply: Server.raw(503, "") })
  },
  {
    name: "503 Retry-After",
    weight: 3,
    applies: false,
    next: "retry-if-safe",
    tag: "ServerError",
    reply: (r, _, now) => {
      const wait = seconds(r, 3)
      return { reply: json(503, "Service Unavailable", { "retry-after": String(wait) }), earliest: now + wait * 1000 }
    }
  },
  {
    name: "503 empty, Retry-After HTTP-date",
    weight: 2,
    applies: false,
    next: "retry-if-safe",
    tag: "UndecodableResponse",
    reply: (r, _, now) => {
      const date = new Date(now + seconds(r, 3) * 1000).toUTCString()
      return { reply: Server.raw(503, "", { "retry-after": date }), earliest: Date.parse(date) }
    }
  },
  {
    name: "504",
    weight: 2,
    applies: false,
    next: "retry-if-safe",
    tag: "ServerError",
    reply: () => ({ reply: json(504, "Gateway Timeout") })
  },
  {
    name: "501",
    weight: 1,
    applies: false,
    next: "final",
    tag: "ServerError",
    reply: () => ({ reply: json(501, "Not Implemented") })
  },
  {
    name: "409",
    weight: 1,
    applies: false,
    next: "final",
    tag: "UnexpectedStatus",
    reply: () => ({ reply: json(409, "Conflict") })
  },
  {
    name: "reset before acting",
    weight: 3,
    applies: false,
    next: "retry-if-safe",
    tag: "TransportFailure",
    reply: () => ({ reply: Server.reset })
  },
  {
    name: "reset after acting",
    weight: 3,
    applies: true,
    next: "retry-if-safe",
    tag: "TransportFailure",
    reply: () => ({ reply: Server.reset })
  },
  {
    name: "reset mid-body",
    weight: 3,
    applies: true,
    next: "retry-if-safe",
    tag: "TransportFailure",
    reply: (_, s) => ({ reply: Server.resetMidBody(200, s) })
  }
]

const totalWeight = faults.reduce((sum, fault) => sum + fault.weight, 0)

const pickFault = (random: number): Fault => {
  let left = random * totalWeight
  for (const fault of faults) {
    left -= fault.weight
    if (left < 0) return fault
  }
  return ok
}

// ---------------------------------------------------------------------------
// The judge: what the server saw of each request
// ---------------------------------------------------------------------------

interface Attempt {
  readonly at: number
  readonly fault: Fault
  readonly token: string | undefined
  readonly key: string | undefined
  readonly earliest: number | undefined
}

interface Ledger {
  readonly method: string
  readonly keyed: boolean
  readonly clock: VirtualClock
  readonly attempts: Array<Attempt>
  applied: number
  replayed: boolean
  violations: { nonRetryable: number; early: number }
}

const isSafeToRepeat = (ledger: Ledger) => RetryTable.idempotentMethods.has(ledger.method) || ledger.keyed

/** Judges attempt `next` against the attempt before it. */
const judge = (
  ledger: Ledger,
  previous: Attempt,
  next: { readonly at: number; readonly token: string | undefined }
) => {
  const allowed = (() => {
    switch (previous.fault.next) {
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
  if (!allowed) ledger.violations.nonRetryable += 1
  if (previous.earliest !== undefined && next.at < previous.earliest) ledger.violations.early += 1
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

const epoch = Date.UTC(2025, 0, 1)

const isTyped = (error: unknown): boolean =>
  ApiError.isApiError(error) || error instanceof ClientError.RetryBudgetExhausted

/** Runs the suite: `requests` calls against a fault server, and the judge's report. */
export const run = (options: Options): Effect.Effect<Report, never, Scope.Scope> =>
  Effect.gen(function* () {
    const ledgers = new Map<string, Ledger>()
    const server = yield* Server.make((request) => {
      const body = parseBody(request.body)
      const ref = request.query.get("ref") ?? (typeof body.ref === "string" ? body.ref : "")
      const ledger = ledgers.get(ref)
      if (ledger === undefined) return Server.json(404, { statusCode: 404, message: "Not Found" })
      const now = ledger.clock.now()
      const token = request.headers.authorization
      const key = typeof body.idempotencyKey === "string" ? body.idempotencyKey : undefined
      const previous = ledger.attempts.at(-1)
      if (previous !== undefined) judge(ledger, previous, { at: now, token })
      const index = ledger.attempts.length
      const requestNumber = Number(ref.slice(1))
      const fault = pickFault(randomOf(options.seed, requestNumber, index, 1))
      const keyAlreadyActed = key !== undefined && ledger.attempts.some((a) => a.key === key && a.fault.applies)
      if (fault.applies && !keyAlreadyActed) ledger.applied += 1
      const { reply, earliest } = fault.reply(
        randomOf(options.seed, requestNumber, index, 2),
        successFor(request.method, ref),
        now
      )
      ledger.attempts.push({ at: now, fault, token, key, earliest })
      return reply
    })

    let issued = 0
    const client = yield* Client.make({
      baseUrl: server.url,
      credentials: Credentials.refreshableToken(Effect.sync(() => `token-${++issued}`)),
      retryPolicy: policy,
      retryBudget: { capacity: 5000, ...options.retryBudget },
      attemptTimeout: Duration.infinity
    }).pipe(Effect.provide(FetchHttpClient.layer))

    const outcomes: Record<string, number> = {}
    let untyped = 0
    let mismatches = 0

    const one = (i: number) =>
      Effect.gen(function* () {
        const ref = `r${i}`
        const shape = randomOf(options.seed, i, -1, 3)
        const withKey = randomOf(options.seed, i, -1, 4) < 0.5
        const key = withKey ? { idempotencyKey: `key-${ref}` } : {}
        const path = { thingId: `t_${i}` }
        const request: { readonly method: string; readonly call: Effect.Effect<unknown, unknown> } =
          shape < 0.3
            ? { method: "GET", call: client.call(GetThing, { path, query: { ref } }) }
            : shape < 0.4
              ? { method: "DELETE", call: client.call(DeleteThing, { path, query: { ref } }) }
              : shape < 0.5
                ? { method: "PUT", call: client.call(PutThing, { path, body: { ref, name: "n" } }) }
                : shape < 0.65
                  ? { method: "PATCH", call: client.call(PatchThing, { path, body: { ref, name: "n", ...key } }) }
                  : {
                      method: "POST",
                      call: client.call(CreateAssetTransfer, { body: { ref, amount: "1.00", ...key } })
                    }
        const clock = makeVirtualClock(epoch)
        const ledger: Ledger = {
          method: request.method,
          keyed: withKey && (request.method === "POST" || request.method === "PATCH"),
          clock,
          attempts: [],
          applied: 0,
          replayed: false,
          violations: { nonRetryable: 0, early: 0 }
        }
        ledgers.set(ref, ledger)
        const exit: Exit.Exit<unknown, unknown> = yield* Effect.exit(request.call).pipe(
          Effect.provideService(Clock.Clock, clock.clock),
          Random.withSeed(`${options.seed}:${i}`)
        )
        const tag = outcomeTag(exit)
        if (tag === undefined) {
          untyped += 1
          return
        }
        outcomes[tag.tag] = (outcomes[tag.tag] ?? 0) + 1
        const last = ledger.attempts.at(-1)
        if (last !== undefined && last.fault.tag !== tag.cause) mismatches += 1
      })

    yield* Effect.forEach(
      Array.from({ length: options.requests }, (_, i) => i),
      one,
      {
        concurrency: options.concurrency ?? 16,
        discard: true
      }
    )

    const all = [...ledgers.values()]
    return {
      requests: options.requests,
      attempts: all.reduce((sum, l) => sum + l.attempts.length, 0),
      untyped,
      nonRetryableRetried: all.reduce((sum, l) => sum + l.violations.nonRetryable, 0),
      earlyWaits: all.reduce((sum, l) => sum + l.violations.early, 0),
      overAttempts: all.filter((l) => l.attempts.length > policy.maxAttempts + (l.replayed ? 1 : 0)).length,
      duplicatePosts: all.filter(
        (l) =>
          (l.method === "POST" || l.method === "PATCH") &&
          (l.applied > 1 || new Set(l.attempts.map((a) => a.key)).size > 1)
      ).length,
      mismatches,
      outcomes
    }
  })

/**
 * The call's outcome tag and the tag of the server answer it reports
 * (for a budget stop, the answer it would have retried); `undefined` when
 * the outcome is not typed.
 */
const outcomeTag = (
  exit: Exit.Exit<unknown, unknown>
): { readonly tag: string; readonly cause: string } | undefined => {
  if (Exit.isSuccess(exit)) return { tag: "Success", cause: "Success" }
  if (Cause.hasDies(exit.cause) || Cause.hasInterrupts(exit.cause)) return undefined
  const error = Cause.findErrorOption(exit.cause)
  if (Option.isNone(error) || !isTyped(error.value)) return undefined
  const value = error.value
  if (value instanceof ClientError.RetryBudgetExhausted) return { tag: value._tag, cause: value.lastError._tag }
  return ApiError.isApiError(value) ? { tag: value._tag, cause: value._tag } : undefined
}

const successFor = (method: string, ref: string): unknown =>
  method === "POST"
    ? { id: `at_${ref}`, status: "complete" }
    : method === "DELETE"
      ? { id: ref, deleted: true }
      : { id: ref, name: "n" }

const JsonObject = Schema.fromJsonString(Schema.Record(Schema.String, Schema.Unknown))
const parseBody = (text: string): Readonly<Record<string, unknown>> =>
  text === "" ? {} : Option.getOrElse(Schema.decodeUnknownOption(JsonObject)(text), () => ({}))
