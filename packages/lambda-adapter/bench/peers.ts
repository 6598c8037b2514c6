/**
 * Warm-path benchmark: one API Gateway HTTP API (payload 2.0) event, the same
 * route, the same response bytes, through this adapter and its peers, in one
 * run. Prints µs per invocation (median of several rounds) and the ratio to
 * this adapter. Run with `npm run bench` (after `npm run build`).
 *
 * Peers: a hand-written handler (the floor), middy + http-error-handler,
 * hono's aws-lambda adapter, and Effect 4's `HttpEffect.toWebHandler` behind a
 * naive event ⇄ Web `Request`/`Response` conversion; and the same route as an
 * Effect `HttpApi` (errors from core's `HttpApiErrors`) served by this adapter
 * (`LambdaHttpApp.make`). `@effect-aws/lambda` is
 * measured separately (it needs Effect 3, which cannot share this workspace;
 * see the README).
 */
import { readFileSync } from "node:fs"
import { Endpoint, HttpApiErrors, HttpApp, Router, ServerResponse } from "@centrapay-effect/core"
import { LambdaContext, LambdaHandler, LambdaHttpApp } from "@centrapay-effect/lambda-adapter"
import middy from "@middy/core"
import httpErrorHandler from "@middy/http-error-handler"
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda"
import { Data, Effect, Layer, Schema } from "effect"
import { HttpEffect, HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "effect/http"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"
import { Hono } from "hono"
import { handle } from "hono/aws-lambda"

const forbidden = '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
const healthy = '{"ok":true}'

const base: APIGatewayProxyEventV2 = JSON.parse(
  readFileSync(new URL("../test/fixtures/apigw-v2-get.json", import.meta.url), "utf8")
)
const eventFor = (method: string, path: string): APIGatewayProxyEventV2 => ({
  ...base,
  rawPath: path,
  requestContext: { ...base.requestContext, http: { ...base.requestContext.http, method, path } }
})
const transfer = eventFor("POST", "/api/asset-transfers")
const health = eventFor("GET", "/health")
const context = LambdaContext.local({ requestId: "bench", timeout: "15 minutes" })

// --- this adapter -----------------------------------------------------------
const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE"] })
const Health = Endpoint.make("GET /health", {})
const insufficient = Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE")
const ok = ServerResponse.json({ ok: true })
const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateAssetTransfer, () => Effect.fail(insufficient)),
    Router.add(Health, () => Effect.succeed(ok))
  )
)
const ours = LambdaHandler.make(app, Layer.empty, { source: "api-gateway-v2" })
const oursDetecting = LambdaHandler.make(app, Layer.empty)

// --- this adapter serving an Effect HttpApi ------------------------------------------
const Api = HttpApi.make("bench").add(
  HttpApiGroup.make("bench")
    .add(
      HttpApiEndpoint.post("transfer", "/api/asset-transfers", {
        success: Schema.Struct({ ok: Schema.Boolean }),
        error: HttpApiErrors.forEndpoint(CreateAssetTransfer)
      })
    )
    .add(HttpApiEndpoint.get("health", "/health", { success: Schema.Struct({ ok: Schema.Boolean }) }))
)
const BenchLive = HttpApiBuilder.group(Api, "bench", (handlers) =>
  handlers.handle("transfer", () => Effect.fail(insufficient)).handle("health", () => Effect.succeed({ ok: true }))
)
const apiRoutes = HttpApiBuilder.layer(Api).pipe(Layer.provide(BenchLive), Layer.provide(HttpServer.layerServices))
const oursHttpApi = LambdaHttpApp.make(HttpApp.routed, HttpApp.router(HttpRouter.toHttpEffect(apiRoutes)), {
  source: "api-gateway-v2"
})

// --- hand-written: the floor ---------------------------------------------------
const handWritten = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const { method } = event.requestContext.http
  const json = { "content-type": "application/json" }
  if (method === "POST" && event.rawPath === "/api/asset-transfers")
    return { statusCode: 403, headers: json, body: forbidden }
  if (method === "GET" && event.rawPath === "/health") return { statusCode: 200, headers: json, body: healthy }
  return { statusCode: 404, headers: json, body: '{"statusCode":404,"error":"Not Found","message":"Not Found"}' }
}

// --- middy + http-error-handler ---------------------------------------------------
const middyHandler = middy(async (event: APIGatewayProxyEventV2) => {
  if (event.rawPath === "/health")
    return { statusCode: 200, headers: { "content-type": "application/json" }, body: healthy }
  throw Object.assign(new Error(forbidden), { statusCode: 403 })
}).use(httpErrorHandler({ logger: false }))

// --- hono's aws-lambda adapter ----------------------------------------------------
class InsufficientBalance extends Error {}
const hono = new Hono()
hono.post("/api/asset-transfers", () => {
  throw new InsufficientBalance()
})
hono.get("/health", (c) => c.json({ ok: true }))
hono.onError((error, c) =>
  error instanceof InsufficientBalance
    ? c.body(forbidden, 403, { "content-type": "application/json" })
    : c.text("Internal Server Error", 500)
)
const honoHandler = handle(hono)

// --- Effect 4 toWebHandler behind a naive event ⇄ Request conversion -------------
class Insufficient extends Data.TaggedError("Insufficient") {}
const webApp = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  if (request.method === "GET") return HttpServerResponse.text(healthy, { contentType: "application/json" })
  return yield* Effect.fail(new Insufficient())
}).pipe(
  Effect.catchTag("Insufficient", () =>
    Effect.succeed(HttpServerResponse.text(forbidden, { status: 403, contentType: "application/json" }))
  )
)
const webHandler = HttpEffect.toWebHandler(webApp)
const viaWebRequest = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const query = event.rawQueryString === "" ? "" : `?${event.rawQueryString}`
  const headers = new Headers()
  for (const [name, value] of Object.entries(event.headers)) if (value !== undefined) headers.set(name, value)
  const method = event.requestContext.http.method
  const request = new Request(`https://${event.requestContext.domainName}${event.rawPath}${query}`, {
    method,
    headers,
    ...(event.body === undefined || method === "GET" ? {} : { body: event.body })
  })
  const response = await webHandler(request)
  const resultHeaders: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    resultHeaders[name] = value
  })
  return { statusCode: response.status, headers: resultHeaders, body: await response.text(), isBase64Encoded: false }
}

// --- harness -------------------------------------------------------------------------
const bodyOf = (result: unknown): unknown =>
  typeof result === "object" && result !== null && "body" in result ? result.body : undefined

const perInvocation = async <E>(handler: (event: E) => Promise<unknown>, event: E): Promise<number> => {
  let iterations = 1_000
  for (;;) {
    const started = process.hrtime.bigint()
    for (let i = 0; i < iterations; i++) await handler(event)
    const elapsed = Number(process.hrtime.bigint() - started)
    if (elapsed > 200_000_000) return elapsed / iterations / 1_000
    iterations *= 2
  }
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

const measure = async <E>(handler: (event: E) => Promise<unknown>, event: E, expected: string): Promise<number> => {
  const body = bodyOf(await handler(event))
  if (body !== expected) throw new Error(`unexpected body ${String(body)}`)
  await perInvocation(handler, event)
  const rounds: Array<number> = []
  for (let round = 0; round < 5; round++) rounds.push(await perInvocation(handler, event))
  return median(rounds)
}

/** Measures a peer on the error path (403) and the success path (200). */
const peer =
  <E>(name: string, handler: (event: E) => Promise<unknown>, error: E, success: E) =>
  async (): Promise<readonly [string, number, number]> => [
    name,
    await measure(handler, error, forbidden),
    await measure(handler, success, healthy)
  ]

// hono's own event type wants `body`, `authentication` and `authorizer` on payload 2.0
// events; these empty ones mean none to it.
const forHono = (event: APIGatewayProxyEventV2) => ({
  ...event,
  body: event.body ?? "",
  requestContext: { ...event.requestContext, authentication: null, authorizer: {} }
})

const peers = [
  peer("@centrapay-effect/lambda-adapter (source named)", (event) => ours(event, context), transfer, health),
  peer("@centrapay-effect/lambda-adapter (detected)", (event) => oursDetecting(event, context), transfer, health),
  peer("@centrapay-effect/lambda-adapter + Effect HttpApi", (event) => oursHttpApi(event, context), transfer, health),
  peer("hand-written", handWritten, transfer, health),
  peer("middy + http-error-handler", (event) => middyHandler(event, context), transfer, health),
  peer("hono aws-lambda", (event) => honoHandler(event, context), forHono(transfer), forHono(health)),
  peer("Effect 4 toWebHandler + event⇄Request", viaWebRequest, transfer, health)
]

const rows: Array<readonly [string, number, number]> = []
for (const run of peers) rows.push(await run())
const [, oursError = Number.NaN, oursSuccess = Number.NaN] = rows[0] ?? []
const format = (micros: number, reference: number) => `${micros.toFixed(1)} µs (${(micros / reference).toFixed(2)}×)`
console.log(`Node ${process.version}, ${process.arch}; median of 5 rounds; ratio to this adapter (source named)\n`)
console.log("| handler | warm error path (403) | warm success path (200) |")
console.log("|---|---|---|")
for (const [name, error, success] of rows) {
  console.log(`| ${name} | ${format(error, oursError)} | ${format(success, oursSuccess)} |`)
}
await ours.dispose()
await oursDetecting.dispose()
await oursHttpApi.dispose()
