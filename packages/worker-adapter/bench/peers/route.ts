/**
 * The benchmark's route as this adapter's README writes it: one endpoint
 * declaration (payload and success schemas), `Router.add` returning the
 * success value, the documented 403 built once. Shared by `ours.ts`,
 * `ours-gen.ts` and `profile.ts`. Modules are imported by subpath
 * (`effect/Effect`, not `{ Effect } from "effect"`): esbuild, which wrangler
 * uses, keeps every export of a namespace re-exported from a barrel.
 */
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as Router from "@centrapay-effect/core/Router"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/** `POST /api/asset-transfers`, `{ amount }` in, `{ transferred }` out, one documented 403. */
export const CreateAssetTransfer = Endpoint.make(
  "POST /api/asset-transfers",
  { 403: ["INSUFFICIENT_WALLET_BALANCE"] },
  { payload: Schema.Struct({ amount: Schema.Int }), success: Schema.Struct({ transferred: Schema.Int }) }
)

/** The documented 403, built once. */
export const insufficient = Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE")

/** The route's program. */
export const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateAssetTransfer, ({ payload }) =>
      payload.amount > 100 ? Effect.fail(insufficient) : Effect.succeed({ transferred: payload.amount })
    )
  )
)
