// A Worker project as `wrangler init` sets one up: the Workers types as
// globals, no DOM. The handler must be a valid `ExportedHandler<Env>` there,
// with `env` typed by the layer function and `request.cf` by the platform;
// a `DurableObjectNamespace` binding feeds the rate limiter's store, and its
// Durable Object class is one the platform can construct.
import { Credentials } from "@centrapay-effect/core"
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as Router from "@centrapay-effect/core/Router"
import * as ServerResponse from "@centrapay-effect/core/ServerResponse"
import { Subrequests, WorkerClient, WorkerContext, WorkerHandler } from "@centrapay-effect/worker-adapter"
import * as RateLimiterObject from "@centrapay-effect/worker-adapter/RateLimiterObject"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

interface Env {
  readonly CENTRAPAY_API_KEY: string
  readonly CACHE: KVNamespace
  readonly RATE_LIMITER: DurableObjectNamespace
}

// The rate limiter's Durable Object class, as the platform constructs it.
export const RateLimiter: new (state: DurableObjectState, env: Env) => DurableObject =
  RateLimiterObject.RateLimiterObject

const Health = Endpoint.make("GET /health", {})
const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(Health, () =>
      Effect.gen(function* () {
        const cf = yield* WorkerContext.Cf
        return ServerResponse.json({ ok: true, colo: cf?.colo ?? null })
      })
    )
  )
)

export default WorkerHandler.make(app, (env: Env) =>
  WorkerClient.layer(
    {
      baseUrl: "https://service.centrapay.com",
      credentials: Credentials.apiKey(env.CENTRAPAY_API_KEY),
      rateLimit: { account: "acc_1" }
    },
    Subrequests.paid
  ).pipe(Layer.provide(RateLimiterObject.layerStore(env.RATE_LIMITER)))
) satisfies ExportedHandler<Env>
