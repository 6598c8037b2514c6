import { createServer, type Server } from "node:http"
import { ApiError, Client, Credentials, Endpoint, Router, ServerResponse } from "@centrapay-effect/core"
import { LambdaClient, LambdaContext, LambdaHandler } from "@centrapay-effect/lambda-adapter"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, Schema } from "effect"

// An upstream API on localhost that counts TCP connections and requests.
const upstream = { connections: 0, requests: 0 }
let server: Server
let baseUrl = ""
beforeAll(async () => {
  server = createServer((request, response) => {
    upstream.requests++
    if (request.url?.startsWith("/api/slow")) {
      const timer = setTimeout(() => response.end("{}"), 3_000)
      response.on("close", () => clearTimeout(timer))
      return
    }
    response.writeHead(200, { "content-type": "application/json" })
    response.end(JSON.stringify({ id: request.url?.split("/").pop() }))
  })
  server.on("connection", () => upstream.connections++)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  baseUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const Config = Schema.Struct({ id: Schema.String })
const GetConfig = Endpoint.withSchemas(Endpoint.make("GET /api/merchant-configs/{merchantConfigId}", {}), {
  success: Config
})
const GetSlow = Endpoint.withSchemas(Endpoint.make("GET /api/slow", {}), { success: Config })
const ProxyConfig = Endpoint.make("GET /proxy", {})
const ProxySlow = Endpoint.make("GET /proxy-slow", {})

// Upstream failures become this service's own 5xx: 504 for a timeout, 502 otherwise.
const asGatewayError = (error: Client.CallError<never>) =>
  new ApiError.ServerError({ status: error._tag === "Timeout" ? 504 : 502, message: error._tag })

const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(ProxyConfig, () =>
      Client.call(GetConfig, { path: { merchantConfigId: "mc_1" } }).pipe(
        Effect.map((config) => ServerResponse.json(config)),
        Effect.mapError(asGatewayError)
      )
    ),
    Router.add(ProxySlow, () =>
      Client.call(GetSlow, {}).pipe(
        Effect.map((config) => ServerResponse.json(config)),
        Effect.mapError(asGatewayError)
      )
    )
  )
)

const eventFor = (path: string) => ({
  version: "2.0",
  rawPath: path,
  rawQueryString: "",
  headers: {},
  isBase64Encoded: false,
  requestContext: { http: { method: "GET", path }, requestId: "r", stage: "$default" }
})

const handlerFor = (options?: LambdaClient.Options) =>
  LambdaHandler.make(
    app,
    Layer.merge(LambdaClient.layer({ baseUrl, credentials: Credentials.apiKey("ak_test") }, options), Logger.layer([]))
  )

describe("LambdaClient", () => {
  it("reuses the client and its connections across invocations", async () => {
    const handler = handlerFor()
    const before = { ...upstream }
    for (let invocation = 0; invocation < 4; invocation++) {
      const result = await handler(eventFor("/proxy"), LambdaContext.local())
      expect(result).toMatchObject({ statusCode: 200, body: '{"id":"mc_1"}' })
      // Invocations never follow each other within one tick; fetch returns a socket to its pool a tick after the body.
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(upstream.requests - before.requests).toBe(4)
    expect(upstream.connections - before.connections).toBe(1)
    await handler.dispose()
  })

  it("caps each call by the invocation's remaining time: a slow upstream ends as the client's Timeout", async () => {
    const handler = handlerFor({ margin: "1500 millis" })
    const started = Date.now()
    // 2 s left: the call may run until 0.5 s (1.5 s margin), the program until 1.5 s (500 ms margin).
    const result = await handler(eventFor("/proxy-slow"), LambdaContext.local({ timeout: "2 seconds" }))
    const elapsed = Date.now() - started
    expect(result).toMatchObject({ statusCode: 504 })
    expect(JSON.parse(result.body ?? "")).toMatchObject({ statusCode: 504, message: "Timeout" })
    expect(elapsed).toBeGreaterThanOrEqual(450)
    expect(elapsed).toBeLessThan(1_500)
    await handler.dispose()
  })

  it("outside an invocation, calls run with the client's own settings", async () => {
    const config = await Effect.runPromise(
      Client.call(GetConfig, { path: { merchantConfigId: "mc_2" } }).pipe(
        Effect.provide(LambdaClient.layer({ baseUrl, credentials: Credentials.apiKey("ak_test") }))
      )
    )
    expect(config).toEqual({ id: "mc_2" })
  })
})
