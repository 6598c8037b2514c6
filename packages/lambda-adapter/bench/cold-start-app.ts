/**
 * The function the cold-start benchmark loads: this adapter serving the
 * benchmark's route (payload decoded with a Schema, 403 above 100), as a
 * deployed handler module would, imported by subpath as the README advises.
 */
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as Router from "@centrapay-effect/core/Router"
import * as LambdaHandler from "@centrapay-effect/lambda-adapter/LambdaHandler"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

const CreateAssetTransfer = Endpoint.make(
  "POST /api/asset-transfers",
  { 403: ["INSUFFICIENT_WALLET_BALANCE"] },
  { payload: Schema.Struct({ amount: Schema.Int }), success: Schema.Struct({ transferred: Schema.Int }) }
)
const insufficient = Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE")

export const handler = LambdaHandler.make(
  Router.toHandler(
    Router.empty.pipe(
      Router.add(CreateAssetTransfer, ({ payload }) =>
        payload.amount > 100 ? Effect.fail(insufficient) : Effect.succeed({ transferred: payload.amount })
      )
    )
  ),
  Layer.empty,
  { source: "api-gateway-v2" }
)
