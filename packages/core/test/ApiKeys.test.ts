/**
 * `ApiKeys`: a lookup finds exactly the configured keys (prototype names,
 * prefixes, padding and long keys included), and `authenticate` answers the
 * contract's 401s through `ServerRuntime`, as a client receives them.
 */
import { ApiKeys, ServerResponse, ServerRuntime } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Redacted } from "effect"
import fc from "fast-check"

const prototypeNames = [
  "toString",
  "constructor",
  "__proto__",
  "valueOf",
  "hasOwnProperty",
  "__defineGetter__",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__lookupGetter__"
]

describe("ApiKeys.lookup", () => {
  const keys = ApiKeys.make([
    ["k_live_3LKQhvGU", "acc_1"],
    [Redacted.make("k_live_9XbT2mQa"), "acc_2"]
  ])

  it("finds what each configured key identifies, plain or Redacted", () => {
    expect(keys.lookup("k_live_3LKQhvGU")).toBe("acc_1")
    expect(keys.lookup("k_live_9XbT2mQa")).toBe("acc_2")
  })

  it("finds nothing for a missing, empty, unknown or nearly matching key", () => {
    for (const presented of [
      undefined,
      "",
      "nope",
      "k_live_3LKQhvG", // a prefix
      "k_live_3LKQhvGUx", // one character more
      "k_live_3LKQhvGU\u0000", // the key and a NUL, which the zero padding must not hide
      "K_LIVE_3LKQHVGU",
      " k_live_3LKQhvGU",
      "k_live_3LKQhvGU, k_live_9XbT2mQa" // a repeated header, joined
    ]) {
      expect(keys.lookup(presented)).toBeUndefined()
    }
  })

  it("treats prototype names as ordinary strings: no match unless configured", () => {
    for (const name of prototypeNames) expect(keys.lookup(name)).toBeUndefined()
    const odd = ApiKeys.make([
      ["toString", "acc_odd"],
      ["__proto__", "acc_proto"]
    ])
    expect(odd.lookup("toString")).toBe("acc_odd")
    expect(odd.lookup("__proto__")).toBe("acc_proto")
    expect(odd.lookup("constructor")).toBeUndefined()
    expect(odd.lookup("valueOf")).toBeUndefined()
  })

  it("compares keys longer than the narrowest width in full, and bounds what it reads of a huge one", () => {
    const long = `k_${"a".repeat(300)}`
    const wide = ApiKeys.make([
      [long, "acc_long"],
      ["short", "acc_short"]
    ])
    expect(wide.lookup(long)).toBe("acc_long")
    expect(wide.lookup("short")).toBe("acc_short")
    expect(wide.lookup(`${long.slice(0, -1)}b`)).toBeUndefined() // differs in the last character
    expect(wide.lookup(long.slice(0, -1))).toBeUndefined()
    expect(wide.lookup(`${long}a`)).toBeUndefined()
    expect(wide.lookup("x".repeat(100_000))).toBeUndefined()
    expect(keys.lookup(`k_live_3LKQhvGU${"x".repeat(200)}`)).toBeUndefined() // longer than the whole width
  })

  it("compares strings exactly: lone surrogates and non-ASCII keys stay distinct", () => {
    const unicode = ApiKeys.make([
      ["k_\ud800", "acc_high"],
      ["k_é", "acc_e"]
    ])
    expect(unicode.lookup("k_\ud800")).toBe("acc_high")
    expect(unicode.lookup("k_\udc00")).toBeUndefined()
    expect(unicode.lookup("k_\ufffd")).toBeUndefined()
    expect(unicode.lookup("k_é")).toBe("acc_e")
    expect(unicode.lookup("k_e\u0301")).toBeUndefined() // the same letter, decomposed: another string
  })

  it("lets a later entry for the same key win, and never matches an empty key", () => {
    const twice = ApiKeys.make([
      ["k_1", "first"],
      ["", "empty"],
      [Redacted.make("k_1"), "second"]
    ])
    expect(twice.lookup("k_1")).toBe("second")
    expect(twice.lookup("")).toBeUndefined()
    expect(ApiKeys.make([]).lookup("k_1")).toBeUndefined()
  })

  it("finds exactly the configured keys, for any keys and any presented string", () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.string({ minLength: 120, maxLength: 300 }),
      fc.constantFrom(...prototypeNames, "")
    )
    fc.assert(
      fc.property(fc.array(fc.tuple(text, fc.nat()), { maxLength: 8 }), fc.array(text), (entries, others) => {
        const keys = ApiKeys.make(entries)
        // The oracle: a Map, which also keeps the last entry per key; an empty key is never configured.
        const expected = new Map(entries.filter(([key]) => key !== ""))
        const presented = [
          ...entries.map(([key]) => key),
          ...entries.flatMap(([key]) => [key.slice(0, -1), `${key}\u0000`, `${key}x`]),
          ...others
        ]
        for (const candidate of presented) expect(keys.lookup(candidate)).toBe(expected.get(candidate))
      })
    )
  })
})

describe("ApiKeys.authenticate", () => {
  const keys = ApiKeys.make([[Redacted.make("k_live_3LKQhvGU"), { accountId: "acc_1" }]])
  const runtime = ServerRuntime.make(
    Effect.map(ApiKeys.authenticate(keys), (account) => ServerResponse.json(account)),
    Layer.empty
  )
  const answer = (headers: Readonly<Record<string, string>>) =>
    runtime.handle(
      { method: "GET", path: "/api/me", query: {}, headers, body: undefined, requestId: "req-1" },
      Context.empty()
    )
  const challenge = 'ApiKey realm="centrapay", header="X-Api-Key", Bearer realm="centrapay"'

  it("answers what a configured X-Api-Key identifies", async () => {
    expect(await answer({ "x-api-key": "k_live_3LKQhvGU" })).toEqual({
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"accountId":"acc_1"}'
    })
  })

  it("401 Missing authentication without the header or with an empty one", async () => {
    for (const headers of [{}, { "x-api-key": "" }, { authorization: "k_live_3LKQhvGU" }]) {
      expect(await answer(headers)).toEqual({
        status: 401,
        headers: { "content-type": "application/json", "www-authenticate": challenge },
        body: '{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}'
      })
    }
  })

  it("401 Invalid API key for any other key, prototype names included", async () => {
    for (const presented of ["nope", "k_live_3LKQhvG", ...prototypeNames]) {
      expect(await answer({ "x-api-key": presented })).toEqual({
        status: 401,
        headers: { "content-type": "application/json", "www-authenticate": challenge },
        body: '{"statusCode":401,"error":"Unauthorized","message":"Invalid API key"}'
      })
    }
  })
})
