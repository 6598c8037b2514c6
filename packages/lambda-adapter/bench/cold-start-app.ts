/**
 * The function the cold-start benchmark loads: this adapter serving one
 * route, as a deployed handler module would.
 */
import { Endpoint, Router } from "@centrapay-effect/core"
import { LambdaHandler } from "@centrapay-effect/lambda-adapter"
import { Effect, Layer } from "effect"

const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE"] })
const insufficient = Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE")

export const handler = LambdaHandler.make(
  Router.toHandler(Router.empty.pipe(Router.add(CreateAssetTransfer, () => Effect.fail(insufficient)))),
  Layer.empty,
  { source: "api-gateway-v2" }
)
