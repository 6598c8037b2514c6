/**
 * The wallet API as an AWS Lambda handler: any HTTP event source (API
 * Gateway REST or HTTP API, ALB, Function URL), detected per event. With
 * `REDIS_URL` set (read with `Config` when the layer is built, on the first
 * request), the rates provider's rate limit is shared by every container
 * through Redis.
 */
import * as LambdaClient from "@centrapay-effect/lambda-adapter/LambdaClient"
import * as LambdaHandler from "@centrapay-effect/lambda-adapter/LambdaHandler"
import * as RedisRateLimiter from "@centrapay-effect/lambda-adapter/RedisRateLimiter"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { app, layer } from "./app.ts"

const services = Layer.unwrap(
  Effect.map(Config.option(Config.String("REDIS_URL")), (redisUrl) =>
    layer(LambdaClient.layer, Option.isSome(redisUrl) ? RedisRateLimiter.layer({ url: redisUrl.value }) : undefined)
  )
)

/** The Lambda entry point. */
export const handler = LambdaHandler.make(app, services)
