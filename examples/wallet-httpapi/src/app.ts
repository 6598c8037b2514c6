/**
 * The wallet API of `examples/wallet-api` implemented with `HttpApiBuilder`:
 * the same rules, stores and answers. As there, the whole app first
 * authenticates (`X-Api-Key`, 401) and applies the account's rate limit
 * (429), then routes; every failure is one of the contract's errors, which
 * the endpoint's error schemas encode as the contract says.
 */
import * as Client from "@centrapay-effect/core/Client"
import * as HttpApiErrors from "@centrapay-effect/core/HttpApiErrors"
import * as HttpApp from "@centrapay-effect/core/HttpApp"
import type * as RateLimit from "@centrapay-effect/wallet-api/RateLimit"
import * as Rules from "@centrapay-effect/wallet-api/rules"
import * as WalletStore from "@centrapay-effect/wallet-api/WalletStore"
import * as Effect from "effect/Effect"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServer from "effect/http/HttpServer"
import * as HttpApiBuilder from "effect/http-api/HttpApiBuilder"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { WalletApi } from "./api.ts"

// The account `app` authenticated, for this request. Read from the request's context: the
// handlers are built once, with the layer, and the account is per request.
const currentAccount = Effect.flatMap(Effect.serviceOption(Rules.CurrentAccount), (account) =>
  Option.isSome(account) ? Effect.succeed(account.value) : Effect.die(new Error("No authenticated account"))
)

/** The group's handlers: the wallet's own rules (`examples/wallet-api/src/rules.ts`). */
export const WalletLive = HttpApiBuilder.group(WalletApi, "wallet", (handlers) =>
  Effect.gen(function* () {
    const store = yield* WalletStore.WalletStore
    const client = yield* Client.Client
    const withStore = Effect.provideService(WalletStore.WalletStore, store)
    return handlers
      .handle("createAssetTransfer", ({ payload }) =>
        Effect.flatMap(currentAccount, (account) => Rules.transfer(account, payload)).pipe(withStore)
      )
      .handle("getMerchantConfig", ({ params }) => Rules.merchantConfig(params.merchantConfigId).pipe(withStore))
      .handle("getExchangeRate", ({ params }) =>
        Effect.flatMap(currentAccount, (account) => Rules.exchangeRate(account, params.currency)).pipe(withStore)
      )
      .handle("getLiveExchangeRate", ({ params }) =>
        Rules.liveRate(params.currency).pipe(
          Effect.provideService(Client.Client, client),
          // A request this handler could not build is a bug: the generic 500.
          Effect.catchTag("InvalidRequest", (e) => Effect.die(e))
        )
      )
  })
)

/** The routes `HttpApp.router` builds: the API, its handlers, Effect's server services. */
export const routes = HttpApiBuilder.layer(WalletApi).pipe(
  Layer.provide(WalletLive),
  Layer.provide(HttpApiErrors.layerAnswerErrors),
  Layer.provide(HttpServer.layerServices)
)

/**
 * The whole app: authenticate by `X-Api-Key`, apply the account's rate limit, then route
 * (`HttpApp.Router`, built once with the layer) — as `examples/wallet-api` does.
 */
export const app = Effect.flatMap(Rules.authenticate, (account) =>
  Effect.provideService(HttpApp.routed, Rules.CurrentAccount, account)
)

/**
 * Everything the app needs: the routes built into `HttpApp.Router` over the wallet's own
 * services (`examples/wallet-api`'s layer: store, rate limiter, the rates provider's client,
 * JSON log lines), given the runtime's client layer.
 */
export const layer = <E>(services: Layer.Layer<WalletStore.WalletStore | RateLimit.RateLimit | Client.Client, E>) =>
  Layer.provideMerge(HttpApp.router(HttpRouter.toHttpEffect(routes)), services)
