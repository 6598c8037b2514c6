import { createServer, type Server } from "node:http"
import { Client, Credentials, Endpoint, Router, ServerResponse } from "@centrapay-effect/core"
import { LambdaClient, LambdaContext, LambdaHandler } from "@centrapay-effect/lambda-adapter"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, Schema } from "effect"

// An upstream API on localhost that counts TCP connections and requests, and another origin its
// redirects point to, which counts every request that reaches it.
const upstream = { connections: 0, requests: 0 }
const elsewhere = { requests: 0 }
let server: Server
let otherOrigin: Server
let baseUrl = ""
let otherUrl = ""
const urlOf = (listening: Server) => {
  const address = listening.address()
  return `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
}
beforeAll(async () => {
  otherOrigin = createServer((_, response) => {
    elsewhere.requests++
    response.writeHead(200, { "content-type": "application/json" })
    response.end('{"id":"stolen"}')
  })
  await new Promise<void>((resolve) => otherOrigin.listen(0, "127.0.0.1", resolve))
  otherUrl = urlOf(otherOrigin)
  server = createServer((request, response) => {
    upstream.requests++
    const redirect = /^\/api\/redirect\/(\d{3})/.exec(request.url ?? "")
    if (redirect !== null) {
      response.writeHead(Number(redirect[1]), { location: `${otherUrl}/api/merchant-configs/mc_1` })
      response.end()
      return
    }
    if (request.url?.startsWith("/api/huge")) {
      // An endless body without Content-Length, until the client lets go.
      response.writeHead(200, { "content-type": "application/json" })
      const chunk = Buffer.alloc(64 * 1024, "x")
      const pump = () => {
        while (!response.destroyed) if (!response.write(chunk)) return void response.once("drain", pump)
      }
      response.on("error", () => {})
      pump()
      return
    }
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
  baseUrl = urlOf(server)
})
afterAll(async () => {
  for (const listening of [server, otherOrigin]) {
    listening.closeAllConnections()
    await new Promise<void>((resolve) => listening.close(() => resolve()))
  }
})

const Config = Schema.Struct({ id: Schema.String })
const GetConfig = Endpoint.withSchemas(Endpoint.make("GET /api/merchant-configs/{merchantConfigId}", {}), {
  success: Config
})
const GetSlow = Endpoint.withSchemas(Endpoint.make("GET /api/slow", {}), { success: Config })
const GetHtml = Endpoint.withSchemas(Endpoint.make("GET /api/html", {}), { success: Config })
const GetUnauthorized = Endpoint.withSchemas(Endpoint.make("GET /api/unauthorized", {}), { success: Config })
const GetRedirect = Endpoint.withSchemas(Endpoint.make("GET /api/redirect/{status}", {}), { success: Config })
const PostRedirect = Endpoint.withSchemas(Endpoint.make("POST /api/redirect/{status}", {}), {
  payload: Schema.Struct({ amount: Schema.String, idempotencyKey: Schema.String }),
  success: Config
})
const GetHuge = Endpoint.withSchemas(Endpoint.make("GET /api/huge", {}), { success: Config })
const ProxyConfig = Endpoint.make("GET /proxy", {})
const ProxySlow = Endpoint.make("GET /proxy-slow", {})
const ProxyHtml = Endpoint.make("GET /proxy-html", {})
const ProxyUnauthorized = Endpoint.make("GET /proxy-unauthorized", {})
const ProxyRedirect = Endpoint.make("GET /proxy-redirect/{status}", {})
const ProxyHuge = Endpoint.make("GET /proxy-huge", {})

// Upstream failures are let through: core answers them as a gateway would (502, 504 for a timeout).
const proxy = (call: Effect.Effect<typeof Config.Type, Client.CallError<never>, Client.Client>) => () =>
  Effect.map(call, (config) => ServerResponse.json(config))

const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(ProxyConfig, proxy(Client.call(GetConfig, { path: { merchantConfigId: "mc_1" } }))),
    Router.add(ProxySlow, proxy(Client.call(GetSlow, {}))),
    Router.add(ProxyHtml, proxy(Client.call(GetHtml, {}))),
    Router.add(ProxyUnauthorized, proxy(Client.call(GetUnauthorized, {}))),
    Router.add(ProxyRedirect, ({ path }) => proxy(Client.call(GetRedirect, { path }))()),
    Router.add(ProxyHuge, proxy(Client.call(GetHuge, {})))
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
    expect(result).toMatchObject({ statusCode: 504, headers: { "retry-after": "1" } })
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

  it("never follows a redirect: a 3xx to another origin answers our generic 502, and the other origin sees nothing", async () => {
    const handler = handlerFor()
    for (const status of [301, 302, 303, 307, 308]) {
      const result = await handler(eventFor(`/proxy-redirect/${status}`), LambdaContext.local())
      expect(result).toMatchObject({ statusCode: 502 })
      expect(JSON.parse(result.body ?? "")).toEqual({
        statusCode: 502,
        error: "Bad Gateway",
        message: "Bad Gateway",
        correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/)
      })
    }
    expect(elsewhere.requests).toBe(0)
    await handler.dispose()
  })

  it("the client in the Lambda layer reads a 3xx as UnexpectedStatus; a keyed POST is not re-sent elsewhere", async () => {
    const CentrapayLive = LambdaClient.layer({ baseUrl, credentials: Credentials.apiKey("ak_secret") })
    const before = upstream.requests
    for (const status of [302, 307, 308]) {
      const error = await Effect.runPromise(
        Effect.flip(
          Client.call(PostRedirect, {
            path: { status: String(status) },
            payload: { amount: "10.00", idempotencyKey: "order-42" }
          }).pipe(Effect.provide(CentrapayLive))
        )
      )
      expect(error).toMatchObject({ _tag: "UnexpectedStatus", status })
    }
    expect(upstream.requests - before).toBe(3)
    expect(elsewhere.requests).toBe(0)
  })

  it("a response body over the cap is a typed response-too-large (answered 502), not a crash", async () => {
    const error = await Effect.runPromise(
      Effect.flip(
        Client.call(GetHuge, {}).pipe(
          Effect.provide(
            LambdaClient.layer({ baseUrl, credentials: Credentials.apiKey("ak_test"), maxResponseBytes: 65_536 })
          )
        )
      )
    )
    expect(error).toMatchObject({
      _tag: "TransportFailure",
      reason: "response-too-large",
      detail:
        "the body of the 200 response is over the cap of 65536 bytes (maxResponseBytes); reading stopped there and nothing of it was kept"
    })
    const handler = handlerFor()
    const result = await handler(eventFor("/proxy-huge"), LambdaContext.local())
    expect(result).toMatchObject({ statusCode: 502 })
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
