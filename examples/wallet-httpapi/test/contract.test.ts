/**
 * The contract's errors inside HttpApi: Effect's `OpenApi.fromApi` lists every
 * status and documented code of the wallet API, and Effect's `HttpApiClient`
 * decodes the answers of the HttpApi wallet (on Lambda, behind a real HTTP
 * server) into core's typed errors.
 */
import { ApiError, ObjectId } from "@centrapay-effect/core"
import { LambdaBridge, LambdaClient, LambdaHttpApp } from "@centrapay-effect/lambda-adapter"
import { layer as services } from "@centrapay-effect/wallet-api/app"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import { HttpApiClient, OpenApi } from "effect/http-api"
import { WalletApi } from "../src/api.ts"
import { app, layer } from "../src/app.ts"

describe("OpenAPI document", () => {
  const spec = OpenApi.fromApi(WalletApi)

  it("lists every status of the contract on every endpoint", () => {
    const statuses = ["200", "400", "401", "403", "404", "429", "500", "502", "503", "504"]
    for (const [path, method] of [
      ["/api/asset-transfers", "post"],
      ["/api/merchant-configs/{merchantConfigId}", "get"],
      ["/api/exchange-rates/{currency}", "get"],
      ["/api/exchange-rates/{currency}/live", "get"]
    ] as const) {
      const operation = spec.paths[path]?.[method]
      expect(Object.keys(operation?.responses ?? {}).sort()).toEqual(statuses)
    }
  })

  it("lists each documented business code of an endpoint, and the headers the contract requires", () => {
    const text = JSON.stringify(spec.paths["/api/asset-transfers"]?.post?.responses)
    for (const code of [
      "INSUFFICIENT_WALLET_BALANCE",
      "QUOTA_EXCEEDED",
      "ASSET_NOT_ACTIVE",
      "RECIPIENT_MISSING",
      "INVALID_ASSET_TYPE"
    ]) {
      expect(text).toContain(`"${code}"`)
    }
    expect(JSON.stringify(spec.paths["/api/exchange-rates/{currency}/live"]?.get?.responses?.["403"])).toContain(
      '"UNSUPPORTED_CURRENCY"'
    )
    const responses = spec.paths["/api/asset-transfers"]?.post?.responses
    expect(Object.keys(responses?.["401"]?.headers ?? {})).toEqual(["www-authenticate"])
    expect(Object.keys(responses?.["429"]?.headers ?? {})).toEqual(["retry-after"])
    expect(Object.keys(responses?.["503"]?.headers ?? {}).sort()).toEqual(["retry-after", "x-request-id"])
  })
})

describe("HttpApiClient against the HttpApi wallet", () => {
  const handler = LambdaHttpApp.make(app, layer(services(LambdaClient.layer)))
  let bridge: LambdaBridge.Bridge
  beforeAll(async () => {
    Object.assign(process.env, { RATES_API_URL: "http://127.0.0.1:9", RATES_API_KEY: "k" })
    bridge = await LambdaBridge.serve(handler)
  })
  afterAll(async () => {
    await bridge?.close()
    await handler.dispose()
  })

  const client = (key: string | undefined) =>
    HttpApiClient.make(WalletApi, {
      baseUrl: bridge.url,
      transformClient: HttpClient.mapRequest((request) =>
        key === undefined ? request : HttpClientRequest.setHeader(request, "x-api-key", key)
      )
    }).pipe(Effect.provide(FetchHttpClient.layer))

  it("decodes a documented business code as core's documented violation, the code a literal", async () => {
    const exit = await Effect.runPromiseExit(
      Effect.flatMap(client("demo-key"), (wallet) =>
        wallet.wallet.createAssetTransfer({
          payload: { recipient: "alice", assetType: "centrapay.nzd.main", amount: 1_001 }
        })
      )
    )
    expect(Exit.isFailure(exit)).toBe(true)
    const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
    const failure = error?._tag === "Fail" ? error.error : undefined
    expect(failure).toBeInstanceOf(ApiError.BusinessRuleViolation)
    expect(failure).toMatchObject({
      _tag: "BusinessRuleViolation",
      status: 403,
      message: "INSUFFICIENT_WALLET_BALANCE",
      documented: true,
      endpoint: "POST /api/asset-transfers"
    })
  })

  it("decodes the general classes: 401 with its message, 403 Forbidden, a 503", async () => {
    const failureOf = async <A, E>(effect: Effect.Effect<A, E>) => {
      const exit = await Effect.runPromiseExit(effect)
      const reason = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
      return reason?._tag === "Fail" ? reason.error : undefined
    }
    const unauthorized = await failureOf(
      Effect.flatMap(client(undefined), (wallet) =>
        wallet.wallet.getMerchantConfig({
          params: { merchantConfigId: ObjectId.MerchantConfigId.make("mc_3LKQhvGUcADgqoEM3bh6pslE") }
        })
      )
    )
    expect(unauthorized).toBeInstanceOf(ApiError.Unauthorized)
    expect(unauthorized).toMatchObject({ message: "Missing authentication" })
    const forbidden = await failureOf(
      Effect.flatMap(client("demo-key"), (wallet) =>
        wallet.wallet.getMerchantConfig({ params: { merchantConfigId: ObjectId.MerchantConfigId.make("mc_unknown") } })
      )
    )
    expect(forbidden).toBeInstanceOf(ApiError.ResourceForbidden)
    expect(forbidden).toMatchObject({ message: "Forbidden" })
    const unavailable = await failureOf(
      Effect.flatMap(client("demo-key"), (wallet) => wallet.wallet.getExchangeRate({ params: { currency: "EUR" } }))
    )
    expect(unavailable).toBeInstanceOf(ApiError.ServerError)
    expect(unavailable).toMatchObject({ status: 503, message: "Service Unavailable" })
  })
})
