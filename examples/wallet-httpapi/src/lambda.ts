/**
 * The HttpApi wallet as an AWS Lambda handler: any HTTP event source, detected per event.
 */

import * as LambdaClient from "@centrapay-effect/lambda-adapter/LambdaClient"
import * as LambdaHttpApp from "@centrapay-effect/lambda-adapter/LambdaHttpApp"
import { layer as services } from "@centrapay-effect/wallet-api/app"
import { app, layer } from "./app.ts"

/** The Lambda entry point. */
export const handler = LambdaHttpApp.make(app, layer(services(LambdaClient.layer)))
