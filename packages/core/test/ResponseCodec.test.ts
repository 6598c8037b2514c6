import { ApiError, ResponseCodec } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Result, Schema } from "effect"
import fc from "fast-check"
import { CancelRequest, CreateAssetTransfer, GetPatronCode, receivedResponse, wireError } from "./arbitraries.ts"

const json = (value: unknown) => JSON.stringify(value)
const failure = (result: Result.Result<ResponseCodec.Success, ApiError.StatusError>): ApiError.StatusError => {
  if (Result.isSuccess(result)) throw new Error(`expected a failure, got ${json(result.success)}`)
  return result.failure
}

describe("decode: one response of every status class", () => {
  const cases: ReadonlyArray<{
    readonly name: string
    readonly status: number
    readonly body: unknown
    readonly tag: string
  }> = [
    {
      name: "400 says where",
      status: 400,
      body: { statusCode: 400, message: "amount is required" },
      tag: "MalformedRequest"
    },
    {
      name: "401",
      status: 401,
      body: { statusCode: 401, error: "Unauthorized", message: "Missing authentication" },
      tag: "Unauthorized"
    },
    {
      name: "403 permission",
      status: 403,
      body: { statusCode: 403, error: "Forbidden", message: "Forbidden" },
      tag: "ResourceForbidden"
    },
    {
      name: "403 business",
      status: 403,
      body: { statusCode: 403, error: "Forbidden", message: "INSUFFICIENT_BALANCE" },
      tag: "BusinessRuleViolation"
    },
    {
      name: "404",
      status: 404,
      body: { statusCode: 404, error: "Not Found", message: "Not Found" },
      tag: "RouteNotFound"
    },
    {
      name: "429",
      status: 429,
      body: { statusCode: 429, error: "Too Many Requests", message: "RATE_LIMIT_EXCEEDED" },
      tag: "TooManyRequests"
    },
    { name: "500", status: 500, body: { statusCode: 500, message: "Internal Server Error" }, tag: "ServerError" },
    { name: "409 outside the contract", status: 409, body: { message: "CONFLICT" }, tag: "UnexpectedStatus" },
    { name: "301 outside the contract", status: 301, body: "", tag: "UnexpectedStatus" }
  ]
  for (const c of cases) {
    it(c.name, () => {
      const error = failure(
        ResponseCodec.decode({ status: c.status, body: typeof c.body === "string" ? c.body : json(c.body) })
      )
      expect(error._tag).toBe(c.tag)
      expect(ApiError.isApiError(error)).toBe(true)
    })
  }

  it("2xx is a success with the parsed body; an empty 204 has none", () => {
    expect(ResponseCodec.decode({ status: 200, body: '{"id":"mc_1"}' })).toEqual(
      Result.succeed({ status: 200, body: { id: "mc_1" } })
    )
    expect(ResponseCodec.decode({ status: 204 })).toEqual(Result.succeed({ status: 204, body: undefined }))
  })

  it("a documented business code is a literal of the endpoint; extra fields such as quotas are kept", () => {
    const quotas = [
      {
        limit: "9999",
        interval: "2021",
        period: "yearly",
        usage: "10000",
        type: "topup",
        assetType: "centrapay.nzd.main"
      }
    ]
    const result = ResponseCodec.decode(
      { status: 403, body: json({ message: "QUOTA_EXCEEDED", quotas, unknownField: true }) },
      { endpoint: CreateAssetTransfer }
    )
    const error = failure(result)
    expect(error).toMatchObject({ _tag: "BusinessRuleViolation", message: "QUOTA_EXCEEDED", documented: true, quotas })
    expect(error).toMatchObject({ endpoint: "POST /api/asset-transfers", status: 403 })
  })

  it("an undocumented 403 code still decodes, marked undocumented", () => {
    const error = failure(
      ResponseCodec.decode({ status: 403, body: json({ message: "NEW_RULE" }) }, { endpoint: CreateAssetTransfer })
    )
    expect(error).toMatchObject({ _tag: "BusinessRuleViolation", message: "NEW_RULE", documented: false })
  })

  it("legacy overrides: requests.cancel's 404 REQUEST_PAID and 400 REQUEST_EXPIRED are business outcomes there only", () => {
    const paid = { status: 404, body: json({ statusCode: 404, message: "REQUEST_PAID" }) }
    expect(failure(ResponseCodec.decode(paid, { endpoint: CancelRequest }))).toMatchObject({
      _tag: "BusinessRuleViolation",
      status: 404,
      documented: true
    })
    expect(failure(ResponseCodec.decode(paid))._tag).toBe("RouteNotFound")
    expect(failure(ResponseCodec.decode(paid, { endpoint: CreateAssetTransfer }))._tag).toBe("RouteNotFound")
    const expired = { status: 400, body: json({ message: "REQUEST_EXPIRED" }) }
    expect(failure(ResponseCodec.decode(expired, { endpoint: CancelRequest }))).toMatchObject({
      status: 400,
      documented: true
    })
    expect(failure(ResponseCodec.decode(expired))._tag).toBe("MalformedRequest")
  })

  it("a current endpoint's documented 400 code stays a MalformedRequest carrying the code, with the 400 checklist", () => {
    const body = json({ statusCode: 400, error: "Bad Request", message: "CHECKSUM_FAILED" })
    const error = failure(ResponseCodec.decode({ status: 400, body }, { endpoint: GetPatronCode }))
    expect(error).toMatchObject({ _tag: "MalformedRequest", message: "CHECKSUM_FAILED", code: "CHECKSUM_FAILED" })
    expect(error.hints.map((h) => h.id)).toEqual([
      "content-type",
      "body-fields",
      "http-verb",
      "query-parameters",
      "path-parameters",
      "object-id-prefix"
    ])
    // Without the endpoint the code is only a message.
    const bare = failure(ResponseCodec.decode({ status: 400, body }))
    expect(bare).toMatchObject({ _tag: "MalformedRequest", message: "CHECKSUM_FAILED" })
    expect(bare._tag === "MalformedRequest" ? bare.code : "n/a").toBeUndefined()
  })

  it("Retry-After as delay-seconds and as an HTTP-date (rounded up to whole seconds)", () => {
    const body = json({ message: "RATE_LIMIT_EXCEEDED" })
    const seconds = failure(ResponseCodec.decode({ status: 429, headers: { "Retry-After": "3" }, body }))
    expect(seconds).toMatchObject({ retryAfter: Duration.seconds(3) })
    const now = Date.parse("2026-11-27T10:00:00.400Z")
    const dated = failure(
      ResponseCodec.decode({ status: 429, headers: { "retry-after": "Fri, 27 Nov 2026 10:00:05 GMT" }, body }, { now })
    )
    expect(dated).toMatchObject({ retryAfter: Duration.seconds(5) })
    const past = failure(
      ResponseCodec.decode({ status: 429, headers: { "retry-after": "Fri, 27 Nov 2026 09:00:00 GMT" }, body }, { now })
    )
    expect(past).toMatchObject({ retryAfter: Duration.zero })
    const garbage = failure(ResponseCodec.decode({ status: 429, headers: { "retry-after": "soon" }, body }))
    expect(garbage).not.toHaveProperty("retryAfter")
  })

  it("a 5xx keeps the exact status and the correlation id from the body or a header", () => {
    const fromHeader = failure(
      ResponseCodec.decode({
        status: 503,
        headers: { "X-Request-Id": "req-1", "retry-after": "2" },
        body: json({ message: "down" })
      })
    )
    expect(fromHeader).toMatchObject({
      _tag: "ServerError",
      status: 503,
      correlationId: "req-1",
      retryAfter: Duration.seconds(2)
    })
    const fromBody = failure(
      ResponseCodec.decode({
        status: 500,
        headers: { "cf-ray": "ray" },
        body: json({ message: "x", correlationId: "c-9" })
      })
    )
    expect(fromBody).toMatchObject({ correlationId: "c-9" })
  })

  it("a 2xx whose body is not JSON is an UndecodableResponse with an excerpt, the only tag for unreadable bodies", () => {
    const badSuccess = failure(
      ResponseCodec.decode({ status: 200, body: "<html>", headers: { "content-type": "text/html" } })
    )
    expect(badSuccess).toMatchObject({
      _tag: "UndecodableResponse",
      status: 200,
      body: { problem: "not-json", excerpt: "<html>", contentType: "text/html" }
    })
    expect(badSuccess.isRetryable).toBe(false)
  })

  it("bytes are read as UTF-8, invalid sequences included", () => {
    const body = new Uint8Array([
      ...new TextEncoder().encode('{"message":"caf'),
      0xff,
      ...new TextEncoder().encode('"}')
    ])
    expect(failure(ResponseCodec.decode({ status: 401, body }))).toMatchObject({
      _tag: "Unauthorized",
      message: "caf\uFFFD"
    })
  })
})

describe("encode: the documented wire format", () => {
  it("writes statusCode, the reason phrase and the message, nothing else", () => {
    const wire = ResponseCodec.encode(new ApiError.ResourceForbidden({ message: "Forbidden" }))
    expect(wire).toEqual({
      status: 403,
      headers: { "content-type": "application/json" },
      body: '{"statusCode":403,"error":"Forbidden","message":"Forbidden"}'
    })
  })

  it("a 429 always carries Retry-After, a 401 a WWW-Authenticate challenge", () => {
    const limited = ResponseCodec.encode(
      new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED", retryAfter: Duration.seconds(7) })
    )
    expect(limited.headers["retry-after"]).toBe("7")
    const bare = ResponseCodec.encode(new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED" }))
    expect(bare.headers["retry-after"]).toBe("1")
    const unauthorized = ResponseCodec.encode(new ApiError.Unauthorized({ message: "Missing authentication" }))
    expect(unauthorized.headers["www-authenticate"]).toMatch(/ApiKey .*Bearer/)
    expect(JSON.parse(unauthorized.body)).toEqual({
      statusCode: 401,
      error: "Unauthorized",
      message: "Missing authentication"
    })
  })

  it("a business code keeps its documented extras and its legacy status", () => {
    const wire = ResponseCodec.encode(
      new ApiError.BusinessRuleViolation({
        status: 404,
        message: "REQUEST_PAID",
        documented: true,
        endpoint: CancelRequest.id
      })
    )
    expect(wire.status).toBe(404)
    expect(JSON.parse(wire.body)).toEqual({ statusCode: 404, error: "Not Found", message: "REQUEST_PAID" })
  })

  it("transport failures and timeouts become 502/504 without the upstream's details", () => {
    const transport = ResponseCodec.encode(
      new ApiError.TransportFailure({
        method: "GET",
        url: "http://10.0.0.1/secret?key=abc",
        reason: "connection-reset",
        detail: "ECONNRESET"
      })
    )
    expect(transport.status).toBe(502)
    expect(transport.body).not.toMatch(/secret|abc|ECONNRESET/)
    const timeout = ResponseCodec.encode(
      new ApiError.Timeout({ method: "GET", url: "http://x/y", after: Duration.seconds(2), attempts: 3 })
    )
    expect(timeout.status).toBe(504)
  })
})

// What an error says on the wire: everything but what a client notes on receipt (`body`, `upstream`).
const wireFields = (error: ApiError.ApiError): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(Schema.encodeSync(ApiError.ApiErrorSchema)(error)).filter(
      ([key]) => key !== "body" && key !== "upstream"
    )
  )
const statusClassTag = (status: number): ReadonlyArray<string> => {
  const statusClass = ApiError.statusClassOf(Number.isInteger(status) ? status : 0)
  if (statusClass === "Ok") return ["Success", "UndecodableResponse"]
  if (statusClass === "ResourceForbidden") return ["ResourceForbidden", "BusinessRuleViolation"]
  return [statusClass]
}

describe("properties", () => {
  it("decode(encode(e)) equals e on the wire for every error value, marked as received (10k runs)", () => {
    fc.assert(
      fc.property(wireError, ({ error, endpoint }) => {
        const decoded = failure(ResponseCodec.decode(ResponseCodec.encode(error), { endpoint }))
        expect(decoded._tag).toBe(error._tag)
        expect(wireFields(decoded)).toEqual(wireFields(error))
        expect(decoded.upstream).toEqual({})
        expect(ApiError.isReceived(decoded)).toBe(true)
      }),
      { numRuns: 10_000 }
    )
  })

  it("for any status and any body the tag is the status class's (10k runs), on a current endpoint", () => {
    fc.assert(
      fc.property(
        receivedResponse,
        fc.constantFrom(undefined, CreateAssetTransfer, GetPatronCode),
        (received, endpoint) => {
          const result = ResponseCodec.decode(received, { endpoint })
          const tag = Result.isSuccess(result) ? "Success" : result.failure._tag
          expect(statusClassTag(received.status)).toContain(tag)
        }
      ),
      { numRuns: 10_000 }
    )
  })

  it("a documented code on a current endpoint keeps its code whatever the other fields hold (5k runs)", () => {
    const otherFields = fc.dictionary(
      fc.constantFrom("statusCode", "error", "quotas", "issues", "problem", "correlationId", "extra"),
      fc.anything(),
      { maxKeys: 5 }
    )
    fc.assert(
      fc.property(
        fc.constantFrom(
          { endpoint: CreateAssetTransfer, status: 403, code: "QUOTA_EXCEEDED", tag: "BusinessRuleViolation" },
          { endpoint: CreateAssetTransfer, status: 403, code: "RECIPIENT_MISSING", tag: "BusinessRuleViolation" },
          { endpoint: GetPatronCode, status: 400, code: "CHECKSUM_FAILED", tag: "MalformedRequest" }
        ),
        otherFields,
        ({ endpoint, status, code, tag }, fields) => {
          const error = failure(
            ResponseCodec.decode({ status, body: json({ ...fields, message: code }) }, { endpoint })
          )
          expect(error._tag).toBe(tag)
          expect(error.message).toBe(code)
          if (error._tag === "BusinessRuleViolation") expect(error.documented).toBe(true)
          if (error._tag === "MalformedRequest") expect(error.code).toBe(code)
        }
      ),
      { numRuns: 5_000 }
    )
  })

  it("decode never throws for any status, headers and bytes, and its errors encode and decode back to themselves (10k runs)", () => {
    const now = Date.parse("2026-11-27T10:00:00Z")
    fc.assert(
      fc.property(
        receivedResponse,
        fc.constantFrom(undefined, CreateAssetTransfer, CancelRequest, GetPatronCode),
        (received, endpoint) => {
          const result = ResponseCodec.decode(received, { endpoint, now })
          if (Result.isSuccess(result)) return
          expect(ApiError.isApiError(result.failure)).toBe(true)
          expect(typeof String(result.failure)).toBe("string")
          const again = ResponseCodec.decode(ResponseCodec.encode(result.failure), { endpoint, now })
          if (result.failure._tag === "TooManyRequests" && result.failure.retryAfter === undefined) {
            // The one documented exception: encode adds the Retry-After a non-conforming server left out.
            expect(failure(again)).toMatchObject({
              _tag: "TooManyRequests",
              retryAfter: ResponseCodec.defaultRetryAfter
            })
            return
          }
          if (result.failure._tag === "UndecodableResponse") return
          // The second documented exception: a received `Retry-After: 0` (or a past date) is written back as 1 s.
          const sent = wireFields(result.failure)
          const expected = sent.retryAfter === 0 ? { ...sent, retryAfter: 1000 } : sent
          expect(wireFields(failure(again))).toEqual(expected)
        }
      ),
      { numRuns: 10_000 }
    )
  })
})

describe("decode builds its errors without stack traces", () => {
  const frames = (stack: string | undefined) => (stack ?? "").split("\n").filter((line) => /^\s+at /.test(line))

  it("a decoded error has no frames, and the process's stack trace limit is left as it was", () => {
    const limit = Error.stackTraceLimit
    const result = ResponseCodec.decode(
      { status: 403, body: '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}' },
      { endpoint: CreateAssetTransfer }
    )
    expect(Error.stackTraceLimit).toBe(limit)
    expect(Result.isFailure(result) && result.failure._tag).toBe("BusinessRuleViolation")
    expect(frames(Result.isFailure(result) ? result.failure.stack : undefined)).toEqual([])
    // Errors built anywhere else keep theirs.
    expect(frames(new ApiError.ServerError({ status: 503, message: "x" }).stack).length).toBeGreaterThan(0)
  })
})
