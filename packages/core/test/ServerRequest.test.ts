/**
 * The neutral request's accessors: a header read by name never finds
 * `Object.prototype`'s members, and a platform's request id is echoed back
 * only when it is safe to.
 */
import { ServerRequest } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"

const request = (headers: Readonly<Record<string, string>>): ServerRequest.ServerRequest => ({
  method: "GET",
  path: "/",
  query: {},
  headers,
  body: undefined,
  requestId: "r1"
})

describe("ServerRequest.header", () => {
  it("reads only the request's own headers: prototype names are absent unless sent", () => {
    const read = (name: string, headers: Readonly<Record<string, string>>) =>
      Effect.runSync(
        ServerRequest.header(name).pipe(Effect.provideService(ServerRequest.CurrentRequest, request(headers)))
      )
    expect(read("constructor", {})).toBeUndefined()
    expect(read("toString", {})).toBeUndefined()
    expect(read("__proto__", {})).toBeUndefined()
    expect(read("toString", { tostring: "sent" })).toBe("sent")
    expect(read("X-Api-Key", { "x-api-key": "k1" })).toBe("k1")
  })
})

describe("ServerRequest.safeRequestId", () => {
  it.each(["c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "8f1e2d3c4b5a6978-SYD", "YuSJQjZfoAMESbg=", "a", "x".repeat(128)])(
    "%s is echoed back",
    (id) => {
      expect(ServerRequest.safeRequestId(id)).toBe(id)
    }
  )

  it.each([
    ["a line break", "r1\r\nset-cookie: admin=1"],
    ["a space", "r 1"],
    ["markup", "<script>"],
    ["a quote", 'r"1'],
    ["a backslash", "r\\1"],
    ["a semicolon", "r;1"],
    ["non-ASCII", "réq"],
    ["nothing", ""],
    ["129 characters", "x".repeat(129)],
    ["a number", 42],
    ["undefined", undefined]
  ])("an id with %s is not: the adapter generates one", (_, id) => {
    expect(ServerRequest.safeRequestId(id)).toBeUndefined()
  })
})
