/**
 * The wallet API as an AWS Lambda handler: any HTTP event source (API
 * Gateway REST or HTTP API, ALB, Function URL), detected per event.
 */
import { LambdaClient, LambdaHandler } from "@centrapay-effect/lambda-adapter"
import { app, layer } from "./app.ts"

/** The Lambda entry point. */
export const handler = LambdaHandler.make(app, layer(LambdaClient.layer))
