import { Centrapay, Endpoint, EndpointMatcher } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"

const ListThings = Endpoint.make("GET /things", {})
const GetThing = Endpoint.make("GET /things/{thingId}", {})
const GetSpecial = Endpoint.make("GET /things/special", {})
const GetSpecialPart = Endpoint.make("GET /things/special/parts/{partId}", {})
const GetThingReport = Endpoint.make("GET /things/{thingId}/report", {})
const CancelThing = Endpoint.make("POST /things/{thingId}/cancel", {})
const GetNested = Endpoint.make("GET /owners/{ownerId}/things/{thingId}", {})

const matcher = EndpointMatcher.make([
  ListThings,
  GetThing,
  GetSpecial,
  GetSpecialPart,
  GetThingReport,
  CancelThing,
  GetNested
])

const idOf = (method: string, path: string) => EndpointMatcher.match(matcher, method, path)?.endpoint.id

describe("EndpointMatcher", () => {
  it("matches a concrete path to its template and extracts the parameters", () => {
    expect(EndpointMatcher.match(matcher, "GET", "/owners/o_1/things/t_2")).toEqual({
      endpoint: GetNested,
      params: { ownerId: "o_1", thingId: "t_2" }
    })
    expect(EndpointMatcher.match(matcher, "GET", "/things")).toEqual({ endpoint: ListThings, params: {} })
  })

  it("prefers a literal segment to a parameter", () => {
    expect(idOf("GET", "/things/special")).toBe("GET /things/special")
    expect(idOf("GET", "/things/ordinary")).toBe("GET /things/{thingId}")
  })

  it("falls back to a parameter when the literal branch dead-ends", () => {
    // "special" is a literal child of /things, but /things/special/report only exists as /things/{thingId}/report.
    expect(EndpointMatcher.match(matcher, "GET", "/things/special/report")).toEqual({
      endpoint: GetThingReport,
      params: { thingId: "special" }
    })
    expect(idOf("GET", "/things/special/parts/p_1")).toBe("GET /things/special/parts/{partId}")
  })

  it("routes by method; the method is case-insensitive", () => {
    expect(idOf("post", "/things/t_1/cancel")).toBe("POST /things/{thingId}/cancel")
    expect(idOf("GET", "/things/t_1/cancel")).toBeUndefined()
    expect(idOf("DELETE", "/things/t_1")).toBeUndefined()
  })

  it("ignores the query string and fragment, and accepts an absolute URL", () => {
    expect(idOf("GET", "/things/t_1?expand=owner#top")).toBe("GET /things/{thingId}")
    expect(idOf("GET", "https://service.example.test/things/t_1?x=https://a/b")).toBe("GET /things/{thingId}")
    expect(idOf("GET", "https://service.example.test")).toBeUndefined()
    // Whichever of "?" and "#" comes first ends the path.
    expect(EndpointMatcher.match(matcher, "GET", "/things/t_1#top?expand=owner")?.params).toEqual({ thingId: "t_1" })
    expect(idOf("GET", "/things?page=2#things/t_1")).toBe("GET /things")
    expect(idOf("GET", "/things#frag/t_1")).toBe("GET /things")
    expect(idOf("GET", "?/things")).toBeUndefined()
  })

  it("compares paths exactly", () => {
    expect(idOf("GET", "/things/")).toBeUndefined()
    expect(idOf("GET", "/things//report")).toBeUndefined()
    expect(idOf("GET", "/Things/t_1")).toBeUndefined()
    expect(idOf("GET", "/things/t_1/report/extra")).toBeUndefined()
    expect(idOf("GET", "things/t_1")).toBeUndefined()
    expect(idOf("GET", "")).toBeUndefined()
  })

  it("lets a later endpoint of the same route shape replace an earlier one", () => {
    const Override = Endpoint.make("GET /things/{id}", { 403: ["THING_LOCKED"] })
    const overridden = EndpointMatcher.make([GetThing, Override])
    expect(EndpointMatcher.match(overridden, "GET", "/things/t_1")).toEqual({
      endpoint: Override,
      params: { id: "t_1" }
    })
  })

  it("matches every Centrapay example path and template to its endpoint", () => {
    const catalog = EndpointMatcher.make(Centrapay.endpoints)
    expect(EndpointMatcher.match(catalog, "POST", "/api/bank-authorities/ba_123/verify")?.endpoint.id).toBe(
      "POST /api/bank-authorities/{bankAccountId}/verify"
    )
    for (const endpoint of Centrapay.endpoints) {
      expect(EndpointMatcher.match(catalog, endpoint.method, endpoint.path)?.endpoint).toBe(endpoint)
    }
    expect(EndpointMatcher.match(catalog, "GET", "/api/patron-codes/barcode/9990001234567895")).toEqual({
      endpoint: Centrapay.GetPatronCodesBarcodeByBarcode,
      params: { barcode: "9990001234567895" }
    })
    expect(EndpointMatcher.match(catalog, "GET", "/api/patron-codes/ns/external-id/e_1")).toEqual({
      endpoint: Centrapay.GetPatronCodesExternalIdByExternalId,
      params: { namespace: "ns", externalId: "e_1" }
    })
  })

  it("scales to many endpoints", () => {
    const many = Array.from({ length: 5_000 }, (_, i) => Endpoint.make(`GET /resources-${i}/{id}/items/{itemId}`, {}))
    const large = EndpointMatcher.make(many)
    expect(EndpointMatcher.match(large, "GET", "/resources-4321/r_1/items/i_2")).toEqual({
      endpoint: many[4321],
      params: { id: "r_1", itemId: "i_2" }
    })
    expect(EndpointMatcher.match(large, "GET", "/resources-5000/r_1/items/i_2")).toBeUndefined()
  })
})
