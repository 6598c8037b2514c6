/**
 * The wallet's rules, apart from how its routes are served: authentication and the
 * account's rate limit, transfers, merchant configs, exchange rates and the rates
 * provider's live rate. Every failure is one of the contract's typed errors. `app.ts`
 * serves them with core's `Router`; `examples/wallet-httpapi` serves the same rules with
 * Effect's `HttpApi`, so both answer alike.
 */

import * as ApiError from "@centrapay-effect/core/ApiError"
import * as ApiKeys from "@centrapay-effect/core/ApiKeys"
import * as Client from "@centrapay-effect/core/Client"
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import {
  type AssetTransferRequest,
  CreateAssetTransfer,
  GetLiveExchangeRate,
  type MerchantConfig,
  RatesApiGetRate
} from "./contracts.ts"
import * as RateLimit from "./RateLimit.ts"
import * as WalletStore from "./WalletStore.ts"

/**
 * Asset types this wallet knows, and whether each is active. A `Map`: the request names
 * the asset type, and `toString` must be as unknown as `bitcoin`.
 */
export const assetTypes: ReadonlyMap<string, boolean> = new Map([
  ["centrapay.nzd.main", true],
  ["centrapay.nzd.legacy", false]
])

/** How many calls per currency fail before the exchange-rate route recovers. */
export const transientFailures = 2

/** The account the request's API key acts for. */
export class CurrentAccount extends Context.Service<CurrentAccount, WalletStore.Account>()(
  "wallet-api/CurrentAccount"
) {}

// Errors are immutable values: the constant ones are built once.
const forbidden = new ApiError.ResourceForbidden({ message: "Forbidden" })
const upstreamUnavailable = new ApiError.ServerError({ status: 503, message: "Service Unavailable" })
const violation = {
  recipientMissing: Endpoint.violation(CreateAssetTransfer, "RECIPIENT_MISSING"),
  invalidAssetType: Endpoint.violation(CreateAssetTransfer, "INVALID_ASSET_TYPE"),
  assetNotActive: Endpoint.violation(CreateAssetTransfer, "ASSET_NOT_ACTIVE"),
  insufficientBalance: Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE"),
  unsupportedCurrency: Endpoint.violation(GetLiveExchangeRate, "UNSUPPORTED_CURRENCY")
}

/**
 * Who is calling: authenticate by `X-Api-Key` (401 `Missing authentication` or `Invalid
 * API key`, checked in constant time by core's `ApiKeys`), then apply the account's rate
 * limit (429 with `Retry-After`).
 */
export const authenticate = Effect.gen(function* () {
  const account = yield* ApiKeys.authenticate((yield* WalletStore.WalletStore).apiKeys)
  const wait = yield* (yield* RateLimit.RateLimit).take(account.id, account.requestsPerMinute)
  if (wait === undefined) return account
  return yield* Effect.fail(
    new ApiError.TooManyRequests({
      message: "RATE_LIMIT_EXCEEDED",
      retryAfter: Duration.seconds(Math.ceil(Duration.toMillis(wait) / 1000))
    })
  )
})

/** A transfer from `account`: the documented 403 codes, or the completed transfer. */
export const transfer = Effect.fnUntraced(function* (
  account: WalletStore.Account,
  payload: typeof AssetTransferRequest.Type
) {
  const store = yield* WalletStore.WalletStore
  if (!(yield* store.recipientExists(payload.recipient))) return yield* Effect.fail(violation.recipientMissing)
  const active = assetTypes.get(payload.assetType)
  if (active === undefined) return yield* Effect.fail(violation.invalidAssetType)
  if (!active) return yield* Effect.fail(violation.assetNotActive)
  const outcome = yield* store.transfer(account.id, payload)
  switch (outcome._tag) {
    case "Done":
      return outcome.transfer
    case "InsufficientBalance":
      return yield* Effect.fail(violation.insufficientBalance)
    case "QuotaExceeded":
      return yield* Effect.fail(Endpoint.violation(CreateAssetTransfer, "QUOTA_EXCEEDED", { quotas: outcome.quotas }))
  }
})

/** A merchant config, or 403 `Forbidden` for an id nobody has (resource missing). */
export const merchantConfig = Effect.fnUntraced(function* (id: typeof MerchantConfig.Type.id) {
  const config = yield* (yield* WalletStore.WalletStore).merchantConfig(id)
  return config === undefined ? yield* Effect.fail(forbidden) : { id, name: config.name }
})

/** The rate of `currency`: a 503 on the first `transientFailures` calls per account and currency. */
export const exchangeRate = Effect.fnUntraced(function* (account: WalletStore.Account, currency: string) {
  const call = yield* (yield* WalletStore.WalletStore).nextCall(`${account.id}:rate:${currency}`)
  if (call <= transientFailures) return yield* Effect.fail(upstreamUnavailable)
  return { currency, rate: currency === "NZD" ? 1 : 0.59 }
})

/**
 * The rates provider's documented business codes, re-raised as our endpoint's own
 * (`Endpoint.violation` checks that our endpoint documents each).
 */
const ownViolation = (code: Endpoint.Messages<typeof RatesApiGetRate>) => {
  switch (code) {
    case "UNSUPPORTED_CURRENCY":
      return violation.unsupportedCurrency
  }
}

/**
 * The rates provider's rate. A business code the provider documents is re-raised as our
 * own; every other failure of the call is let through, and the server answers it 502
 * (504 for a timeout) — never with the provider's status or body.
 */
export const liveRate = (currency: string) =>
  Client.call(RatesApiGetRate, { path: { currency } }).pipe(
    Effect.catchTag("BusinessRuleViolation", (e) => Effect.fail(e.documented ? ownViolation(e.message) : e))
  )
