/**
 * The benchmark's route on this adapter, as its README shows: one endpoint
 * declaration (payload and success schemas), `Router.add` returning the
 * success value, the documented 403 built once. Modules are imported by
 * subpath (`effect/Effect`, not `{ Effect } from "effect"`): esbuild, which
 * wrangler uses, keeps every export of a namespace re-exported from a barrel.
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

const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateAssetTransfer, ({ payload }) =>
      payload.amount > 100 ? Effect.fail(insufficient) : Effect.succeed({ transferred: payload.amount })
    )
  )
)

export default WorkerHandler.make(app, Layer.empty)
