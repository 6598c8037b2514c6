import { Centrapay, Endpoint, OpenApi } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Validator } from "@seriousme/openapi-schema-validator"
import { Schema } from "effect"

// A maintained validator of OpenAPI documents against the specification's own JSON Schema (3.1 here),
// every `$ref` resolved.
const validate = async (document: OpenApi.Document) => {
  const validator = new Validator()
  const result = await validator.validate(JSON.parse(JSON.stringify(document)))
  expect(result).toEqual({ valid: true })
  expect(validator.version).toBe("3.1")
  validator.resolveRefs()
}

// A user's own API, declared once.
const GetWallet = Endpoint.make(
  "GET /wallets/{walletId}/transfers/{transferId}",
  {},
  {
    path: Schema.Struct({ walletId: Schema.String, transferId: Schema.String.check(Schema.isStartingWith("tr_")) }),
    // A named schema is a shared definition; its fields are still the parameters.
    query: Schema.Struct({
      expand: Schema.optionalKey(Schema.Literals(["recipient", "quotas"])),
      page: Schema.String
    }).annotate({ identifier: "TransferQuery" })
  }
)
const Transfer = Endpoint.make(
  "POST /wallets/{walletId}/transfers",
  { 403: ["INSUFFICIENT_FUNDS", "WALLET_FROZEN"], 400: ["AMOUNT_NOT_DECIMAL"] },
  {
    payload: Schema.Struct({ amount: Schema.String, to: Schema.String, note: Schema.optionalKey(Schema.String) }),
    success: Schema.Struct({ id: Schema.String, status: Schema.Literals(["pending", "done"]) })
  }
)
const DeleteWallet = Endpoint.make("DELETE /wallets/{walletId}", {}, { success: Schema.Void })
const CancelLegacy = Endpoint.make(
  "POST /legacy/cancel",
  { 404: ["ALREADY_PAID"], 409: ["LOCKED"] },
  { deprecated: true }
)

const descriptions = (endpoint: Endpoint.Endpoint, status: number, code: string): string | undefined =>
  endpoint.id === "POST /wallets/{walletId}/transfers" && status === 403 && code === "INSUFFICIENT_FUNDS"
    ? "The wallet's balance is below the amount."
    : undefined

const userDocument = OpenApi.make([GetWallet, Transfer, DeleteWallet, CancelLegacy], {
  title: "Wallet API",
  version: "1.2.0",
  servers: [{ url: "https://wallet.example.com" }],
  descriptions
})

const errorBody = (message: Record<string, unknown>) => ({
  type: "object",
  properties: {
    statusCode: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 },
    error: { type: "string" },
    message,
    quotas: { type: "array", items: { $ref: "#/components/schemas/Quota" } }
  },
  required: ["message"],
  additionalProperties: true
})

describe("OpenApi.make", () => {
  it("requires the contract's credentials, either of them, unless told which or none", async () => {
    expect(userDocument.security).toEqual([{ apiKey: [] }, { userToken: [] }])
    expect(userDocument.components.securitySchemes).toEqual({
      apiKey: {
        type: "apiKey",
        in: "header",
        name: "x-api-key",
        description: "An API key: enduring access to one account."
      },
      userToken: {
        type: "apiKey",
        in: "header",
        name: "authorization",
        description:
          "A user access token (a JWT, sent as it is, without a `Bearer` prefix), valid for an hour. An org account accessed with one also needs `X-Centrapay-Account: <accountId>`."
      }
    })
    const keysOnly = OpenApi.make([GetWallet], { title: "x", version: "1", security: ["apiKey", "apiKey"] })
    await validate(keysOnly)
    expect(keysOnly.security).toEqual([{ apiKey: [] }])
    expect(Object.keys(keysOnly.components.securitySchemes ?? {})).toEqual(["apiKey"])
    const open = OpenApi.make([GetWallet], { title: "x", version: "1", security: [] })
    await validate(open)
    expect("security" in open).toBe(false)
    expect("securitySchemes" in open.components).toBe(false)
  })

  it("documents the whole Centrapay catalog as a valid OpenAPI 3.1 document", async () => {
    const document = OpenApi.make(Centrapay.endpoints, { title: "Centrapay", version: "1" })
    await validate(document)
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item))
    expect(operations).toHaveLength(174)
    expect(document.paths["/payments/api/requests.cancel"]?.post?.deprecated).toBe(true)
  })

  it("documents a user's own endpoints as a valid OpenAPI 3.1 document, in one call", async () => {
    await validate(userDocument)
    expect(userDocument.info).toEqual({ title: "Wallet API", version: "1.2.0" })
    expect(userDocument.servers).toEqual([{ url: "https://wallet.example.com" }])
    expect(userDocument.tags).toEqual([{ name: "wallets" }, { name: "legacy" }])
    expect(Object.keys(userDocument.paths)).toEqual([
      "/wallets/{walletId}/transfers/{transferId}",
      "/wallets/{walletId}/transfers",
      "/wallets/{walletId}",
      "/legacy/cancel"
    ])
  })

  it("takes path parameters from the template, typed by the path schema, and query parameters from the query schema", () => {
    const operation = userDocument.paths["/wallets/{walletId}/transfers/{transferId}"]?.get
    expect(operation?.operationId).toBe("GET /wallets/{walletId}/transfers/{transferId}")
    expect(operation?.parameters).toEqual([
      { name: "walletId", in: "path", required: true, schema: { type: "string" } },
      {
        name: "transferId",
        in: "path",
        required: true,
        schema: { type: "string", pattern: "^tr_" }
      },
      { name: "expand", in: "query", required: false, schema: { type: "string", enum: ["recipient", "quotas"] } },
      { name: "page", in: "query", required: true, schema: { type: "string" } }
    ])
    expect(operation?.requestBody).toBeUndefined()
    expect(operation?.responses["200"]).toEqual({
      description: "Success: the handler's own JSON response (the endpoint declares no success schema).",
      content: { "application/json": { schema: {} } }
    })
  })

  it("documents one endpoint's body, success and every error response, its documented codes included", () => {
    const operation = userDocument.paths["/wallets/{walletId}/transfers"]?.post
    expect(operation?.parameters).toEqual([
      { name: "walletId", in: "path", required: true, schema: { type: "string" } }
    ])
    expect(operation?.requestBody).toEqual({
      required: true,
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: { amount: { type: "string" }, to: { type: "string" }, note: { type: "string" } },
            required: ["amount", "to"],
            additionalProperties: true
          }
        }
      }
    })
    expect(operation?.responses["200"]).toEqual({
      description: "Success.",
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: { id: { type: "string" }, status: { type: "string", enum: ["pending", "done"] } },
            required: ["id", "status"],
            additionalProperties: true
          }
        }
      }
    })
    expect(operation?.responses["403"]).toEqual({
      description:
        "Forbidden: the resource is missing or the caller may not touch it (wrong id, not a member of the owning account, role lacks the permission); `message` is a phrase such as `Forbidden`. Never retried.\n\n" +
        "Or `message` is a business outcome the endpoint documents:\n\n" +
        "- `INSUFFICIENT_FUNDS`: The wallet's balance is below the amount.\n" +
        "- `WALLET_FROZEN`",
      content: {
        "application/json": {
          schema: {
            anyOf: [
              errorBody({
                type: "string",
                enum: ["INSUFFICIENT_FUNDS", "WALLET_FROZEN"],
                "x-enumDescriptions": { INSUFFICIENT_FUNDS: "The wallet's balance is below the amount." }
              }),
              { $ref: "#/components/schemas/ErrorBody" }
            ]
          }
        }
      }
    })
    // A current endpoint's 400 code is still a malformed request: `issues` and `problem` stay.
    expect(operation?.responses["400"]).toEqual({
      description:
        "Malformed Request: a syntax failure (content type, body fields, query or path parameters, object id prefixes); `issues` says where. Never retried: fix the request.\n\n" +
        "Or `message` is a 400 code the endpoint documents (still a malformed request):\n\n" +
        "- `AMOUNT_NOT_DECIMAL`",
      content: {
        "application/json": {
          schema: {
            anyOf: [
              {
                type: "object",
                properties: {
                  statusCode: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 },
                  error: { type: "string" },
                  message: { type: "string", enum: ["AMOUNT_NOT_DECIMAL"] },
                  issues: { type: "array", items: { $ref: "#/components/schemas/Issue" } },
                  problem: { type: "string", enum: ["invalid-json", "unsupported-content-type", "schema-mismatch"] }
                },
                required: ["message"],
                additionalProperties: true
              },
              { $ref: "#/components/schemas/MalformedRequestBody" }
            ]
          }
        }
      }
    })
    expect({
      401: operation?.responses["401"],
      404: operation?.responses["404"],
      429: operation?.responses["429"],
      "5XX": operation?.responses["5XX"]
    }).toEqual({
      401: { $ref: "#/components/responses/Unauthorized" },
      404: { $ref: "#/components/responses/RouteNotFound" },
      429: { $ref: "#/components/responses/TooManyRequests" },
      "5XX": { $ref: "#/components/responses/ServerError" }
    })
  })

  it("shares the general table's responses: 400 with issues, 401 with WWW-Authenticate, 429 with Retry-After, 5xx", () => {
    const { responses, schemas } = userDocument.components
    expect(Object.keys(responses)).toEqual([
      "MalformedRequest",
      "Unauthorized",
      "Forbidden",
      "RouteNotFound",
      "TooManyRequests",
      "ServerError"
    ])
    expect(responses.MalformedRequest?.content).toEqual({
      "application/json": { schema: { $ref: "#/components/schemas/MalformedRequestBody" } }
    })
    expect(schemas.MalformedRequestBody).toEqual({
      type: "object",
      properties: {
        statusCode: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 },
        error: { type: "string" },
        message: { type: "string" },
        issues: { type: "array", items: { $ref: "#/components/schemas/Issue" } },
        problem: { type: "string", enum: ["invalid-json", "unsupported-content-type", "schema-mismatch"] }
      },
      required: ["message"],
      additionalProperties: true,
      description: "A 400: the request is malformed; `issues` says where."
    })
    expect(responses.Unauthorized?.headers).toEqual({
      "WWW-Authenticate": {
        description:
          'The authentication challenge, e.g. `ApiKey realm="centrapay", header="X-Api-Key", Bearer realm="centrapay"`.',
        required: true,
        schema: { type: "string" }
      }
    })
    expect(responses.TooManyRequests?.headers).toEqual({
      "Retry-After": {
        description: "Seconds to wait before the next request is accepted (a client also accepts an HTTP-date).",
        required: true,
        schema: { type: "integer", minimum: 0, maximum: 9007199254740991 }
      }
    })
    expect(responses.TooManyRequests?.content).toEqual({
      "application/json": { schema: { $ref: "#/components/schemas/TooManyRequestsBody" } }
    })
    expect(responses.ServerError?.headers).toEqual({
      "x-request-id": {
        description: "The correlation id of the failure, as in `correlationId`.",
        required: false,
        schema: { type: "string" }
      },
      "Retry-After": {
        description: "Seconds to wait before retrying, when the server says.",
        required: false,
        schema: { type: "integer", minimum: 0, maximum: 9007199254740991 }
      }
    })
  })

  it("answers a success that encodes to nothing with a 204", () => {
    expect(userDocument.paths["/wallets/{walletId}"]?.delete?.responses["204"]).toEqual({
      description: "Success, no content."
    })
    expect(userDocument.paths["/wallets/{walletId}"]?.delete?.responses["200"]).toBeUndefined()
  })

  it("documents a deprecated endpoint's legacy outcomes at their own statuses", () => {
    const operation = userDocument.paths["/legacy/cancel"]?.post
    expect(operation?.deprecated).toBe(true)
    expect(operation?.responses["404"]).toMatchObject({
      content: {
        "application/json": {
          schema: {
            anyOf: [errorBody({ type: "string", enum: ["ALREADY_PAID"] }), { $ref: "#/components/schemas/ErrorBody" }]
          }
        }
      }
    })
    expect(operation?.responses["409"]).toEqual({
      description: "`message` is a business outcome the endpoint documents:\n\n- `LOCKED`",
      content: { "application/json": { schema: errorBody({ type: "string", enum: ["LOCKED"] }) } }
    })
  })

  it("refuses a route listed twice", () => {
    expect(() => OpenApi.make([Transfer, GetWallet, Transfer], { title: "x", version: "1" })).toThrow(
      new TypeError('OpenApi.make: "POST /wallets/{walletId}/transfers" is listed twice')
    )
  })
})
