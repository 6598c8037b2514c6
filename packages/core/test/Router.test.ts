/**
 * The router serves one declaration per endpoint: it decodes what the
 * endpoint declares (path parameters, query, JSON payload) into the 400 the
 * contract documents, and encodes the handler's success with the endpoint's
 * schema. Expected answers are written out.
 */
import { Endpoint, ObjectId, Router, type ServerRequest, ServerResponse, ServerRuntime } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Logger, Schema } from "effect"

const CreateTransfer = Endpoint.make(
  "POST /api/asset-transfers",
  { 403: ["INSUFFICIENT_WALLET_BALANCE"] },
  {
    payload: Schema.Struct({ amount: Schema.Int, recipient: Schema.String }),
    query: Schema.Struct({ dryRun: Schema.optionalKey(Schema.Literals(["true", "false"])) }),
    success: Schema.Struct({ id: Schema.String, amount: Schema.Int, dryRun: Schema.Boolean })
  }
)
const GetConfig = Endpoint.make(
  "GET /api/merchant-configs/{merchantConfigId}",
  {},
  {
    path: Schema.Struct({ merchantConfigId: ObjectId.MerchantConfigId }),
    success: Schema.Struct({ id: ObjectId.MerchantConfigId })
  }
)
const GetMember = Endpoint.make("GET /api/accounts/{accountId}/members/{userId}", {})
const DeleteMember = Endpoint.make("DELETE /api/members/{userId}", {}, { success: Schema.Void })
const Lying = Endpoint.make("GET /lying", {}, { success: Schema.Struct({ count: Schema.Int }) })
const Search = Endpoint.make("GET /search", {})

const insufficient = Endpoint.violation(CreateTransfer, "INSUFFICIENT_WALLET_BALANCE")

const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateTransfer, ({ payload, query }) =>
      payload.amount > 100
        ? Effect.fail(insufficient)
        : Effect.succeed({ id: "at_1", amount: payload.amount, dryRun: query.dryRun === "true" })
    ),
    Router.add(GetConfig, ({ path }) => Effect.succeed({ id: path.merchantConfigId })),
    Router.add(GetMember, ({ path, query, payload }) =>
      Effect.succeed(ServerResponse.json({ path, query, payload: payload ?? null }, { status: 201 }))
    ),
    Router.add(DeleteMember, () => Effect.void),
    // A handler whose value its own schema rejects (1.5 is not an Int): a bug of the server.
    Router.add(Lying, () => Effect.succeed({ count: 1.5 })),
    Router.add(Search, ({ query }) => Effect.succeed(ServerResponse.json(query)))
  )
)

const runtime = ServerRuntime.make(app, Layer.empty, { loggers: [Logger.make(() => {})] })

const handle = async (
  method: string,
  path: string,
  options: {
    readonly body?: string
    readonly query?: ServerRequest.ServerRequest["query"]
    readonly type?: string
  } = {}
) => {
  const response = await runtime.handle(
    {
      method,
      path,
      query: options.query ?? {},
      headers: options.body === undefined ? {} : { "content-type": options.type ?? "application/json" },
      body: options.body,
      requestId: "req-1"
    },
    Context.empty()
  )
  return { status: response.status, body: response.body }
}

describe("Router: one declaration per endpoint", () => {
  it("decodes the payload and the query, and encodes the success with the endpoint's schema", async () => {
    expect(
      await handle("POST", "/api/asset-transfers", {
        body: '{"amount":10,"recipient":"acc_2","extra":"kept out"}',
        query: { dryRun: "true" }
      })
    ).toEqual({ status: 200, body: '{"id":"at_1","amount":10,"dryRun":true}' })
    expect(await handle("POST", "/api/asset-transfers", { body: '{"amount":500,"recipient":"acc_2"}' })).toEqual({
      status: 403,
      body: '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
    })
  })

  it("a payload field of the wrong type is the contract's 400 naming it, before the handler runs", async () => {
    expect(await handle("POST", "/api/asset-transfers", { body: '{"amount":"10","recipient":"acc_2"}' })).toEqual({
      status: 400,
      body: '{"statusCode":400,"error":"Bad Request","message":"body.amount: Expected number","issues":[{"path":["body","amount"],"message":"Expected number"}],"problem":"schema-mismatch"}'
    })
    const missing = JSON.parse((await handle("POST", "/api/asset-transfers", { body: '{"amount":10}' })).body)
    expect(missing.issues).toEqual([{ path: ["body", "recipient"], message: "Missing key" }])
    const both = JSON.parse((await handle("POST", "/api/asset-transfers", { body: '{"amount":"10"}' })).body)
    expect(both.issues).toEqual([
      { path: ["body", "amount"], message: "Expected number" },
      { path: ["body", "recipient"], message: "Missing key" }
    ])
  })

  it("a body that is not JSON, or not declared JSON, is a 400 with its own problem", async () => {
    const broken = await handle("POST", "/api/asset-transfers", { body: '{"amount":' })
    expect(broken.status).toBe(400)
    expect(JSON.parse(broken.body)).toMatchObject({ problem: "invalid-json", issues: [{ path: ["body"] }] })
    const text = await handle("POST", "/api/asset-transfers", {
      body: '{"amount":1,"recipient":"a"}',
      type: "text/plain"
    })
    expect(text.status).toBe(400)
    expect(JSON.parse(text.body)).toMatchObject({ problem: "unsupported-content-type" })
    const none = await handle("POST", "/api/asset-transfers")
    expect(none.status).toBe(400)
    expect(JSON.parse(none.body)).toMatchObject({ problem: "unsupported-content-type" })
  })

  it("a query parameter failing its schema is a 400 naming it", async () => {
    const bad = await handle("POST", "/api/asset-transfers", {
      body: '{"amount":10,"recipient":"acc_2"}',
      query: { dryRun: "maybe" }
    })
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body).issues).toEqual([{ path: ["query", "dryRun"], message: 'Expected "true" | "false"' }])
  })

  it("a path parameter failing its schema is a 400 naming it; without a schema, the template's strings", async () => {
    expect(await handle("GET", "/api/merchant-configs/mc_1")).toEqual({ status: 200, body: '{"id":"mc_1"}' })
    const wrong = await handle("GET", "/api/merchant-configs/c_1")
    expect(wrong.status).toBe(400)
    expect(JSON.parse(wrong.body).issues).toEqual([
      { path: ["path", "merchantConfigId"], message: 'Expected a merchant config ID starting with "mc_"' }
    ])
    // Undeclared parts pass as they are: percent-decoded path strings, the parsed query, no payload.
    expect(await handle("GET", "/api/accounts/acc%201/members/u_2", { query: { page: "2", tag: ["a", "b"] } })).toEqual(
      {
        status: 201,
        body: '{"path":{"accountId":"acc 1","userId":"u_2"},"query":{"page":"2","tag":["a","b"]},"payload":null}'
      }
    )
  })

  it("an endpoint without a payload schema does not read the body at all", async () => {
    expect(await handle("GET", "/search", { body: "not json", type: "text/plain", query: { q: "x" } })).toEqual({
      status: 200,
      body: '{"q":"x"}'
    })
  })

  it("a success that encodes to nothing is a 204 with an empty body", async () => {
    expect(await handle("DELETE", "/api/members/u_1")).toEqual({ status: 204, body: "" })
  })

  it("a success its own schema rejects is a defect: the generic 500, never the value", async () => {
    const lying = await handle("GET", "/lying")
    expect(lying.status).toBe(500)
    expect(JSON.parse(lying.body)).toEqual({
      statusCode: 500,
      error: "Internal Server Error",
      message: "Internal Server Error",
      correlationId: "req-1"
    })
  })
})
