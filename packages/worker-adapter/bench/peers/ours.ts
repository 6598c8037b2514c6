/** The benchmark's route on this adapter, as its README shows (`route.ts`). */
import * as WorkerHandler from "@centrapay-effect/worker-adapter/WorkerHandler"
import * as Layer from "effect/Layer"
import { app } from "./route.ts"

export default WorkerHandler.make(app, Layer.empty)
