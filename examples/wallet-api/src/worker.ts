/**
 * The wallet API as a Cloudflare Workers module: `export default { fetch }`.
 */
import { WorkerClient, WorkerHandler } from "@centrapay-effect/worker-adapter"
import { app, layer } from "./app.ts"

/** The Worker entry point. */
export default WorkerHandler.make(app, layer(WorkerClient.layer))
