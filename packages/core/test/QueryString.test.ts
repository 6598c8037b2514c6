/**
 * The one query parser both adapters use: prototype names are ordinary
 * names, repeated names keep every value (in linear time), decoding agrees
 * with the platform's own `URLSearchParams`, and reading stops past core's
 * caps with enough read for `RequestChecks` to answer the 400.
 */
import { QueryString, RequestChecks } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"

/** What `URLSearchParams` (Node's, the WHATWG standard workerd also implements) makes of a query: the reference. */
const viaUrlSearchParams = (raw: string): Record<string, string | Array<string>> => {
  const query: Record<string, string | Array<string>> = Object.create(null)
  for (const [name, value] of new URLSearchParams(raw)) {
    const earlier = query[name]
    query[name] = earlier === undefined ? value : [earlier, value].flat()
  }
  return query
}

describe("QueryString.parse", () => {
  it("reads Object.prototype's names as ordinary names, into a record without a prototype", () => {
    const query = QueryString.parse("constructor=1&__proto__=x&toString=y&hasOwnProperty&valueOf=2&valueOf=3")
    expect(Object.getPrototypeOf(query)).toBeNull()
    expect(JSON.stringify(query)).toBe(
      '{"constructor":"1","__proto__":"x","toString":"y","hasOwnProperty":"","valueOf":["2","3"]}'
    )
    expect(RequestChecks.checkQuery(query)).toBeUndefined()
  })

  it("keeps every value of a repeated name, in order, and decodes as a form does", () => {
    expect(QueryString.parse("tag=a&tag=b&tag=c&q=x%20y+z&&empty=&flag")).toEqual({
      tag: ["a", "b", "c"],
      q: "x y z",
      empty: "",
      flag: ""
    })
  })

  it("decodes malformed escapes and invalid UTF-8 as URLSearchParams does", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["q=%E0%A4%A", "\uFFFD%A"],
      ["q=100%", "100%"],
      ["q=%zz%41", "%zzA"],
      ["q=%FF", "\uFFFD"],
      ["q=%EF%BB%BFbom", "\uFEFFbom"],
      ["q=%C3%A9+%E2%82%AC", "é €"]
    ]
    for (const [raw, value] of cases) {
      expect(QueryString.parse(raw)).toEqual({ q: value })
      expect(viaUrlSearchParams(raw)).toEqual({ q: value })
    }
    // Raw non-ASCII text is UTF-8 before it is percent-decoded (the WHATWG URL standard).
    expect(QueryString.parse("q=é%FF😀")).toEqual({ q: "é\uFFFD😀" })
  })

  // ASCII, as a URL's search always is (and as clients send a raw query): Node's URLSearchParams
  // mis-decodes a raw non-ASCII character next to an invalid escape ("é%FF" → "��", where the
  // standard gives "é\uFFFD"); `parse` follows the standard (the table above).
  it("agrees with URLSearchParams on any ASCII query under the caps", () => {
    const part = fc.oneof(
      fc.constantFrom("=", "&", "+", "%", "%2", "%41", "%e2%82%ac", "%C3", "%FF", "%F0%9F%98%80", "a", "__proto__"),
      fc.string({ unit: "binary-ascii", maxLength: 3 })
    )
    fc.assert(
      fc.property(fc.array(part, { maxLength: 24 }), (parts) => {
        const raw = parts.join("")
        // URLSearchParams drops one leading "?", which a query string given without it never has.
        fc.pre(!raw.startsWith("?"))
        expect(QueryString.parse(raw)).toEqual(viaUrlSearchParams(raw))
      }),
      { numRuns: 2_000 }
    )
  })

  it("one name repeated 20,000 times: reading stops past the parameter cap, and the query is refused", () => {
    for (const raw of ["a=1&".repeat(20_000), "a&".repeat(20_000), `${"k=v&".repeat(20_000)}z=last`]) {
      const query = QueryString.parse(raw)
      const values = Object.values(query).flat()
      expect(values).toHaveLength(257)
      expect(RequestChecks.checkQuery(query)).toBe(RequestChecks.queryTooLarge)
    }
  })

  it("reading stops past the byte cap", () => {
    const query = QueryString.parse(`a=${"x".repeat(9_000)}&b=1&c=2`)
    expect(Object.keys(query)).toEqual(["a"])
    expect(RequestChecks.checkQuery(query)).toBe(RequestChecks.queryTooLarge)
  })

  it("an empty query is the one shared, frozen empty record", () => {
    expect(QueryString.parse("")).toBe(QueryString.empty)
    expect(QueryString.fromMaps(null, undefined, "decoded")).toBe(QueryString.empty)
    expect(Object.isFrozen(QueryString.empty)).toBe(true)
    expect(Object.keys(QueryString.empty)).toEqual([])
  })
})

describe("QueryString.fromMaps", () => {
  // Maps as JSON.parse builds them from an event: `__proto__` is an own key there.
  const maps = (json: string): unknown => JSON.parse(json)

  it("reads prototype names from event maps as ordinary names", () => {
    const query = QueryString.fromMaps(
      maps('{"constructor":"1","__proto__":"x","toString":"y"}'),
      maps('{"constructor":["1"],"__proto__":["x"],"toString":["y","z"]}'),
      "decoded"
    )
    expect(Object.getPrototypeOf(query)).toBeNull()
    expect(JSON.stringify(query)).toBe('{"constructor":"1","__proto__":"x","toString":["y","z"]}')
  })

  it("keeps every value of the multi-value map; the single-value map adds the names it lacks", () => {
    expect(QueryString.fromMaps({ a: "2", only: "s" }, { a: ["1", "2"], empty: [] }, "decoded")).toEqual({
      a: ["1", "2"],
      only: "s"
    })
  })

  it("percent-decodes names and values as ALB passes them, and leaves API Gateway's decoded ones alone", () => {
    expect(QueryString.fromMaps(null, { q: ["a%20b", "c+d"], "x%2Fy": ["1"] }, "percent-encoded")).toEqual({
      q: ["a b", "c d"],
      "x/y": "1"
    })
    expect(QueryString.fromMaps({ q: "a%20b+c" }, null, "decoded")).toEqual({ q: "a%20b+c" })
  })

  it("reads numbers and booleans as text and drops other values", () => {
    expect(
      QueryString.fromMaps({ n: 1, b: true, o: { x: 1 }, z: null }, { list: ["a", 2, null, {}] }, "decoded")
    ).toEqual({ list: ["a", "2"], n: "1", b: "true" })
    expect(QueryString.fromMaps("a=1", [1, 2], "decoded")).toBe(QueryString.empty)
  })

  it("20,000 values of one name stop past the parameter cap", () => {
    const query = QueryString.fromMaps(null, { a: Array.from({ length: 20_000 }, () => "1") }, "decoded")
    expect(query.a).toHaveLength(257)
    expect(RequestChecks.checkQuery(query)).toBe(RequestChecks.queryTooLarge)
  })
})
