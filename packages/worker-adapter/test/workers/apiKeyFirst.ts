/**
 * The worker the body-cap tests run in workerd, with the adapter's default
 * options (core's 1 MiB cap): a program that checks `X-Api-Key` before
 * anything else, as the wallet API does, then reports the body size it saw.
 */
import { ApiError, ServerRequest, ServerResponse } from "@centrapay-effect/core"
import { WorkerHandler } from "@centrapay-effect/worker-adapter"
import { Effect, Layer } from "effect"

const missingAuthentication = new ApiError.Unauthorized({ message: "Missing authentication" })

const apiKeyFirst = Effect.gen(function* () {
  if ((yield* ServerRequest.header("x-api-key")) === undefined) return yield* Effect.fail(missingAuthentication)
  const { body } = yield* ServerRequest.CurrentRequest
  return ServerResponse.json({
    bytes: body === undefined ? 0 : typeof body === "string" ? body.length : body.byteLength
  })
})

export default WorkerHandler.make(apiKeyFirst, Layer.empty)
