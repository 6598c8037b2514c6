/**
 * `ours.ts` with the handler written as `() => Effect.gen(function* () {…})`:
 * a new generator function every request, whose first call costs V8 several
 * µs (it builds the function's generator prototype and map), where a
 * generator function defined once (`Effect.fnUntraced`, or an `Effect.gen`
 * built once) does not.
 */
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as Router from "@centrapay-effect/core/Router"
import * as ServerRequest from "@centrapay-effect/core/ServerRequest"
import * as ServerResponse from "@centrapay-effect/core/ServerResponse"
import * as WorkerHandler from "@centrapay-effect/worker-adapter/WorkerHandler"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE"] })
const Transfer = Schema.Struct({ amount: Schema.Int })
const insufficient = Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE")

const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateAssetTransfer, () =>
      Effect.gen(function* () {
        const { amount } = yield* ServerRequest.jsonBody(Transfer)
        if (amount > 100) return yield* Effect.fail(insufficient)
        return ServerResponse.json({ transferred: amount })
      })
    )
  )
)

export default WorkerHandler.make(app, Layer.empty)
