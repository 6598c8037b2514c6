/**
 * The benchmark's route on this adapter: an endpoint contract, a Router,
 * the body decoded with a Schema into the contract's 400, the documented
 * 403 built once, and the handler's generator defined once
 * (`Effect.fnUntraced`), as the other peers define their handlers once (see
 * `ours-gen.ts` for a new generator function per request). Modules are
 * imported by subpath (`effect/Effect`, not `{ Effect } from "effect"`):
 * esbuild, which wrangler uses, keeps every export of a namespace
 * re-exported from a barrel.
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
    Router.add(
      CreateAssetTransfer,
      Effect.fnUntraced(function* () {
        const { amount } = yield* ServerRequest.jsonBody(Transfer)
        if (amount > 100) return yield* Effect.fail(insufficient)
        return ServerResponse.json({ transferred: amount })
      })
    )
  )
)

export default WorkerHandler.make(app, Layer.empty)
