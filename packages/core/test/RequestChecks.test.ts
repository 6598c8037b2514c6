/**
 * The checks before the program: the body cap (its boundary, UTF-8
 * counting against an independent encoder), the query caps, and
 * `ServerRuntime` running them before the layer and the program.
 */
import { ApiError, RequestChecks, ServerRequest, ServerResponse, ServerRuntime } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import fc from "fast-check"

const requestWith = (body: string | Uint8Array | undefined, headers: Record<string, string> = {}) => ({
  method: "POST",
  path: "/api/asset-transfers",
  query: {},
  headers: { "content-type": "application/json", ...headers },
  body,
  requestId: "req-42"
})

describe("the body cap", () => {
  it("defaults to 1 MiB", () => {
    expect(RequestChecks.defaultMaxBodyBytes).toBe(1_048_576)
    expect(RequestChecks.limits()).toEqual({ maxBodyBytes: 1_048_576 })
    expect(RequestChecks.limits({ maxBodyBytes: undefined })).toEqual({ maxBodyBytes: 1_048_576 })
    expect(RequestChecks.limits({ maxBodyBytes: 65_536 })).toEqual({ maxBodyBytes: 65_536 })
  })

  it("a body exactly at the cap passes; one byte more is the contract's 400 at [body]", () => {
    const limits = RequestChecks.limits({ maxBodyBytes: 1024 })
    expect(RequestChecks.check(requestWith(undefined), limits)).toBeUndefined()
    expect(RequestChecks.check(requestWith("x".repeat(1024)), limits)).toBeUndefined()
    expect(RequestChecks.check(requestWith(new Uint8Array(1024)), limits)).toBeUndefined()
    for (const over of ["x".repeat(1025), new Uint8Array(1025)]) {
      const refused = RequestChecks.check(requestWith(over), limits)
      expect(refused).toBeInstanceOf(ApiError.MalformedRequest)
      expect({ message: refused?.message, issues: refused?.issues, problem: refused?.problem }).toEqual({
        message: "The request body is larger than 1024 bytes",
        issues: [{ path: ["body"], message: "Expected at most 1024 bytes" }],
        problem: undefined
      })
    }
    expect(RequestChecks.checkBodySize(1024, 1024)).toBeUndefined()
    expect(RequestChecks.checkBodySize(1025, 1024)?.message).toBe("The request body is larger than 1024 bytes")
  })

  it("counts text as the UTF-8 bytes the client sent", () => {
    // 300 characters of 2, 3 and 4 bytes: 600, 900 and 1200 bytes (the 4-byte ones are surrogate pairs).
    const cases: ReadonlyArray<readonly [string, number]> = [
      ["é".repeat(300), 600],
      ["€".repeat(300), 900],
      ["😀".repeat(300), 1200],
      ["\ud800".repeat(300), 900] // lone surrogates are sent as U+FFFD, 3 bytes each
    ]
    for (const [text, bytes] of cases) {
      expect(RequestChecks.check(requestWith(text), { maxBodyBytes: bytes })).toBeUndefined()
      expect(RequestChecks.check(requestWith(text), { maxBodyBytes: bytes - 1 })?.issues).toEqual([
        { path: ["body"], message: `Expected at most ${bytes - 1} bytes` }
      ])
    }
  })

  it("agrees with TextEncoder on any text, with the cap anywhere and around its exact size", () => {
    const encoder = new TextEncoder()
    const unit = fc.constantFrom("a", "é", "€", "😀", "\udc00", "\ud800")
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 64 }),
        fc.oneof(fc.nat({ max: 300 }), fc.integer({ min: -2, max: 2 })),
        (text, at) => {
          const bytes = encoder.encode(text).byteLength
          // Small values of `at` put the cap next to the exact size, where counting matters.
          const cap = at > 2 ? at : Math.max(0, bytes + at)
          expect(RequestChecks.check(requestWith(text), { maxBodyBytes: cap }) !== undefined).toBe(bytes > cap)
        }
      )
    )
  })
})

describe("the query caps", () => {
  const withQuery = (query: ServerRequest.ServerRequest["query"]) => ({ ...requestWith(undefined), query })
  const refused = {
    message: "The query has more than 256 parameters or 8192 bytes",
    issues: [{ path: ["query"], message: "Expected at most 256 parameters and 8192 bytes" }]
  }
  const check = (query: ServerRequest.ServerRequest["query"]) => {
    const error = RequestChecks.check(withQuery(query), RequestChecks.limits())
    return error === undefined ? undefined : { message: error.message, issues: error.issues }
  }

  it("are 256 parameters and 8 KiB", () => {
    expect(RequestChecks.maxQueryParameters).toBe(256)
    expect(RequestChecks.maxQueryBytes).toBe(8192)
  })

  it("256 parameters pass, 257 are the contract's 400 at [query]; a repeated name counts once per value", () => {
    const names = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, "v"]))
    expect(check(names(256))).toBeUndefined()
    expect(check(names(257))).toEqual(refused)
    expect(check({ a: Array.from({ length: 256 }, () => "") })).toBeUndefined()
    expect(check({ a: Array.from({ length: 257 }, () => "") })).toEqual(refused)
  })

  it("8192 bytes of names and values pass, 8193 are the 400; a name counts once per value, text as UTF-8", () => {
    expect(check({ q: "x".repeat(8191) })).toBeUndefined()
    expect(check({ q: "x".repeat(8192) })).toEqual(refused)
    expect(check({ q: ["x".repeat(4094), "x".repeat(4096)] })).toBeUndefined()
    expect(check({ q: ["x".repeat(4095), "x".repeat(4096)] })).toEqual(refused)
    // "é" is 2 bytes and "€" 3: 1 + 2 × 4095 + 1 = 8192 and 3 + 3 × 2729 + 2 = 8192, then one more.
    expect(check({ q: `${"é".repeat(4095)}a` })).toBeUndefined()
    expect(check({ q: `${"é".repeat(4095)}ab` })).toEqual(refused)
    expect(check({ "€": `${"€".repeat(2729)}ab` })).toBeUndefined()
    expect(check({ "€": `${"€".repeat(2729)}abc` })).toEqual(refused)
  })

  it("the body cap comes first", () => {
    const both = { ...requestWith("x".repeat(2048)), query: { q: "x".repeat(9000) } }
    expect(RequestChecks.check(both, { maxBodyBytes: 1024 })?.message).toBe(
      "The request body is larger than 1024 bytes"
    )
  })

  it("ServerRuntime answers an oversized query with the literal 400, before the layer or the program", async () => {
    let builds = 0
    const runtime = ServerRuntime.make(
      Effect.succeed(ServerResponse.json({ ok: true })),
      Layer.effectDiscard(Effect.sync(() => void builds++))
    )
    const response = await runtime.handle(withQuery({ a: Array.from({ length: 20_000 }, () => "1") }), Context.empty())
    expect(response).toEqual({
      status: 400,
      headers: { "content-type": "application/json" },
      body: '{"statusCode":400,"error":"Bad Request","message":"The query has more than 256 parameters or 8192 bytes","issues":[{"path":["query"],"message":"Expected at most 256 parameters and 8192 bytes"}]}'
    })
    expect(builds).toBe(0)
    await runtime.dispose()
  })
})

describe("ServerRuntime runs the checks first", () => {
  // A program that checks the API key before anything else, as the wallet API does.
  const apiKeyFirst = Effect.gen(function* () {
    const apiKey = yield* ServerRequest.header("x-api-key")
    if (apiKey === undefined)
      return yield* Effect.fail(new ApiError.Unauthorized({ message: "Missing authentication" }))
    const request = yield* ServerRequest.CurrentRequest
    return ServerResponse.json({ bytes: request.body === undefined ? 0 : request.body.length })
  })
  const tooLarge =
    '{"statusCode":400,"error":"Bad Request","message":"The request body is larger than 1048576 bytes","issues":[{"path":["body"],"message":"Expected at most 1048576 bytes"}]}'

  it("a body over the cap is a 400 before the layer is built or the program asks for an API key", async () => {
    let builds = 0
    const counted = Layer.effectDiscard(Effect.sync(() => void builds++))
    const runtime = ServerRuntime.make(apiKeyFirst, counted)
    const response = await runtime.handle(requestWith("x".repeat(2_000_000)), Context.empty())
    expect(response).toEqual({ status: 400, headers: { "content-type": "application/json" }, body: tooLarge })
    expect(builds).toBe(0)
    const atCap = await runtime.handle(requestWith("x".repeat(1_048_576)), Context.empty())
    expect(atCap.status).toBe(401)
    expect(builds).toBe(1)
    const keyed = await runtime.handle(requestWith("x".repeat(1_048_576), { "x-api-key": "k" }), Context.empty())
    expect(keyed.body).toBe('{"bytes":1048576}')
    await runtime.dispose()
  })

  it("honours a configured cap", async () => {
    const runtime = ServerRuntime.make(apiKeyFirst, Layer.empty, { maxBodyBytes: 16 })
    const over = await runtime.handle(requestWith("x".repeat(17)), Context.empty())
    expect(over.body).toBe(
      '{"statusCode":400,"error":"Bad Request","message":"The request body is larger than 16 bytes","issues":[{"path":["body"],"message":"Expected at most 16 bytes"}]}'
    )
    expect((await runtime.handle(requestWith("x".repeat(16)), Context.empty())).status).toBe(401)
    await runtime.dispose()
  })
})
