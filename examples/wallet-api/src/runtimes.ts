/**
 * Starts the wallet API in both runtimes on localhost: the Lambda handler
 * behind the local HTTP bridge (HTTP requests become API Gateway v2 events),
 * and the Worker in real workerd.
 */
import { fileURLToPath } from "node:url"
import { LambdaBridge } from "@centrapay-effect/lambda-adapter"
import * as LocalWorker from "@centrapay-effect/worker-adapter/LocalWorker"
import { handler } from "./lambda.ts"

/** A runtime serving the wallet API. */
export interface Running {
  readonly name: string
  readonly url: string
  readonly stop: () => Promise<void>
}

const workerEntry = fileURLToPath(new URL("./worker.ts", import.meta.url))

/** The Lambda handler behind the bridge, on `port` (0: any free port). */
export const startLambda = async (port = 0): Promise<Running> => {
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

/** The Worker in workerd, on `port` (0: any free port). */
export const startWorker = async (port = 0): Promise<Running> => {
  const worker = await LocalWorker.serve(workerEntry, { port })
  return { name: "Cloudflare Workers (workerd via miniflare)", url: worker.url, stop: worker.dispose }
}
