/**
 * `ours.ts` with the handler written as `(input) => Effect.gen(function* () {…})`:
 * a new generator function every request, whose first call costs V8 several
 * µs (it builds the function's generator prototype and map), where a
 * generator function defined once (`Effect.fnUntraced`) does not.
 */
import * as Router from "@centrapay-effect/core/Router"
import * as WorkerHandler from "@centrapay-effect/worker-adapter/WorkerHandler"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { CreateAssetTransfer, insufficient } from "./route.ts"

const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateAssetTransfer, ({ payload }) =>
      Effect.gen(function* () {
        if (payload.amount > 100) return yield* Effect.fail(insufficient)
        return { transferred: payload.amount }
      })
    )
  )
)

export default WorkerHandler.make(app, Layer.empty)
