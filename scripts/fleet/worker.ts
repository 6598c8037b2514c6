/**
 * The Worker of the fleet runs: `GET /fleet/call?deadline=<ms>` makes one
 * call to the strict server (`env.UPSTREAM_URL`) through core's client, with
 * the rate limit of `env.LIMIT` per `env.WINDOW_MS` on the store `env.STORE`
 * names (`durable-object`: `RateLimiterObject` through the `RATE_LIMITER`
 * binding; `memory`: the isolate's own), and answers how it ended.
 * `GET /fleet/warmup` calls the server's uncounted `/fleet/warmup` through
 * the same client (and limiter), so that a run measures the limiter, not a
 * cold start.
 */
import { Client, Credentials, Endpoint, Router, ServerRequest, ServerResponse } from "@centrapay-effect/core"
import { WorkerClient, WorkerHandler } from "@centrapay-effect/worker-adapter"
import * as RateLimiterObject from "@centrapay-effect/worker-adapter/RateLimiterObject"
import { Effect, Layer, Schema } from "effect"

export { RateLimiterObject } from "@centrapay-effect/worker-adapter/RateLimiterObject"

interface Env {
  readonly UPSTREAM_URL: string
  readonly STORE: string
  readonly LIMIT: string
  readonly WINDOW_MS: string
  readonly ACCOUNT: string
  readonly MARGIN?: string
  readonly RATE_LIMITER: RateLimiterObject.Namespace<unknown>
}

const Ping = Endpoint.withSchemas(Endpoint.make("GET /fleet/ping", {}), {
  success: Schema.Struct({ ok: Schema.Boolean })
})
const Call = Endpoint.make("GET /fleet/call", {})
const Deadline = Schema.Struct({ deadline: Schema.NumberFromString })
const Warmup = Endpoint.make("GET /fleet/warmup", {})
const UpstreamWarmup = Endpoint.withSchemas(Endpoint.make("GET /fleet/warmup", {}), {
  success: Schema.Struct({ ok: Schema.Boolean })
})

const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(Call, () =>
      Effect.gen(function* () {
        const { deadline } = yield* ServerRequest.query(Deadline)
        const outcome = yield* Effect.result(Client.call(Ping, {}, { deadline: Math.max(1, deadline) }))
        return ServerResponse.json({ outcome: outcome._tag === "Success" ? "ok" : outcome.failure._tag })
      })
    ),
    Router.add(Warmup, () =>
      Client.call(UpstreamWarmup, {}).pipe(
        Effect.map((body) => ServerResponse.json(body)),
        Effect.orDie
      )
    )
  )
)

export default WorkerHandler.make(app, (env: Env) => {
  const client = WorkerClient.layer({
    baseUrl: env.UPSTREAM_URL,
    credentials: Credentials.apiKey("ak_fleet"),
    rateLimit: {
      limit: Number(env.LIMIT),
      window: Number(env.WINDOW_MS),
      account: env.ACCOUNT,
      margin: env.MARGIN === undefined ? undefined : Number(env.MARGIN)
    }
  })
  return env.STORE === "durable-object"
    ? client.pipe(Layer.provide(RateLimiterObject.layerStore(env.RATE_LIMITER)))
    : client
})
