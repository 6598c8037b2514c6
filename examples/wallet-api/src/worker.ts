/**
 * The Wallet API as a Cloudflare Workers module: `export default { fetch }`. The rates
 * provider's rate limit is shared by every isolate through the `RateLimiterObject`
 * Durable Object when the `RATE_LIMITER` binding is there (wrangler.toml:
 * `[[durable_objects.bindings]] name = "RATE_LIMITER", class_name = "RateLimiterObject"`).
 */

import * as RateLimiterObject from "@centrapay-effect/worker-adapter/RateLimiterObject"
import * as WorkerClient from "@centrapay-effect/worker-adapter/WorkerClient"
import * as WorkerHandler from "@centrapay-effect/worker-adapter/WorkerHandler"
import { app, layer } from "./app.ts"

/** The Durable Object class the `RATE_LIMITER` binding names: one object per account. */
export { RateLimiterObject } from "@centrapay-effect/worker-adapter/RateLimiterObject"

/** The bindings this Worker reads besides the `Config` strings. */
interface Env {
  readonly RATE_LIMITER?: RateLimiterObject.Namespace<unknown>
}

/** The Worker entry point. */
export default WorkerHandler.make(app, (env: Env) =>
  layer(WorkerClient.layer, env.RATE_LIMITER === undefined ? undefined : RateLimiterObject.layerStore(env.RATE_LIMITER))
)
