/**
 * The wallet API, written once as an Effect program and served unchanged by
 * the Lambda and the Workers adapters. Every failure is one of the contract's
 * typed errors; the adapters turn them into the documented responses.
 */

import { ApiError, Endpoint, Router, ServerRequest, ServerResponse } from "@centrapay-effect/core"
import { Context, Duration, Effect, Layer } from "effect"
import {
  AssetTransferRequest,
  CreateAssetTransfer,
  ExchangeRateParams,
  GetExchangeRate,
  GetMerchantConfig,
  MerchantConfigParams
} from "./contracts.ts"
import * as RateLimit from "./RateLimit.ts"
import * as WalletStore from "./WalletStore.ts"

/** Asset types this wallet knows, and whether each is active. */
export const assetTypes: Readonly<Record<string, boolean>> = {
  "centrapay.nzd.main": true,
  "centrapay.nzd.legacy": false
}

// Errors are immutable values: the constant ones are built once.
const missingAuthentication = new ApiError.Unauthorized({ message: "Missing authentication" })
const invalidApiKey = new ApiError.Unauthorized({ message: "Invalid API key" })
const forbidden = new ApiError.ResourceForbidden({ message: "Forbidden" })
const upstreamUnavailable = new ApiError.ServerError({ status: 503, message: "Service Unavailable" })
const violation = {
  recipientMissing: Endpoint.violation(CreateAssetTransfer, "RECIPIENT_MISSING"),
  invalidAssetType: Endpoint.violation(CreateAssetTransfer, "INVALID_ASSET_TYPE"),
  assetNotActive: Endpoint.violation(CreateAssetTransfer, "ASSET_NOT_ACTIVE"),
  insufficientBalance: Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE")
}

/** The account the request's API key acts for. */
export class CurrentAccount extends Context.Service<CurrentAccount, WalletStore.Account>()(
  "wallet-api/CurrentAccount"
) {}

/** How many calls per currency fail before the exchange-rate route recovers. */
export const transientFailures = 2

const createAssetTransfer = () =>
  Effect.gen(function* () {
    const account = yield* CurrentAccount
    const request = yield* ServerRequest.jsonBody(AssetTransferRequest)
    const store = yield* WalletStore.WalletStore
    if (!(yield* store.recipientExists(request.recipient))) return yield* Effect.fail(violation.recipientMissing)
    const active = assetTypes[request.assetType]
    if (active === undefined) return yield* Effect.fail(violation.invalidAssetType)
    if (!active) return yield* Effect.fail(violation.assetNotActive)
    const outcome = yield* store.transfer(account.id, request)
    switch (outcome._tag) {
      case "Done":
        return ServerResponse.json(outcome.transfer)
      case "InsufficientBalance":
        return yield* Effect.fail(violation.insufficientBalance)
      case "QuotaExceeded":
        return yield* Effect.fail(Endpoint.violation(CreateAssetTransfer, "QUOTA_EXCEEDED", { quotas: outcome.quotas }))
    }
  })

const getMerchantConfig = ({ merchantConfigId }: typeof MerchantConfigParams.Type) =>
  Effect.gen(function* () {
    const config = yield* (yield* WalletStore.WalletStore).merchantConfig(merchantConfigId)
    return config === undefined ? yield* Effect.fail(forbidden) : ServerResponse.json(config)
  })

const getExchangeRate = ({ currency }: typeof ExchangeRateParams.Type) =>
  Effect.gen(function* () {
    const account = yield* CurrentAccount
    const call = yield* (yield* WalletStore.WalletStore).nextCall(`${account.id}:rate:${currency}`)
    if (call <= transientFailures) return yield* Effect.fail(upstreamUnavailable)
    return ServerResponse.json({ currency, rate: currency === "NZD" ? 1 : 0.59 })
  })

const routes = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateAssetTransfer, createAssetTransfer),
    Router.addWithParams(GetMerchantConfig, MerchantConfigParams, getMerchantConfig),
    Router.addWithParams(GetExchangeRate, ExchangeRateParams, getExchangeRate)
  )
)

/**
 * The whole program: authenticate by `X-Api-Key` (401), apply the key's rate
 * limit (429 with `Retry-After`), then route.
 */
export const app = Effect.gen(function* () {
  const apiKey = yield* ServerRequest.header("x-api-key")
  if (apiKey === undefined || apiKey === "") return yield* Effect.fail(missingAuthentication)
  const account = yield* (yield* WalletStore.WalletStore).accountForKey(apiKey)
  if (account === undefined) return yield* Effect.fail(invalidApiKey)
  const wait = yield* (yield* RateLimit.RateLimit).take(apiKey, account.requestsPerMinute)
  if (wait !== undefined) {
    return yield* Effect.fail(
      new ApiError.TooManyRequests({
        message: "RATE_LIMIT_EXCEEDED",
        retryAfter: Duration.seconds(Math.ceil(Duration.toMillis(wait) / 1000))
      })
    )
  }
  return yield* Effect.provideService(routes, CurrentAccount, account)
})

/** Everything the program needs, in memory. */
export const layer = Layer.mergeAll(WalletStore.layerMemory, RateLimit.layerMemory)
