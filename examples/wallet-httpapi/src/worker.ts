/**
 * The HttpApi wallet as a Cloudflare Workers module: `export default { fetch }`.
 */
import { layer as services } from "@centrapay-effect/wallet-api/app"
import * as WorkerClient from "@centrapay-effect/worker-adapter/WorkerClient"
import * as WorkerHttpApp from "@centrapay-effect/worker-adapter/WorkerHttpApp"
import { app, layer } from "./app.ts"

/** The Worker entry point. */
export default WorkerHttpApp.make(app, layer(services(WorkerClient.layer)))
