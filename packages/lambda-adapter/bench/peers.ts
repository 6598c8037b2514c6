/**
 * Warm-path benchmark: one API Gateway HTTP API (payload 2.0) event for the
 * same route (`POST /api/asset-transfers`, JSON body `{ amount }` decoded
 * with a Schema or checked by hand, 403 `INSUFFICIENT_WALLET_BALANCE` above
 * 100, else 200 `{"transferred":amount}`), through this adapter and its
 * peers in one process, the same response bytes checked for every variant.
 * Rounds are interleaved across peers; each round times a batch of about
 * 60 ms per peer and path. Prints one JSON line for `core/bench/report.ts`
 * (`npm run bench`).
 *
 * Peers: a hand-written handler (the floor), middy + http-error-handler,
 * hono's aws-lambda adapter, Effect 4's `HttpEffect.toWebHandler` behind a
 * naive event ⇄ Web `Request`/`Response` conversion, and the same route as
 * an Effect `HttpApi` (errors from core's `HttpApiErrors`, answered by its `AnswerErrors` middleware) served by this
 * adapter (`LambdaHttpApp.make`). `@effect-aws/lambda` needs Effect 3 and
 * is measured in a workspace of its own (`effect-aws.ts`).
 */
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as HttpApiErrors from "@centrapay-effect/core/HttpApiErrors"
import * as HttpApp from "@centrapay-effect/core/HttpApp"
import * as Router from "@centrapay-effect/core/Router"
import { LambdaContext, LambdaHandler, LambdaHttpApp } from "@centrapay-effect/lambda-adapter"
import middy from "@middy/core"
import httpErrorHandler from "@middy/http-error-handler"
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda"
import { Data, Effect, Layer, Schema } from "effect"
import { HttpEffect, HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "effect/http"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"
import { Hono } from "hono"
import { handle } from "hono/aws-lambda"
import { emit, interleave, sampler } from "../../core/bench/stats.ts"
import { transferEvent } from "./event.ts"
import { forbidden, handWritten, json } from "./route.ts"

const transferred = '{"transferred":50}'

const refused = transferEvent(500)
const accepted = transferEvent(50)
const context = LambdaContext.local({ requestId: "bench", timeout: "15 minutes" })
const Transfer = Schema.Struct({ amount: Schema.Int })
const Transferred = Schema.Struct({ transferred: Schema.Int })

// --- this adapter, as its README shows: one declaration, Router.add returning the success --------
const CreateAssetTransfer = Endpoint.make(
  "POST /api/asset-transfers",
  { 403: ["INSUFFICIENT_WALLET_BALANCE"] },
  { payload: Transfer, success: Transferred }
)
const insufficient = Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE")
const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateAssetTransfer, ({ payload }) =>
      payload.amount > 100 ? Effect.fail(insufficient) : Effect.succeed({ transferred: payload.amount })
    )
  )
)
const ours = LambdaHandler.make(app, Layer.empty, { source: "api-gateway-v2" })
const oursDetecting = LambdaHandler.make(app, Layer.empty)

// --- this adapter serving an Effect HttpApi ------------------------------------------
const Api = HttpApi.make("bench").add(
  HttpApiGroup.make("bench")
    .middleware(HttpApiErrors.AnswerErrors)
    .add(
      HttpApiEndpoint.post("transfer", "/api/asset-transfers", {
        payload: Transfer,
        success: Transferred,
        error: HttpApiErrors.forEndpoint(CreateAssetTransfer)
      })
    )
)
const BenchLive = HttpApiBuilder.group(Api, "bench", (handlers) =>
  handlers.handle("transfer", ({ payload }) =>
    payload.amount > 100 ? Effect.fail(insufficient) : Effect.succeed({ transferred: payload.amount })
  )
)
const apiRoutes = HttpApiBuilder.layer(Api).pipe(
  Layer.provide(BenchLive),
  Layer.provide(HttpApiErrors.layerAnswerErrors),
  Layer.provide(HttpServer.layerServices)
)
const oursHttpApi = LambdaHttpApp.make(HttpApp.routed, HttpApp.router(HttpRouter.toHttpEffect(apiRoutes)), {
  source: "api-gateway-v2"
})

// --- middy + http-error-handler ---------------------------------------------------
const decodeTransfer = Schema.decodeUnknownSync(Transfer)
const middyHandler = middy(async (event: APIGatewayProxyEventV2) => {
  const { amount } = decodeTransfer(JSON.parse(event.body ?? ""))
  if (amount > 100) throw Object.assign(new Error(forbidden), { statusCode: 403 })
  return { statusCode: 200, headers: json, body: JSON.stringify({ transferred: amount }) }
}).use(httpErrorHandler({ logger: false }))

// --- hono's aws-lambda adapter ----------------------------------------------------
class InsufficientBalance extends Error {}
const hono = new Hono()
hono.post("/api/asset-transfers", async (c) => {
  const { amount } = decodeTransfer(await c.req.json())
  if (amount > 100) throw new InsufficientBalance()
  return c.json({ transferred: amount })
})
hono.onError((error, c) =>
  error instanceof InsufficientBalance ? c.body(forbidden, 403, json) : c.text("Internal Server Error", 500)
)
const honoHandler = handle(hono)

// --- Effect 4 toWebHandler behind a naive event ⇄ Request conversion -------------
class Insufficient extends Data.TaggedError("Insufficient") {}
const webApp = Effect.gen(function* () {
  const { amount } = yield* HttpServerRequest.schemaBodyJson(Transfer)
  if (amount > 100) return yield* Effect.fail(new Insufficient())
  return HttpServerResponse.text(JSON.stringify({ transferred: amount }), { contentType: "application/json" })
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

// hono's own event type wants `body`, `authentication` and `authorizer` on payload 2.0
// events; these empty ones mean none to it.
const forHono = (event: APIGatewayProxyEventV2) => ({
  ...event,
  body: event.body ?? "",
  requestContext: { ...event.requestContext, authentication: null, authorizer: {} }
})

type Invoke = (event: APIGatewayProxyEventV2) => Promise<unknown>
const variants: ReadonlyArray<readonly [string, Invoke]> = [
  ["hand-written", handWritten],
  ["@centrapay-effect/lambda-adapter (source named)", (event) => ours(event, context)],
  ["@centrapay-effect/lambda-adapter (source detected)", (event) => oursDetecting(event, context)],
  ["@centrapay-effect/lambda-adapter + Effect HttpApi (AnswerErrors)", (event) => oursHttpApi(event, context)],
  ["middy + http-error-handler", (event) => middyHandler(event, context)],
  ["hono aws-lambda", (event) => honoHandler(forHono(event), context)],
  ["Effect 4 toWebHandler + event⇄Request", viaWebRequest]
]

const rounds = Number(process.env.BENCH_ROUNDS ?? "9")
const pathTable = async (id: string, title: string, event: APIGatewayProxyEventV2, expected: string) => {
  const samplers: Array<readonly [string, () => Promise<number>]> = []
  for (const [name, invoke] of variants) {
    const body = bodyOf(await invoke(event))
    if (body !== expected) throw new Error(`${name}: unexpected body ${String(body)}`)
    samplers.push([name, await sampler(() => invoke(event))])
  }
  return { id, title, unit: "µs", baseline: "hand-written", rows: await interleave(samplers, rounds) }
}

emit([
  await pathTable("lambda-error", "Lambda v2 warm, error path (403)", refused, forbidden),
  await pathTable("lambda-success", "Lambda v2 warm, success path (200)", accepted, transferred)
])
await ours.dispose()
await oursDetecting.dispose()
await oursHttpApi.dispose()
