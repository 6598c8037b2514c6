/**
 * The wallet API, written once as an Effect program and served unchanged by
 * the Lambda and the Workers adapters. Every failure it raises is one of the
 * contract's typed errors, which the adapters answer as documented; a failure
 * its client received from the rates provider and let through is answered
 * 502 (504 for a timeout), never forwarded.
 */

import {
  ApiError,
  ApiKeys,
  Client,
  Credentials,
  Endpoint,
  type RateLimiter,
  RetryPolicy,
  Router
} from "@centrapay-effect/core"
import { Config, Context, Duration, Effect, Layer, Logger } from "effect"
import {
  CreateAssetTransfer,
  GetExchangeRate,
  GetLiveExchangeRate,
  GetMerchantConfig,
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

/** The account the request's API key acts for. */
export class CurrentAccount extends Context.Service<CurrentAccount, WalletStore.Account>()(
  "wallet-api/CurrentAccount"
) {}

/** How many calls per currency fail before the exchange-rate route recovers. */
export const transientFailures = 2

// Each handler gets its endpoint's decoded `{ path, payload }` and returns its success
// value, which the router encodes with the endpoint's schema.
const createAssetTransfer = Effect.fnUntraced(function* ({ payload }: Router.InputOf<typeof CreateAssetTransfer>) {
  const account = yield* CurrentAccount
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

const getMerchantConfig = Effect.fnUntraced(function* ({ path }: Router.InputOf<typeof GetMerchantConfig>) {
  const config = yield* (yield* WalletStore.WalletStore).merchantConfig(path.merchantConfigId)
  return config === undefined ? yield* Effect.fail(forbidden) : { id: path.merchantConfigId, name: config.name }
})

const getExchangeRate = Effect.fnUntraced(function* ({ path: { currency } }: Router.InputOf<typeof GetExchangeRate>) {
  const account = yield* CurrentAccount
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
const getLiveExchangeRate = ({ path: { currency } }: Router.InputOf<typeof GetLiveExchangeRate>) =>
  Client.call(RatesApiGetRate, { path: { currency } }).pipe(
    Effect.catchTag("BusinessRuleViolation", (e) => Effect.fail(e.documented ? ownViolation(e.message) : e))
  )

const routes = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateAssetTransfer, createAssetTransfer),
    Router.add(GetMerchantConfig, getMerchantConfig),
    Router.add(GetExchangeRate, getExchangeRate),
    Router.add(GetLiveExchangeRate, getLiveExchangeRate)
  )
)

/**
 * The whole program: authenticate by `X-Api-Key` (401 `Missing authentication` or
 * `Invalid API key`, checked in constant time by core's `ApiKeys`), apply the account's
 * rate limit (429 with `Retry-After`), then route.
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
  return yield* Effect.provideService(routes, CurrentAccount, account)
})

/**
 * How to reach the rates provider, read with `Config` (the process environment on Lambda,
 * the Worker's `env` on Workers): `RATES_API_URL`, `RATES_API_KEY`, and optionally
 * `RATES_API_ATTEMPT_TIMEOUT` (default 2 seconds), `RATES_API_MAX_ATTEMPTS` (default 3) and
 * `RATES_API_ACCOUNT` (default `wallet-api`): our account at the provider, whose budget of
 * 200 requests per minute the client's rate limiter keeps (shared by every container or
 * isolate when `layer` is given a store).
 */
export const ratesApiConfig: Config.Config<Client.Config> = Config.all({
  baseUrl: Config.String("RATES_API_URL"),
  apiKey: Config.Redacted("RATES_API_KEY"),
  attemptTimeout: Config.Duration("RATES_API_ATTEMPT_TIMEOUT").pipe(Config.withDefault(Duration.seconds(2))),
  maxAttempts: Config.Int("RATES_API_MAX_ATTEMPTS").pipe(Config.withDefault(3)),
  account: Config.String("RATES_API_ACCOUNT").pipe(Config.withDefault("wallet-api"))
}).pipe(
  Config.map(({ baseUrl, apiKey, attemptTimeout, maxAttempts, account }) => ({
    baseUrl,
    credentials: Credentials.apiKey(apiKey),
    attemptTimeout,
    retryPolicy: RetryPolicy.make({ maxAttempts }),
    rateLimit: { account }
  }))
)

/**
 * Everything the program needs: the store and the rate limiter in memory, the rates
 * provider's `Client`, built from `ratesApiConfig` by the runtime's client layer
 * (`LambdaClient.layer`, `WorkerClient.layer`, or core's `Client.layer`), its rate
 * limiter's shared store when one is given (Redis on Lambda, the Durable Object on
 * Workers; else each container or isolate counts alone), and one JSON line per log entry
 * in both runtimes (what CloudWatch Logs and Workers Logs index).
 */
export const layer = (
  client: (config: Client.Config) => Layer.Layer<Client.Client>,
  rateLimiterStore?: Layer.Layer<RateLimiter.Store>
) =>
  Layer.mergeAll(
    WalletStore.layerMemory,
    RateLimit.layerMemory,
    Layer.unwrap(
      Effect.map(ratesApiConfig, (config) =>
        rateLimiterStore === undefined ? client(config) : client(config).pipe(Layer.provide(rateLimiterStore))
      )
    ),
    Logger.layer([Logger.consoleJson])
  )
