/**
 * The wallet API's OpenAPI document comes from the same declarations as the server and
 * the client: valid OpenAPI 3.1 (checked by a maintained validator), every route, and every
 * documented code with its meaning.
 */
import { describe, expect, it } from "@effect/vitest"
import { Validator } from "@seriousme/openapi-schema-validator"
import { document } from "../src/openapi.ts"

const json = JSON.parse(JSON.stringify(document))

describe("the wallet API's OpenAPI document", () => {
  it("is valid OpenAPI 3.1", async () => {
    const validator = new Validator()
    expect(await validator.validate(json)).toEqual({ valid: true })
    expect(validator.version).toBe("3.1")
  })

  it("lists every route the wallet serves", () => {
    expect(Object.keys(json.paths).sort()).toEqual([
      "/api/asset-transfers",
      "/api/exchange-rates/{currency}",
      "/api/exchange-rates/{currency}/live",
      "/api/merchant-configs/{merchantConfigId}"
    ])
    expect(Object.keys(json.paths["/api/asset-transfers"])).toEqual(["post"])
  })

  it("lists every documented code under its status, with what it means", () => {
    const transfer403 = json.paths["/api/asset-transfers"].post.responses["403"]
    const codes = JSON.stringify(transfer403)
    for (const code of [
      "INSUFFICIENT_WALLET_BALANCE",
      "QUOTA_EXCEEDED",
      "ASSET_NOT_ACTIVE",
      "RECIPIENT_MISSING",
      "INVALID_ASSET_TYPE"
    ]) {
      expect(codes).toContain(code)
    }
    expect(codes).toContain("The transfer is larger than the wallet's balance.")
    const live403 = JSON.stringify(json.paths["/api/exchange-rates/{currency}/live"].get.responses["403"])
    expect(live403).toContain("UNSUPPORTED_CURRENCY")
    expect(live403).toContain("The rates provider has no rate for that currency.")
  })

  it("requires an API key, the one credential the wallet checks", () => {
    expect(json.security).toEqual([{ apiKey: [] }])
    expect(json.components.securitySchemes).toEqual({
      apiKey: {
        type: "apiKey",
        in: "header",
        name: "x-api-key",
        description: "An API key: enduring access to one account."
      }
    })
  })

  it("documents the payload, the path parameter and the success from the declared schemas", () => {
    const post = json.paths["/api/asset-transfers"].post
    const payload = JSON.stringify(post.requestBody)
    for (const field of ["recipient", "assetType", "amount", "idempotencyKey"]) expect(payload).toContain(field)
    const config = json.paths["/api/merchant-configs/{merchantConfigId}"].get
    expect(config.parameters).toEqual([
      expect.objectContaining({ name: "merchantConfigId", in: "path", required: true })
    ])
    expect(JSON.stringify(config.responses["200"])).toContain("name")
  })
})
