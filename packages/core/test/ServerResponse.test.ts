/**
 * A server never forwards what its client received: the rule in
 * `ServerResponse.fromExit`, on errors decoded from real upstream answers.
 */
import { ApiError, ClientError, Endpoint, ResponseCodec, ServerResponse } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Duration, Exit, Result } from "effect"

const received = (status: number, body: string, headers: Readonly<Record<string, string>> = {}) => {
  const result = ResponseCodec.decode(
    { status, body, headers },
    { request: { method: "GET", url: "https://rates-internal.prod.svc.cluster.local:8443/rates/USD" } }
  )
  if (Result.isSuccess(result)) throw new Error("expected a failure")
  return result.failure
}

const answer = (error: unknown) => ServerResponse.fromExit(Exit.fail(error), { requestId: "req-9" })

const badGateway = {
  status: 502,
  headers: { "content-type": "application/json", "x-request-id": "req-9" },
  body: '{"statusCode":502,"error":"Bad Gateway","message":"Bad Gateway","correlationId":"req-9"}'
}

describe("a server never forwards what its client received", () => {
  it("an upstream 401 is our 502, not a 401 telling our caller their credentials are wrong", () => {
    const outcome = answer(received(401, '{"statusCode":401,"error":"Unauthorized","message":"Invalid API key"}'))
    expect(outcome.response).toEqual(badGateway)
    expect(outcome.unexpected?.kind).toBe("upstream")
  })

  it("an upstream 404 is our 502, not a 404 telling our caller their URL is wrong", () => {
    expect(answer(received(404, '{"statusCode":404,"error":"Not Found","message":"Not Found"}')).response).toEqual(
      badGateway
    )
  })

  it("an upstream HTML 502 is our generic 502, without its page or host names", () => {
    const page =
      "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center><p>upstream rates-internal.prod.svc.cluster.local:8443</p></body></html>"
    const outcome = answer(received(502, page, { "content-type": "text/html", "x-request-id": "upstream-1" }))
    expect(outcome.response).toEqual(badGateway)
    expect(outcome.response.body).not.toMatch(/nginx|rates-internal|upstream-1/)
  })

  it("an upstream 200 whose body was unreadable is a 502, never a 200", () => {
    const result = ResponseCodec.decode({ status: 200, body: "<html>" })
    if (Result.isSuccess(result)) throw new Error("expected a failure")
    expect(answer(result.failure).response.status).toBe(502)
  })

  it("an upstream business code let through is a 502; re-raised with Endpoint.violation it is ours", () => {
    const Ours = Endpoint.make("GET /api/quotes/{currency}", { 403: ["UNSUPPORTED_CURRENCY"] })
    const upstream = received(403, '{"message":"UNSUPPORTED_CURRENCY"}')
    expect(answer(upstream).response.status).toBe(502)
    expect(answer(Endpoint.violation(Ours, "UNSUPPORTED_CURRENCY")).response).toEqual({
      status: 403,
      headers: { "content-type": "application/json" },
      body: '{"statusCode":403,"error":"Forbidden","message":"UNSUPPORTED_CURRENCY"}'
    })
  })

  it("adopt passes an upstream outcome on deliberately, with its wire fields only", () => {
    const upstream = received(401, '{"statusCode":401,"message":"Token expired","internal":"x"}')
    if (upstream._tag !== "Unauthorized") throw new Error("expected Unauthorized")
    const outcome = answer(ApiError.adopt(upstream))
    expect(outcome.response.status).toBe(401)
    expect(outcome.response.body).toBe('{"statusCode":401,"error":"Unauthorized","message":"Token expired"}')
    expect(outcome.unexpected).toBeUndefined()
  })

  it("an upstream timeout is a 504 with Retry-After; a transport failure and an exhausted retry budget are 502", () => {
    const timeout = new ApiError.Timeout({
      method: "GET",
      url: "https://rates-internal/rates/USD",
      after: Duration.seconds(2),
      attempts: 3
    })
    expect(answer(timeout).response).toEqual({
      status: 504,
      headers: { "content-type": "application/json", "x-request-id": "req-9", "retry-after": "1" },
      body: '{"statusCode":504,"error":"Gateway Timeout","message":"Gateway Timeout","correlationId":"req-9"}'
    })
    const transport = new ApiError.TransportFailure({
      method: "GET",
      url: "https://rates-internal/rates/USD",
      reason: "connection-reset",
      detail: "ECONNRESET"
    })
    expect(answer(transport).response).toEqual(badGateway)
    const exhausted = new ClientError.RetryBudgetExhausted({
      method: "GET",
      url: "https://rates-internal/rates/USD",
      attempts: 2,
      lastError: transport
    })
    expect(answer(exhausted).response).toEqual(badGateway)
  })

  it("errors the program raises itself are answered as they are", () => {
    const outcome = answer(new ApiError.Unauthorized({ message: "Missing authentication" }))
    expect(outcome.response.status).toBe(401)
    expect(outcome.unexpected).toBeUndefined()
  })

  it("an InvalidRequest (the program built a bad upstream request) is the generic 500, its cause logged", () => {
    const outcome = answer(
      new ClientError.InvalidRequest({
        method: "GET",
        url: "https://rates-internal/rates/{currency}",
        reason: "missing-path-parameter",
        detail: "Missing path parameter currency"
      })
    )
    expect(outcome.response.status).toBe(500)
    expect(outcome.response.body).not.toMatch(/rates-internal|currency/)
    expect(outcome.unexpected?.kind).toBe("defect")
    expect(Cause.hasFails(outcome.unexpected?.cause ?? Cause.empty)).toBe(true)
  })
})

describe("statusFor: the status fromError answers", () => {
  it("a raised error's own; 502 for one received from an upstream, 504 for a timeout", () => {
    expect(ServerResponse.statusFor(new ApiError.ResourceForbidden({ message: "Forbidden" }))).toBe(403)
    expect(ServerResponse.statusFor(new ApiError.ServerError({ status: 503, message: "Service Unavailable" }))).toBe(
      503
    )
    expect(ServerResponse.statusFor(received(401, '{"message":"Invalid API key"}'))).toBe(502)
    const timeout = new ApiError.Timeout({
      method: "GET",
      url: "https://rates.test/",
      after: Duration.seconds(2),
      attempts: 1
    })
    expect(ServerResponse.statusFor(timeout)).toBe(504)
    expect(answer(timeout).response.status).toBe(504)
  })
})

describe("fromError: an error answered again", () => {
  const Transfer = Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE"] })
  const insufficient = Endpoint.violation(Transfer, "INSUFFICIENT_WALLET_BALANCE")
  const forbidden = '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'

  it("a prebuilt violation gets the same answer every time, in the format asked each time", () => {
    const centrapay = { status: 403, headers: { "content-type": "application/json" }, body: forbidden }
    expect(ServerResponse.fromError(insufficient, "r1")).toEqual(centrapay)
    expect(ServerResponse.fromError(insufficient, "r2")).toEqual(centrapay)
    expect(ServerResponse.fromError(insufficient, "r3", { format: "problem+json", negotiated: true }).headers).toEqual({
      "content-type": "application/problem+json",
      vary: "Accept"
    })
    expect(ServerResponse.fromError(insufficient, "r4")).toEqual(centrapay)
  })

  it("a server error without a correlation id gets each request's own", () => {
    const unavailable = new ApiError.ServerError({ status: 503, message: "Service Unavailable" })
    expect(ServerResponse.fromError(unavailable, "r1").headers["x-request-id"]).toBe("r1")
    expect(ServerResponse.fromError(unavailable, "r2").headers["x-request-id"]).toBe("r2")
    expect(ServerResponse.fromError(unavailable, "r2").body).toBe(
      '{"statusCode":503,"error":"Service Unavailable","message":"Service Unavailable","correlationId":"r2"}'
    )
  })

  it("an answer kept for reuse cannot be changed by whoever received it", () => {
    const first = ServerResponse.fromError(insufficient, "r1")
    expect(Object.isFrozen(first) && Object.isFrozen(first.headers)).toBe(true)
  })
})
