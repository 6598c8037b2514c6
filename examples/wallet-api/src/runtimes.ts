/**
 * Starts the wallet API in both runtimes on localhost: the Lambda handler
 * behind the local HTTP bridge (HTTP requests become API Gateway v2 events),
 * and the Worker in real workerd. Each is given its configuration (`env`) the
 * way its platform gives it: process environment variables to the Lambda,
 * bindings to the Worker.
 */
import { fileURLToPath } from "node:url"
import { LambdaBridge } from "@centrapay-effect/lambda-adapter"
import * as LocalWorker from "@centrapay-effect/worker-adapter/LocalWorker"
import { ratesApiEnv, startRatesApi } from "./demo/rates-api.ts"
import { handler } from "./lambda.ts"

/** A runtime serving the wallet API. */
export interface Running {
  readonly name: string
  readonly url: string
  readonly stop: () => Promise<void>
}

const workerEntry = fileURLToPath(new URL("./worker.ts", import.meta.url))

/**
 * The Lambda handler behind the bridge, on `port` (0: any free port). `env` becomes
 * environment variables of this process, as Lambda sets a function's before it starts:
 * the handler reads them when it builds its layer, on the first request (Effect reads
 * the environment once, at its first `Config` read: one `env` per process).
 */
export const startLambda = async (env: Readonly<Record<string, string>>, port = 0): Promise<Running> => {
  Object.assign(process.env, env)
  const bridge = await LambdaBridge.serve(handler, { port })
  return {
    name: "AWS Lambda (API Gateway v2 events via the local bridge)",
    url: bridge.url,
    stop: async () => {
      await bridge.close()
      await handler.dispose()
    }
  }
}

/**
 * The Worker in workerd, on `port` (0: any free port), with `env` as its bindings and the
 * rate limiter's Durable Object bound as `RATE_LIMITER`, as `wrangler.toml` would bind it.
 */
export const startWorker = async (env: Readonly<Record<string, string>>, port = 0): Promise<Running> => {
  const worker = await LocalWorker.serve(workerEntry, {
    port,
    bindings: env,
    durableObjects: { RATE_LIMITER: "RateLimiterObject" }
  })
  return { name: "Cloudflare Workers (workerd via miniflare)", url: worker.url, stop: worker.dispose }
}

/**
 * Serves one runtime alone on `port` until Ctrl-C, against the scripted rates provider
 * (`demo/rates-api.ts`) on a free port: the `serve:*` scripts.
 */
export const serveAlone = async (start: typeof startLambda, port: number): Promise<void> => {
  const rates = await startRatesApi()
  const running = await start(ratesApiEnv(rates.url), port)
  console.log(`${running.name} listening on ${running.url}`)
  console.log(`try: curl -i ${running.url}/api/merchant-configs/mc_3LKQhvGUcADgqoEM3bh6pslE -H 'X-Api-Key: demo-key'`)
  const stop = () => void Promise.all([running.stop(), rates.close()])
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}
