import { ApiError, ServerRequest, ServerResponse } from "@centrapay-effect/core"
import { LambdaContext, LambdaEvent, LambdaHandler } from "@centrapay-effect/lambda-adapter"
import { afterAll, describe, expect, it, vi } from "@effect/vitest"
import type { APIGatewayProxyEventV2 } from "aws-lambda"
import { Effect, Layer, Logger, References } from "effect"
import { app, countingWallets, Wallets } from "./support/app.ts"
import * as Fixtures from "./support/fixtures.ts"

const wallets = { builds: 0 }
const logged: Array<{ readonly message: unknown; readonly annotations: Readonly<Record<string, unknown>> }> = []
const capture = Logger.make((options) => {
  logged.push({ message: options.message, annotations: options.fiber.getRef(References.CurrentLogAnnotations) })
})
const layer = Layer.merge(countingWallets(wallets), Logger.layer([capture]))

const detecting = LambdaHandler.make(app, layer)
const v1 = LambdaHandler.make(app, layer, { source: "api-gateway-v1" })
const v2 = LambdaHandler.make(app, layer, { source: "api-gateway-v2" })
const alb = LambdaHandler.make(app, layer, { source: "alb" })
afterAll(() => Promise.all([detecting.dispose(), v1.dispose(), v2.dispose(), alb.dispose()]))

const context = (requestId = "req-42") => LambdaContext.local({ requestId, functionName: "wallet-api" })

const notFound = '{"statusCode":404,"error":"Not Found","message":"Not Found"}'
const insufficient = '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
const transfer = JSON.stringify({ amount: 50, recipient: "mc_1" })
const json = { "content-type": "application/json" }

const albAt = (name: string, method: string, path: string) => ({ ...Fixtures.alb(name), httpMethod: method, path })
const v1At = (name: string, method: string, path: string) => ({
  ...Fixtures.apiGatewayV1(name),
  httpMethod: method,
  path
})
const v2At = (name: string, method: string, path: string): APIGatewayProxyEventV2 => {
  const event = Fixtures.payloadV2(name)
  return {
    ...event,
    rawPath: path,
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method, path } }
  }
}
const bodyOf = (result: { readonly body?: string | undefined }): unknown => JSON.parse(result.body ?? "")

describe("real AWS sample events", () => {
  it.each([...Fixtures.v1Fixtures])("API Gateway REST %s: 404 in the REST result shape", async (name) => {
    const result = await detecting(Fixtures.anyEvent(name), context())
    expect(result).toEqual({ statusCode: 404, headers: json, body: notFound, isBase64Encoded: false })
  })

  it.each([...Fixtures.v2Fixtures, ...Fixtures.functionUrlFixtures])(
    "payload 2.0 %s: 404 in the payload 2.0 result shape",
    async (name) => {
      const result = await detecting(Fixtures.anyEvent(name), context())
      expect(result).toEqual({ statusCode: 404, headers: json, body: notFound, isBase64Encoded: false })
    }
  )

  it.each([["alb-single-value-get.json"]])(
    "ALB single-value %s: 404 with headers and statusDescription",
    async (name) => {
      const result = await detecting(Fixtures.anyEvent(name), context())
      expect(result).toEqual({
        statusCode: 404,
        statusDescription: "404 Not Found",
        headers: json,
        body: notFound,
        isBase64Encoded: false
      })
    }
  )

  it.each([["alb-multi-value-get.json"], ["alb-multi-value-query.json"], ["alb-both-header-modes-text-body.json"]])(
    "ALB multi-value %s: 404 with multiValueHeaders and statusDescription",
    async (name) => {
      const result = await detecting(Fixtures.anyEvent(name), context())
      expect(result).toEqual({
        statusCode: 404,
        statusDescription: "404 Not Found",
        multiValueHeaders: { "content-type": ["application/json"] },
        body: notFound,
        isBase64Encoded: false
      })
    }
  )

  it("provides the raw event, the Lambda context and the source as services", async () => {
    const cases: ReadonlyArray<readonly [unknown, LambdaEvent.Source]> = [
      [v1At("apigw-v1-post-json.json", "GET", "/whoami"), "api-gateway-v1"],
      [v2At("apigw-v2-get.json", "GET", "/whoami"), "api-gateway-v2"],
      [v2At("function-url-get.json", "GET", "/whoami"), "function-url"],
      [albAt("alb-single-value-get.json", "GET", "/whoami"), "alb"]
    ]
    for (const [event, source] of cases) {
      const result = await detecting(event, context())
      expect(bodyOf(result)).toMatchObject({ source, functionName: "wallet-api" })
    }
  })

  it("rejects non-HTTP events with an error naming the supported shapes", async () => {
    const shapes = Object.values(LambdaEvent.sourceNames)
    for (const [name, looksLike] of [
      ["non-http/sqs.json", "an SQS batch"],
      ["non-http/s3.json", "an S3 notification"],
      ["non-http/eventbridge.json", "an EventBridge event"]
    ] as const) {
      const rejection = await detecting(Fixtures.anyEvent(name), context()).then(
        () => undefined,
        (error: unknown) => error
      )
      expect(rejection).toBeInstanceOf(LambdaEvent.UnsupportedEvent)
      expect(rejection).toMatchObject({ _tag: "UnsupportedEvent", looksLike })
      for (const shape of shapes) expect(String(rejection)).toContain(shape)
    }
    await expect(detecting(undefined, context())).rejects.toMatchObject({ _tag: "UnsupportedEvent" })
    const unreadable = new Proxy(
      {},
      {
        get: () => {
          throw new Error("no")
        }
      }
    )
    await expect(detecting(unreadable, context())).rejects.toMatchObject({ _tag: "UnsupportedEvent" })
  })
})

describe("requests", () => {
  it("decodes base64 bodies", async () => {
    const event = v2At("function-url-base64-body.json", "POST", "/echo")
    expect(bodyOf(await detecting(event, context()))).toEqual({ contentType: "idk", bytes: 6, text: "<idk/>" })
  })

  it("reads repeated query parameters from every source", async () => {
    const restMulti = v1At("apigw-v1-base64-multi-value.json", "GET", "/whoami")
    expect(bodyOf(await v1(restMulti, context()))).toMatchObject({
      query: { parameter1: ["value1", "value2"], parameter2: "value" }
    })
    const httpApi = v2At("apigw-v2-jwt-authorizer.json", "GET", "/whoami")
    expect(bodyOf(await v2(httpApi, context()))).toMatchObject({
      query: { parameter1: ["value1", "value2"], parameter2: "value" }
    })
    const encoded = {
      ...albAt("alb-multi-value-query.json", "GET", "/whoami"),
      multiValueQueryStringParameters: { q: ["a%20b", "c+d"], "x%2Fy": ["1"] }
    }
    expect(bodyOf(await alb(encoded, context()))).toMatchObject({ query: { q: ["a b", "c d"], "x/y": "1" } })
  })

  it("passes cookies as the cookie header", async () => {
    expect(bodyOf(await v2(v2At("apigw-v2-jwt-authorizer.json", "GET", "/whoami"), context()))).toMatchObject({
      cookie: "cookie1; cookie2"
    })
    expect(
      bodyOf(await detecting(v2At("function-url-cookies-json-body.json", "GET", "/whoami"), context()))
    ).toMatchObject({ cookie: "foo=bar; hello=hello" })
  })

  it("answers bad input with the contract's 400, naming the field and the problem", async () => {
    const post = (body: string, headers: Record<string, string> = json) =>
      v2(Fixtures.v2Request("POST", "/api/asset-transfers", { body, headers }), context()).then(bodyOf)
    expect(await post('{"amount":')).toMatchObject({ statusCode: 400, problem: "invalid-json" })
    expect(await post(transfer, { "content-type": "text/plain" })).toMatchObject({
      statusCode: 400,
      problem: "unsupported-content-type"
    })
    expect(await post(JSON.stringify({ amount: "5", recipient: "c_1" }))).toMatchObject({
      statusCode: 400,
      problem: "schema-mismatch",
      issues: [{ path: ["body", "amount"] }, { path: ["body", "recipient"] }]
    })
    const search = await v2(Fixtures.v2Request("GET", "/api/search", { query: "order=sideways" }), context())
    expect(bodyOf(search)).toMatchObject({ statusCode: 400, issues: [{ path: ["query", "order"] }] })
    const wrongId = await v2(Fixtures.v2Request("GET", "/api/merchant-configs/c_3LKQ"), context())
    expect(bodyOf(wrongId)).toMatchObject({
      statusCode: 400,
      issues: [{ path: ["path", "merchantConfigId"], message: 'Expected a merchant config ID starting with "mc_"' }]
    })
  })

  it("answers an unknown route or a wrong method with 404", async () => {
    expect((await v2(Fixtures.v2Request("GET", "/api/nowhere"), context())).body).toBe(notFound)
    expect((await v2(Fixtures.v2Request("DELETE", "/api/asset-transfers"), context())).body).toBe(notFound)
  })

  it("strips a named stage from an HTTP API path", async () => {
    const event = Fixtures.v2Request("GET", "/dev/whoami")
    const staged = { ...event, requestContext: { ...event.requestContext, stage: "dev" } }
    expect((await v2(staged, context())).statusCode).toBe(200)
  })
})

describe("responses", () => {
  it("a business 403 is the documented wire body; headers set before it survive in each source's shape", async () => {
    const rest = await v1(
      { ...v1At("apigw-v1-post-json.json", "POST", "/api/asset-transfers"), body: transfer },
      context()
    )
    expect(rest).toEqual({
      statusCode: 403,
      headers: json,
      multiValueHeaders: {
        "set-cookie": ["seen=1; Path=/; HttpOnly", "visit=2; Path=/"],
        "x-trace": ["a", "b"]
      },
      body: insufficient,
      isBase64Encoded: false
    })

    const httpApi = await v2(
      Fixtures.v2Request("POST", "/api/asset-transfers", { body: transfer, headers: json }),
      context()
    )
    expect(httpApi).toEqual({
      statusCode: 403,
      headers: { "x-trace": "a, b", "content-type": "application/json" },
      cookies: ["seen=1; Path=/; HttpOnly", "visit=2; Path=/"],
      body: insufficient,
      isBase64Encoded: false
    })

    const albMulti = await alb(
      {
        ...albAt("alb-multi-value-get.json", "POST", "/api/asset-transfers"),
        multiValueHeaders: { "content-type": ["application/json"] },
        body: transfer
      },
      context()
    )
    expect(albMulti).toEqual({
      statusCode: 403,
      statusDescription: "403 Forbidden",
      multiValueHeaders: {
        "set-cookie": ["seen=1; Path=/; HttpOnly", "visit=2; Path=/"],
        "x-trace": ["a", "b"],
        "content-type": ["application/json"]
      },
      body: insufficient,
      isBase64Encoded: false
    })

    const albSingle = await alb(
      {
        ...albAt("alb-single-value-get.json", "POST", "/api/asset-transfers"),
        headers: json,
        body: Buffer.from(transfer).toString("base64"),
        isBase64Encoded: true
      },
      context()
    )
    expect(albSingle).toEqual({
      statusCode: 403,
      statusDescription: "403 Forbidden",
      headers: {
        "set-cookie": "seen=1; Path=/; HttpOnly",
        "Set-cookie": "visit=2; Path=/",
        "x-trace": "a, b",
        "content-type": "application/json"
      },
      body: insufficient,
      isBase64Encoded: false
    })
  })

  it("a success keeps the headers the program set", async () => {
    const body = JSON.stringify({ amount: 5, recipient: "mc_1" })
    const result = await v2(Fixtures.v2Request("POST", "/api/asset-transfers", { body, headers: json }), context())
    expect(result).toMatchObject({
      statusCode: 200,
      body: '{"transferred":5}',
      cookies: ["seen=1; Path=/; HttpOnly", "visit=2; Path=/"]
    })
  })

  it("a 429 carries Retry-After", async () => {
    const result = await v2(Fixtures.v2Request("GET", "/throttled"), context())
    expect(result).toMatchObject({
      statusCode: 429,
      headers: { "retry-after": "7" },
      body: '{"statusCode":429,"error":"Too Many Requests","message":"RATE_LIMIT_EXCEEDED"}'
    })
  })

  it("a defect is a generic 500 with the request id; the cause goes to one log line, not the response", async () => {
    logged.length = 0
    const result = await v2(Fixtures.v2Request("GET", "/boom"), context("req-boom"))
    expect(result).toEqual({
      statusCode: 500,
      headers: { "content-type": "application/json", "x-request-id": "req-boom" },
      cookies: ["before=boom"],
      body: '{"statusCode":500,"error":"Internal Server Error","message":"Internal Server Error","correlationId":"req-boom"}',
      isBase64Encoded: false
    })
    expect(logged).toHaveLength(1)
    expect(logged[0]?.message).toEqual(["request failed unexpectedly"])
    expect(logged[0]?.annotations).toMatchObject({ requestId: "req-boom", path: "/boom", status: 500 })
    expect(String(logged[0]?.annotations.cause)).toContain("database password is hunter2")
  })

  it("without a logger of the program's own, the cause is one JSON line on stdout", async () => {
    const lines: Array<string> = []
    const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)))
    const plain = LambdaHandler.make(app, countingWallets({ builds: 0 }), { source: "api-gateway-v2" })
    try {
      await plain(Fixtures.v2Request("GET", "/boom"), context("req-json"))
    } finally {
      spy.mockRestore()
      await plain.dispose()
    }
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      message: "request failed unexpectedly",
      level: "ERROR",
      annotations: { requestId: "req-json", status: 500 }
    })
  })

  it("a throw while mapping a failure or translating the response still ends as a valid JSON 500", async () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error("no")
        }
      }
    )
    const dies = LambdaHandler.make(Effect.die(hostile), Layer.empty, { source: "api-gateway-v2" })
    const badHeaders = LambdaHandler.make(
      Effect.succeed({
        status: 200,
        body: "{}",
        headers: Object.defineProperty({}, "x-broken", {
          enumerable: true,
          get: () => {
            throw new Error("no")
          }
        })
      }),
      Layer.empty,
      { source: "alb" }
    )
    for (const result of [
      await dies(Fixtures.v2Request("GET", "/"), context("req-x")),
      await badHeaders(Fixtures.alb("alb-single-value-get.json"), context("req-x"))
    ]) {
      expect(result.statusCode).toBe(500)
      expect(bodyOf(result)).toMatchObject({ statusCode: 500, correlationId: "req-x" })
    }
    await dies.dispose()
    await badHeaders.dispose()
  })
})

describe("runtime", () => {
  it("builds the layer once per container: warm invocations reuse it", async () => {
    const counter = { builds: 0 }
    const handler = LambdaHandler.make(app, countingWallets(counter), { source: "api-gateway-v2" })
    const event = Fixtures.v2Request("POST", "/api/asset-transfers", { body: transfer, headers: json })
    await handler(event, context())
    await handler(event, context())
    await Promise.all([handler(event, context()), handler(event, context())])
    expect(counter.builds).toBe(1)
    await handler.dispose()
  })

  it("a layer that fails to build answers a clean 503 and is built again on the next invocation", async () => {
    let attempts = 0
    const flaky = Layer.effect(
      Wallets,
      Effect.suspend(() => (++attempts === 1 ? Effect.fail("config missing") : Effect.succeed({ balance: 100 })))
    )
    const handler = LambdaHandler.make(app, Layer.merge(flaky, Logger.layer([capture])), { source: "api-gateway-v2" })
    const event = Fixtures.v2Request("POST", "/api/asset-transfers", { body: transfer, headers: json })
    const first = await handler(event, context("req-1"))
    expect(first).toMatchObject({ statusCode: 503, headers: { "retry-after": "1", "x-request-id": "req-1" } })
    expect(first.body).not.toContain("config missing")
    expect(await handler(event, context())).toMatchObject({ statusCode: 200 })
    expect(attempts).toBe(2)
    await handler.dispose()
  })

  it("interrupts a program still running near the Lambda timeout and answers 503 with Retry-After", async () => {
    const handler = LambdaHandler.make(app, layer, { source: "api-gateway-v2", timeoutMargin: "400 millis" })
    const started = Date.now()
    const result = await handler(
      Fixtures.v2Request("GET", "/slow"),
      LambdaContext.local({ requestId: "req-slow", timeout: "1 second" })
    )
    const elapsed = Date.now() - started
    expect(result).toMatchObject({
      statusCode: 503,
      headers: { "retry-after": "1", "x-request-id": "req-slow" },
      cookies: ["slow=1"]
    })
    expect(bodyOf(result)).toEqual({
      statusCode: 503,
      error: "Service Unavailable",
      message: "Service Unavailable",
      correlationId: "req-slow"
    })
    // Interrupted at 600 ms (1 s left, 400 ms margin): well before Lambda would stop it.
    expect(elapsed).toBeGreaterThanOrEqual(550)
    expect(elapsed).toBeLessThan(1_000)
    await handler.dispose()
  })
})

describe("core's body cap, before a program that checks the API key first", () => {
  // Checks X-Api-Key before anything else, as the wallet API does; then reports the body size it saw.
  const missingAuthentication = new ApiError.Unauthorized({ message: "Missing authentication" })
  const apiKeyFirst = Effect.gen(function* () {
    if ((yield* ServerRequest.header("x-api-key")) === undefined) return yield* Effect.fail(missingAuthentication)
    const { body } = yield* ServerRequest.CurrentRequest
    return ServerResponse.json({
      bytes: body === undefined ? 0 : typeof body === "string" ? body.length : body.byteLength
    })
  })
  const capped = LambdaHandler.make(apiKeyFirst, Layer.empty)
  const small = LambdaHandler.make(apiKeyFirst, Layer.empty, { maxBodyBytes: 64 * 1024 })
  afterAll(() => Promise.all([capped.dispose(), small.dispose()]))

  const tooLarge =
    '{"statusCode":400,"error":"Bad Request","message":"The request body is larger than 1048576 bytes","issues":[{"path":["body"],"message":"Expected at most 1048576 bytes"}]}'
  const unauthorized = '{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}'
  const twoMegabytes = JSON.stringify({ recipient: "mc_1", amount: 1, note: "x".repeat(2_000_000) })
  /** A JSON string of exactly 1 MiB. */
  const atCap = JSON.stringify("x".repeat(1_048_574))
  const postV2 = (body: string, headers: Record<string, string> = {}) =>
    Fixtures.v2Request("POST", "/api/asset-transfers", {
      body,
      headers: { ...json, "content-length": String(Buffer.byteLength(body)), ...headers }
    })

  it("a 2 MB JSON POST without X-Api-Key is the contract's 400, not the program's 401, from every source", async () => {
    expect(await capped(postV2(twoMegabytes), context())).toEqual({
      statusCode: 400,
      headers: json,
      body: tooLarge,
      isBase64Encoded: false
    })
    const rest = { ...v1At("apigw-v1-post-json.json", "POST", "/api/asset-transfers"), body: twoMegabytes }
    expect(await capped(rest, context())).toEqual({
      statusCode: 400,
      headers: json,
      body: tooLarge,
      isBase64Encoded: false
    })
    const alb = {
      ...albAt("alb-single-value-get.json", "POST", "/api/asset-transfers"),
      headers: json,
      body: twoMegabytes
    }
    expect(await capped(alb, context())).toEqual({
      statusCode: 400,
      statusDescription: "400 Bad Request",
      headers: json,
      body: tooLarge,
      isBase64Encoded: false
    })
  })

  it("a body exactly at the cap reaches the program: 401 without X-Api-Key, 200 with one", async () => {
    expect(atCap.length).toBe(1_048_576)
    expect(await capped(postV2(atCap), context())).toMatchObject({ statusCode: 401, body: unauthorized })
    expect(await capped(postV2(atCap, { "x-api-key": "k" }), context())).toMatchObject({
      statusCode: 200,
      body: '{"bytes":1048576}'
    })
  })

  it("counts the body after base64 decoding", async () => {
    const base64 = (bytes: number) => ({
      ...v2At("function-url-base64-body.json", "POST", "/api/asset-transfers"),
      headers: { "content-type": "application/octet-stream", "x-api-key": "k" },
      body: Buffer.alloc(bytes).toString("base64"),
      isBase64Encoded: true
    })
    // 1 MiB of bytes is 1.4 MB of base64: the decoded size is what counts.
    expect(await capped(base64(1_048_576), context())).toMatchObject({ statusCode: 200, body: '{"bytes":1048576}' })
    expect(await capped(base64(1_048_577), context())).toMatchObject({ statusCode: 400, body: tooLarge })
  })

  it("honours a configured maxBodyBytes", async () => {
    expect(await small(postV2("x".repeat(65_537)), context())).toEqual({
      statusCode: 400,
      headers: json,
      body: '{"statusCode":400,"error":"Bad Request","message":"The request body is larger than 65536 bytes","issues":[{"path":["body"],"message":"Expected at most 65536 bytes"}]}',
      isBase64Encoded: false
    })
    expect(await small(postV2("x".repeat(65_536), { "x-api-key": "k" }), context())).toMatchObject({
      statusCode: 200,
      body: '{"bytes":65536}'
    })
  })
})
