/**
 * The cold-start baseline: the same program answered by core's ServerRuntime
 * directly, without the adapter — what Effect and core cost on their own.
 */
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as Router from "@centrapay-effect/core/Router"
import * as ServerRuntime from "@centrapay-effect/core/ServerRuntime"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE"] })
const insufficient = Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE")
const runtime = ServerRuntime.make(
  Router.toHandler(Router.empty.pipe(Router.add(CreateAssetTransfer, () => Effect.fail(insufficient)))),
  Layer.empty
)

export const handler = async (event: { readonly rawPath: string }) => {
  const response = await runtime.handle(
    { method: "POST", path: event.rawPath, query: {}, headers: {}, body: undefined, requestId: "cold" },
    Context.empty()
  )
  return { statusCode: response.status, headers: response.headers, body: response.body }
}
