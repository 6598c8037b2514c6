/**
 * The function the cold-start benchmark loads: this adapter serving one
 * route, as a deployed handler module would.
 */
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as Router from "@centrapay-effect/core/Router"
import { LambdaHandler } from "@centrapay-effect/lambda-adapter"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE"] })
const insufficient = Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE")

export const handler = LambdaHandler.make(
  Router.toHandler(Router.empty.pipe(Router.add(CreateAssetTransfer, () => Effect.fail(insufficient)))),
  Layer.empty,
  { source: "api-gateway-v2" }
)
