import {
  ApiError,
  AttemptLog,
  Client,
  ClientError,
  Credentials,
  Endpoint,
  type RetryBudget,
  RetryPolicy
} from "@centrapay-effect/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Clock, Duration, Effect, Fiber, Layer, Random, Schedule, Schema, Tracer } from "effect"
import { FetchHttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import * as ClockProbe from "./support/ClockProbe.ts"
import * as Server from "./support/ScriptedServer.ts"

const Thing = Schema.Struct({ id: Schema.String, name: Schema.String })
const thing = { id: "t_1", name: "one" }
const GetThing = Endpoint.withSchemas(Endpoint.make("GET /api/things/{thingId}", {}), { success: Thing })
const GetThingByConstructor = Endpoint.withSchemas(Endpoint.make("GET /api/things/{constructor}", {}), {
  success: Thing
})

const Transfer = Schema.Struct({ id: Schema.String, status: Schema.String })
const transfer = { id: "at_1", status: "complete" }
const CreateAssetTransfer = Endpoint.withSchemas(
  Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"] }),
  {
    payload: Schema.Struct({
      amount: Schema.String.check(Schema.isPattern(/^\d+\.\d\d$/)),
      recipient: Schema.String,
      idempotencyKey: Schema.optionalKey(Schema.String)
    }),
    success: Transfer
  }
)
const keyed = { amount: "10.00", recipient: "acc_2", idempotencyKey: "order-42" }
const unkeyed = { amount: "10.00", recipient: "acc_2" }

const serverError = (status: number, extra: { readonly retryAfter?: Duration.Duration } = {}) =>
  Server.error(new ApiError.ServerError({ status, message: "Server Error", ...extra }))

type ClientOptions = Omit<Client.Config, "baseUrl" | "credentials"> & { readonly credentials?: Credentials.Credentials }

/** A client of `server` over fetch; no per-attempt timeout unless asked, so only the waits under test sleep. */
const clientFor = (server: Server.ScriptedServer, options: ClientOptions = {}) =>
  Client.make({
    baseUrl: server.url,
    credentials: Credentials.apiKey("ak_test"),
    attemptTimeout: Duration.infinity,
    ...options
  }).pipe(Effect.provide(FetchHttpClient.layer))

/** Gives real time to sockets (a request sent too early would arrive meanwhile). */
const realPause = (millis = 40) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, millis)))

/** Runs `call` in a fiber on the probe's clock. */
const fork = <A, E>(probe: ClockProbe.ClockProbe, call: Effect.Effect<A, E>) =>
  call.pipe(Effect.provideService(Clock.Clock, probe.clock), Random.withSeed(7), Effect.forkChild)

/** Lets the client through `count` waits, each exactly as long as it asked for. */
const passWaits = (probe: ClockProbe.ClockProbe, count: number) =>
  Effect.gen(function* () {
    const waits: Array<number> = []
    for (let i = 0; i < count; i++) {
      const millis = yield* probe.nextSleep
      waits.push(millis)
      yield* TestClock.adjust(millis)
    }
    return waits
  })

describe("Client: success and headers", () => {
  it.effect("decodes the success body with the endpoint's schema and sends the API key", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([Server.json(200, thing)])
      const client = yield* clientFor(server, { credentials: Credentials.apiKey("ak_live_1") })
      const result = yield* client.call(GetThing, { path: { thingId: "t 1/2" }, query: { expand: "owner" } })
      expect(result).toEqual(thing)
      const [request] = server.requests
      expect(request?.method).toBe("GET")
      expect(request?.url).toBe("/api/things/t%201%2F2?expand=owner")
      expect(request?.headers["x-api-key"]).toBe("ak_live_1")
      expect(request?.headers.authorization).toBeUndefined()
      expect(request?.headers.accept).toBe("application/json")
    })
  )

  it.effect("sends a user token as Authorization and the account as X-Centrapay-Account", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([Server.json(200, transfer)])
      const client = yield* clientFor(server, { credentials: Credentials.userToken("eyJ.jwt"), account: "acc_org" })
      yield* client.call(CreateAssetTransfer, { payload: keyed })
      const [request] = server.requests
      expect(request?.headers.authorization).toBe("eyJ.jwt")
      expect(request?.headers["x-centrapay-account"]).toBe("acc_org")
      expect(request?.headers["x-api-key"]).toBeUndefined()
      expect(request?.headers["content-type"]).toBe("application/json")
      expect(JSON.parse(request?.body ?? "")).toEqual(keyed)
    })
  )

  it.effect("headers per client and per call: the call's win, then the client's, then the credentials'", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([Server.json(200, thing), Server.json(200, thing)])
      const client = yield* clientFor(server, {
        account: "acc_org",
        headers: { prefer: "respond-async", "x-trace-id": "trace-client" }
      })
      yield* client.call(GetThing, { path: { thingId: "t_1" } })
      yield* client.call(GetThing, {
        path: { thingId: "t_1" },
        headers: { "X-Centrapay-Account": "acc_other", "x-trace-id": "trace-call" }
      })
      const [first, second] = server.requests
      expect(first?.headers).toMatchObject({
        prefer: "respond-async",
        "x-trace-id": "trace-client",
        "x-centrapay-account": "acc_org",
        "x-api-key": "ak_test"
      })
      expect(second?.headers).toMatchObject({
        prefer: "respond-async",
        "x-trace-id": "trace-call",
        "x-centrapay-account": "acc_other",
        "x-api-key": "ak_test"
      })
    })
  )

  it.effect(
    "the error channel is exactly the endpoint's decoded errors, credentials, transport, timeout, budget and invalid request",
    () =>
      Effect.gen(function* () {
        const server = yield* Server.make([Server.json(200, transfer)])
        const client = yield* clientFor(server)
        const call = client.call(CreateAssetTransfer, { payload: keyed })
        expectTypeOf(call).toEqualTypeOf<
          Effect.Effect<
            typeof Transfer.Type,
            | Endpoint.DecodedError<"INSUFFICIENT_WALLET_BALANCE" | "QUOTA_EXCEEDED">
            | ApiError.Received<ApiError.Unauthorized>
            | ApiError.TransportFailure
            | ApiError.Timeout
            | ClientError.RetryBudgetExhausted
            | ClientError.InvalidRequest
          >
        >()
        expect(yield* call).toEqual(transfer)
      })
  )

  it.effect(
    "a body failing its schema, or a missing path parameter, is an InvalidRequest (never the server's 400) and is never sent",
    () =>
      Effect.gen(function* () {
        const server = yield* Server.make([Server.json(200, transfer)])
        const client = yield* clientFor(server)
        const badBody = yield* Effect.flip(client.call(CreateAssetTransfer, { payload: { ...unkeyed, amount: "ten" } }))
        expect(badBody).toBeInstanceOf(ClientError.InvalidRequest)
        expect(badBody).toMatchObject({ _tag: "InvalidRequest", reason: "body-schema-mismatch", method: "POST" })
        expect(badBody._tag === "InvalidRequest" && badBody.issues?.[0].path).toEqual(["body", "amount"])
        // A missing path parameter does not compile; a caller in plain JavaScript gets this.
        // @ts-expect-error: `thingId` is missing
        const noPath = yield* Effect.flip(client.call(GetThing, {}))
        expect(noPath).toMatchObject({ _tag: "InvalidRequest", reason: "missing-path-parameter" })
        expect(noPath._tag === "InvalidRequest" && noPath.issues?.[0].path).toEqual(["path", "thingId"])
        // A path parameter named like an Object.prototype member is not found on the prototype.
        // @ts-expect-error: `constructor` is missing
        const protoPath = yield* Effect.flip(client.call(GetThingByConstructor, { path: {} }))
        expect(protoPath).toMatchObject({ _tag: "InvalidRequest", reason: "missing-path-parameter" })
        expect(server.requests).toHaveLength(0)
      })
  )

  it.effect("a bad base URL is an InvalidRequest before any network call", () =>
    Effect.gen(function* () {
      const client = yield* Client.make({ baseUrl: "not a url", credentials: Credentials.apiKey("ak_test") }).pipe(
        Effect.provide(FetchHttpClient.layer)
      )
      const error = yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(error).toMatchObject({ _tag: "InvalidRequest", reason: "invalid-url" })
    })
  )

  it.effect("a success body that fails its schema is an UndecodableResponse, not a defect, and is not retried", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([Server.json(200, { id: 1 })])
      const client = yield* clientFor(server)
      const error = yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(error).toBeInstanceOf(ApiError.UndecodableResponse)
      expect(error).toMatchObject({
        status: 200,
        issues: [
          { path: ["body", "id"], message: "Expected string" },
          { path: ["body", "name"], message: "Missing key" }
        ],
        body: { problem: "schema-mismatch", excerpt: '{"id":1}' }
      })
      expect(server.requests).toHaveLength(1)
    })
  )
})

describe("Client: one declaration types and encodes the request", () => {
  const Report = Endpoint.make(
    "GET /api/reports/{year}/{slug}",
    {},
    {
      path: Schema.Struct({ year: Schema.NumberFromString.check(Schema.isGreaterThan(2000)), slug: Schema.String }),
      query: Schema.Struct({
        page: Schema.NumberFromString.check(Schema.isInt()),
        tag: Schema.optionalKey(Schema.Array(Schema.String))
      }),
      success: Schema.Struct({ rows: Schema.Int })
    }
  )
  const Plain = Endpoint.make("GET /api/things/{thingId}", {}, { success: Schema.Struct({ id: Schema.String }) })

  it.effect("path parameters and query are encoded with the endpoint's schemas, then URL-encoded", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([Server.json(200, { rows: 3 })])
      const client = yield* clientFor(server)
      const rows = yield* client.call(Report, {
        path: { year: 2026, slug: "q4 sales/nz" },
        query: { page: 2, tag: ["a", "b c"] }
      })
      expect(rows).toEqual({ rows: 3 })
      expect(server.requests[0]?.url).toBe("/api/reports/2026/q4%20sales%2Fnz?page=2&tag=a&tag=b+c")
    })
  )

  it.effect("without a query schema the query is any string values, sent as given", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([Server.json(200, { id: "t_1" })])
      const client = yield* clientFor(server)
      yield* client.call(Plain, { path: { thingId: "t_1" }, query: { expand: ["owner", "tags"], q: "x" } })
      expect(server.requests[0]?.url).toBe("/api/things/t_1?expand=owner&expand=tags&q=x")
    })
  )

  it.effect("a path parameter or query failing its schema is an InvalidRequest naming it, and nothing is sent", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([Server.json(200, { rows: 3 })])
      const client = yield* clientFor(server)
      const badPath = yield* Effect.flip(client.call(Report, { path: { year: 1999, slug: "s" }, query: { page: 1 } }))
      expect(badPath).toMatchObject({ _tag: "InvalidRequest", reason: "path-schema-mismatch" })
      expect(badPath._tag === "InvalidRequest" && badPath.issues?.[0].path).toEqual(["path", "year"])
      const badQuery = yield* Effect.flip(
        client.call(Report, { path: { year: 2026, slug: "s" }, query: { page: 1.5 } })
      )
      expect(badQuery).toMatchObject({ _tag: "InvalidRequest", reason: "query-schema-mismatch" })
      expect(badQuery._tag === "InvalidRequest" && badQuery.issues?.[0].path).toEqual(["query", "page"])
      expect(server.requests).toHaveLength(0)
    })
  )
})

describe("Client: typed business errors", () => {
  const answerTo = (message: string) =>
    Effect.gen(function* () {
      const server = yield* Server.make([
        Server.json(403, { statusCode: 403, error: "Forbidden", message }, { "content-type": "application/json" })
      ])
      const client = yield* clientFor(server)
      return yield* client.call(CreateAssetTransfer, { payload: keyed }).pipe(
        Effect.map(() => "transferred"),
        Effect.catchTag("BusinessRuleViolation", (e) => {
          if (!e.documented) return Effect.succeed(`undocumented: ${e.message}`)
          // Exhaustive: a message added to the endpoint and not handled here
          // makes this callback return `undefined`, which does not compile.
          switch (e.message) {
            case "INSUFFICIENT_WALLET_BALANCE":
              return Effect.succeed("top up first")
            case "QUOTA_EXCEEDED":
              return Effect.succeed("wait for the quota")
          }
        }),
        Effect.catchTag("ResourceForbidden", (e) => Effect.succeed(`forbidden: ${e.message}`))
      )
    })

  it.effect("a documented 403 message is a literal the caller can switch on exhaustively", () =>
    Effect.gen(function* () {
      expect(yield* answerTo("INSUFFICIENT_WALLET_BALANCE")).toBe("top up first")
      expect(yield* answerTo("QUOTA_EXCEEDED")).toBe("wait for the quota")
      expect(yield* answerTo("ASSET_NOT_ACTIVE")).toBe("undocumented: ASSET_NOT_ACTIVE")
      expect(yield* answerTo("Forbidden")).toBe("forbidden: Forbidden")
    })
  )
})

describe("Client: never retries 400, 401, 403, 404", () => {
  const cases: ReadonlyArray<readonly [string, Server.Reply, string]> = [
    ["400", Server.error(new ApiError.MalformedRequest({ message: "amount is required" })), "MalformedRequest"],
    ["401", Server.error(new ApiError.Unauthorized({ message: "Missing authentication" })), "Unauthorized"],
    ["403", Server.error(new ApiError.ResourceForbidden({ message: "Forbidden" })), "ResourceForbidden"],
    [
      "403 business",
      Server.json(403, { statusCode: 403, message: "INSUFFICIENT_WALLET_BALANCE" }),
      "BusinessRuleViolation"
    ],
    ["404", Server.error(new ApiError.RouteNotFound({ message: "Not Found" })), "RouteNotFound"],
    ["501", serverError(501), "ServerError"]
  ]
  for (const [name, reply, tag] of cases) {
    it.effect(`${name}: one attempt, typed ${tag}, even for GET and with an idempotency key`, () =>
      Effect.gen(function* () {
        const server = yield* Server.make([reply, Server.json(200, transfer)])
        const client = yield* clientFor(server, { retryPolicy: RetryPolicy.make({ maxAttempts: 5 }) })
        const post = yield* Effect.flip(client.call(CreateAssetTransfer, { payload: keyed }))
        expect(post._tag).toBe(tag)
        expect(server.requests).toHaveLength(1)
      })
    )
  }
})

describe("Client: 429 and Retry-After", () => {
  it.effect("waits the full Retry-After (seconds) before the retry, on the TestClock", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([Server.rateLimited("3"), Server.json(200, thing)], { now: probe.now })
      const client = yield* clientFor(server)
      const fiber = yield* fork(probe, client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(yield* probe.nextSleep).toBe(3000)
      yield* TestClock.adjust(2999)
      yield* realPause()
      expect(server.requests).toHaveLength(1)
      yield* TestClock.adjust(1)
      expect(yield* Fiber.join(fiber)).toEqual(thing)
      expect(server.requests.map((r) => r.at)).toEqual([0, 3000])
    })
  )

  it.effect("reads an HTTP-date Retry-After against the client's clock", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      yield* TestClock.setTime(Date.UTC(2025, 0, 1, 12, 0, 0))
      const server = yield* Server.make(
        (request) =>
          request.index === 0 ? Server.rateLimited(new Date(request.at + 5000).toUTCString()) : Server.json(200, thing),
        { now: probe.now }
      )
      const client = yield* clientFor(server)
      const fiber = yield* fork(probe, client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(yield* probe.nextSleep).toBe(5000)
      yield* TestClock.adjust(4999)
      yield* realPause()
      expect(server.requests).toHaveLength(1)
      yield* TestClock.adjust(1)
      expect(yield* Fiber.join(fiber)).toEqual(thing)
      const [first, second] = server.requests
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBe(5000)
    })
  )

  it.effect("a Retry-After above maxRetryAfter fails fast with the typed 429, without sleeping", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([Server.rateLimited("120"), Server.json(200, thing)])
      const client = yield* clientFor(server)
      const error = yield* Effect.flip(
        client.call(GetThing, { path: { thingId: "t_1" } }).pipe(Effect.provideService(Clock.Clock, probe.clock))
      )
      expect(error).toBeInstanceOf(ApiError.TooManyRequests)
      expect(error._tag === "TooManyRequests" && error.retryAfter).toEqual(Duration.seconds(120))
      expect(server.requests).toHaveLength(1)
      expect(probe.sleeps).toEqual([])
    })
  )

  it.effect("a 429 is retried even for a POST without idempotency key: the server did not act on it", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([Server.rateLimited("1"), Server.json(200, transfer)], { now: probe.now })
      const client = yield* clientFor(server)
      const fiber = yield* fork(probe, client.call(CreateAssetTransfer, { payload: unkeyed }))
      expect(yield* passWaits(probe, 1)).toEqual([1000])
      expect(yield* Fiber.join(fiber)).toEqual(transfer)
    })
  )

  it.effect("an HTML 429 from a proxy still waits its full Retry-After", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make(
        [
          Server.raw(429, "<html><body>Too Many Requests</body></html>", {
            "content-type": "text/html",
            "retry-after": "4"
          }),
          Server.json(200, thing)
        ],
        { now: probe.now }
      )
      const client = yield* clientFor(server)
      const fiber = yield* fork(probe, client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(yield* passWaits(probe, 1)).toEqual([4000])
      expect(yield* Fiber.join(fiber)).toEqual(thing)
      expect(server.requests.map((r) => r.at)).toEqual([0, 4000])
    })
  )

  it.effect("a 503 with Retry-After waits for it (GET)", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make(
        [serverError(503, { retryAfter: Duration.seconds(2) }), Server.json(200, thing)],
        {
          now: probe.now
        }
      )
      const client = yield* clientFor(server)
      const fiber = yield* fork(probe, client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(yield* passWaits(probe, 1)).toEqual([2000])
      expect(yield* Fiber.join(fiber)).toEqual(thing)
      expect(server.requests.map((r) => r.at)).toEqual([0, 2000])
    })
  )
})

describe("Client: 5xx, timeouts and transport failures", () => {
  it.effect("retries a 503 for GET after a full-jitter backoff below the base delay", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([serverError(503), Server.json(200, thing)], { now: probe.now })
      const client = yield* clientFor(server)
      const fiber = yield* fork(probe, client.call(GetThing, { path: { thingId: "t_1" } }))
      const wait = yield* probe.nextSleep
      expect(wait).toBeGreaterThanOrEqual(0)
      expect(wait).toBeLessThan(100)
      yield* TestClock.adjust(wait)
      expect(yield* Fiber.join(fiber)).toEqual(thing)
      expect(server.requests.map((r) => r.at)).toEqual([0, wait])
    })
  )

  it.effect("stops at maxAttempts with the last typed error", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([serverError(500)])
      const client = yield* clientFor(server)
      const fiber = yield* fork(probe, Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } })))
      yield* passWaits(probe, 2)
      const error = yield* Fiber.join(fiber)
      expect(error._tag === "ServerError" && error.status).toBe(500)
      expect(server.requests).toHaveLength(3)
    })
  )

  it.effect("zero retries (maxAttempts 1) means exactly one attempt", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([serverError(503), Server.json(200, thing)])
      const client = yield* clientFor(server, { retryPolicy: RetryPolicy.make({ maxAttempts: 1 }) })
      const error = yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(error._tag).toBe("ServerError")
      expect(server.requests).toHaveLength(1)
    })
  )

  it.effect("an HTML 502 from a proxy is typed and retried for GET; an empty 503 too", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([
        Server.raw(502, "<html><body>Bad Gateway</body></html>", { "content-type": "text/html" }),
        Server.raw(503, ""),
        Server.json(200, thing)
      ])
      const client = yield* clientFor(server)
      const fiber = yield* fork(probe, client.call(GetThing, { path: { thingId: "t_1" } }))
      yield* passWaits(probe, 2)
      expect(yield* Fiber.join(fiber)).toEqual(thing)
      expect(server.requests).toHaveLength(3)
    })
  )

  it.effect("a POST without idempotency key gets the ServerError of an HTML 502 at once", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([
        Server.raw(502, "<html><body>Bad Gateway</body></html>", { "content-type": "text/html" }),
        Server.json(200, transfer)
      ])
      const client = yield* clientFor(server)
      const error = yield* Effect.flip(client.call(CreateAssetTransfer, { payload: unkeyed }))
      expect(error).toBeInstanceOf(ApiError.ServerError)
      expect(error).toMatchObject({ status: 502, message: "Bad Gateway", body: { problem: "not-json" } })
      expect(server.requests).toHaveLength(1)
    })
  )

  it.effect("a POST without idempotency key is not retried after a 503 with Retry-After either", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([
        serverError(503, { retryAfter: Duration.seconds(1) }),
        Server.json(200, transfer)
      ])
      const client = yield* clientFor(server)
      const error = yield* Effect.flip(client.call(CreateAssetTransfer, { payload: unkeyed }))
      expect(error._tag).toBe("ServerError")
      expect(server.requests).toHaveLength(1)
    })
  )

  it.effect("a POST with idempotency key is retried after a reset and a 500, with the same key every time", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([Server.reset, serverError(500), Server.json(200, transfer)])
      const client = yield* clientFor(server, { retryPolicy: RetryPolicy.make({ maxAttempts: 3 }) })
      const fiber = yield* fork(probe, client.call(CreateAssetTransfer, { payload: keyed }))
      yield* passWaits(probe, 2)
      expect(yield* Fiber.join(fiber)).toEqual(transfer)
      expect(server.requests.map((r) => JSON.parse(r.body).idempotencyKey)).toEqual([
        "order-42",
        "order-42",
        "order-42"
      ])
      expect(new Set(server.requests.map((r) => r.body)).size).toBe(1)
    })
  )

  it.effect("a connection reset mid-body is a TransportFailure (connection-reset), retried for GET", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([Server.resetMidBody(200, thing), Server.json(200, thing)])
      const client = yield* clientFor(server)
      const fiber = yield* fork(probe, client.call(GetThing, { path: { thingId: "t_1" } }))
      yield* passWaits(probe, 1)
      expect(yield* Fiber.join(fiber)).toEqual(thing)

      const broken = yield* Server.make([Server.resetMidBody(200, thing)])
      const once = yield* clientFor(broken, { retryPolicy: RetryPolicy.make({ maxAttempts: 1 }) })
      const error = yield* Effect.flip(once.call(GetThing, { path: { thingId: "t_1" } }))
      expect(error).toBeInstanceOf(ApiError.TransportFailure)
      expect(error._tag === "TransportFailure" && [error.reason, error.method]).toEqual(["connection-reset", "GET"])
    })
  )

  it.effect("a refused connection is a TransportFailure (connection-refused)", () =>
    Effect.gen(function* () {
      const url = yield* Server.closedPortUrl
      const client = yield* Client.make({
        baseUrl: url,
        credentials: Credentials.apiKey("ak_test"),
        retryPolicy: RetryPolicy.make({ maxAttempts: 1 })
      }).pipe(Effect.provide(FetchHttpClient.layer))
      const error = yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(error._tag === "TransportFailure" && error.reason).toBe("connection-refused")
    })
  )

  it.live("a refused connection is retried even for a POST without idempotency key: nothing was sent", () =>
    Effect.gen(function* () {
      const url = yield* Server.closedPortUrl
      const client = yield* Client.make({
        baseUrl: url,
        credentials: Credentials.apiKey("ak_test"),
        retryPolicy: RetryPolicy.make({ maxAttempts: 3, baseDelay: "1 millis" })
      }).pipe(Effect.provide(FetchHttpClient.layer))
      const { result, attempts } = yield* AttemptLog.record(client.call(CreateAssetTransfer, { payload: unkeyed }))
      expect(result).toMatchObject({
        failure: { _tag: "TransportFailure", reason: "connection-refused", method: "POST" }
      })
      expect(attempts.map((a) => a.decision)).toEqual(["retry", "retry", "stop: attempts-exhausted"])
    })
  )

  it.live("507, 508, 511 and a CDN's 520–524 are retried for GET; 501 and 505 are not", () =>
    Effect.gen(function* () {
      for (const status of [507, 508, 511, 520, 521, 522, 523, 524]) {
        const server = yield* Server.make([
          Server.raw(status, "<html>origin down</html>", { "content-type": "text/html" }),
          Server.json(200, thing)
        ])
        const client = yield* clientFor(server, { retryPolicy: RetryPolicy.make({ baseDelay: "1 millis" }) })
        expect(yield* client.call(GetThing, { path: { thingId: "t_1" } })).toEqual(thing)
        expect(server.requests).toHaveLength(2)
      }
      for (const status of [501, 505]) {
        const server = yield* Server.make([serverError(status), Server.json(200, thing)])
        const client = yield* clientFor(server, { retryPolicy: RetryPolicy.make({ baseDelay: "1 millis" }) })
        const error = yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }))
        expect(error).toMatchObject({ _tag: "ServerError", status })
        expect(server.requests).toHaveLength(1)
      }
    })
  )

  it.effect("a caller's own retry schedule sets the timing; the contract still stops what it must", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make(
        [serverError(503), serverError(503), serverError(503), Server.json(200, thing)],
        { now: probe.now }
      )
      const client = yield* clientFor(server, {
        retrySchedule: Schedule.max([Schedule.spaced("250 millis"), Schedule.recurs(3)])
      })
      const fiber = yield* fork(probe, client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(yield* passWaits(probe, 3)).toEqual([250, 250, 250])
      expect(yield* Fiber.join(fiber)).toEqual(thing)
      // Per call, and a 404 is never retried whatever the schedule says.
      const missing = yield* Server.make([Server.raw(404, '{"message":"Not Found"}'), Server.json(200, thing)])
      const other = yield* clientFor(missing)
      const error = yield* Effect.flip(
        other.call(GetThing, { path: { thingId: "t_1" } }, { retrySchedule: Schedule.spaced("1 millis") })
      )
      expect(error._tag).toBe("RouteNotFound")
      expect(missing.requests).toHaveLength(1)
    })
  )

  it.effect("a slow response times out per attempt (typed Timeout) and is retried for GET", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([Server.hang, Server.json(200, thing)], { now: probe.now })
      const client = yield* clientFor(server, { attemptTimeout: "1 second" })
      const fiber = yield* fork(probe, client.call(GetThing, { path: { thingId: "t_1" } }))
      yield* server.awaitRequests(1)
      expect(yield* probe.nextSleep).toBe(1000)
      yield* TestClock.adjust(1000)
      yield* passWaits(probe, 1)
      expect(yield* Fiber.join(fiber)).toEqual(thing)
      expect(server.requests).toHaveLength(2)
    })
  )

  it.effect("a slow response to a POST without idempotency key is a Timeout after one attempt", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([Server.delay(10_000, Server.json(200, transfer))])
      const client = yield* clientFor(server, { attemptTimeout: "2 seconds" })
      const fiber = yield* fork(probe, Effect.flip(client.call(CreateAssetTransfer, { payload: unkeyed })))
      yield* server.awaitRequests(1)
      expect(yield* probe.nextSleep).toBe(2000)
      yield* TestClock.adjust(2000)
      const error = yield* Fiber.join(fiber)
      expect(error).toBeInstanceOf(ApiError.Timeout)
      expect(error._tag === "Timeout" && [Duration.toMillis(error.after), error.attempts]).toEqual([2000, 1])
    })
  )
})

describe("Client: deadline", () => {
  it.effect("a Retry-After beyond the deadline fails at once with a Timeout reporting the attempts", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([Server.rateLimited("10"), Server.json(200, thing)])
      const client = yield* clientFor(server, { deadline: "5 seconds" })
      const error = yield* Effect.flip(
        client.call(GetThing, { path: { thingId: "t_1" } }).pipe(Effect.provideService(Clock.Clock, probe.clock))
      )
      expect(error).toBeInstanceOf(ApiError.Timeout)
      expect(error._tag === "Timeout" && [Duration.toMillis(error.after), error.attempts]).toEqual([5000, 1])
      expect(probe.now()).toBe(0)
      expect(server.requests).toHaveLength(1)
    })
  )

  it.effect("an attempt in flight at the deadline is cut there; the client never sleeps past it", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([Server.rateLimited("2"), Server.hang], { now: probe.now })
      const client = yield* clientFor(server, { attemptTimeout: "30 seconds" })
      const fiber = yield* fork(
        probe,
        Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }, { deadline: "3 seconds" }))
      )
      expect(yield* probe.nextSleep).toBe(3000) // attempt 1, bounded by the deadline
      expect(yield* passWaits(probe, 1)).toEqual([2000]) // Retry-After
      yield* server.awaitRequests(2)
      expect(yield* probe.nextSleep).toBe(1000) // attempt 2 gets what is left
      yield* TestClock.adjust(1000)
      const error = yield* Fiber.join(fiber)
      expect(error._tag === "Timeout" && [Duration.toMillis(error.after), error.attempts]).toEqual([3000, 2])
      expect(probe.now()).toBe(3000)
    })
  )
})

describe("Client: refreshable user token", () => {
  const refreshable = () => {
    let issued = 0
    return {
      credentials: Credentials.refreshableToken(Effect.sync(() => `token-${++issued}`)),
      issued: () => issued
    }
  }
  const unauthorized = Server.error(new ApiError.Unauthorized({ message: "jwt expired" }))

  it.effect("after a 401 the client refreshes once and replays the request once with the new token", () =>
    Effect.gen(function* () {
      const provider = refreshable()
      const server = yield* Server.make((request) =>
        request.headers.authorization === "token-1" ? unauthorized : Server.json(200, transfer)
      )
      const client = yield* clientFor(server, { credentials: provider.credentials, account: "acc_org" })
      expect(yield* client.call(CreateAssetTransfer, { payload: unkeyed })).toEqual(transfer)
      expect(server.requests.map((r) => r.headers.authorization)).toEqual(["token-1", "token-2"])
      expect(server.requests.map((r) => r.headers["x-centrapay-account"])).toEqual(["acc_org", "acc_org"])
      expect(yield* client.call(CreateAssetTransfer, { payload: unkeyed })).toEqual(transfer)
      expect(provider.issued()).toBe(2)
    })
  )

  it.effect("a second 401 is final: never a loop", () =>
    Effect.gen(function* () {
      const provider = refreshable()
      const server = yield* Server.make([unauthorized])
      const client = yield* clientFor(server, {
        credentials: provider.credentials,
        retryPolicy: RetryPolicy.make({ maxAttempts: 5 })
      })
      const error = yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(error._tag).toBe("Unauthorized")
      expect(server.requests).toHaveLength(2)
      expect(provider.issued()).toBe(2)
    })
  )

  it.effect("a fixed user token is not refreshed", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([unauthorized, Server.json(200, thing)])
      const client = yield* clientFor(server, { credentials: Credentials.userToken("eyJ.old") })
      expect((yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } })))._tag).toBe("Unauthorized")
      expect(server.requests).toHaveLength(1)
    })
  )

  it.effect("concurrent calls rejected with the same token refresh it only once", () =>
    Effect.gen(function* () {
      const provider = refreshable()
      const server = yield* Server.make((request) =>
        request.headers.authorization === "token-1" ? unauthorized : Server.json(200, thing)
      )
      const client = yield* clientFor(server, { credentials: provider.credentials })
      const results = yield* Effect.all(
        Array.from({ length: 5 }, () => client.call(GetThing, { path: { thingId: "t_1" } })),
        { concurrency: "unbounded" }
      )
      expect(results).toHaveLength(5)
      expect(provider.issued()).toBe(2)
    })
  )
})

describe("Client: retry budget", () => {
  it.effect("a shared budget stops retries with RetryBudgetExhausted, and successes refill it", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      let healthy = false
      const server = yield* Server.make(() => (healthy ? Server.json(200, thing) : serverError(503)))
      const budget: Partial<RetryBudget.Options> = { capacity: 5, retryCost: 5, successRefund: 1 }
      const client = yield* clientFor(server, { retryBudget: budget })
      const get = client.call(GetThing, { path: { thingId: "t_1" } })

      const first = yield* fork(probe, Effect.flip(get))
      yield* passWaits(probe, 1)
      const exhausted = yield* Fiber.join(first)
      expect(exhausted).toBeInstanceOf(ClientError.RetryBudgetExhausted)
      expect(exhausted._tag === "RetryBudgetExhausted" && [exhausted.attempts, exhausted.lastError._tag]).toEqual([
        2,
        "ServerError"
      ])
      expect(server.requests).toHaveLength(2)

      const second = yield* Effect.flip(get)
      expect(second._tag === "RetryBudgetExhausted" && second.attempts).toBe(1)
      expect(server.requests).toHaveLength(3)

      healthy = true
      expect(yield* get).toEqual(thing)
      expect(yield* client.retryBudget.available).toBe(1)
    })
  )
})

describe("Client: client-side rate limit", () => {
  it.effect("concurrent calls beyond the limit queue for the next window instead of collecting 429s", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([Server.json(200, thing)], { now: probe.now })
      const client = yield* clientFor(server, { rateLimit: { limit: 2, window: "1 minute", margin: 0 } })
      const calls = yield* fork(
        probe,
        Effect.all(
          Array.from({ length: 3 }, () => client.call(GetThing, { path: { thingId: "t_1" } })),
          { concurrency: "unbounded" }
        )
      )
      expect(yield* probe.nextSleep).toBe(60_000)
      yield* server.awaitRequests(2)
      yield* realPause()
      expect(server.requests).toHaveLength(2)
      yield* TestClock.adjust("1 minute")
      expect(yield* Fiber.join(calls)).toHaveLength(3)
      expect(server.requests.map((r) => r.at)).toEqual([0, 0, 60_000])
    })
  )

  it.effect("the default is the documented 200 requests per minute, each window counted 5% longer", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([Server.json(200, thing)], { now: probe.now })
      const client = yield* clientFor(server, { rateLimit: {} })
      const calls = yield* fork(
        probe,
        Effect.all(
          Array.from({ length: 201 }, () => client.call(GetThing, { path: { thingId: "t_1" } })),
          { concurrency: 50 }
        )
      )
      expect(yield* probe.nextSleep).toBe(63_000)
      yield* server.awaitRequests(200)
      yield* TestClock.adjust("63 seconds")
      yield* Fiber.join(calls)
      expect(server.requests.filter((r) => r.at === 0)).toHaveLength(200)
      expect(server.requests.at(-1)?.at).toBe(63_000)
    })
  )
})

describe("Client: redirects are never followed", () => {
  const redirects = [301, 302, 303, 307, 308] as const

  it.effect(
    "a 3xx to another origin is an UnexpectedStatus with its status; the other origin never sees a request, a key or a body",
    () =>
      Effect.gen(function* () {
        const elsewhere = yield* Server.make([Server.json(200, transfer)])
        for (const status of redirects) {
          const server = yield* Server.make([
            Server.raw(status, "", { location: `${elsewhere.url}/api/asset-transfers` }),
            Server.raw(status, "", { location: `${elsewhere.url}/api/things/t_1` })
          ])
          const CentrapayLive = Client.layer({
            baseUrl: server.url,
            credentials: Credentials.apiKey("ak_secret"),
            account: "acc_org"
          })
          const post = yield* Effect.flip(
            Client.call(CreateAssetTransfer, { payload: keyed }).pipe(Effect.provide(CentrapayLive))
          )
          const get = yield* Effect.flip(
            Client.call(GetThing, { path: { thingId: "t_1" } }).pipe(Effect.provide(CentrapayLive))
          )
          expect(post).toBeInstanceOf(ApiError.UnexpectedStatus)
          expect(post).toMatchObject({ _tag: "UnexpectedStatus", status })
          expect(get).toMatchObject({ _tag: "UnexpectedStatus", status })
          expect(server.requests).toHaveLength(2)
        }
        expect(elsewhere.requests).toHaveLength(0)
      })
  )

  it.effect("a redirect to the same origin is not followed either", () =>
    Effect.gen(function* () {
      const server = yield* Server.make((request) =>
        request.path === "/api/things/t_1"
          ? Server.raw(302, "", { location: "/api/things/t_2" })
          : Server.json(200, thing)
      )
      const client = yield* clientFor(server)
      const error = yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(error).toMatchObject({ _tag: "UnexpectedStatus", status: 302 })
      expect(server.requests.map((r) => r.path)).toEqual(["/api/things/t_1"])
    })
  )

  it.effect(
    "a caller's RequestInit asking fetch to follow is overridden; its other options still apply (layerWithHttpClient)",
    () =>
      Effect.gen(function* () {
        const elsewhere = yield* Server.make([Server.json(200, thing)])
        const server = yield* Server.make([Server.raw(307, "", { location: `${elsewhere.url}/api/things/t_1` })])
        const error = yield* Effect.flip(
          Client.call(GetThing, { path: { thingId: "t_1" } }).pipe(
            Effect.provide(
              Client.layerWithHttpClient({ baseUrl: server.url, credentials: Credentials.apiKey("ak_secret") }).pipe(
                Layer.provide(FetchHttpClient.layer)
              )
            ),
            Effect.provideService(FetchHttpClient.RequestInit, {
              redirect: "follow",
              headers: { "x-from-init": "kept" }
            })
          )
        )
        expect(error).toMatchObject({ _tag: "UnexpectedStatus", status: 307 })
        expect(server.requests[0]?.headers["x-from-init"]).toBe("kept")
        expect(elsewhere.requests).toHaveLength(0)
      })
  )
})

describe("Client: response bodies are capped", () => {
  /** A `Thing` whose JSON is exactly `bytes` long. */
  const thingOfSize = (bytes: number) => {
    const frame = JSON.stringify({ id: "t_1", name: "" })
    return JSON.stringify({ id: "t_1", name: "n".repeat(bytes - frame.length) })
  }

  it.effect("the default cap is 4 MiB, counted as decoded", () =>
    Effect.sync(() => {
      expect(Client.defaultMaxResponseBytes).toBe(4_194_304)
    })
  )

  it.effect(
    "a gzip bomb (a few hundred KB inflating to 256 MiB) stops at the cap: a typed TransportFailure, never retried, nothing of the body kept",
    () =>
      Effect.gen(function* () {
        const bomb = yield* Server.gzipBomb(256 * 1024 * 1024)
        expect(bomb.length).toBeGreaterThan(100_000)
        expect(bomb.length).toBeLessThan(1_000_000)
        const server = yield* Server.make([
          Server.raw(200, bomb, { "content-type": "application/json", "content-encoding": "gzip" }),
          Server.json(200, thing)
        ])
        const client = yield* clientFor(server)
        const error = yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }))
        expect(error).toBeInstanceOf(ApiError.TransportFailure)
        expect(error).toMatchObject({
          _tag: "TransportFailure",
          reason: "response-too-large",
          method: "GET",
          url: `${server.url}/api/things/t_1`,
          detail:
            "the body of the 200 response is over the cap of 4194304 bytes (maxResponseBytes); reading stopped there and nothing of it was kept"
        })
        expect(error._tag === "TransportFailure" && ApiError.isRetryable(error)).toBe(false)
        expect(server.requests).toHaveLength(1)
        expect(JSON.stringify(error).length).toBeLessThan(1_000)
      })
  )

  it.effect(
    "an endless body without Content-Length stops at the cap, and the client closes the connection instead of reading on",
    () =>
      Effect.gen(function* () {
        const server = yield* Server.make([Server.endless(200, { "content-type": "application/json" })])
        const client = yield* clientFor(server)
        const error = yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }))
        expect(error).toMatchObject({ _tag: "TransportFailure", reason: "response-too-large" })
        yield* server.awaitSent(0, (sent) => sent.closed)
        expect(server.sent[0]?.cut).toBe(true)
      })
  )

  it.effect("a body of exactly the cap is read; one byte more is response-too-large", () =>
    Effect.gen(function* () {
      const atCap = thingOfSize(4 * 1024 * 1024)
      const overCap = thingOfSize(4 * 1024 * 1024 + 1)
      expect([atCap.length, overCap.length]).toEqual([4_194_304, 4_194_305])
      const server = yield* Server.make([
        Server.chunked(200, atCap, { "content-type": "application/json" }),
        Server.chunked(200, overCap, { "content-type": "application/json" })
      ])
      const client = yield* clientFor(server)
      const read = yield* client.call(GetThing, { path: { thingId: "t_1" } })
      expect(read.name.length).toBe(4_194_304 - '{"id":"t_1","name":""}'.length)
      const error = yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(error).toMatchObject({ _tag: "TransportFailure", reason: "response-too-large" })
    })
  )

  it.effect("the cap is set per client and per call; a too-large 503 is response-too-large, not retried", () =>
    Effect.gen(function* () {
      const body = thingOfSize(2048)
      const server = yield* Server.make([
        Server.chunked(200, body, { "content-type": "application/json" }),
        Server.chunked(200, body, { "content-type": "application/json" }),
        Server.endless(503, { "content-type": "text/html" }, { bytes: 4096 }),
        Server.json(200, thing)
      ])
      const client = yield* clientFor(server, { maxResponseBytes: 1024 })
      const perClient = yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(perClient).toMatchObject({
        _tag: "TransportFailure",
        reason: "response-too-large",
        detail:
          "the body of the 200 response is over the cap of 1024 bytes (maxResponseBytes); reading stopped there and nothing of it was kept"
      })
      const perCall = yield* client.call(GetThing, { path: { thingId: "t_1" } }, { maxResponseBytes: 4096 })
      expect(perCall.name).toHaveLength(2048 - '{"id":"t_1","name":""}'.length)
      const unavailable = yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(unavailable).toMatchObject({
        _tag: "TransportFailure",
        reason: "response-too-large",
        detail:
          "the body of the 503 response is over the cap of 1024 bytes (maxResponseBytes); reading stopped there and nothing of it was kept"
      })
      expect(server.requests).toHaveLength(3)
    })
  )

  it.effect("a 3 MB HTML 503 under the cap is a ServerError keeping a 512-character excerpt, not the body", () =>
    Effect.gen(function* () {
      const page = `<html><body>${"<p>upstream exploded</p>".repeat(125_000)}</body></html>`
      const server = yield* Server.make([Server.raw(503, page, { "content-type": "text/html" })])
      const client = yield* clientFor(server, { retryPolicy: RetryPolicy.make({ maxAttempts: 1 }) })
      const error = yield* Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } }))
      expect(error).toMatchObject({ _tag: "ServerError", status: 503, message: "Service Unavailable" })
      expect(error._tag === "ServerError" && error.body?.excerpt?.length).toBe(512)
      expect(JSON.stringify(error).length).toBeLessThan(2_000)
    })
  )

  it.effect("a body trickling slower than the attempt timeout is a typed Timeout, cut mid-body", () =>
    Effect.gen(function* () {
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([Server.drip(200, JSON.stringify(thing), 20)])
      const client = yield* clientFor(server, {
        attemptTimeout: "1 second",
        retryPolicy: RetryPolicy.make({ maxAttempts: 1 })
      })
      const fiber = yield* fork(probe, Effect.flip(client.call(GetThing, { path: { thingId: "t_1" } })))
      expect(yield* probe.nextSleep).toBe(1000)
      yield* server.awaitSent(0, (sent) => sent.bodyBytes >= 3)
      yield* TestClock.adjust(1000)
      const error = yield* Fiber.join(fiber)
      expect(error).toBeInstanceOf(ApiError.Timeout)
      expect(error).toMatchObject({ _tag: "Timeout", method: "GET", attempts: 1 })
      yield* server.awaitSent(0, (sent) => sent.closed)
      expect(server.sent[0]?.cut).toBe(true)
    })
  )
})

describe("Client: spans", () => {
  it.effect("one span per call and per attempt, with attempt number, status, decision and delay", () =>
    Effect.gen(function* () {
      const spans: Array<Tracer.NativeSpan> = []
      const tracer = Tracer.make({
        span: (options) => {
          const span = new Tracer.NativeSpan(options)
          spans.push(span)
          return span
        }
      })
      const probe = yield* ClockProbe.make
      const server = yield* Server.make([Server.rateLimited("2"), Server.json(200, thing)])
      const client = yield* clientFor(server)
      const fiber = yield* fork(
        probe,
        client.call(GetThing, { path: { thingId: "t_1" } }).pipe(Effect.withTracer(tracer))
      )
      yield* passWaits(probe, 1)
      yield* Fiber.join(fiber)
      const calls = spans.filter((s) => s.name === "CentrapayClient.call")
      const attempts = spans.filter((s) => s.name === "CentrapayClient.attempt")
      expect(calls).toHaveLength(1)
      expect(calls[0]?.attributes.get("centrapay.endpoint")).toBe("GET /api/things/{thingId}")
      expect(calls[0]?.attributes.get("centrapay.attempts")).toBe(2)
      expect(attempts.map((s) => Object.fromEntries(s.attributes))).toEqual([
        {
          "centrapay.attempt": 1,
          "http.response.status_code": 429,
          "centrapay.outcome": "TooManyRequests",
          "centrapay.decision": "retry",
          "centrapay.retry.delay_ms": 2000,
          "centrapay.retry.basis": "retry-after"
        },
        {
          "centrapay.attempt": 2,
          "http.response.status_code": 200,
          "centrapay.outcome": "Success"
        }
      ])
      expect(attempts.every((s) => s.parent._tag === "Some" && s.parent.value === calls[0])).toBe(true)
    })
  )
})
