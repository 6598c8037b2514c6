import { HttpApp, type ServerRequest, ServerRuntime } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Logger, Schema } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { HttpApiError } from "effect/http-api"

// A plain HttpRouter app, as users write one, served through core's runtime.
const routes = Layer.mergeAll(
  HttpRouter.add("GET", "/ok", Effect.succeed(HttpServerResponse.jsonUnsafe({ ok: true }))),
  HttpRouter.add(
    "GET",
    "/cookie",
    Effect.succeed(
      HttpServerResponse.jsonUnsafe({ ok: true }).pipe(
        HttpServerResponse.setCookieUnsafe("a", "1"),
        HttpServerResponse.setCookieUnsafe("b", "2")
      )
    )
  ),
  HttpRouter.add("GET", "/defect", Effect.die(new Error("secret stack"))),
  HttpRouter.add("GET", "/empty-401", Effect.succeed(HttpServerResponse.empty({ status: 401 }))),
  HttpRouter.add("GET", "/405", Effect.succeed(HttpServerResponse.text("Method Not Allowed", { status: 405 }))),
  HttpRouter.add("GET", "/415", Effect.succeed(HttpServerResponse.text("Unsupported", { status: 415 }))),
  HttpRouter.add("GET", "/forbidden", Effect.fail(new HttpApiError.Forbidden())),
  HttpRouter.add(
    "POST",
    "/echo",
    Effect.flatMap(HttpServerRequest.schemaBodyJson(Schema.Struct({ text: Schema.String })), (body) =>
      Effect.succeed(HttpServerResponse.jsonUnsafe(body))
    ).pipe(Effect.orDie)
  ),
  HttpRouter.add(
    "GET",
    "/query",
    HttpServerRequest.HttpServerRequest.use((request) =>
      Effect.succeed(
        HttpServerResponse.jsonUnsafe({ url: request.url, method: request.method, key: request.headers["x-api-key"] })
      )
    )
  )
)

const runtime = ServerRuntime.make(
  HttpApp.toProgram(HttpApp.routed),
  Layer.merge(HttpApp.router(HttpRouter.toHttpEffect(routes)), Logger.layer([]))
)

const request = (method: string, path: string, extra: Partial<ServerRequest.ServerRequest> = {}) =>
  runtime.handle({ method, path, query: {}, headers: {}, body: undefined, requestId: "r-1", ...extra }, Context.empty())

describe("HttpApp: an Effect HTTP app on core's runtime, the contract at the edge", () => {
  it("answers the app's response, cookies as set-cookie values, no content-length", async () => {
    expect(await request("GET", "/ok")).toEqual({
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"ok":true}'
    })
    expect((await request("GET", "/cookie")).headers["set-cookie"]).toEqual(["a=1", "b=2"])
  })

  it("reads the neutral request as an HttpServerRequest: method, url with the query, headers", async () => {
    const response = await request("GET", "/query", {
      query: { page: "2", tag: ["a", "b c"] },
      headers: { "x-api-key": "k" }
    })
    expect(JSON.parse(response.body)).toEqual({ url: "/query?page=2&tag=a&tag=b%20c", method: "GET", key: "k" })
  })

  it("an unmatched route or a wrong method is the contract's 404", async () => {
    const notFound = {
      status: 404,
      headers: { "content-type": "application/json" },
      body: '{"statusCode":404,"error":"Not Found","message":"Not Found"}'
    }
    expect(await request("GET", "/nothing")).toEqual(notFound)
    expect(await request("DELETE", "/ok")).toEqual(notFound)
    expect(await request("GET", "/405")).toEqual(notFound)
  })

  it("a defect is the generic 500 with the correlation id, never the cause", async () => {
    const response = await request("GET", "/defect")
    expect(response).toEqual({
      status: 500,
      headers: { "content-type": "application/json", "x-request-id": "r-1" },
      body: '{"statusCode":500,"error":"Internal Server Error","message":"Internal Server Error","correlationId":"r-1"}'
    })
  })

  it("an empty error status, or a Respondable error, gets the contract's body", async () => {
    expect(await request("GET", "/empty-401")).toEqual({
      status: 401,
      headers: {
        "content-type": "application/json",
        "www-authenticate": 'ApiKey realm="centrapay", header="X-Api-Key", Bearer realm="centrapay"'
      },
      body: '{"statusCode":401,"error":"Unauthorized","message":"Unauthorized"}'
    })
    expect(await request("GET", "/forbidden")).toEqual({
      status: 403,
      headers: { "content-type": "application/json" },
      body: '{"statusCode":403,"error":"Forbidden","message":"Forbidden"}'
    })
  })

  it("a 415 is the contract's 400 for the content type", async () => {
    const response = await request("GET", "/415", { headers: { "content-type": "text/plain" } })
    expect(response).toEqual({
      status: 400,
      headers: { "content-type": "application/json" },
      body: '{"statusCode":400,"error":"Bad Request","message":"Expected Content-Type: application/json, got \\"text/plain\\"","issues":[{"path":["header","content-type"],"message":"Expected application/json"}],"problem":"unsupported-content-type"}'
    })
  })

  it("reads the body the adapter read, a byte-order mark dropped", async () => {
    const response = await request("POST", "/echo", {
      headers: { "content-type": "application/json" },
      body: '\ufeff{"text":"hi"}'
    })
    expect(response.body).toBe('{"text":"hi"}')
  })
})
