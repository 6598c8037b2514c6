/**
 * Type tests: one declaration types the server handler and the client call.
 * Each `@ts-expect-error` line is a mistake that must not compile; `tsc`
 * (run by `npm test`) fails if one of them does.
 */
import { Client, Endpoint, ObjectId, Router, ServerResponse } from "@centrapay-effect/core"
import { Effect, Schema } from "effect"
import { describe, expectTypeOf, it } from "vitest"

const GetMerchantConfig = Endpoint.make(
  "GET /api/merchant-configs/{merchantConfigId}",
  {},
  {
    success: Schema.Struct({ id: Schema.String, name: Schema.String })
  }
)
const GetMember = Endpoint.make("DELETE /api/accounts/{accountId}/members/{userId}", {
  403: ["LAST_OWNER_NOT_REVOKABLE"]
})
const CreateTransfer = Endpoint.make(
  "POST /api/asset-transfers",
  { 403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"] },
  {
    payload: Schema.Struct({ amount: Schema.Int, recipient: Schema.String }),
    query: Schema.Struct({ dryRun: Schema.optionalKey(Schema.Literals(["true", "false"])) }),
    success: Schema.Struct({ id: Schema.String })
  }
)
const GetConfigById = Endpoint.make(
  "GET /api/configs/{configId}",
  {},
  {
    path: Schema.Struct({ configId: ObjectId.MerchantConfigId }),
    success: Schema.Struct({ id: ObjectId.MerchantConfigId })
  }
)

describe("one declaration", () => {
  it("types path parameters from the route template", () => {
    Router.add(GetMember, ({ path }) => {
      expectTypeOf(path).toEqualTypeOf<{ readonly accountId: string; readonly userId: string }>()
      return Effect.succeed(ServerResponse.empty())
    })
    Router.add(GetConfigById, ({ path }) => {
      expectTypeOf(path.configId).toEqualTypeOf<ObjectId.MerchantConfigId>()
      return Effect.succeed({ id: path.configId })
    })
  })

  it("a misspelt path parameter does not compile, on the server or the client", () => {
    Router.add(GetMember, ({ path }) =>
      // @ts-expect-error: the template names `accountId`, not `accountID`
      Effect.succeed(ServerResponse.json({ id: path.accountID }))
    )
    // @ts-expect-error: `merchantConfigID` is not the template's parameter
    Client.call(GetMerchantConfig, { path: { merchantConfigID: "mc_1" } })
    // @ts-expect-error: the path parameter is missing
    Client.call(GetMerchantConfig, {})
    // @ts-expect-error: a path schema whose field is not the template's does not compile
    Endpoint.make("GET /api/configs/{configId}", {}, { path: Schema.Struct({ configID: Schema.String }) })
  })

  it("a wrong payload field does not compile", () => {
    // @ts-expect-error: `amount` is an Int, not a string
    Client.call(CreateTransfer, { payload: { amount: "10", recipient: "acc_2" } })
    // @ts-expect-error: the payload is required
    Client.call(CreateTransfer, {})
    Router.add(CreateTransfer, ({ payload, query }) => {
      expectTypeOf(payload).toEqualTypeOf<{ readonly amount: number; readonly recipient: string }>()
      expectTypeOf(query).toEqualTypeOf<{ readonly dryRun?: "true" | "false" }>()
      return Effect.succeed({ id: "t_1" })
    })
  })

  it("a handler returning the wrong success shape does not compile", () => {
    // @ts-expect-error: the success schema wants `id` and `name`
    Router.add(GetMerchantConfig, () => Effect.succeed({ id: "mc_1" }))
    // @ts-expect-error: an endpoint with a success schema returns its value, not a response
    Router.add(GetMerchantConfig, () => Effect.succeed(ServerResponse.json({ id: "mc_1", name: "x" })))
  })

  it("an undocumented error code does not compile", () => {
    // @ts-expect-error: CreateTransfer does not document ASSET_NOT_ACTIVE
    Router.add(CreateTransfer, () => Effect.fail(Endpoint.violation(CreateTransfer, "ASSET_NOT_ACTIVE")))
    Router.add(CreateTransfer, () => Effect.fail(Endpoint.violation(CreateTransfer, "QUOTA_EXCEEDED")))
  })

  it("the client decodes the success type and narrows documented codes", () => {
    const call = Client.call(CreateTransfer, { payload: { amount: 10, recipient: "acc_2" } })
    expectTypeOf(call).toEqualTypeOf<
      Effect.Effect<
        { readonly id: string },
        Client.CallError<"INSUFFICIENT_WALLET_BALANCE" | "QUOTA_EXCEEDED", never>,
        Client.Client
      >
    >()
    // @ts-expect-error: an endpoint without a success schema cannot be called (declare one with withSchemas)
    Client.call(GetMember, { path: { accountId: "a", userId: "u" } })
    const declared = Endpoint.withSchemas(GetMember, { success: Schema.Void })
    expectTypeOf(Client.call(declared, { path: { accountId: "a", userId: "u" } })).toEqualTypeOf<
      Effect.Effect<void, Client.CallError<"LAST_OWNER_NOT_REVOKABLE", never>, Client.Client>
    >()
  })
})
