/**
 * The handler against hostile requests and stuck layers, on real AWS sample
 * events modified per case: query names that are `Object.prototype`
 * members, queries over core's caps, responses outside the contract or over
 * the source's size limit, a layer that never finishes building with little
 * time left, unsafe request ids, a header sent under two spellings, a JSON
 * body with a byte-order mark, a context that throws. The 400 and 500 bodies
 * are the same literals as the Workers adapter's tests.
 */
import { ServerRequest, ServerResponse } from "@centrapay-effect/core"
import { LambdaContext, LambdaHandler } from "@centrapay-effect/lambda-adapter"
import { afterAll, describe, expect, it, vi } from "@effect/vitest"
import type { APIGatewayProxyEventV2 } from "aws-lambda"
import { Effect, Layer, Logger, References } from "effect"
import { app, countingWallets, Wallets } from "./support/app.ts"
import * as Fixtures from "./support/fixtures.ts"

const logged: Array<{ readonly message: unknown; readonly annotations: Readonly<Record<string, unknown>> }> = []
const capture = Logger.layer([
  Logger.make((options) => {
    logged.push({ message: options.message, annotations: options.fiber.getRef(References.CurrentLogAnnotations) })
  })
])
const linesSaying = (message: string) => logged.filter((line) => String(line.message) === message)

const detecting = LambdaHandler.make(app, Layer.merge(countingWallets({ builds: 0 }), capture))
afterAll(() => detecting.dispose())

const context = (requestId = "req-42") => LambdaContext.local({ requestId, functionName: "wallet-api" })
const json = { "content-type": "application/json" }
const bodyOf = (result: { readonly body?: string | undefined }): Record<string, unknown> =>
  JSON.parse(result.body ?? "")

const v2At = (name: string, method: string, path: string, rawQueryString = ""): APIGatewayProxyEventV2 => {
  const event = Fixtures.payloadV2(name)
  return {
    ...event,
    rawPath: path,
    rawQueryString,
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method, path } }
  }
}
const v1At = (method: string, path: string, single: unknown, multi: unknown) => ({
  ...Fixtures.apiGatewayV1("apigw-v1-multi-value.json"),
  httpMethod: method,
  path,
  queryStringParameters: single,
  multiValueQueryStringParameters: multi
})
const albAt = (name: string, path: string, query: Readonly<Record<string, unknown>>) => ({
  ...Fixtures.alb(name),
  httpMethod: "GET",
  path,
  ...query
})

/** The same literal the Workers adapter's tests expect. */
const queryTooLarge =
  '{"statusCode":400,"error":"Bad Request","message":"The query has more than 256 parameters or 8192 bytes","issues":[{"path":["query"],"message":"Expected at most 256 parameters and 8192 bytes"}]}'
const internalError = (requestId: string) =>
  `{"statusCode":500,"error":"Internal Server Error","message":"Internal Server Error","correlationId":"${requestId}"}`
const unavailable = (requestId: string) =>
  `{"statusCode":503,"error":"Service Unavailable","message":"Service Unavailable","correlationId":"${requestId}"}`

describe("query names that are Object.prototype members", () => {
  // Maps as API Gateway and ALB send them: JSON, so `__proto__` is an ordinary key.
  const maps = (text: string): unknown => JSON.parse(text)
  const prototypeNames = '{"constructor":"1","__proto__":"x","toString":"y"}'

  it.each([
    ["HTTP API", v2At("apigw-v2-get.json", "GET", "/whoami", "constructor=1&__proto__=x&toString=y")],
    ["Function URL", v2At("function-url-get.json", "GET", "/whoami", "constructor=1&__proto__=x&toString=y")],
    [
      "REST API",
      v1At("GET", "/whoami", maps(prototypeNames), maps('{"constructor":["1"],"__proto__":["x"],"toString":["y"]}'))
    ],
    [
      "ALB single-value",
      albAt("alb-single-value-get.json", "/whoami", { queryStringParameters: maps(prototypeNames) })
    ],
    [
      "ALB multi-value",
      albAt("alb-multi-value-get.json", "/whoami", {
        multiValueQueryStringParameters: maps('{"constructor":["1"],"__proto__":["x"],"toString":["y"]}')
      })
    ]
  ])("%s: answered normally, each name an ordinary parameter", async (_, event) => {
    const result = await detecting(event, context())
    expect(result.statusCode).toBe(200)
    expect(JSON.stringify(bodyOf(result).query)).toBe(prototypeNames)
  })

  it("a route decoding its query with a schema ignores them", async () => {
    const result = await detecting(
      v2At("apigw-v2-get.json", "GET", "/api/search", "order=asc&constructor=1&__proto__=x&toString=y"),
      context()
    )
    expect(result).toEqual({ statusCode: 200, headers: json, body: '{"order":"asc"}', isBase64Encoded: false })
  })
})

describe("core's query caps, from every source", () => {
  const twentyThousand = Array.from({ length: 20_000 }, () => "1")

  it.each([
    ["HTTP API, one name 20,000 times", v2At("apigw-v2-get.json", "GET", "/whoami", "a=1&".repeat(20_000))],
    [
      "HTTP API, 257 names",
      v2At("apigw-v2-get.json", "GET", "/whoami", Array.from({ length: 257 }, (_, i) => `p${i}=v`).join("&"))
    ],
    ["HTTP API, a 9,000-byte value", v2At("apigw-v2-get.json", "GET", "/whoami", `q=${"x".repeat(9_000)}`)],
    ["REST API, one name 20,000 times", v1At("GET", "/whoami", { a: "1" }, { a: twentyThousand })]
  ])("%s: the contract's 400 at [query]", async (_, event) => {
    expect(await detecting(event, context())).toEqual({
      statusCode: 400,
      headers: json,
      body: queryTooLarge,
      isBase64Encoded: false
    })
  })

  it("ALB, one name 20,000 times: the same 400 with its status line", async () => {
    const event = albAt("alb-multi-value-get.json", "/whoami", {
      multiValueQueryStringParameters: { a: twentyThousand }
    })
    expect(await detecting(event, context())).toEqual({
      statusCode: 400,
      statusDescription: "400 Bad Request",
      multiValueHeaders: { "content-type": ["application/json"] },
      body: queryTooLarge,
      isBase64Encoded: false
    })
  })

  it("256 parameters are read", async () => {
    const query = Array.from({ length: 256 }, (_, i) => `p${i}=v`).join("&")
    const result = await detecting(v2At("apigw-v2-get.json", "GET", "/whoami", query), context())
    expect(result.statusCode).toBe(200)
    expect(Object.keys(bodyOf(result).query as object)).toHaveLength(256)
  })
})

describe("responses outside the contract or the source's limits", () => {
  const responses = new Map<string, ServerResponse.ServerResponse>([
    ["/nan", ServerResponse.json({}, { status: Number.NaN })],
    ["/thousand", ServerResponse.json({}, { status: 1000 })],
    ["/redirect", ServerResponse.empty({ status: 302, headers: { location: "https://elsewhere.example/" } })],
    ["/crlf-value", ServerResponse.json({}, { headers: { "x-note": "a\r\nset-cookie: admin=1" } })],
    ["/crlf-name", ServerResponse.json({}, { headers: { "x-note\r\nset-cookie": "admin=1" } })],
    ["/seven-megabytes", ServerResponse.json({ blob: "x".repeat(7_000_000) })],
    ["/one-and-a-half-megabytes", ServerResponse.json({ blob: "x".repeat(1_500_000) })]
  ])
  const misbehaving = ServerRequest.CurrentRequest.useSync(
    (request) => responses.get(request.path) ?? ServerResponse.json({ ok: true })
  )
  const handler = LambdaHandler.make(misbehaving, capture)
  afterAll(() => handler.dispose())

  it.each(["/nan", "/thousand", "/redirect", "/crlf-value", "/crlf-name", "/seven-megabytes"])(
    "%s: the generic 500 with the request id, logged",
    async (path) => {
      logged.length = 0
      const result = await handler(v2At("apigw-v2-get.json", "GET", path), context("req-bad"))
      expect(result).toEqual({
        statusCode: 500,
        headers: { "content-type": "application/json", "x-request-id": "req-bad" },
        body: internalError("req-bad"),
        isBase64Encoded: false
      })
      const lines = linesSaying("response outside the contract or the platform's limits; answered 500")
      expect(lines.map((line) => line.annotations)).toMatchObject([{ requestId: "req-bad", path, status: 500 }])
    }
  )

  it("1.5 MB goes out through API Gateway (6 MB) but not through an ALB (1 MB)", async () => {
    const path = "/one-and-a-half-megabytes"
    expect((await handler(v2At("apigw-v2-get.json", "GET", path), context())).statusCode).toBe(200)
    expect(await handler({ ...Fixtures.alb("alb-single-value-get.json"), path }, context("req-alb"))).toEqual({
      statusCode: 500,
      statusDescription: "500 Internal Server Error",
      headers: { "content-type": "application/json", "x-request-id": "req-alb" },
      body: internalError("req-alb"),
      isBase64Encoded: false
    })
  })
})

describe("a layer that does not finish building", () => {
  const stuckOnce = () => {
    let attempts = 0
    return Layer.effect(
      Wallets,
      Effect.suspend(() => (++attempts === 1 ? Effect.never : Effect.succeed({ balance: 100 })))
    )
  }
  const transfer = Fixtures.v2Request("POST", "/api/asset-transfers", {
    body: JSON.stringify({ amount: 5, recipient: "mc_1" }),
    headers: json
  })

  it("answers 503 with Retry-After before Lambda's timeout (700 ms left, 500 ms margin); the next invocation builds again", async () => {
    const handler = LambdaHandler.make(app, Layer.merge(stuckOnce(), capture), { source: "api-gateway-v2" })
    const first = await handler(transfer, LambdaContext.local({ requestId: "req-stuck", timeout: "700 millis" }))
    expect(first).toEqual({
      statusCode: 503,
      headers: { "content-type": "application/json", "x-request-id": "req-stuck", "retry-after": "1" },
      body: unavailable("req-stuck"),
      isBase64Encoded: false
    })
    const second = await handler(transfer, LambdaContext.local({ requestId: "req-next", timeout: "10 seconds" }))
    expect(second).toMatchObject({ statusCode: 200, body: '{"transferred":5}' })
    await handler.dispose()
  })

  it("with less time left than the margin, answers the 503 at once", async () => {
    const handler = LambdaHandler.make(app, Layer.merge(stuckOnce(), capture), { source: "api-gateway-v2" })
    const result = await handler(transfer, LambdaContext.local({ requestId: "req-late", timeout: "100 millis" }))
    expect(result).toMatchObject({ statusCode: 503, body: unavailable("req-late") })
    await handler.dispose()
  })
})

describe("request ids", () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
  const boom = v2At("apigw-v2-get.json", "GET", "/boom")

  it("an unsafe Lambda request id is not echoed: the event's request id is, when safe", async () => {
    const result = await detecting(boom, { ...context(), awsRequestId: "req\r\nset-cookie: admin=1" })
    expect(result).toMatchObject({
      statusCode: 500,
      headers: { "x-request-id": "YuSJQjZfoAMESbg=" },
      body: internalError("YuSJQjZfoAMESbg=")
    })
  })

  it("with no safe id anywhere, a fresh UUID is the correlation id", async () => {
    const event = { ...boom, requestContext: { ...boom.requestContext, requestId: "<script>alert(1)</script>" } }
    const result = await detecting(event, { ...context(), awsRequestId: "x".repeat(129) })
    const requestId = String(result.headers?.["x-request-id"])
    expect(requestId).toMatch(uuid)
    expect(bodyOf(result).correlationId).toBe(requestId)
  })
})

describe("a header sent under two spellings", () => {
  it("REST API and ALB join X-Api-Key and x-api-key as a Workers Headers does: in order, with ', '", async () => {
    const rest = {
      ...Fixtures.apiGatewayV1("apigw-v1-post-json.json"),
      httpMethod: "GET",
      path: "/whoami",
      headers: { "X-Api-Key": "a", "x-api-key": "b" },
      multiValueHeaders: { "X-Api-Key": ["a"], "x-api-key": ["b"] }
    }
    const albSingle = {
      ...albAt("alb-single-value-get.json", "/whoami", {}),
      headers: { "X-Api-Key": "a", "x-api-key": "b" }
    }
    const albMulti = {
      ...albAt("alb-multi-value-get.json", "/whoami", {}),
      multiValueHeaders: { "X-Api-Key": ["a"], "x-api-key": ["b"] }
    }
    for (const event of [rest, albSingle, albMulti]) {
      expect(bodyOf(await detecting(event, context())).apiKey).toBe("a, b")
    }
  })
})

describe("a JSON body with a UTF-8 byte-order mark", () => {
  const withBom = `\uFEFF${JSON.stringify({ amount: 5, recipient: "mc_1" })}`

  it("is accepted as text and as base64", async () => {
    const text = Fixtures.v2Request("POST", "/api/asset-transfers", { body: withBom, headers: json })
    const base64 = { ...text, body: Buffer.from(withBom).toString("base64"), isBase64Encoded: true }
    for (const event of [text, base64]) {
      expect(await detecting(event, context())).toMatchObject({ statusCode: 200, body: '{"transferred":5}' })
    }
  })
})

describe("failures outside the program are logged", () => {
  const captureConsole = async (run: () => Promise<unknown>): Promise<ReadonlyArray<Record<string, unknown>>> => {
    const lines: Array<string> = []
    const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)))
    try {
      await run()
      await vi.waitFor(() => expect(lines.length).toBeGreaterThan(0))
    } finally {
      spy.mockRestore()
    }
    return lines.map((line) => JSON.parse(line))
  }

  it("a layer that fails to build: the 503, and one JSON line", async () => {
    const failing = Layer.effect(Wallets, Effect.fail("config missing"))
    const handler = LambdaHandler.make(app, failing, { source: "api-gateway-v2" })
    let result: unknown
    const lines = await captureConsole(async () => {
      result = await handler(Fixtures.v2Request("GET", "/whoami"), context("req-build"))
    })
    expect(result).toMatchObject({ statusCode: 503, body: unavailable("req-build") })
    expect(lines).toMatchObject([
      {
        message: "layer failed to build; the next request tries again",
        level: "ERROR",
        annotations: { requestId: "req-build" }
      }
    ])
    expect(JSON.stringify(lines[0])).toContain("config missing")
    await handler.dispose()
  })

  it("a context whose getRemainingTimeInMillis throws: the generic 500, and one JSON line", async () => {
    const handler = LambdaHandler.make(app, countingWallets({ builds: 0 }), { source: "api-gateway-v2" })
    const broken = {
      ...context("req-ctx"),
      getRemainingTimeInMillis: () => {
        throw new Error("no clock")
      }
    }
    let result: unknown
    const lines = await captureConsole(async () => {
      result = await handler(Fixtures.v2Request("GET", "/whoami"), broken)
    })
    expect(result).toEqual({
      statusCode: 500,
      headers: { "content-type": "application/json", "x-request-id": "req-ctx" },
      body: internalError("req-ctx"),
      isBase64Encoded: false
    })
    expect(lines).toMatchObject([
      {
        message: "request failed outside the program; answered 500",
        level: "ERROR",
        annotations: { requestId: "req-ctx", status: 500 }
      }
    ])
    expect(JSON.stringify(lines[0])).toContain("Error: no clock")
    await handler.dispose()
  })

  it("a defect whose value throws when inspected: the generic 500, and one JSON line", async () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error("no")
        }
      }
    )
    const handler = LambdaHandler.make(Effect.die(hostile), Layer.empty, { source: "api-gateway-v2" })
    await handler(Fixtures.v2Request("GET", "/"), context("req-warm")) // builds the layer: its logs are the ones below
    let result: unknown
    const lines = await captureConsole(async () => {
      result = await handler(Fixtures.v2Request("GET", "/"), context("req-x"))
    })
    expect(result).toMatchObject({ statusCode: 500, body: internalError("req-x") })
    expect(lines).toMatchObject([
      {
        message: "request failed unexpectedly",
        level: "ERROR",
        annotations: { requestId: "req-x", status: 500, cause: "(the cause could not be printed: inspecting it threw)" }
      }
    ])
    await handler.dispose()
  })
})
