/**
 * RFC 9457 problem details as a server's opt-in error format: the
 * negotiation table, the bytes each error class is written as, both formats
 * decoding to the same typed errors (properties over every error value), a
 * runtime per setting, Effect's own problem responses read by the decoder,
 * and a real `node:http` server answering problem+json to the core client.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import {
  ApiError,
  Client,
  Credentials,
  Endpoint,
  ErrorBody,
  ErrorFormat,
  QueryString,
  ResponseCodec,
  ServerRequest,
  ServerResponse,
  ServerRuntime
} from "@centrapay-effect/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Context, Duration, Effect, Layer, Result, Schema } from "effect"
import { FetchHttpClient, HttpEffect, ProblemDetails } from "effect/http"
import { HttpApiError } from "effect/http-api"
import fc from "fast-check"
import { CancelRequest, CreateAssetTransfer, wireError } from "./arbitraries.ts"

const problemJson = { "content-type": "application/problem+json" }
const json = { "content-type": "application/json" }
const failure = (result: Result.Result<ResponseCodec.Success, ApiError.StatusError>): ApiError.StatusError => {
  if (Result.isSuccess(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.success)}`)
  return result.failure
}

describe("negotiate: the format a request's Accept asks for", () => {
  const table: ReadonlyArray<readonly [accept: string | undefined, format: ErrorFormat.Format]> = [
    [undefined, "centrapay"],
    ["", "centrapay"],
    ["application/json", "centrapay"],
    ["application/problem+json", "problem+json"],
    ["APPLICATION/Problem+JSON", "problem+json"],
    [" application/problem+json ; q=1.000 ", "problem+json"],
    ["application/problem+json;charset=utf-8", "problem+json"],
    ["application/problem+json, application/json;q=0.9", "problem+json"],
    ["application/json;q=0.5, application/problem+json", "problem+json"],
    ["application/problem+json;q=0.5, application/json", "centrapay"],
    // A tie is the contract's format: the order of the ranges carries no preference.
    ["application/json, application/problem+json", "centrapay"],
    ["application/problem+json, application/json", "centrapay"],
    ["*/*", "centrapay"],
    ["application/*", "centrapay"],
    ["application/*;q=0.2, application/problem+json", "problem+json"],
    ["*/*;q=0.1, application/problem+json;q=0.2", "problem+json"],
    ["application/problem+json;q=0, */*", "centrapay"],
    ["text/html, application/problem+json;q=0.8", "problem+json"],
    ["text/html", "centrapay"],
    ["application/json;q=0, application/problem+json;q=0", "centrapay"],
    // The most specific range wins over a wildcard, whatever the weights.
    ["application/problem+json;q=0.1, application/*;q=0.9", "centrapay"],
    ["application/json;q=0.1, */*;q=1", "problem+json"],
    // Unreadable ranges are skipped; the rest still counts.
    ["application/problem+json;q=1.5", "centrapay"],
    ["application/problem+json;q=abc", "centrapay"],
    ["application/problem+json;q=", "centrapay"],
    ["application/problem+json;q=0.5555, application/json;q=0.5", "centrapay"],
    ["garbage", "centrapay"],
    [";;;,,,/", "centrapay"],
    ["*/json, application/problem+json;q=0.5", "problem+json"],
    ["\u0000application/problem+json", "centrapay"],
    ["application/problem+json\r\n", "problem+json"],
    ["application /problem+json", "centrapay"],
    ["application/problem+json;;;q=0.9;;", "problem+json"],
    [`${"x/y;q=0.5,".repeat(20_000)}application/problem+json`, "problem+json"]
  ]
  it.each(table)("Accept %j → %s", (accept, format) => {
    expect(ErrorFormat.negotiate(accept)).toBe(format)
  })

  it("choose: the server's setting, and Accept only when negotiating", () => {
    expect(ErrorFormat.choose(undefined, "application/problem+json")).toEqual({
      format: "centrapay",
      negotiated: false
    })
    expect(ErrorFormat.choose("centrapay", "application/problem+json")).toEqual({
      format: "centrapay",
      negotiated: false
    })
    expect(ErrorFormat.choose("problem+json", "application/json")).toEqual({
      format: "problem+json",
      negotiated: false
    })
    expect(ErrorFormat.choose("negotiate", "application/problem+json")).toEqual({
      format: "problem+json",
      negotiated: true
    })
    expect(ErrorFormat.choose("negotiate", undefined)).toEqual({ format: "centrapay", negotiated: true })
    expect(ErrorFormat.withoutRequest("negotiate")).toEqual({ format: "centrapay", negotiated: false })
    expect(ErrorFormat.withoutRequest("problem+json")).toEqual({ format: "problem+json", negotiated: false })
  })

  it("never throws, for any header text (10k runs)", () => {
    const range = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom("application/problem+json", "application/json", "*/*", "application/*"),
      fc
        .tuple(fc.constantFrom("application/problem+json", "application/json"), fc.string({ maxLength: 8 }))
        .map(([type, q]) => `${type};q=${q}`)
    )
    fc.assert(
      fc.property(fc.array(range, { maxLength: 8 }), (ranges) => {
        expect(["centrapay", "problem+json"]).toContain(ErrorFormat.negotiate(ranges.join(",")))
      }),
      { numRuns: 10_000 }
    )
  })
})

describe("encode as problem+json: the same status and headers, an RFC 9457 body", () => {
  const cases: ReadonlyArray<{
    readonly name: string
    readonly error: ApiError.ApiError
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly body: string
  }> = [
    {
      name: "400 with issues and what went wrong",
      error: new ApiError.MalformedRequest({
        message: "amount is required",
        issues: [{ path: ["body", "amount"], message: "Missing key" }],
        problem: "schema-mismatch"
      }),
      status: 400,
      headers: problemJson,
      body: '{"type":"tag:centrapay-effect,2026:problem:malformed-request","title":"Bad Request","status":400,"detail":"amount is required","message":"amount is required","issues":[{"path":["body","amount"],"message":"Missing key"}],"problem":"schema-mismatch"}'
    },
    {
      name: "401 with its challenge",
      error: new ApiError.Unauthorized({ message: "Missing authentication" }),
      status: 401,
      headers: {
        ...problemJson,
        "www-authenticate": 'ApiKey realm="centrapay", header="X-Api-Key", Bearer realm="centrapay"'
      },
      body: '{"type":"tag:centrapay-effect,2026:problem:unauthorized","title":"Unauthorized","status":401,"detail":"Missing authentication","message":"Missing authentication"}'
    },
    {
      name: "403 permission",
      error: new ApiError.ResourceForbidden({ message: "Forbidden" }),
      status: 403,
      headers: problemJson,
      body: '{"type":"tag:centrapay-effect,2026:problem:resource-forbidden","title":"Forbidden","status":403,"detail":"Forbidden","message":"Forbidden"}'
    },
    {
      name: "403 business rule with its quotas",
      error: Endpoint.violation(CreateAssetTransfer, "QUOTA_EXCEEDED", {
        quotas: [{ type: "spend", limit: "1000", usage: "999.5", period: "monthly" }]
      }),
      status: 403,
      headers: problemJson,
      body: '{"type":"tag:centrapay-effect,2026:problem:business-rule-violation","title":"Forbidden","status":403,"detail":"QUOTA_EXCEEDED","message":"QUOTA_EXCEEDED","quotas":[{"type":"spend","limit":"1000","usage":"999.5","period":"monthly"}]}'
    },
    {
      name: "a legacy endpoint's 404 business outcome",
      error: Endpoint.violation(CancelRequest, "REQUEST_PAID"),
      status: 404,
      headers: problemJson,
      body: '{"type":"tag:centrapay-effect,2026:problem:business-rule-violation","title":"Not Found","status":404,"detail":"REQUEST_PAID","message":"REQUEST_PAID"}'
    },
    {
      name: "404",
      error: new ApiError.RouteNotFound({ message: "Not Found" }),
      status: 404,
      headers: problemJson,
      body: '{"type":"tag:centrapay-effect,2026:problem:route-not-found","title":"Not Found","status":404,"detail":"Not Found","message":"Not Found"}'
    },
    {
      name: "429 with Retry-After",
      error: new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED", retryAfter: Duration.seconds(7) }),
      status: 429,
      headers: { ...problemJson, "retry-after": "7" },
      body: '{"type":"tag:centrapay-effect,2026:problem:too-many-requests","title":"Too Many Requests","status":429,"detail":"RATE_LIMIT_EXCEEDED","message":"RATE_LIMIT_EXCEEDED"}'
    },
    {
      name: "503 with the correlation id in body and x-request-id",
      error: new ApiError.ServerError({
        status: 503,
        message: "Service Unavailable",
        correlationId: "req-1",
        retryAfter: Duration.seconds(2)
      }),
      status: 503,
      headers: { ...problemJson, "x-request-id": "req-1", "retry-after": "2" },
      body: '{"type":"tag:centrapay-effect,2026:problem:server-error","title":"Service Unavailable","status":503,"detail":"Service Unavailable","message":"Service Unavailable","correlationId":"req-1"}'
    },
    {
      name: "a transport failure, as a gateway: 502 without the upstream's details",
      error: new ApiError.TransportFailure({
        method: "GET",
        url: "http://10.0.0.1/secret",
        reason: "connection-reset",
        detail: "ECONNRESET"
      }),
      status: 502,
      headers: problemJson,
      body: '{"type":"tag:centrapay-effect,2026:problem:server-error","title":"Bad Gateway","status":502,"detail":"Bad Gateway","message":"Bad Gateway"}'
    },
    {
      name: "a timeout: 504",
      error: new ApiError.Timeout({ method: "GET", url: "http://x/y", after: Duration.seconds(2), attempts: 3 }),
      status: 504,
      headers: problemJson,
      body: '{"type":"tag:centrapay-effect,2026:problem:server-error","title":"Gateway Timeout","status":504,"detail":"Gateway Timeout","message":"Gateway Timeout"}'
    }
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(ResponseCodec.encode(c.error, { format: "problem+json" })).toEqual({
        status: c.status,
        headers: c.headers,
        body: c.body
      })
    })
  }

  it("a negotiated answer says Vary: Accept, in either format", () => {
    const error = new ApiError.RouteNotFound({ message: "Not Found" })
    expect(ResponseCodec.encode(error, { format: "problem+json", negotiated: true }).headers).toEqual({
      ...problemJson,
      vary: "Accept"
    })
    expect(ResponseCodec.encode(error, { format: "centrapay", negotiated: true })).toEqual({
      status: 404,
      headers: { ...json, vary: "Accept" },
      body: '{"statusCode":404,"error":"Not Found","message":"Not Found"}'
    })
  })

  it("every body is problem details by Effect's own codec, with the standard members as written", () => {
    for (const c of cases) {
      const written: unknown = JSON.parse(ResponseCodec.encode(c.error, { format: "problem+json" }).body)
      const read = Schema.decodeUnknownSync(ProblemDetails.Schema)(written)
      expect(read).toEqual(written)
      expect(read.status).toBe(c.status)
      expect(Schema.decodeUnknownSync(ErrorBody.ProblemBody)(written)).toEqual(written)
    }
    expectTypeOf<ErrorBody.ProblemBody>().toExtend<ProblemDetails.ProblemDetails>()
  })
})

// What an error says on the wire: everything but what a client notes on receipt (`body`, `upstream`).
const wireFields = (error: ApiError.ApiError): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(Schema.encodeSync(ApiError.ApiErrorSchema)(error)).filter(
      ([key]) => key !== "body" && key !== "upstream"
    )
  )

describe("properties: both formats decode to the same typed error", () => {
  it("decode(encode(e)) equals e in either format, for every error value (10k runs each)", () => {
    for (const format of ["centrapay", "problem+json"] as const) {
      fc.assert(
        fc.property(wireError, ({ error, endpoint }) => {
          const decoded = failure(ResponseCodec.decode(ResponseCodec.encode(error, { format }), { endpoint }))
          expect(decoded._tag).toBe(error._tag)
          expect(wireFields(decoded)).toEqual(wireFields(error))
          expect(ApiError.isReceived(decoded)).toBe(true)
        }),
        { numRuns: 10_000 }
      )
    }
  })

  it("problem+json differs from the contract's body only in content type: same status, same other headers (10k runs)", () => {
    fc.assert(
      fc.property(wireError, fc.boolean(), ({ error }, negotiated) => {
        if (error._tag === "UnexpectedStatus" || error._tag === "UndecodableResponse") return
        const contract = ResponseCodec.encode(error, { negotiated })
        const problem = ResponseCodec.encode(error, { format: "problem+json", negotiated })
        expect(problem.status).toBe(contract.status)
        expect(problem.headers).toEqual({ ...contract.headers, "content-type": "application/problem+json" })
        const body = JSON.parse(problem.body)
        expect(body.status).toBe(contract.status)
        expect(body.message).toBe(error.message)
        expect(body.detail).toBe(error.message)
      }),
      { numRuns: 10_000 }
    )
  })
})

describe("decode: problem details from elsewhere", () => {
  it("a documented code in `message` narrows on the endpoint, by content type or by shape alone", () => {
    const body =
      '{"type":"tag:centrapay-effect,2026:problem:business-rule-violation","title":"Forbidden","status":403,"detail":"INSUFFICIENT_WALLET_BALANCE","message":"INSUFFICIENT_WALLET_BALANCE"}'
    for (const headers of [problemJson, json, {}]) {
      const error = failure(ResponseCodec.decode({ status: 403, headers, body }, { endpoint: CreateAssetTransfer }))
      expect(error).toMatchObject({
        _tag: "BusinessRuleViolation",
        status: 403,
        message: "INSUFFICIENT_WALLET_BALANCE",
        documented: true
      })
      expect(error).not.toHaveProperty("body")
    }
  })

  it("without `message`, the `detail` is the message; the HTTP status wins over `status`", () => {
    const limited = failure(
      ResponseCodec.decode({
        status: 429,
        headers: { ...problemJson, "retry-after": "3" },
        body: '{"type":"about:blank","status":503,"title":"Too Many Requests","detail":"RATE_LIMIT_EXCEEDED"}'
      })
    )
    expect(limited).toMatchObject({ _tag: "TooManyRequests", message: "RATE_LIMIT_EXCEEDED" })
    expect(limited._tag === "TooManyRequests" && Duration.toSeconds(limited.retryAfter ?? Duration.zero)).toBe(3)
    // By shape: a `type` beside a standard member, whatever the content type says.
    const shaped = failure(
      ResponseCodec.decode({ status: 404, headers: json, body: '{"type":"about:blank","detail":"No such route"}' })
    )
    expect(shaped).toMatchObject({ _tag: "RouteNotFound", message: "No such route" })
    // A `detail` outside problem details is not read: the contract's body has no such field.
    const plain = failure(ResponseCodec.decode({ status: 404, headers: json, body: '{"detail":"No such route"}' }))
    expect(plain).toMatchObject({ _tag: "RouteNotFound", message: "Not Found", body: { problem: "no-message" } })
  })

  it("a problem without a usable detail or message is the status class with the reason phrase, noted", () => {
    const error = failure(
      ResponseCodec.decode({
        status: 404,
        headers: problemJson,
        body: '{"type":"about:blank","title":"Not Found","status":404,"detail":42}'
      })
    )
    expect(error).toMatchObject({
      _tag: "RouteNotFound",
      message: "Not Found",
      body: { problem: "no-message", contentType: "application/problem+json" }
    })
  })

  class OutOfCredit extends HttpApiError.Problem<OutOfCredit>()(
    "OutOfCredit",
    { type: "https://example.test/probs/out-of-credit", status: 403, title: "Not enough credit" },
    { balance: Schema.Number }
  ) {}

  it.effect(
    "Effect's own problem responses (an HttpApiError.Problem, ProblemDetails.toResponse) decode to typed errors",
    () =>
      Effect.gen(function* () {
        const handler = HttpEffect.toWebHandler(
          Effect.gen(function* () {
            return yield* new OutOfCredit({ balance: 30, detail: "INSUFFICIENT_WALLET_BALANCE" })
          })
        )
        const response = yield* Effect.promise(() => handler(new Request("http://local/transfer")))
        const received = {
          status: response.status,
          headers: Object.fromEntries(response.headers),
          body: yield* Effect.promise(() => response.text())
        }
        expect(received.headers["content-type"]).toBe("application/problem+json")
        expect(failure(ResponseCodec.decode(received, { endpoint: CreateAssetTransfer }))).toMatchObject({
          _tag: "BusinessRuleViolation",
          message: "INSUFFICIENT_WALLET_BALANCE",
          documented: true
        })

        const bare = HttpEffect.toWebHandler(
          Effect.succeed(ProblemDetails.toResponse({ type: ProblemDetails.blankType, status: 429, title: "Slow down" }))
        )
        const limited = yield* Effect.promise(() => bare(new Request("http://local/")))
        const decoded = failure(
          ResponseCodec.decode({
            status: limited.status,
            headers: Object.fromEntries(limited.headers),
            body: yield* Effect.promise(() => limited.text())
          })
        )
        expect(decoded).toMatchObject({ _tag: "TooManyRequests", message: "Too Many Requests" })
      })
  )
})

// A program answering each error class at its own path, as a server would raise them.
const Transfer = Endpoint.withSchemas(
  Endpoint.make("GET /api/transfer", { 403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"] }),
  { success: Schema.Struct({ id: Schema.String }) }
)
const program = Effect.gen(function* () {
  const request = yield* ServerRequest.CurrentRequest
  switch (request.path) {
    case "/api/transfer":
      return yield* Effect.fail(Endpoint.violation(Transfer, "INSUFFICIENT_WALLET_BALANCE"))
    case "/limited":
      return yield* Effect.fail(
        new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED", retryAfter: Duration.seconds(5) })
      )
    case "/defect":
      return yield* Effect.die(new Error("secret: sk_live_123"))
    case "/ok":
      return ServerResponse.json({ ok: true })
    default:
      return yield* Effect.fail(new ApiError.RouteNotFound({ message: "Not Found" }))
  }
})

const request = (path: string, headers: Readonly<Record<string, string>> = {}): ServerRequest.ServerRequest => ({
  method: "GET",
  path,
  query: QueryString.empty,
  headers,
  body: undefined,
  requestId: "req-7"
})

describe("ServerRuntime: the error format per server, or per request", () => {
  const runtimes = {
    default: ServerRuntime.make(program, Layer.empty, { loggers: [] }),
    problem: ServerRuntime.make(program, Layer.empty, { errorFormat: "problem+json", loggers: [] }),
    negotiate: ServerRuntime.make(program, Layer.empty, { errorFormat: "negotiate", loggers: [] })
  }
  const contract403 = '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
  const problem403 =
    '{"type":"tag:centrapay-effect,2026:problem:business-rule-violation","title":"Forbidden","status":403,"detail":"INSUFFICIENT_WALLET_BALANCE","message":"INSUFFICIENT_WALLET_BALANCE"}'
  const table: ReadonlyArray<{
    readonly runtime: keyof typeof runtimes
    readonly accept: string | undefined
    readonly headers: Readonly<Record<string, string>>
    readonly body: string
  }> = [
    { runtime: "default", accept: undefined, headers: json, body: contract403 },
    { runtime: "default", accept: "application/problem+json", headers: json, body: contract403 },
    { runtime: "problem", accept: undefined, headers: problemJson, body: problem403 },
    { runtime: "problem", accept: "application/json", headers: problemJson, body: problem403 },
    { runtime: "negotiate", accept: undefined, headers: { ...json, vary: "Accept" }, body: contract403 },
    { runtime: "negotiate", accept: "application/json", headers: { ...json, vary: "Accept" }, body: contract403 },
    { runtime: "negotiate", accept: "*/*", headers: { ...json, vary: "Accept" }, body: contract403 },
    {
      runtime: "negotiate",
      accept: "application/problem+json",
      headers: { ...problemJson, vary: "Accept" },
      body: problem403
    },
    {
      runtime: "negotiate",
      accept: "application/json;q=0.4, application/problem+json;q=0.6",
      headers: { ...problemJson, vary: "Accept" },
      body: problem403
    },
    { runtime: "negotiate", accept: "%%%;q=bad", headers: { ...json, vary: "Accept" }, body: contract403 }
  ]
  it.each(table)("$runtime server, Accept $accept: 403 as $headers.content-type", async (c) => {
    const response = await runtimes[c.runtime].handle(
      request("/api/transfer", c.accept === undefined ? {} : { accept: c.accept }),
      Context.empty()
    )
    expect(response).toEqual({ status: 403, headers: c.headers, body: c.body })
  })

  it("a success is the program's own, whatever the setting", async () => {
    const response = await runtimes.negotiate.handle(
      request("/ok", { accept: "application/problem+json" }),
      Context.empty()
    )
    expect(response).toEqual({ status: 200, headers: json, body: '{"ok":true}' })
  })

  it("a defect is the generic 500 in the chosen format, without the cause", async () => {
    const response = await runtimes.problem.handle(request("/defect"), Context.empty())
    expect(response).toEqual({
      status: 500,
      headers: { ...problemJson, "x-request-id": "req-7" },
      body: '{"type":"tag:centrapay-effect,2026:problem:server-error","title":"Internal Server Error","status":500,"detail":"Internal Server Error","message":"Internal Server Error","correlationId":"req-7"}'
    })
  })

  it("a request refused before the program (body over the cap) is a 400 in the chosen format", async () => {
    const capped = ServerRuntime.make(program, Layer.empty, { errorFormat: "negotiate", maxBodyBytes: 4, loggers: [] })
    const response = await capped.handle(
      { ...request("/api/transfer", { accept: "application/problem+json" }), method: "POST", body: "12345" },
      Context.empty()
    )
    expect(response.status).toBe(400)
    expect(response.headers).toEqual({ ...problemJson, vary: "Accept" })
    expect(JSON.parse(response.body)).toMatchObject({
      type: "tag:centrapay-effect,2026:problem:malformed-request",
      title: "Bad Request",
      status: 400,
      issues: [{ path: ["body"] }]
    })
  })

  it("the generic 500 for a failure outside any request: problem+json when the server always answers so", () => {
    expect(runtimes.problem.lastResort("req-9", new Error("boom")).headers).toEqual({
      ...problemJson,
      "x-request-id": "req-9"
    })
    expect(runtimes.negotiate.lastResort("req-9", new Error("boom")).headers).toEqual({
      ...json,
      "x-request-id": "req-9"
    })
  })
})

/** A real `node:http` server on 127.0.0.1 answering through a `ServerRuntime`, closed with the scope. */
const serve = (runtime: ServerRuntime.ServerRuntime<never>) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly url: string; readonly server: http.Server }>((resume) => {
      const server = http.createServer((incoming, outgoing) => {
        const chunks: Array<Buffer> = []
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
        incoming.on("end", () => {
          const target = new URL(incoming.url ?? "/", "http://127.0.0.1")
          const headers: Record<string, string> = {}
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
          }
          void runtime
            .handle(
              {
                method: incoming.method ?? "GET",
                path: target.pathname,
                query: QueryString.parse(target.search.slice(1)),
                headers,
                body: chunks.length === 0 ? undefined : new Uint8Array(Buffer.concat(chunks)),
                requestId: "req-node"
              },
              Context.empty()
            )
            .then((response) => {
              for (const [name, value] of Object.entries(response.headers)) {
                outgoing.setHeader(name, typeof value === "string" ? value : [...value])
              }
              outgoing.writeHead(response.status)
              outgoing.end(response.body)
            })
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address: AddressInfo | string | null = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, server }))
      })
    }),
    ({ server }) =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

describe("a real node:http server answering problem+json to the core client", () => {
  it.effect(
    "a negotiating server answers problem+json when the call asks; the client narrows the documented code",
    () =>
      Effect.gen(function* () {
        const runtime = ServerRuntime.make(program, Layer.empty, { errorFormat: "negotiate", loggers: [] })
        yield* Effect.addFinalizer(() => Effect.promise(() => runtime.dispose()))
        const { url } = yield* serve(runtime)

        const raw = yield* Effect.promise(() =>
          fetch(`${url}/api/transfer`, { headers: { accept: "application/problem+json" } })
        )
        expect(raw.status).toBe(403)
        expect(raw.headers.get("content-type")).toBe("application/problem+json")
        expect(raw.headers.get("vary")).toBe("Accept")
        expect(yield* Effect.promise(() => raw.text())).toBe(
          '{"type":"tag:centrapay-effect,2026:problem:business-rule-violation","title":"Forbidden","status":403,"detail":"INSUFFICIENT_WALLET_BALANCE","message":"INSUFFICIENT_WALLET_BALANCE"}'
        )

        const client = yield* Client.make({
          baseUrl: url,
          credentials: Credentials.apiKey("ak_test"),
          attemptTimeout: Duration.infinity
        }).pipe(Effect.provide(FetchHttpClient.layer))
        const error = yield* client
          .call(Transfer, { headers: { accept: "application/problem+json" } })
          .pipe(Effect.flip)
        expect(error._tag).toBe("BusinessRuleViolation")
        if (error._tag !== "BusinessRuleViolation" || !error.documented) throw new Error("expected a documented code")
        expectTypeOf(error.message).toEqualTypeOf<"INSUFFICIENT_WALLET_BALANCE" | "QUOTA_EXCEEDED">()
        expect(error.message).toBe("INSUFFICIENT_WALLET_BALANCE")
        expect(error.upstream).toEqual({ method: "GET", url: `${url}/api/transfer` })
      })
  )

  it.effect("an always-problem+json server: a 429 keeps Retry-After, and the client reads it", () =>
    Effect.gen(function* () {
      const runtime = ServerRuntime.make(program, Layer.empty, { errorFormat: "problem+json", loggers: [] })
      yield* Effect.addFinalizer(() => Effect.promise(() => runtime.dispose()))
      const { url } = yield* serve(runtime)
      const raw = yield* Effect.promise(() => fetch(`${url}/limited`))
      expect(raw.status).toBe(429)
      expect(raw.headers.get("content-type")).toBe("application/problem+json")
      expect(raw.headers.get("retry-after")).toBe("5")
      const received = {
        status: raw.status,
        headers: Object.fromEntries(raw.headers),
        body: yield* Effect.promise(() => raw.text())
      }
      const error = failure(ResponseCodec.decode(received))
      expect(error).toMatchObject({ _tag: "TooManyRequests", message: "RATE_LIMIT_EXCEEDED" })
      expect(error._tag === "TooManyRequests" && Duration.toSeconds(error.retryAfter ?? Duration.zero)).toBe(5)
    })
  )
})
