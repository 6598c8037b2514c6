/**
 * The fuzzer (`npm run fuzz`, scripts/fuzz/) in small: 2,000 hostile Lambda
 * events of every source and broken ones, against handlers whose program
 * dies with secrets, judged by the fuzzer's own rules (the full run is
 * 100,000 per adapter). Then the judge itself, on answers written out.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Judge from "../../../scripts/fuzz/Judge.ts"
import * as LambdaFuzz from "../../../scripts/fuzz/LambdaFuzz.ts"
import * as LambdaInputs from "../../../scripts/fuzz/LambdaInputs.ts"
import * as Report from "../../../scripts/fuzz/Report.ts"

describe("fuzz (small run; `npm run fuzz` runs 100,000 per adapter)", () => {
  it("2,000 hostile events: no crash, no invalid result, no leak, no injected header", async () => {
    const report = await LambdaFuzz.run({ seed: 12, inputs: 2_000, seconds: 300 })
    expect(report.findings).toEqual([])
    expect(Report.summaryLine(report)).toBe(
      "fuzz lambda: 2000 inputs, crashes 0, invalid 0, leaks 0, injected headers 0"
    )
  }, 300_000)

  it("the inputs reach every source, handler and context, and events that are not HTTP", () => {
    const inputs = Array.from({ length: 2_000 }, (_, index) => LambdaInputs.generate(12, index))
    expect(new Set(inputs.map((input) => input.handler))).toEqual(
      new Set([
        "detected",
        "api-gateway-v1",
        "api-gateway-v2",
        "function-url",
        "alb",
        "failing layer",
        "stuck layer",
        "slow layer"
      ])
    )
    expect(new Set(inputs.map((input) => input.context))).toEqual(
      new Set(["normal", "no request id", "remaining time throws", "remaining time NaN", "tight"])
    )
    const sources = new Set(inputs.map((input) => Judge.sourceOf(input.event, undefined) ?? "not HTTP"))
    expect(sources).toEqual(new Set(["api-gateway-v1", "api-gateway-v2", "function-url", "alb", "not HTTP"]))
    const labels = new Set(inputs.flatMap((input) => input.labels))
    for (const label of ["lying base64", "deep arrays", "6 MB body", "invalid UTF-8", "prototype-keyed JSON"])
      expect(labels).toContain(label)
  })

  it("the same seed and index give the same input", () => {
    expect(LambdaInputs.describe(LambdaInputs.generate(3, 4711))).toBe(
      LambdaInputs.describe(LambdaInputs.generate(3, 4711))
    )
    expect(LambdaInputs.describe(LambdaInputs.generate(3, 4711))).not.toBe(
      LambdaInputs.describe(LambdaInputs.generate(4, 4711))
    )
  })
})

const forbidden = {
  status: 403,
  headers: [["content-type", "application/json"]] as const,
  body: '{"statusCode":403,"error":"Forbidden","message":"Forbidden"}'
}
const clean = { invalid: [], leaks: [], injected: [] }

describe("the judge", () => {
  it("accepts a contract answer", () => {
    expect(Judge.judgeAnswer(forbidden, { method: "GET" })).toEqual(clean)
    expect(
      Judge.judgeAnswer(
        {
          status: 503,
          headers: [
            ["content-type", "application/json"],
            ["retry-after", "1"],
            ["x-request-id", "req-1"]
          ],
          body: '{"statusCode":503,"error":"Service Unavailable","message":"Service Unavailable","correlationId":"req-1"}'
        },
        { method: "GET" }
      )
    ).toEqual(clean)
  })

  it("finds statuses and bodies outside the contract", () => {
    expect(Judge.judgeAnswer({ status: 409, headers: [], body: "{}" }, { method: "GET" }).invalid).toEqual([
      "status 409 is outside the contract",
      "an error answer's content-type is missing",
      "an error body's statusCode undefined is not the status",
      "an error body has no message"
    ])
    expect(
      Judge.judgeAnswer(
        {
          ...forbidden,
          status: 429,
          body: '{"statusCode":429,"error":"Too Many Requests","message":"RATE_LIMIT_EXCEEDED"}'
        },
        { method: "GET" }
      ).invalid
    ).toEqual(["a 429 has no Retry-After"])
    expect(
      Judge.judgeAnswer(
        {
          status: 500,
          headers: [
            ["content-type", "application/json"],
            ["x-request-id", "a"]
          ],
          body: '{"statusCode":500,"error":"Internal Server Error","message":"Internal Server Error","correlationId":"b"}'
        },
        { method: "GET" }
      ).invalid
    ).toEqual(["a 5xx body's correlationId is not its x-request-id"])
  })

  it("finds leaks in the body and the headers", () => {
    const answer = {
      status: 500,
      headers: [
        ["content-type", "application/json"],
        ["x-request-id", "r"],
        ["x-note", "AKIAQZ7XN3RB2K5M8P4T"]
      ] as const,
      body: '{"statusCode":500,"message":"SECRET-7f3a\\n    at handler (app.ts:1:1)","correlationId":"r"}'
    }
    expect(Judge.judgeAnswer(answer, { method: "GET" }).leaks).toEqual([
      "marker secret in the body",
      "AWS access key in a header",
      "stack trace in the body"
    ])
  })

  it("finds injected headers: CR/LF, names that are no token, headers from the input, unclean request ids", () => {
    const answer = {
      ...forbidden,
      headers: [
        ...forbidden.headers,
        ["x-note", "a\r\nx-injected: 1"],
        ["x bad", "1"],
        ["x-fuzz", "INPUT-c0de-7"],
        ["x-request-id", "a b"]
      ] as const
    }
    expect(Judge.judgeAnswer(answer, { method: "GET" }).injected).toEqual([
      'header "x-note" holds CR, LF or NUL',
      'header name "x bad" is not a token',
      'header "x bad" is not one the program or contract sets',
      'header "x-fuzz" carries the input\'s marker',
      'header "x-fuzz" is not one the program or contract sets',
      "x-request-id is not a clean id (1-256 visible ASCII characters)"
    ])
  })

  it("reads each source's result as API Gateway and the ALB would", () => {
    const event = { httpMethod: "GET", requestContext: {} }
    const judge = (source: Judge.Source | undefined, result: unknown, sent: unknown = event) =>
      Judge.judgeLambda(
        { event: sent, source, method: "GET", timeoutMs: 1_000, mayDie: false },
        { kind: "resolved", value: result, ms: 1 }
      )
    const v1 = { statusCode: 403, headers: { "content-type": "application/json" }, body: forbidden.body }
    expect(judge(undefined, v1)).toEqual({ crash: undefined, ...clean })
    expect(judge(undefined, { ...v1, statusCode: Number.NaN }).invalid).toEqual([
      "result.statusCode is NaN, not an integer"
    ])
    expect(judge(undefined, { ...v1, headers: { "content-type": 1 } }).invalid).toEqual([
      "result.headers is not a map of strings"
    ])
    expect(judge(undefined, { ...v1, body: "x".repeat(6_291_456) }).invalid).toEqual([
      "the result is over 6291456 bytes"
    ])
    const albEvent = { httpMethod: "GET", requestContext: { elb: {} }, multiValueHeaders: {} }
    expect(judge(undefined, { ...v1, statusDescription: "403 Forbidden" }, albEvent).invalid).toEqual([
      "a multi-value ALB event was answered without multiValueHeaders"
    ])
    expect(judge(undefined, { ...v1, statusCode: 500, body: "{}" }).crash).toBe(
      "a generic 500 for a request whose handler does not die"
    )
  })

  it("wants non-HTTP events rejected with UnsupportedEvent, and HTTP events answered", () => {
    const rejected = (error: unknown): Judge.LambdaOutcome => ({ kind: "rejected", error, ms: 1 })
    const input = (event: unknown) => ({ event, source: undefined, method: "GET", timeoutMs: 1_000, mayDie: false })
    expect(Judge.judgeLambda(input({ Records: [] }), rejected({ _tag: "UnsupportedEvent" }))).toEqual({
      crash: undefined,
      ...clean
    })
    expect(Judge.judgeLambda(input(null), rejected(new TypeError("boom"))).invalid).toEqual([
      "a non-HTTP event was rejected with TypeError: boom, not UnsupportedEvent"
    ])
    expect(Judge.judgeLambda(input({ httpMethod: "GET" }), rejected(new TypeError("boom"))).crash).toBe(
      "an HTTP event (api-gateway-v1) was rejected: TypeError: boom"
    )
    expect(Judge.judgeLambda(input({ httpMethod: "GET" }), { kind: "hung", after: 1_500 }).crash).toBe(
      "no answer within 1500 ms"
    )
  })

  it("ends a run with the documented line, and fails it on any count but N", () => {
    const tally = Report.tally("lambda", 1)
    tally.record(0, { crash: undefined, ...clean }, 1, "timed")
    const passing = tally.report({ seconds: 1, stoppedByTime: false, notes: [] })
    expect(Report.summaryLine(passing)).toBe("fuzz lambda: 1 inputs, crashes 0, invalid 0, leaks 0, injected headers 0")
    expect(Report.passed(passing)).toBe(true)
    tally.record(1, { crash: undefined, invalid: [], leaks: ["marker secret in the body"], injected: [] }, 1, "timed")
    const failing = tally.report({ seconds: 1, stoppedByTime: false, notes: [] })
    expect(Report.summaryLine(failing)).toBe("fuzz lambda: 2 inputs, crashes 0, invalid 0, leaks 1, injected headers 0")
    expect(Report.passed(failing)).toBe(false)
    expect(failing.findings).toEqual([{ category: "leak", reason: "marker secret in the body", count: 1, first: 1 }])
  })
})
