/**
 * The contract's classification rules on bodies taken from real sources:
 * Centrapay's own OpenAPI examples, the HTML pages nginx, AWS ALB and
 * Cloudflare answer with, a gateway's `application/problem+json`.
 */
import { ApiError, ResponseCodec } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Result } from "effect"
import { CreateAssetTransfer } from "./arbitraries.ts"

const decode = (...args: Parameters<typeof ResponseCodec.decode>): ApiError.StatusError => {
  const result = ResponseCodec.decode(...args)
  if (Result.isSuccess(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.success)}`)
  return result.failure
}

// nginx's default error page (ngx_http_special_response.c), as served with `server_tokens off`.
const nginx502 =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
// AWS Application Load Balancer's own 503 page (no healthy targets).
const alb503 =
  "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n"
// The head of Cloudflare's 521 page (origin web server down).
const cloudflare521 =
  '<!DOCTYPE html>\n<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->\n<head>\n<title>example.com | 521: Web server is down</title>'
// ASP.NET Core's default problem details for an unmatched route behind a gateway (RFC 9457).
const problem404 =
  '{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not Found","status":404,"traceId":"00-3f1c1e0f8b8b4a2c9d1e5f6a7b8c9d0e-1a2b3c4d5e6f7a8b-00"}'

describe("the tag is decided by the status, never by whether the body parsed", () => {
  it("an HTML 502 from nginx is a ServerError, retryable, with the page kept as a short excerpt", () => {
    const error = decode({ status: 502, headers: { "content-type": "text/html" }, body: nginx502 })
    expect(error).toMatchObject({
      _tag: "ServerError",
      status: 502,
      message: "Bad Gateway",
      body: { problem: "not-json", excerpt: nginx502, contentType: "text/html" }
    })
    expect(error.isRetryable).toBe(true)
  })

  it("an ALB 503 page with Retry-After is a ServerError that waits Retry-After", () => {
    const error = decode({
      status: 503,
      headers: { "content-type": "text/html", "retry-after": "2" },
      body: alb503
    })
    expect(error).toMatchObject({ _tag: "ServerError", status: 503, retryAfter: Duration.seconds(2) })
  })

  it("an empty 503 is a ServerError", () => {
    expect(decode({ status: 503, body: "" })).toMatchObject({
      _tag: "ServerError",
      status: 503,
      message: "Service Unavailable",
      body: { problem: "empty-body" }
    })
  })

  it("Cloudflare's 521 page is a ServerError and retryable", () => {
    const error = decode({ status: 521, headers: { "content-type": "text/html; charset=UTF-8" }, body: cloudflare521 })
    expect(error).toMatchObject({ _tag: "ServerError", status: 521, message: "Server Error" })
    expect(error.isRetryable).toBe(true)
  })

  it("a gateway's application/problem+json 404 is a RouteNotFound", () => {
    const error = decode({ status: 404, headers: { "content-type": "application/problem+json" }, body: problem404 })
    expect(error).toMatchObject({
      _tag: "RouteNotFound",
      message: "Not Found",
      body: { problem: "no-message", excerpt: problem404, contentType: "application/problem+json" }
    })
  })

  it("a 400 whose body is not JSON is a MalformedRequest with the 400 checklist", () => {
    const error = decode({ status: 400, headers: { "content-type": "text/plain" }, body: "Bad Request" })
    expect(error).toMatchObject({ _tag: "MalformedRequest", message: "Bad Request", body: { problem: "not-json" } })
    expect(error.hints[0]?.id).toBe("content-type")
  })

  it("a 403 whose body cannot be read is ResourceForbidden, never a business rule", () => {
    for (const body of ["", "<html>Forbidden</html>", '{"msg":"QUOTA_EXCEEDED"}', "[1,2]"]) {
      expect(decode({ status: 403, body }, { endpoint: CreateAssetTransfer })).toMatchObject({
        _tag: "ResourceForbidden",
        message: "Forbidden"
      })
    }
  })

  it("every 5xx is caught by catchTag('ServerError') whatever its body", () => {
    for (const status of [500, 502, 503, 504, 507, 508, 511, 520, 522, 524]) {
      for (const body of ["", nginx502, '{"message":"SERVER ERROR"}', "null"]) {
        expect(decode({ status, body })._tag).toBe("ServerError")
      }
    }
  })
})

describe("reason phrases are not business codes, in any case or spacing", () => {
  // The bodies of Centrapay's own OpenAPI examples (no statusCode).
  const cases = [
    { status: 403, message: "FORBIDDEN", tag: "ResourceForbidden" },
    { status: 400, message: "BAD REQUEST", tag: "MalformedRequest" },
    { status: 404, message: "NOT FOUND", tag: "RouteNotFound" },
    { status: 429, message: "RATE LIMIT EXCEEDED", tag: "TooManyRequests" },
    { status: 500, message: "SERVER ERROR", tag: "ServerError" }
  ] as const
  for (const { status, message, tag } of cases) {
    it(`${status} {"message":"${message}"} is ${tag}`, () => {
      expect(decode({ status, body: JSON.stringify({ message }) }, { endpoint: CreateAssetTransfer })).toMatchObject({
        _tag: tag,
        message
      })
    })
  }

  it("FORBIDDEN, Forbidden, forbidden, ACCESS_DENIED and Permission-Denied on a 403 are all ResourceForbidden", () => {
    for (const message of ["FORBIDDEN", "Forbidden", "forbidden", "ACCESS_DENIED", "Permission-Denied"]) {
      expect(decode({ status: 403, body: JSON.stringify({ message }) })._tag).toBe("ResourceForbidden")
    }
    expect(ApiError.isBusinessCode("FORBIDDEN")).toBe(false)
    expect(ApiError.isBusinessCode("INSUFFICIENT_WALLET_BALANCE")).toBe(true)
  })
})

describe("decoding is tolerant field by field; only message decides", () => {
  it("the HTTP status wins over the body's statusCode, which is never validated", () => {
    const error = decode(
      { status: 403, body: '{"statusCode":"400","message":"QUOTA_EXCEEDED"}' },
      { endpoint: CreateAssetTransfer }
    )
    expect(error).toMatchObject({ _tag: "BusinessRuleViolation", status: 403, message: "QUOTA_EXCEEDED" })
  })

  it("a documented QUOTA_EXCEEDED whose quota entry lacks a field is still the documented violation; the entry is dropped and noted", () => {
    const body = JSON.stringify({
      statusCode: 403,
      message: "QUOTA_EXCEEDED",
      quotas: [
        { type: "spend", limit: "500", usage: "620", period: "monthly", assetType: "centrapay.nzd.main" },
        { type: "topup", period: "yearly" }
      ]
    })
    const error = decode({ status: 403, body }, { endpoint: CreateAssetTransfer })
    expect(error).toMatchObject({
      _tag: "BusinessRuleViolation",
      message: "QUOTA_EXCEEDED",
      documented: true,
      quotas: [{ type: "spend", limit: "500", usage: "620", period: "monthly", assetType: "centrapay.nzd.main" }],
      body: { dropped: ["quotas.1"] }
    })
  })

  it("odd issues, problem and correlationId are dropped one by one; the rest survives", () => {
    const error = decode({
      status: 400,
      body: JSON.stringify({
        message: "amount is required",
        issues: [{ path: ["body", "amount"], message: "Missing key" }, { path: "amount" }],
        problem: "typo"
      })
    })
    expect(error).toMatchObject({
      _tag: "MalformedRequest",
      message: "amount is required",
      issues: [{ path: ["body", "amount"], message: "Missing key" }],
      body: { dropped: ["issues.1", "problem"] }
    })
    const server = decode({
      status: 500,
      headers: { "x-request-id": "req-7" },
      body: '{"message":"boom","correlationId":42}'
    })
    expect(server).toMatchObject({ _tag: "ServerError", correlationId: "req-7", body: { dropped: ["correlationId"] } })
  })

  it("a UTF-8 byte order mark before the JSON is tolerated", () => {
    expect(decode({ status: 401, body: '\uFEFF{"message":"Missing authentication"}' })).toMatchObject({
      _tag: "Unauthorized",
      message: "Missing authentication"
    })
  })

  it("fields of a huge JSON body are kept as excerpts: a 3 MB message, 20,000 issues", () => {
    const message = "m".repeat(3_000_000)
    const server = decode({ status: 503, body: JSON.stringify({ message, correlationId: "c".repeat(10_000) }) })
    expect(server.message).toBe(`${"m".repeat(511)}…`)
    expect(server._tag === "ServerError" && server.correlationId).toBe(`${"c".repeat(511)}…`)
    const issues = Array.from({ length: 20_000 }, (_, i) => ({ path: ["body", `f${i}`], message: "x".repeat(1000) }))
    const malformed = decode({ status: 400, body: JSON.stringify({ message: "bad", issues }) })
    if (malformed._tag !== "MalformedRequest") throw new Error("expected MalformedRequest")
    expect(malformed.issues?.length).toBe(100)
    expect(malformed.issues?.[99]).toEqual({ path: ["body", "f99"], message: `${"x".repeat(511)}…` })
    expect(malformed.body?.dropped).toEqual(["issues.100-19999"])
  })

  it("a body is never kept whole inside an error: at most a short excerpt", () => {
    const page = `<html>${"x".repeat(100_000)}</html>`
    const error = decode({ status: 502, body: page })
    const excerpt = error._tag === "ServerError" ? (error.body?.excerpt ?? "") : ""
    expect(excerpt.length).toBe(ApiError.maxExcerptLength)
    expect(excerpt.startsWith("<html>xxx")).toBe(true)
  })
})

describe("errors decoded from a response are marked as received", () => {
  it("every decoded error names the request it answered", () => {
    const error = decode(
      { status: 401, body: '{"message":"Invalid API key"}' },
      { request: { method: "GET", url: "https://rates.internal/rates/USD" } }
    )
    expect(error.upstream).toEqual({ method: "GET", url: "https://rates.internal/rates/USD" })
    expect(ApiError.isReceived(error)).toBe(true)
  })

  it("an error a program raises is not received; adopt makes a received one the program's own", () => {
    const raised = new ApiError.Unauthorized({ message: "Missing authentication" })
    expect(ApiError.isReceived(raised)).toBe(false)
    const received = decode({ status: 401, body: '{"message":"Invalid token"}' })
    if (received._tag !== "Unauthorized") throw new Error("expected Unauthorized")
    expect(ApiError.isReceived(ApiError.adopt(received))).toBe(false)
  })
})
