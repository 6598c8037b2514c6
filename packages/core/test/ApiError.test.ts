import { ApiError } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schema } from "effect"

const samples: ReadonlyArray<ApiError.ApiError> = [
  new ApiError.MalformedRequest({
    message: "amount is required",
    issues: [{ path: ["body", "amount"], message: "Missing key" }]
  }),
  new ApiError.Unauthorized({ message: "Missing authentication" }),
  new ApiError.ResourceForbidden({ message: "Forbidden" }),
  new ApiError.BusinessRuleViolation({
    status: 403,
    message: "QUOTA_EXCEEDED",
    documented: true,
    endpoint: "POST /api/asset-transfers"
  }),
  new ApiError.RouteNotFound({ message: "Not Found" }),
  new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED", retryAfter: Duration.seconds(3) }),
  new ApiError.ServerError({ status: 503, message: "Service Unavailable", correlationId: "req-1" }),
  new ApiError.UnexpectedStatus({ status: 409, body: { excerpt: "conflict" } }),
  new ApiError.UndecodableResponse({
    status: 200,
    body: { problem: "not-json", excerpt: "<html>", contentType: "text/html" }
  }),
  new ApiError.TransportFailure({
    method: "GET",
    url: "http://127.0.0.1:1/x",
    reason: "connection-refused",
    detail: "ECONNREFUSED"
  }),
  new ApiError.Timeout({ method: "GET", url: "http://127.0.0.1:1/x", after: Duration.seconds(2), attempts: 3 })
]

describe("every error class", () => {
  it("has a sample here, so the checks below cover the whole model", () => {
    for (const ErrorClass of ApiError.classes) expect(samples.some((e) => e instanceof ErrorClass)).toBe(true)
    expect(samples.length).toBe(ApiError.classes.length)
  })

  for (const error of samples) {
    it(`${error._tag}: traits, readable line, schema round trip, catchTag`, async () => {
      expect(error.isRetryable).toBe(ApiError.isRetryable(error))
      expect(error.hints).toBe(ApiError.hints(error))
      expect(String(error)).toBe(ApiError.format(error))
      expect(String(error)).toMatch(new RegExp(`^${error._tag}`))
      expect(error).toBeInstanceOf(Error)
      const encoded = Schema.encodeSync(ApiError.ApiErrorSchema)(error)
      const revived = Schema.decodeUnknownSync(ApiError.ApiErrorSchema)(JSON.parse(JSON.stringify(encoded)))
      expect(revived).toEqual(error)
      expect(ApiError.isApiError(revived)).toBe(true)
      const caught = await Effect.runPromise(
        Effect.fail(error).pipe(Effect.catchTag(error._tag, (e) => Effect.succeed(e._tag)))
      )
      expect(caught).toBe(error._tag)
    })
  }
})

describe("isApiError", () => {
  it("decides by class, whatever the value's tag says", () => {
    class Subclassed extends ApiError.RouteNotFound {}
    expect(ApiError.isApiError(new Subclassed({ message: "Not Found" }))).toBe(true)
    const retagged = Object.assign(new ApiError.Unauthorized({ message: "Missing authentication" }), {
      _tag: "RouteNotFound"
    })
    expect(ApiError.isApiError(retagged)).toBe(true)
    expect(ApiError.isApiError({ _tag: "RouteNotFound", message: "Not Found" })).toBe(false)
    for (const value of [null, undefined, "RouteNotFound", 404, new Error("Not Found"), { _tag: undefined }]) {
      expect(ApiError.isApiError(value)).toBe(false)
    }
  })
})

describe("readable and helpful", () => {
  it("prints one line with status, message, retry advice and the checklist", () => {
    expect(String(samples[0])).toBe(
      "MalformedRequest (400): amount is required [not retryable; check: content-type, body-fields, http-verb, query-parameters, path-parameters, object-id-prefix]"
    )
    expect(String(samples[3])).toBe(
      "BusinessRuleViolation (403): QUOTA_EXCEEDED [not retryable; documented for POST /api/asset-transfers]"
    )
    expect(String(samples[6])).toMatch(/^ServerError \(503\): Service Unavailable \[retryable; check: retry-later/)
    expect(String(samples[9])).toMatch(/^TransportFailure: GET http:\/\/127\.0\.0\.1:1\/x failed: connection-refused/)
  })

  it("401 hints at credentials, 403 at id / membership / role, 404 at URL and verb", () => {
    expect(samples[1]?.hints.map((h) => h.id)).toEqual(["credentials-present", "credentials-valid", "account-header"])
    expect(samples[2]?.hints.map((h) => h.id)).toEqual(["resource-id", "account-membership", "role-permission"])
    expect(samples[3]?.hints).toEqual([])
    expect(samples[4]?.hints.map((h) => h.id)).toEqual(["url", "http-verb"])
  })

  it("classifies a status by the general table", () => {
    const table = Object.fromEntries(
      [200, 204, 400, 401, 403, 404, 429, 500, 599, 301, 409, 418].map((s) => [s, ApiError.statusClassOf(s)])
    )
    expect(table).toEqual({
      200: "Ok",
      204: "Ok",
      400: "MalformedRequest",
      401: "Unauthorized",
      403: "ResourceForbidden",
      404: "RouteNotFound",
      429: "TooManyRequests",
      500: "ServerError",
      599: "ServerError",
      301: "UnexpectedStatus",
      409: "UnexpectedStatus",
      418: "UnexpectedStatus"
    })
  })

  it("rejects values that would not survive the wire", () => {
    expect(() => new ApiError.ResourceForbidden({ message: "QUOTA_EXCEEDED" })).toThrow()
    expect(
      () => new ApiError.BusinessRuleViolation({ status: 403, message: "Not a code", documented: false })
    ).toThrow()
    expect(() => new ApiError.TooManyRequests({ message: "x", retryAfter: Duration.millis(1500) })).toThrow()
    expect(() => new ApiError.UnexpectedStatus({ status: 404 })).toThrow()
    expect(() => new ApiError.UndecodableResponse({ status: 502 })).toThrow()
    expect(() => new ApiError.ServerError({ status: 502, message: "x", body: { excerpt: "x".repeat(513) } })).toThrow()
  })
})
