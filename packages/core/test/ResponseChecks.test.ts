/**
 * What a response must be before it is sent: a status the contract lets a
 * server answer, headers that cannot be forged, a string body, and the
 * platform's size limit counted as `JSON.stringify` and UTF-8 write it
 * (checked against `Buffer.byteLength(JSON.stringify(…))`, not our counter).
 */
import { ResponseChecks } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"

const response = (overrides: Partial<ResponseChecks.Unchecked>): ResponseChecks.Unchecked => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: "{}",
  ...overrides
})

describe("statuses", () => {
  it.each([200, 201, 204, 299, 400, 401, 403, 404, 429, 500, 502, 503, 504, 599])("%s may be sent", (status) => {
    expect(ResponseChecks.check(response({ status }))).toBeUndefined()
  })

  it.each([
    [302, "302"],
    [301, "301"],
    [304, "304"],
    [409, "409"],
    [405, "405"],
    [100, "100"],
    [199, "199"],
    [600, "600"],
    [1000, "1000"],
    [0, "0"],
    [-200, "-200"],
    [200.5, "200.5"],
    [Number.NaN, "NaN"],
    ["200", "200"]
  ])("%s is refused: the contract has no such status", (status, shown) => {
    expect(ResponseChecks.check(response({ status }))).toBe(
      `Status ${shown} is not one the contract lets a server answer (200-299, 400, 401, 403, 404, 429, 500-599)`
    )
  })
})

describe("headers and body", () => {
  it("token names and Latin-1 values without CR, LF or NUL may be sent, one or several values", () => {
    expect(
      ResponseChecks.check(
        response({
          headers: {
            "set-cookie": ["a=1; HttpOnly", "b=2"],
            "x-odd_name!#$%&'*+.^`|~": 'tab\there, quote " and café',
            "x-empty": ""
          }
        })
      )
    ).toBeUndefined()
  })

  it.each([
    ["x-note", "a\r\nset-cookie: admin=1", 'Header "x-note" has a value with CR, LF, NUL or a character above U+00FF'],
    ["x-note", "line\nbreak", 'Header "x-note" has a value with CR, LF, NUL or a character above U+00FF'],
    ["x-note", "nul\u0000", 'Header "x-note" has a value with CR, LF, NUL or a character above U+00FF'],
    ["x-note", "euro €", 'Header "x-note" has a value with CR, LF, NUL or a character above U+00FF'],
    ["x-note\r\nx-forged", "1", 'Header "x-note\\r\\nx-forged" has a name that is not an HTTP token'],
    ["bad name", "1", 'Header "bad name" has a name that is not an HTTP token'],
    ["", "1", 'Header "" has a name that is not an HTTP token'],
    ["x-number", 42, 'Header "x-number" has a value that is not a string'],
    ["x-list", ["ok", 1], 'Header "x-list" has a value that is not a string'],
    ["x-list", ["ok", "a\rb"], 'Header "x-list" has a value with CR, LF, NUL or a character above U+00FF']
  ])("header %j: %j is refused", (name, value, reason) => {
    expect(ResponseChecks.check(response({ headers: { [name]: value } }))).toBe(reason)
  })

  it("a body that is not a string, or headers that are not a record, are refused", () => {
    expect(ResponseChecks.check(response({ body: { ok: true } }))).toBe("The body is not a string (object)")
    expect(ResponseChecks.check(response({ body: undefined }))).toBe("The body is not a string (undefined)")
    expect(ResponseChecks.check(response({ headers: null }))).toBe("The headers are not a record")
  })
})

describe("the platform's size limit", () => {
  const limits = { maxJsonBytes: 4096 }
  // 1 KiB for the result's envelope, 6 bytes of punctuation per header value.
  const budget = 4096 - 1024

  it("without a limit, any size may be sent", () => {
    expect(ResponseChecks.check(response({ headers: {}, body: "x".repeat(7_000_000) }))).toBeUndefined()
  })

  it("counts the body and every header value with its name, up to the byte", () => {
    const header = { "x-a": "12345" } // 3 + 5 + 6 = 14 bytes
    const fits = response({ headers: header, body: "x".repeat(budget - 14) })
    const over = response({ headers: header, body: "x".repeat(budget - 13) })
    expect(ResponseChecks.check(fits, limits)).toBeUndefined()
    expect(ResponseChecks.check(over, limits)).toBe(
      "The response is larger than the platform carries (4096 bytes as JSON)"
    )
  })

  it("agrees with JSON.stringify and UTF-8 on any body and headers, right around the limit", () => {
    const unit = fc.constantFrom("a", '"', "\\", "\n", "\u0001", "é", "€", "😀", "\ud800", "\u2028")
    const body = fc.string({ unit, maxLength: 400 })
    const value = fc.string({ unit: fc.constantFrom("a", '"', "\\", "\t", "é", "ÿ"), maxLength: 20 })
    fc.assert(
      fc.property(body, fc.array(value, { maxLength: 3 }), fc.integer({ min: -3, max: 3 }), (text, values, at) => {
        const headers = { "set-cookie": values }
        const bytes =
          Buffer.byteLength(JSON.stringify(text)) -
          2 +
          values.reduce((sum, v) => sum + Buffer.byteLength(JSON.stringify(v)) - 2 + "set-cookie".length + 6, 0)
        const max = Math.max(1024, bytes + 1024 + at)
        const reason = ResponseChecks.check(response({ headers, body: text }), { maxJsonBytes: max })
        expect(reason === undefined).toBe(bytes + 1024 <= max)
      }),
      { numRuns: 2_000 }
    )
  })

  it("a 7 MB body is over Lambda's 6 MB; 1.5 MB is under it and over ALB's 1 MB", () => {
    const lambda = { maxJsonBytes: 6_291_456 }
    const alb = { maxJsonBytes: 1_000_000 }
    expect(ResponseChecks.check(response({ body: "x".repeat(7_000_000) }), lambda)).toBe(
      "The response is larger than the platform carries (6291456 bytes as JSON)"
    )
    expect(ResponseChecks.check(response({ body: "x".repeat(1_500_000) }), lambda)).toBeUndefined()
    expect(ResponseChecks.check(response({ body: "x".repeat(1_500_000) }), alb)).toBe(
      "The response is larger than the platform carries (1000000 bytes as JSON)"
    )
    // 1 MB of quotes is 2 MB as JSON.
    expect(ResponseChecks.check(response({ body: '"'.repeat(3_200_000) }), lambda)).toBe(
      "The response is larger than the platform carries (6291456 bytes as JSON)"
    )
  })
})
