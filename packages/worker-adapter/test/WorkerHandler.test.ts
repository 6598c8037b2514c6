/**
 * The handler in real workerd: every error class with its exact status,
 * headers and body bytes, the layer built once (and again after a failed
 * build), the platform's services, work after the response, the responses
 * of last resort, and core's body cap before the program (the same answers
 * as the Lambda adapter's tests).
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type Received, type RunningWorker, sendOnFreshConnection, start } from "./support/workerd.ts"

let worker: RunningWorker

beforeAll(async () => {
  worker = await start("contract.ts", { bindings: { GREETING: "hello" } })
})

afterAll(async () => {
  await worker.dispose()
})

const json = { "content-type": "application/json" }
/** A generated correlation id: a random prefix per isolate, then a counter. */
const generatedId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-z]+$/

const post = (path: string, body: string, headers: Record<string, string> = json) =>
  worker.fetch(path, { method: "POST", headers, body })

/** Headers the test compares: everything but the length, which the bytes already pin. */
const headersOf = (response: Received) => {
  const { "content-length": _, ...rest } = response.headers
  return rest
}

interface LogLine {
  readonly level: string
  readonly message: ReadonlyArray<string>
  readonly annotations: Readonly<Record<string, unknown>>
}

const logs = async (): Promise<ReadonlyArray<LogLine>> => JSON.parse((await worker.fetch("/test/logs")).text)

const logFor = async (requestId: string, message: string): Promise<LogLine | undefined> => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const line = (await logs()).find((l) => l.annotations.requestId === requestId && l.message.includes(message))
    if (line !== undefined) return line
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return undefined
}

describe("a layer that fails to build", () => {
  // Runs first: the worker's layer fails its first build only.
  it("answers a clean 503 with Retry-After, and the next request builds it again", async () => {
    const first = await worker.fetch("/test/services")
    expect(first.status).toBe(503)
    expect(first.headers["retry-after"]).toBe("1")
    const requestId = first.headers["x-request-id"] ?? ""
    expect(requestId).toMatch(generatedId)
    expect(first.text).toBe(
      `{"statusCode":503,"error":"Service Unavailable","message":"Service Unavailable","correlationId":"${requestId}"}`
    )
    expect(first.text).not.toMatch(/first build fails/)
    expect((await worker.fetch("/test/services")).status).toBe(200)
  })
})

describe("every error class, as the contract writes it", () => {
  const cases: ReadonlyArray<{
    readonly name: string
    readonly send: () => Promise<Received>
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly body: string
  }> = [
    {
      name: "success",
      send: () => post("/api/asset-transfers", '{"amount":5}'),
      status: 200,
      headers: { ...json, "set-cookie": "seen=1; HttpOnly" },
      body: '{"transferred":5}'
    },
    {
      name: "400 unsupported content type",
      send: () => post("/api/asset-transfers", '{"amount":5}', { "content-type": "text/plain" }),
      status: 400,
      headers: { ...json, "set-cookie": "seen=1; HttpOnly" },
      body: '{"statusCode":400,"error":"Bad Request","message":"Expected Content-Type: application/json, got \\"text/plain\\"","issues":[{"path":["header","content-type"],"message":"Expected application/json"}],"problem":"unsupported-content-type"}'
    },
    {
      name: "400 invalid JSON",
      send: () => post("/api/asset-transfers", '{"amount":'),
      status: 400,
      headers: { ...json, "set-cookie": "seen=1; HttpOnly" },
      body: '{"statusCode":400,"error":"Bad Request","message":"The request body is not valid JSON","issues":[{"path":["body"],"message":"Expected valid JSON"}],"problem":"invalid-json"}'
    },
    {
      name: "400 body field failing its schema",
      send: () => post("/api/asset-transfers", '{"amount":"5"}'),
      status: 400,
      headers: { ...json, "set-cookie": "seen=1; HttpOnly" },
      body: '{"statusCode":400,"error":"Bad Request","message":"body.amount: Expected number","issues":[{"path":["body","amount"],"message":"Expected number"}],"problem":"schema-mismatch"}'
    },
    {
      name: "400 path parameter with the wrong ID prefix",
      send: () => worker.fetch("/api/merchant-configs/c_123"),
      status: 400,
      headers: json,
      body: '{"statusCode":400,"error":"Bad Request","message":"path.merchantConfigId: Expected a merchant config ID starting with \\"mc_\\"","issues":[{"path":["path","merchantConfigId"],"message":"Expected a merchant config ID starting with \\"mc_\\""}],"problem":"schema-mismatch"}'
    },
    {
      name: "400 query parameter failing its schema",
      send: () => worker.fetch("/api/merchant-configs/mc_known?expand=everything"),
      status: 400,
      headers: json,
      body: '{"statusCode":400,"error":"Bad Request","message":"query.expand: Expected \\"owner\\" | \\"settings\\"","issues":[{"path":["query","expand"],"message":"Expected \\"owner\\" | \\"settings\\""}],"problem":"schema-mismatch"}'
    },
    {
      name: "401 with its challenge",
      send: () => worker.fetch("/test/unauthorized"),
      status: 401,
      headers: {
        ...json,
        "www-authenticate": 'ApiKey realm="centrapay", header="X-Api-Key", Bearer realm="centrapay"'
      },
      body: '{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}'
    },
    {
      name: "403 permission",
      send: () => worker.fetch("/test/forbidden"),
      status: 403,
      headers: json,
      body: '{"statusCode":403,"error":"Forbidden","message":"Forbidden"}'
    },
    {
      name: "403 documented business rule, with the header set before the failure",
      send: () => post("/api/asset-transfers", '{"amount":500}'),
      status: 403,
      headers: { ...json, "set-cookie": "seen=1; HttpOnly" },
      body: '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
    },
    {
      name: "404 unknown route",
      send: () => worker.fetch("/api/asset-transfer"),
      status: 404,
      headers: json,
      body: '{"statusCode":404,"error":"Not Found","message":"Not Found"}'
    },
    {
      name: "404 wrong method",
      send: () => worker.fetch("/api/asset-transfers", { method: "DELETE" }),
      status: 404,
      headers: json,
      body: '{"statusCode":404,"error":"Not Found","message":"Not Found"}'
    },
    {
      name: "429 with Retry-After",
      send: () => worker.fetch("/test/rate-limited"),
      status: 429,
      headers: { ...json, "retry-after": "7" },
      body: '{"statusCode":429,"error":"Too Many Requests","message":"RATE_LIMIT_EXCEEDED"}'
    },
    {
      name: "204 without a body",
      send: () => worker.fetch("/test/no-content", { method: "DELETE" }),
      status: 204,
      headers: {},
      body: ""
    }
  ]

  for (const c of cases) {
    it(c.name, async () => {
      const response = await c.send()
      expect(response.status).toBe(c.status)
      expect(headersOf(response)).toEqual(c.headers)
      expect(response.text).toBe(c.body)
      expect(response.headers["content-length"] ?? "0").toBe(String(response.bytes.byteLength))
    })
  }

  it("503 from the handler keeps its Retry-After and gets the correlation id", async () => {
    const response = await worker.fetch("/test/unavailable", { headers: { "cf-ray": "8f1e2d3c4b5a6978-SYD" } })
    expect(response.status).toBe(503)
    expect(headersOf(response)).toEqual({ ...json, "retry-after": "30", "x-request-id": "8f1e2d3c4b5a6978-SYD" })
    expect(response.text).toBe(
      '{"statusCode":503,"error":"Service Unavailable","message":"Service Unavailable","correlationId":"8f1e2d3c4b5a6978-SYD"}'
    )
  })
})

describe("defects and failures outside the contract", () => {
  it("a defect is a generic 500 with cf-ray as correlation id in body and header; the cause is logged, not returned", async () => {
    const response = await worker.fetch("/test/defect", { headers: { "cf-ray": "8f00000000000001-LHR" } })
    expect(response.status).toBe(500)
    expect(headersOf(response)).toEqual({ ...json, "x-request-id": "8f00000000000001-LHR" })
    expect(response.text).toBe(
      '{"statusCode":500,"error":"Internal Server Error","message":"Internal Server Error","correlationId":"8f00000000000001-LHR"}'
    )
    const line = await logFor("8f00000000000001-LHR", "request failed unexpectedly")
    expect(line?.level).toBe("Error")
    expect(line?.annotations.cause).toMatch(/database password is hunter2/)
  })

  it("without cf-ray the correlation id is generated, and differs per request", async () => {
    const first = await worker.fetch("/test/unknown-failure")
    const second = await worker.fetch("/test/unknown-failure")
    expect(first.status).toBe(500)
    const id = first.headers["x-request-id"] ?? ""
    expect(id).toMatch(generatedId)
    expect(second.headers["x-request-id"]).not.toBe(id)
    expect(JSON.parse(first.text)).toEqual({
      statusCode: 500,
      error: "Internal Server Error",
      message: "Internal Server Error",
      correlationId: id
    })
  })

  it.each([
    ["a header value with a line break", "/test/bad-header"],
    ["a status outside 200-599", "/test/bad-status"],
    ["a redirect: the contract has no 3xx", "/test/redirect"]
  ])("a response outside the contract (%s) is the contract's 500, logged", async (_, path) => {
    const response = await worker.fetch(path)
    expect(response.status).toBe(500)
    const requestId = response.headers["x-request-id"] ?? ""
    expect(headersOf(response)).toEqual({ ...json, "x-request-id": requestId })
    expect(response.text).toBe(
      `{"statusCode":500,"error":"Internal Server Error","message":"Internal Server Error","correlationId":"${requestId}"}`
    )
    const line = await logFor(requestId, "response outside the contract or the platform's limits; answered 500")
    expect(line?.annotations.path).toBe(path)
  })

  it("a header set before a failure that the platform refuses still ends as the contract's 500", async () => {
    const response = await worker.fetch("/test/bad-carried-header", { headers: { "cf-ray": "8f00000000000003-FRA" } })
    expect(response.status).toBe(500)
    expect(headersOf(response)).toEqual({ ...json, "x-request-id": "8f00000000000003-FRA" })
    expect(response.text).toBe(
      '{"statusCode":500,"error":"Internal Server Error","message":"Internal Server Error","correlationId":"8f00000000000003-FRA"}'
    )
  })

  it("a program past its deadline is interrupted and answered 503 with Retry-After", async () => {
    const response = await worker.fetch("/test/slow")
    expect(response.status).toBe(503)
    expect(response.headers["retry-after"]).toBe("1")
    const requestId = response.headers["x-request-id"] ?? ""
    expect((await logFor(requestId, "request interrupted (deadline)"))?.level).toBe("Error")
  })
})

describe("the platform's services", () => {
  it("env, ctx and request.cf are services; Config reads env in the layer and in handlers", async () => {
    const response = await worker.fetch("/test/services")
    expect(JSON.parse(response.text)).toEqual({
      envKeys: ["GREETING"],
      greetingFromConfig: "hello",
      greetingFromConfigInHandler: "hello",
      hasWaitUntil: true,
      cfIsObject: true
    })
  })

  it("waitUntil runs work after the response; its failure is logged with the correlation id", async () => {
    const response = await worker.fetch("/test/background", {
      method: "POST",
      headers: { "cf-ray": "8f00000000000002-AMS" }
    })
    expect(response.status).toBe(200)
    expect(response.text).toBe('{"accepted":true}')
    const failed = await logFor("8f00000000000002-AMS", "background work failed")
    expect(failed?.annotations.cause).toMatch(/metrics sink down/)
    expect((await logs()).some((l) => l.message.includes("background ran"))).toBe(true)
  })
})

describe("request bodies", () => {
  it("passes method, percent-encoded path, repeated query parameters and the body through", async () => {
    const response = await post("/test/echo?tag=a&tag=b&q=x%20y", '{"a":1}')
    expect(JSON.parse(response.text)).toEqual({
      method: "POST",
      path: "/test/echo",
      query: { tag: ["a", "b"], q: "x y" },
      bodyBytes: 7,
      contentType: "application/json"
    })
  })

  it("a body over the cap is a 400, refused by its Content-Length before it is read", async () => {
    const response = await sendOnFreshConnection(worker.url, {
      method: "POST",
      path: "/test/echo",
      headers: json,
      body: new Uint8Array(256 * 1024)
    })
    expect(response.status).toBe(400)
    expect(response.body.toString()).toBe(
      '{"statusCode":400,"error":"Bad Request","message":"The request body is larger than 65536 bytes","issues":[{"path":["body"],"message":"Expected at most 65536 bytes"}]}'
    )
  })

  it("a body exactly at the configured cap reaches the program; one byte more is the 400", async () => {
    const atCap = await post("/test/echo", "x".repeat(65_536))
    expect(atCap.status).toBe(200)
    expect(JSON.parse(atCap.text)).toMatchObject({ bodyBytes: 65_536 })
    const over = await sendOnFreshConnection(worker.url, {
      method: "POST",
      path: "/test/echo",
      headers: json,
      body: new Uint8Array(65_537)
    })
    expect(over.status).toBe(400)
    expect(over.body.toString()).toBe(
      '{"statusCode":400,"error":"Bad Request","message":"The request body is larger than 65536 bytes","issues":[{"path":["body"],"message":"Expected at most 65536 bytes"}]}'
    )
  })

  it("a streamed body without Content-Length is cut off at the cap with the same 400", async () => {
    const response = await sendOnFreshConnection(worker.url, {
      method: "POST",
      path: "/test/echo",
      headers: { ...json, "transfer-encoding": "chunked" },
      body: new Uint8Array(256 * 1024)
    })
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body.toString()).message).toBe("The request body is larger than 65536 bytes")
  })
})

describe("core's default body cap, before a program that checks the API key first", () => {
  let keyed: RunningWorker
  beforeAll(async () => {
    keyed = await start("apiKeyFirst.ts")
  })
  afterAll(async () => {
    await keyed.dispose()
  })

  const tooLarge =
    '{"statusCode":400,"error":"Bad Request","message":"The request body is larger than 1048576 bytes","issues":[{"path":["body"],"message":"Expected at most 1048576 bytes"}]}'
  const twoMegabytes = JSON.stringify({ recipient: "mc_1", amount: 1, note: "x".repeat(2_000_000) })
  /** A JSON string of exactly 1 MiB. */
  const atCap = JSON.stringify("x".repeat(1_048_574))

  it("a 2 MB JSON POST without X-Api-Key is the contract's 400, not the program's 401", async () => {
    for (const headers of [json, { ...json, "transfer-encoding": "chunked" }]) {
      const response = await sendOnFreshConnection(keyed.url, {
        method: "POST",
        path: "/api/asset-transfers",
        headers,
        body: new TextEncoder().encode(twoMegabytes)
      })
      expect(response.status).toBe(400)
      expect(response.headers["content-type"]).toBe("application/json")
      expect(response.body.toString()).toBe(tooLarge)
    }
  })

  it("a body exactly at the cap reaches the program: 401 without X-Api-Key, 200 with one", async () => {
    expect(atCap.length).toBe(1_048_576)
    const anonymous = await keyed.fetch("/api/asset-transfers", { method: "POST", headers: json, body: atCap })
    expect(anonymous.status).toBe(401)
    expect(anonymous.text).toBe('{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}')
    const authenticated = await keyed.fetch("/api/asset-transfers", {
      method: "POST",
      headers: { ...json, "x-api-key": "k" },
      body: atCap
    })
    expect(authenticated.status).toBe(200)
    expect(authenticated.text).toBe('{"bytes":1048576}')
  })
})

describe("hostile requests", () => {
  it("query names that are Object.prototype members are ordinary parameters", async () => {
    const echoed = await post("/test/echo?constructor=1&__proto__=x&toString=y", "{}")
    expect(echoed.status).toBe(200)
    expect(JSON.stringify(JSON.parse(echoed.text).query)).toBe('{"constructor":"1","__proto__":"x","toString":"y"}')
    const decoded = await worker.fetch("/api/merchant-configs/mc_known?constructor=1&__proto__=x&toString=y")
    expect(decoded.status).toBe(200)
    expect(decoded.text).toBe('{"id":"mc_known","expand":null}')
  })

  /** The same literal the Lambda adapter's tests expect. */
  const queryTooLarge =
    '{"statusCode":400,"error":"Bad Request","message":"The query has more than 256 parameters or 8192 bytes","issues":[{"path":["query"],"message":"Expected at most 256 parameters and 8192 bytes"}]}'

  it.each([
    // workerd answers a URL of 20,000 repeats (80 KB) with its own 431 before any Worker runs
    // (Cloudflare caps URLs at 16 KB); 3,000 repeats (12 KB) reach the Worker.
    ["one name 3,000 times", "a=1&".repeat(3_000)],
    ["257 names", Array.from({ length: 257 }, (_, i) => `p${i}=v`).join("&")],
    ["a 9,000-byte value", `q=${"x".repeat(9_000)}`]
  ])("a query over core's caps (%s) is the contract's 400 at [query]", async (_, query) => {
    const response = await post(`/test/echo?${query}`, "{}")
    expect(response.status).toBe(400)
    expect(headersOf(response)).toEqual(json)
    expect(response.text).toBe(queryTooLarge)
  })

  it("an unsafe cf-ray is not echoed: a generated correlation id is", async () => {
    const response = await worker.fetch("/test/defect", { headers: { "cf-ray": "<script>alert(1)</script>" } })
    expect(response.status).toBe(500)
    expect(response.headers["x-request-id"]).toMatch(generatedId)
  })

  it("X-Api-Key and x-api-key are one header, joined in order with ', ' (as on Lambda)", async () => {
    const response = await sendOnFreshConnection(worker.url, {
      method: "POST",
      path: "/test/echo",
      rawHeaders: [
        "host",
        worker.url.host,
        "content-type",
        "application/json",
        "content-length",
        "2",
        "X-Api-Key",
        "a",
        "x-api-key",
        "b"
      ],
      body: new TextEncoder().encode("{}")
    })
    expect(JSON.parse(response.body.toString()).apiKey).toBe("a, b")
  })

  it("a JSON body after a UTF-8 byte-order mark is accepted (as on Lambda)", async () => {
    const response = await post("/api/asset-transfers", '\uFEFF{"amount":5}')
    expect(response.status).toBe(200)
    expect(response.text).toBe('{"transferred":5}')
  })
})

describe("layers that do not build", () => {
  let layers: RunningWorker
  beforeAll(async () => {
    layers = await start("layers.ts")
  })
  afterAll(async () => {
    await layers.dispose()
  })

  const unavailable = (requestId: string) => ({
    status: 503,
    headers: { ...json, "retry-after": "1", "x-request-id": requestId },
    body: `{"statusCode":503,"error":"Service Unavailable","message":"Service Unavailable","correlationId":"${requestId}"}`
  })
  const received = (response: Received) => ({
    status: response.status,
    headers: headersOf(response),
    body: response.text
  })

  it("a layer whose build never finishes: 503 with Retry-After at the deadline, and a later request builds again", async () => {
    const first = await layers.fetch("/stuck", { headers: { "cf-ray": "8f00000000000010-SYD" } })
    expect(received(first)).toEqual(unavailable("8f00000000000010-SYD"))
    const second = await layers.fetch("/stuck")
    expect(second.status).toBe(200)
    expect(second.text).toBe('{"greeting":"hello","builds":2}')
  })

  it("a layer function that throws: the documented 503, and a later request calls it again", async () => {
    const first = await layers.fetch("/throws", { headers: { "cf-ray": "8f00000000000011-SYD" } })
    expect(received(first)).toEqual(unavailable("8f00000000000011-SYD"))
    const second = await layers.fetch("/throws")
    expect(second.status).toBe(200)
    expect(second.text).toBe('{"greeting":"hello","builds":2}')
  })
})
