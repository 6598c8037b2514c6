/**
 * The wallet API of `examples/wallet-api` implemented with `HttpApiBuilder`:
 * the same rules, stores and answers. As there, the whole app first
 * authenticates (`X-Api-Key`, 401) and applies the account's rate limit
 * (429), then routes; every failure is one of the contract's errors, which
 * the endpoint's error schemas encode as the contract says.
 */
import { ApiError, ApiKeys, Client, Endpoint, HttpApp } from "@centrapay-effect/core"
import { assetTypes, CurrentAccount, transientFailures } from "@centrapay-effect/wallet-api/app"
import { CreateAssetTransfer, GetLiveExchangeRate, RatesApiGetRate } from "@centrapay-effect/wallet-api/contracts"
import * as RateLimit from "@centrapay-effect/wallet-api/RateLimit"
import * as WalletStore from "@centrapay-effect/wallet-api/WalletStore"
import { Duration, Effect, Layer, Option } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { HttpApiBuilder } from "effect/http-api"
import { WalletApi } from "./api.ts"

const forbidden = new ApiError.ResourceForbidden({ message: "Forbidden" })
const upstreamUnavailable = new ApiError.ServerError({ status: 503, message: "Service Unavailable" })
const violation = {
  recipientMissing: Endpoint.violation(CreateAssetTransfer, "RECIPIENT_MISSING"),
  invalidAssetType: Endpoint.violation(CreateAssetTransfer, "INVALID_ASSET_TYPE"),
  assetNotActive: Endpoint.violation(CreateAssetTransfer, "ASSET_NOT_ACTIVE"),
  insufficientBalance: Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE"),
  unsupportedCurrency: Endpoint.violation(GetLiveExchangeRate, "UNSUPPORTED_CURRENCY")
}

// The account `app` authenticated, for this request. Read from the request's context: the
// handlers are built once, with the layer, and the account is per request.
const currentAccount = Effect.flatMap(Effect.serviceOption(CurrentAccount), (account) =>
  Option.isSome(account) ? Effect.succeed(account.value) : Effect.die(new Error("No authenticated account"))
)

/** The group's handlers. */
export const WalletLive = HttpApiBuilder.group(WalletApi, "wallet", (handlers) =>
  Effect.gen(function* () {
    const store = yield* WalletStore.WalletStore
    const client = yield* Client.Client
    return handlers
      .handle(
        "createAssetTransfer",
        Effect.fnUntraced(function* ({ payload }) {
          const account = yield* currentAccount
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
              return yield* Effect.fail(
                Endpoint.violation(CreateAssetTransfer, "QUOTA_EXCEEDED", { quotas: outcome.quotas })
              )
          }
        })
      )
      .handle(
        "getMerchantConfig",
        Effect.fnUntraced(function* ({ params }) {
          const config = yield* store.merchantConfig(params.merchantConfigId)
          return config === undefined
            ? yield* Effect.fail(forbidden)
            : { id: params.merchantConfigId, name: config.name }
        })
      )
      .handle(
        "getExchangeRate",
        Effect.fnUntraced(function* ({ params: { currency } }) {
          const account = yield* currentAccount
          const call = yield* store.nextCall(`${account.id}:rate:${currency}`)
          if (call <= transientFailures) return yield* Effect.fail(upstreamUnavailable)
          return { currency, rate: currency === "NZD" ? 1 : 0.59 }
        })
      )
      .handle("getLiveExchangeRate", ({ params: { currency } }) =>
        Client.call(RatesApiGetRate, { path: { currency } }).pipe(
          Effect.provideService(Client.Client, client),
          // A request this handler could not build is a bug: the generic 500.
          Effect.catchTag("InvalidRequest", (e) => Effect.die(e)),
          Effect.catchTag("BusinessRuleViolation", (e) =>
            Effect.fail(e.documented && e.message === "UNSUPPORTED_CURRENCY" ? violation.unsupportedCurrency : e)
          )
        )
      )
  })
)

/** The routes `HttpApp.router` builds: the API, its handlers, Effect's server services. */
export const routes = HttpApiBuilder.layer(WalletApi).pipe(
  Layer.provide(WalletLive),
  Layer.provide(HttpServer.layerServices)
)

/**
 * The whole app: authenticate by `X-Api-Key`, apply the account's rate limit, then route
 * (`HttpApp.Router`, built once with the layer) — as `examples/wallet-api` does.
 */
export const app = Effect.gen(function* () {
  const account = yield* ApiKeys.authenticate((yield* WalletStore.WalletStore).apiKeys)
  const wait = yield* (yield* RateLimit.RateLimit).take(account.id, account.requestsPerMinute)
  if (wait !== undefined) {
    return yield* Effect.fail(
      new ApiError.TooManyRequests({
        message: "RATE_LIMIT_EXCEEDED",
        retryAfter: Duration.seconds(Math.ceil(Duration.toMillis(wait) / 1000))
      })
    )
  }
  return yield* Effect.provideService(HttpApp.routed, CurrentAccount, account)
})

/**
 * Everything the app needs: the routes built into `HttpApp.Router` over the wallet's own
 * services (`examples/wallet-api`'s layer: store, rate limiter, the rates provider's client,
 * JSON log lines), given the runtime's client layer.
 */
export const layer = <E>(services: Layer.Layer<WalletStore.WalletStore | RateLimit.RateLimit | Client.Client, E>) =>
  Layer.provideMerge(HttpApp.router(HttpRouter.toHttpEffect(routes)), services)
