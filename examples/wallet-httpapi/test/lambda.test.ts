/**
 * The HttpApi wallet on Lambda, with real AWS sample events of every source
 * (API Gateway REST, HTTP API, ALB, Function URL): for every request of the
 * wallet-api tests, the same status, contract headers and body bytes as the
 * wallet-api example written with core's `Router`.
 */
import { readFileSync } from "node:fs"
import { LambdaClient, LambdaContext, LambdaHandler, LambdaHttpApp } from "@centrapay-effect/lambda-adapter"
import { app as routerApp, layer as routerLayer } from "@centrapay-effect/wallet-api/app"
import { ratesApiEnv, startRatesApi } from "@centrapay-effect/wallet-api/demo/rates-api"
import type { ScriptedServer } from "@centrapay-effect/wallet-api/demo/scripted-server"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { app, layer } from "../src/app.ts"
import { contractHeaders, headersOf, type Request, requests } from "./requests.ts"

let rates: ScriptedServer
beforeAll(async () => {
  rates = await startRatesApi()
  // Lambda reads its configuration from the environment, when the layer is first built.
  Object.assign(process.env, ratesApiEnv(rates.url))
})
afterAll(() => rates?.close())

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../packages/lambda-adapter/test/fixtures/${name}`, import.meta.url), "utf8"))

// The fixture's headers without the ones a request sets itself.
const baseHeaders = (event: Record<string, unknown>): Record<string, string> => {
  const headers: Record<string, string> = {}
  const given = event.headers
  if (typeof given !== "object" || given === null) return headers
  for (const [name, value] of Object.entries(given)) {
    const lower = name.toLowerCase()
    if (typeof value === "string" && lower !== "content-type" && lower !== "content-length") headers[name] = value
  }
  return headers
}

const payloadV2 = (name: string) => (request: Request) => {
  const event = fixture(name)
  const context = fixture(name).requestContext
  const http = typeof context === "object" && context !== null && "http" in context ? context.http : {}
  return {
    ...event,
    rawPath: request.path,
    rawQueryString: "",
    headers: { ...baseHeaders(event), ...headersOf(request) },
    requestContext: {
      ...(typeof context === "object" ? context : {}),
      http: { ...(typeof http === "object" ? http : {}), method: request.method, path: request.path }
    },
    ...(request.body === undefined ? {} : { body: request.body }),
    isBase64Encoded: false
  }
}

/** Each source, with a real sample event it is built from. */
const sources: ReadonlyArray<readonly [string, (request: Request) => unknown]> = [
  [
    "API Gateway REST (v1)",
    (request) => {
      const event = fixture("apigw-v1-post-json.json")
      const headers = { ...baseHeaders(event), ...headersOf(request) }
      return {
        ...event,
        httpMethod: request.method,
        path: request.path,
        headers,
        multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        body: request.body ?? null,
        isBase64Encoded: false
      }
    }
  ],
  ["API Gateway HTTP API (v2)", payloadV2("apigw-v2-get.json")],
  ["Function URL", payloadV2("function-url-get.json")],
  [
    "ALB",
    (request) => {
      const event = fixture("alb-single-value-get.json")
      return {
        ...event,
        httpMethod: request.method,
        path: request.path,
        headers: { ...baseHeaders(event), ...headersOf(request) },
        body: request.body ?? "",
        isBase64Encoded: false
      }
    }
  ]
]

interface Answer {
  readonly status: unknown
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: unknown
}

// Status, the contract's headers (from whichever header map the source's result uses) and body.
const answerOf = (result: {
  readonly statusCode?: unknown
  readonly headers?: unknown
  readonly multiValueHeaders?: unknown
  readonly body?: unknown
}): Answer => {
  const headers: Record<string, string | undefined> = {}
  for (const map of [result.headers, result.multiValueHeaders]) {
    if (typeof map !== "object" || map === null) continue
    for (const [name, value] of Object.entries(map)) {
      const lower = name.toLowerCase()
      if (contractHeaders.some((wanted) => wanted === lower)) {
        headers[lower] = Array.isArray(value) ? value.join(", ") : String(value)
      }
    }
  }
  return { status: result.statusCode, headers, body: result.body }
}

describe("the HttpApi wallet on Lambda answers as the Router wallet does", () => {
  for (const [source, eventOf] of sources) {
    it(`${source}: every request of the wallet-api tests, byte for byte`, async () => {
      const router = LambdaHandler.make(routerApp, routerLayer(LambdaClient.layer))
      const httpApi = LambdaHttpApp.make(app, layer(routerLayer(LambdaClient.layer)))
      const answers: Array<Answer> = []
      for (const [index, request] of requests.entries()) {
        const context = LambdaContext.local({ requestId: `req-${index}` })
        const event = eventOf(request)
        const expected = answerOf(await router(event, context))
        const actual = answerOf(await httpApi(event, context))
        expect({ request, ...actual }).toEqual({ request, ...expected })
        answers.push(actual)
      }
      await Promise.all([router.dispose(), httpApi.dispose()])
      // A few answers written out, whatever both examples do.
      const at = (method: string, path: string, key?: string | null) =>
        answers[requests.findIndex((r) => r.method === method && r.path === path && r.key === key)]
      expect(at("GET", "/api/nothing-here")).toEqual({
        status: 404,
        headers: { "content-type": "application/json" },
        body: '{"statusCode":404,"error":"Not Found","message":"Not Found"}'
      })
      expect(at("DELETE", "/api/asset-transfers")?.status).toBe(404)
      expect(at("GET", "/api/merchant-configs/mc_3LKQhvGUcADgqoEM3bh6pslE", null)).toEqual({
        status: 401,
        headers: {
          "content-type": "application/json",
          "www-authenticate": 'ApiKey realm="centrapay", header="X-Api-Key", Bearer realm="centrapay"'
        },
        body: '{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}'
      })
      expect(at("GET", "/api/merchant-configs/c_3LKQ")).toMatchObject({ status: 400 })
      expect(JSON.parse(String(at("GET", "/api/merchant-configs/c_3LKQ")?.body)).issues[0].path).toEqual([
        "path",
        "merchantConfigId"
      ])
      const live = (currency: string) =>
        answers[requests.findIndex((r) => r.path === `/api/exchange-rates/${currency}/live`)]
      expect(live("XAU")?.body).toBe('{"statusCode":403,"error":"Forbidden","message":"UNSUPPORTED_CURRENCY"}')
      const aud = requests.findIndex((r) => r.path === "/api/exchange-rates/AUD/live")
      expect(live("AUD")).toEqual({
        status: 502,
        headers: { "content-type": "application/json", "x-request-id": `req-${aud}` },
        body: `{"statusCode":502,"error":"Bad Gateway","message":"Bad Gateway","correlationId":"req-${aud}"}`
      })
      expect(answers.at(-1)?.status).toBe(429)
      expect(answers.at(-1)?.headers["retry-after"]).toMatch(/^\d+$/)
    })
  }

  it("src/lambda.ts exports the handler", async () => {
    const { handler } = await import("../src/lambda.ts")
    const result = await handler(
      sources[1]?.[1]({ method: "GET", path: "/api/nothing-here" }),
      LambdaContext.local({ requestId: "r1" })
    )
    expect(answerOf(result)).toEqual({
      status: 404,
      headers: { "content-type": "application/json" },
      body: '{"statusCode":404,"error":"Not Found","message":"Not Found"}'
    })
    await handler.dispose()
  })
})
