/**
 * The Lambda adapter's Redis layer against real redis-servers: one the
 * global setup started (installed with apt-get when missing), and servers of
 * this file's own that it stops, freezes (SIGSTOP: connected, silent) or
 * never starts. The client's calls go to a real `node:http` server that
 * counts them.
 */
import { createServer, type Server } from "node:http"
import { Client, Credentials, Endpoint } from "@centrapay-effect/core"
import { LambdaClient } from "@centrapay-effect/lambda-adapter"
import * as RedisRateLimiter from "@centrapay-effect/lambda-adapter/RedisRateLimiter"
import { afterAll, beforeAll, describe, expect, inject, it } from "@effect/vitest"
import { Effect, Layer, Logger, Schema } from "effect"
import * as RedisServer from "../../../scripts/fleet/RedisServer.ts"

let upstream: Server
let baseUrl = ""
let received = 0
beforeAll(async () => {
  upstream = createServer((request, response) => {
    received++
    request.resume()
    response.writeHead(200, { "content-type": "application/json" })
    response.end('{"ok":true}')
  })
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve))
  const address = upstream.address()
  baseUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
})
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())))

const Ping = Endpoint.withSchemas(Endpoint.make("GET /ping", {}), { success: Schema.Struct({ ok: Schema.Boolean }) })

const warnings: Array<string> = []
const captureWarnings = Logger.layer([
  Logger.make((options) => {
    const [message] = Array.isArray(options.message) ? options.message : [options.message]
    if (options.logLevel === "Warn") warnings.push(String(message))
  })
])

const accountFor = (name: string) => `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`

/** A client of one "container", on its own connection to Redis at `url`. */
const containerClient = (url: string, rateLimit: NonNullable<Client.Config["rateLimit"]>) =>
  Layer.fresh(
    LambdaClient.layer({ baseUrl, credentials: Credentials.apiKey("ak_test"), rateLimit }).pipe(
      Layer.provide(RedisRateLimiter.layer({ url, connectTimeout: "500 millis" }))
    )
  )

/** Calls `n` times through the client, each with a one-second deadline; the tags of how they ended. */
const calls = (n: number) =>
  Effect.forEach(Array.from({ length: n }), () =>
    Client.call(Ping, {}, { deadline: "1 second" }).pipe(
      Effect.map(() => "Success"),
      Effect.catch((error) => Effect.succeed(error._tag === "TransportFailure" ? error.reason : error._tag))
    )
  )

describe("RedisRateLimiter.layer", () => {
  it.live("containers on one Redis share the budget of their account", () =>
    Effect.gen(function* () {
      const account = accountFor("acc_lambda")
      const before = received
      const one = yield* calls(2).pipe(Effect.provide(containerClient(inject("redisUrl"), { limit: 3, account })))
      const other = yield* calls(2).pipe(Effect.provide(containerClient(inject("redisUrl"), { limit: 3, account })))
      expect([...one, ...other]).toEqual(["Success", "Success", "Success", "Timeout"])
      expect(received - before).toBe(3)
    })
  )

  it.live("Redis stopped: by default the client's own limiter takes over, with a warning", () =>
    Effect.gen(function* () {
      const redis = yield* Effect.promise(() => RedisServer.start())
      const client = containerClient(redis.url, { limit: 2, account: accountFor("acc_down") })
      const outcomes = yield* Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(client)
          yield* Effect.promise(() => redis.stop())
          warnings.length = 0
          return yield* calls(3).pipe(Effect.provide(context))
        })
      ).pipe(Effect.provide(captureWarnings))
      expect(outcomes).toEqual(["Success", "Success", "Timeout"])
      expect(warnings.filter((w) => w.startsWith("Shared rate limiter unavailable"))).toHaveLength(1)
    })
  )

  it.live("Redis stopped, onStoreFailure: fail: a TransportFailure, rate-limiter-unavailable, and nothing sent", () =>
    Effect.gen(function* () {
      const redis = yield* Effect.promise(() => RedisServer.start())
      const client = containerClient(redis.url, { account: accountFor("acc_fail"), onStoreFailure: "fail" })
      const before = received
      const outcomes = yield* Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(client)
          yield* Effect.promise(() => redis.stop())
          return yield* calls(1).pipe(Effect.provide(context))
        })
      ).pipe(Effect.provide(Logger.layer([])))
      expect(outcomes).toEqual(["rate-limiter-unavailable"])
      expect(received).toBe(before)
    })
  )

  it.live("Redis frozen (connected, silent): each store call gives up after storeTimeout, and the call goes on", () =>
    Effect.gen(function* () {
      const redis = yield* Effect.promise(() => RedisServer.start())
      const client = containerClient(redis.url, { account: accountFor("acc_frozen"), storeTimeout: "100 millis" })
      const outcomes = yield* Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(client)
          redis.freeze()
          yield* Effect.addFinalizer(() => Effect.promise(() => redis.stop()))
          return yield* calls(2).pipe(Effect.provide(context))
        })
      ).pipe(Effect.provide(Logger.layer([])))
      expect(outcomes).toEqual(["Success", "Success"])
    })
  )

  it.live("Redis unreachable when the layer is built: the layer still builds, and the clients fall back", () =>
    Effect.gen(function* () {
      const port = yield* Effect.promise(() => RedisServer.freePort())
      warnings.length = 0
      const outcomes = yield* calls(2).pipe(
        Effect.provide(containerClient(`redis://127.0.0.1:${port}`, { limit: 1, account: accountFor("acc_cold") })),
        Effect.provide(captureWarnings)
      )
      expect(outcomes).toEqual(["Success", "Timeout"])
      expect(warnings).toContain(
        `Redis for the shared rate limiter could not be reached at start-up (connect ECONNREFUSED 127.0.0.1:${port})`
      )
      expect(warnings).toContain(
        "Shared rate limiter unavailable (Redis could not be reached at start-up); using this client's own limiter"
      )
    })
  )
})
