/**
 * The worker the Durable Object tests run in workerd, as two workers (two
 * isolates) bound to one `RateLimiterObject` namespace:
 *
 * - `GET /take?account=&limit=` takes a slot with a one-second deadline on
 *   the Durable Object store and answers `admitted` or `waits`.
 * - `POST /rate-limited?account=&seconds=` takes a slot and reports a 429
 *   with that `Retry-After`.
 * - `POST /raw?account=` sends its body to the account's object as it is,
 *   and answers the object's status and body.
 */
import { Endpoint, RateLimiter, Router, ServerRequest, ServerResponse } from "@centrapay-effect/core"
import { bodyText } from "@centrapay-effect/core/WireResponse"
import { WorkerHandler } from "@centrapay-effect/worker-adapter"
import * as RateLimiterObject from "@centrapay-effect/worker-adapter/RateLimiterObject"
import { Clock, Context, Duration, Effect, Layer, Schema } from "effect"

export { RateLimiterObject } from "@centrapay-effect/worker-adapter/RateLimiterObject"

interface Env {
  readonly RATE_LIMITER: RateLimiterObject.Namespace<unknown>
}

class Objects extends Context.Service<Objects, RateLimiterObject.Namespace<unknown>>()("test/Objects") {}

const Take = Endpoint.make("GET /take", {})
const RateLimited = Endpoint.make("POST /rate-limited", {})
const Raw = Endpoint.make("POST /raw", {})

const Account = Schema.Struct({ account: Schema.String })
const TakeQuery = Schema.Struct({ account: Schema.String, limit: Schema.NumberFromString })
const RateLimitedQuery = Schema.Struct({ account: Schema.String, seconds: Schema.NumberFromString })

const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(Take, () =>
      Effect.gen(function* () {
        const { account, limit } = yield* ServerRequest.query(TakeQuery)
        const limiter = yield* RateLimiter.make({ account, limit, onStoreFailure: "fail" })
        const now = yield* Clock.currentTimeMillis
        const admission = yield* Effect.orDie(limiter.take(now + 1000))
        return ServerResponse.json({ admission: admission._tag === "Admitted" ? "admitted" : "waits" })
      })
    ),
    Router.add(RateLimited, () =>
      Effect.gen(function* () {
        const { account, seconds } = yield* ServerRequest.query(RateLimitedQuery)
        const limiter = yield* RateLimiter.make({ account, onStoreFailure: "fail" })
        const admission = yield* Effect.orDie(limiter.take(undefined))
        if (admission._tag === "Admitted") yield* admission.permit.rateLimited(Duration.seconds(seconds))
        return ServerResponse.json({ reported: admission._tag === "Admitted" })
      })
    ),
    Router.add(Raw, () =>
      Effect.gen(function* () {
        const { account } = yield* ServerRequest.query(Account)
        const body = (yield* ServerRequest.CurrentRequest).body
        const objects = yield* Objects
        const answer = yield* Effect.promise(async () => {
          const response = await objects.get(objects.idFromName(account)).fetch("https://rate-limiter.internal/", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: bodyText(body)
          })
          return { status: response.status, body: await response.text() }
        })
        return ServerResponse.json(answer)
      })
    )
  )
)

export default WorkerHandler.make(app, (env: Env) =>
  Layer.merge(RateLimiterObject.layerStore(env.RATE_LIMITER), Layer.succeed(Objects, env.RATE_LIMITER))
)
