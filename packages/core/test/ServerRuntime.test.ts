import {
  ApiError,
  Endpoint,
  ObjectId,
  Router,
  ServerRequest,
  ServerResponse,
  ServerRuntime
} from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Context, Duration, Effect, Layer, Schema } from "effect"

const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", {
  403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"]
})
const GetMerchantConfig = Endpoint.make("GET /api/merchant-configs/{merchantConfigId}", {})
const Boom = Endpoint.make("GET /boom", {})
const Slow = Endpoint.make("GET /slow", {})
const Busy = Endpoint.make("GET /busy", {})

class Wallets extends Context.Service<Wallets, { readonly balance: number }>()("test/Wallets") {}

let builds = 0
const WalletsLive = Layer.effect(
  Wallets,
  Effect.sync(() => {
    builds++
    return { balance: 10 }
  })
)

const Transfer = Schema.Struct({ amount: Schema.Int })

const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateAssetTransfer, () =>
      Effect.gen(function* () {
        yield* ServerResponse.appendHeader("set-cookie", "seen=1")
        const { amount } = yield* ServerRequest.jsonBody(Transfer)
        const wallets = yield* Wallets
        if (amount > wallets.balance)
          return yield* Effect.fail(Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE"))
        return ServerResponse.json({ transferred: amount }, { status: 200 })
      })
    ),
    Router.addWithParams(
      GetMerchantConfig,
      Schema.Struct({ merchantConfigId: ObjectId.MerchantConfigId }),
      ({ merchantConfigId }) =>
        merchantConfigId === "mc_known"
          ? Effect.succeed(ServerResponse.json({ id: merchantConfigId }))
          : Effect.fail(new ApiError.ResourceForbidden({ message: "Forbidden" }))
    ),
    Router.add(Boom, () => Effect.die(new Error("database password is hunter2"))),
    Router.add(Slow, () => Effect.never),
    Router.add(Busy, () =>
      Effect.fail(
        new ApiError.ServerError({ status: 503, message: "Service Unavailable", retryAfter: Duration.seconds(5) })
      )
    )
  )
)

const request = (
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {}
): ServerRequest.ServerRequest => ({
  method,
  path,
  query: {},
  headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
  body: body === undefined ? undefined : JSON.stringify(body),
  requestId: "req-42"
})

describe("ServerRuntime with a router", () => {
  const runtime = ServerRuntime.make(app, WalletsLive)
  const handle = (r: ServerRequest.ServerRequest, deadline?: number) =>
    runtime.handle(r, Context.empty(), deadline === undefined ? undefined : { deadline: `${deadline} millis` })

  it("answers success, documented business errors and 400s in the wire format, keeping headers set before a failure", async () => {
    const ok = await handle(request("POST", "/api/asset-transfers", { amount: 5 }))
    expect(ok).toMatchObject({ status: 200, body: '{"transferred":5}' })
    expect(ok.headers["set-cookie"]).toBe("seen=1")

    const short = await handle(request("POST", "/api/asset-transfers", { amount: 50 }))
    expect(short.status).toBe(403)
    expect(JSON.parse(short.body)).toEqual({
      statusCode: 403,
      error: "Forbidden",
      message: "INSUFFICIENT_WALLET_BALANCE"
    })
    expect(short.headers["set-cookie"]).toBe("seen=1")

    const bad = await handle(request("POST", "/api/asset-transfers", { amount: "5" }))
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body)).toMatchObject({ problem: "schema-mismatch", issues: [{ path: ["body", "amount"] }] })
  })

  it("unknown routes and wrong methods are 404; a wrong ID prefix is a 400 naming the parameter", async () => {
    expect((await handle(request("GET", "/api/asset-transfer"))).status).toBe(404)
    expect((await handle(request("DELETE", "/api/asset-transfers"))).status).toBe(404)
    const wrongPrefix = await handle(request("GET", "/api/merchant-configs/c_123"))
    expect(wrongPrefix.status).toBe(400)
    expect(JSON.parse(wrongPrefix.body).issues).toEqual([
      { path: ["path", "merchantConfigId"], message: 'Expected a merchant config ID starting with "mc_"' }
    ])
    expect((await handle(request("GET", "/api/merchant-configs/mc_unknown"))).status).toBe(403)
    expect((await handle(request("GET", "/api/merchant-configs/mc_%E0%A4%A"))).status).toBe(400)
  })

  it("a defect is a generic 500 with the correlation id; the cause stays in the log", async () => {
    const response = await handle(request("GET", "/boom"))
    expect(response.status).toBe(500)
    expect(response.headers["x-request-id"]).toBe("req-42")
    expect(JSON.parse(response.body)).toEqual({
      statusCode: 500,
      error: "Internal Server Error",
      message: "Internal Server Error",
      correlationId: "req-42"
    })
    expect(response.body).not.toMatch(/hunter2|Error:|at /)
  })

  it("a typed 5xx keeps its status and Retry-After and gets the request id as correlation id", async () => {
    const response = await handle(request("GET", "/busy"))
    expect(response.status).toBe(503)
    expect(response.headers["retry-after"]).toBe("5")
    expect(response.headers["x-request-id"]).toBe("req-42")
    expect(JSON.parse(response.body)).toMatchObject({ message: "Service Unavailable", correlationId: "req-42" })
  })

  it("a deadline interrupts the program and answers 503 with Retry-After", async () => {
    const response = await handle(request("GET", "/slow"), 20)
    expect(response.status).toBe(503)
    expect(response.headers["retry-after"]).toBe("1")
  })

  it("builds the layer once for every request", async () => {
    await handle(request("POST", "/api/asset-transfers", { amount: 1 }))
    await handle(request("POST", "/api/asset-transfers", { amount: 1 }))
    expect(builds).toBe(1)
  })
})

describe("a layer that fails to build", () => {
  it("answers a clean 503 and is built again by the next request", async () => {
    let attempts = 0
    const Flaky = Layer.effect(
      Wallets,
      Effect.suspend(() => (++attempts === 1 ? Effect.fail("config missing") : Effect.succeed({ balance: 100 })))
    )
    const runtime = ServerRuntime.make(app, Flaky)
    const first = await runtime.handle(request("POST", "/api/asset-transfers", { amount: 1 }), Context.empty())
    expect(first.status).toBe(503)
    expect(first.body).not.toMatch(/config missing/)
    const second = await runtime.handle(request("POST", "/api/asset-transfers", { amount: 1 }), Context.empty())
    expect(second.status).toBe(200)
    expect(attempts).toBe(2)
    await runtime.dispose()
  })
})
