/**
 * Profiles the warm error path of an Effect HttpApi served by this adapter
 * (the route of `peers.ts`): `node --cpu-prof bench/profile-httpapi.ts`.
 */
import { readFileSync } from "node:fs"
import { Endpoint, HttpApiErrors, HttpApp } from "@centrapay-effect/core"
import { LambdaContext, LambdaHttpApp } from "@centrapay-effect/lambda-adapter"
import type { APIGatewayProxyEventV2 } from "aws-lambda"
import { Effect, Layer, Schema } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"

const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE"] })
const insufficient = Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE")
const Api = HttpApi.make("bench").add(
  HttpApiGroup.make("bench").add(
    HttpApiEndpoint.post("transfer", "/api/asset-transfers", {
      success: Schema.Struct({ ok: Schema.Boolean }),
      error: HttpApiErrors.forEndpoint(CreateAssetTransfer)
    })
  )
)
const Live = HttpApiBuilder.group(Api, "bench", (handlers) =>
  handlers.handle("transfer", () => Effect.fail(insufficient))
)
const routes = HttpApiBuilder.layer(Api).pipe(Layer.provide(Live), Layer.provide(HttpServer.layerServices))
const handler = LambdaHttpApp.make(HttpApp.routed, HttpApp.router(HttpRouter.toHttpEffect(routes)), {
  source: "api-gateway-v2"
})
const base: APIGatewayProxyEventV2 = JSON.parse(
  readFileSync(new URL("../test/fixtures/apigw-v2-get.json", import.meta.url), "utf8")
)
const event: APIGatewayProxyEventV2 = {
  ...base,
  rawPath: "/api/asset-transfers",
  requestContext: {
    ...base.requestContext,
    http: { ...base.requestContext.http, method: "POST", path: "/api/asset-transfers" }
  }
}
const context = LambdaContext.local({ requestId: "bench", timeout: "15 minutes" })
const iterations = Number(process.argv[2] ?? 100_000)
const started = process.hrtime.bigint()
for (let i = 0; i < iterations; i++) await handler(event, context)
console.log(`${(Number(process.hrtime.bigint() - started) / iterations / 1000).toFixed(1)} µs per invocation`)
await handler.dispose()
