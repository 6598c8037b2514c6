/**
 * The worker the error-format tests run in workerd: the same failing program
 * served by a negotiating handler, and under `/always/` by one that always
 * answers RFC 9457 problem details.
 */
import { ApiError, Endpoint, ServerRequest } from "@centrapay-effect/core"
import { WorkerHandler } from "@centrapay-effect/worker-adapter"
import { Effect, Layer } from "effect"

const Transfer = Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"] })

// Every request fails as the contract says; no router, so only the format is under test.
const program = Effect.gen(function* () {
  const request = yield* ServerRequest.CurrentRequest
  return yield* request.path.endsWith("/api/asset-transfers")
    ? Effect.fail(Endpoint.violation(Transfer, "INSUFFICIENT_WALLET_BALANCE"))
    : Effect.fail(new ApiError.RouteNotFound({ message: "Not Found" }))
})

const negotiating = WorkerHandler.make(program, Layer.empty, { errorFormat: "negotiate", maxBodyBytes: 16 })
const always = WorkerHandler.make(program, Layer.empty, { errorFormat: "problem+json" })

export default {
  fetch: (...args: Parameters<typeof negotiating.fetch>) =>
    new URL(args[0].url).pathname.startsWith("/always/") ? always.fetch(...args) : negotiating.fetch(...args)
}
