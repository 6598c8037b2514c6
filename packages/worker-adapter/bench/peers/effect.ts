/**
 * Peer: the benchmark's route as a naive Effect 4 web handler
 * (`HttpEffect.toWebHandler`), the body decoded with a Schema.
 */
import { Effect, Schema } from "effect"
import { HttpEffect, HttpServerRequest, HttpServerResponse } from "effect/http"

const Transfer = Schema.Struct({ amount: Schema.Int })
const forbidden = { statusCode: 403, error: "Forbidden", message: "INSUFFICIENT_WALLET_BALANCE" }
const notFound = HttpServerResponse.jsonUnsafe(
  { statusCode: 404, error: "Not Found", message: "Not Found" },
  { status: 404 }
)

const app = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  if (request.method !== "POST" || request.url !== "/api/asset-transfers") return notFound
  const { amount } = yield* HttpServerRequest.schemaBodyJson(Transfer)
  if (amount > 100) return HttpServerResponse.jsonUnsafe(forbidden, { status: 403 })
  return HttpServerResponse.jsonUnsafe({ transferred: amount })
})

export default { fetch: HttpEffect.toWebHandler(app) }
