/**
 * The smallest Worker the README shows: one endpoint declared with payload
 * and success schemas, served by core's `Router` through `WorkerHandler`,
 * every module imported by subpath. `bundle-size.test.ts` holds its size.
 */
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as Router from "@centrapay-effect/core/Router"
import * as WorkerHandler from "@centrapay-effect/worker-adapter/WorkerHandler"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

const CreateAssetTransfer = Endpoint.make(
  "POST /api/asset-transfers",
  { 403: ["INSUFFICIENT_WALLET_BALANCE"] },
  { payload: Schema.Struct({ amount: Schema.Int }), success: Schema.Struct({ transferred: Schema.Int }) }
)
const insufficient = Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE")

export default WorkerHandler.make(
  Router.toHandler(
    Router.empty.pipe(
      Router.add(CreateAssetTransfer, ({ payload }) =>
        payload.amount > 100 ? Effect.fail(insufficient) : Effect.succeed({ transferred: payload.amount })
      )
    )
  ),
  Layer.empty
)
