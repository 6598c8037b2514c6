/**
 * The rate limiter on a real redis-server (started by the global setup,
 * installed with apt-get when missing): each "process" is a limiter on its
 * own Redis connection, as separate Lambda containers would be. Time is
 * real (Redis keeps it), so waits are read as "past a one-second deadline",
 * never timed.
 */
import { Client, Credentials, Endpoint, RateLimiter } from "@centrapay-effect/core"
import * as NodeRedis from "@effect/platform-node/NodeRedis"
import { describe, expect, inject, it } from "@effect/vitest"
import { Clock, Duration, Effect, Layer, Schema } from "effect"
import { FetchHttpClient } from "effect/http"
import * as Server from "./support/ScriptedServer.ts"

/** A store on its own connection to the test's Redis. */
const store = () =>
  Layer.fresh(RateLimiter.layerStoreRedis().pipe(Layer.provide(NodeRedis.layer({ url: inject("redisUrl") }))))

/** A limiter as one process of a fleet has it. */
const inProcess = (options: RateLimiter.Options) =>
  Effect.gen(function* () {
    const context = yield* Layer.build(store())
    return yield* RateLimiter.make(options).pipe(Effect.provide(context))
  })

/** Takes a slot with a deadline one second away: `admitted`, or `waits` when it would wait past it. */
const probe = (limiter: RateLimiter.RateLimiter) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const admission = yield* limiter.take(now + 1000)
    return admission._tag === "Admitted" ? "admitted" : "waits"
  })

const accountFor = (name: string) => `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`

describe("RateLimiter on Redis", () => {
  it.live("processes on one Redis share their account's budget; another account has its own", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const account = accountFor("acc_shared")
        const one = yield* inProcess({ limit: 3, account })
        const other = yield* inProcess({ limit: 3, account })
        const elsewhere = yield* inProcess({ limit: 3, account: accountFor("acc_other") })
        expect(yield* Effect.all([probe(one), probe(other), probe(one), probe(other)])).toEqual([
          "admitted",
          "admitted",
          "admitted",
          "waits"
        ])
        expect(yield* Effect.all([probe(elsewhere), probe(elsewhere)])).toEqual(["admitted", "admitted"])
      })
    )
  )

  it.live("a 429 received by one process pauses the others until its Retry-After", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const account = accountFor("acc_paused")
        const one = yield* inProcess({ account })
        const other = yield* inProcess({ account })
        expect(yield* probe(other)).toBe("admitted")
        const admission = yield* one.take(undefined)
        if (admission._tag === "Admitted") yield* admission.permit.rateLimited(Duration.seconds(30))
        expect(yield* Effect.all([probe(other), probe(one)])).toEqual(["waits", "waits"])
      })
    )
  )

  it.live("through the client: X-Centrapay-Account on a call still counts against the caller's budget", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const server = yield* Server.make([Server.json(200, { ok: true })])
        const Ping = Endpoint.withSchemas(Endpoint.make("GET /ping", {}), {
          success: Schema.Struct({ ok: Schema.Boolean })
        })
        const account = accountFor("acc_caller")
        const clientIn = () =>
          Effect.gen(function* () {
            const context = yield* Layer.build(store())
            return yield* Client.make({
              baseUrl: server.url,
              credentials: Credentials.apiKey("ak_test"),
              rateLimit: { limit: 2, account }
            }).pipe(Effect.provide(Layer.merge(Layer.succeedContext(context), FetchHttpClient.layer)))
          })
        const one = yield* clientIn()
        const other = yield* clientIn()
        yield* one.call(Ping, { headers: { "X-Centrapay-Account": "acc_org_1" } })
        yield* other.call(Ping, { headers: { "X-Centrapay-Account": "acc_org_2" } })
        const third = yield* Effect.flip(
          one.call(Ping, { headers: { "X-Centrapay-Account": "acc_org_3" } }, { deadline: "1 second" })
        )
        expect(third._tag).toBe("Timeout")
        expect(server.requests.map((r) => r.headers["x-centrapay-account"])).toEqual(["acc_org_1", "acc_org_2"])
      })
    )
  )
})
