import { createServer, type Server } from "node:http"
import { Client, Credentials, Endpoint, Router, ServerResponse } from "@centrapay-effect/core"
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
    if (request.url?.startsWith("/api/html")) {
      response.writeHead(502, { "content-type": "text/html" })
      response.end("<html><body><h1>502 Bad Gateway</h1><p>upstream billing-internal.prod:8443</p></body></html>")
      return
    }
    if (request.url?.startsWith("/api/unauthorized")) {
      response.writeHead(401, { "content-type": "application/json" })
      response.end('{"statusCode":401,"error":"Unauthorized","message":"Invalid API key"}')
      return
    }
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
const GetHtml = Endpoint.withSchemas(Endpoint.make("GET /api/html", {}), { success: Config })
const GetUnauthorized = Endpoint.withSchemas(Endpoint.make("GET /api/unauthorized", {}), { success: Config })
const ProxyConfig = Endpoint.make("GET /proxy", {})
const ProxySlow = Endpoint.make("GET /proxy-slow", {})
const ProxyHtml = Endpoint.make("GET /proxy-html", {})
const ProxyUnauthorized = Endpoint.make("GET /proxy-unauthorized", {})

// Upstream failures are let through: core answers them as a gateway would (502, 504 for a timeout).
const proxy = (call: Effect.Effect<typeof Config.Type, Client.CallError<never>, Client.Client>) => () =>
  Effect.map(call, (config) => ServerResponse.json(config))

const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(ProxyConfig, proxy(Client.call(GetConfig, { path: { merchantConfigId: "mc_1" } }))),
    Router.add(ProxySlow, proxy(Client.call(GetSlow, {}))),
    Router.add(ProxyHtml, proxy(Client.call(GetHtml, {}))),
    Router.add(ProxyUnauthorized, proxy(Client.call(GetUnauthorized, {})))
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
    expect(JSON.parse(result.body ?? "")).toEqual({
      statusCode: 504,
      error: "Gateway Timeout",
      message: "Gateway Timeout",
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/)
    })
    expect(elapsed).toBeGreaterThanOrEqual(450)
    expect(elapsed).toBeLessThan(1_500)
    await handler.dispose()
  })

  it("never forwards what the client received: an upstream HTML 502 and an upstream 401 are our generic 502", async () => {
    const handler = handlerFor()
    for (const path of ["/proxy-html", "/proxy-unauthorized"]) {
      const result = await handler(eventFor(path), LambdaContext.local())
      expect(result).toMatchObject({ statusCode: 502 })
      expect(JSON.parse(result.body ?? "")).toEqual({
        statusCode: 502,
        error: "Bad Gateway",
        message: "Bad Gateway",
        correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/)
      })
      expect(result.body).not.toMatch(/billing-internal|Invalid API key/)
    }
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
