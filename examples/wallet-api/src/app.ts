/**
 * The wallet API, written once as an Effect program and served unchanged by
 * the Lambda and the Workers adapters. Every failure it raises is one of the
 * contract's typed errors, which the adapters answer as documented; a failure
 * its client received from the rates provider and let through is answered
 * 502 (504 for a timeout), never forwarded.
 */

import type * as Client from "@centrapay-effect/core/Client"
import * as Credentials from "@centrapay-effect/core/Credentials"
import type * as RateLimiter from "@centrapay-effect/core/RateLimiter"
import * as RetryPolicy from "@centrapay-effect/core/RetryPolicy"
import * as Router from "@centrapay-effect/core/Router"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import { CreateAssetTransfer, GetExchangeRate, GetLiveExchangeRate, GetMerchantConfig } from "./contracts.ts"
import * as RateLimit from "./RateLimit.ts"
import * as Rules from "./rules.ts"
import * as WalletStore from "./WalletStore.ts"

// Each handler gets its endpoint's decoded `{ path, payload }` and returns its success
// value, which the router encodes with the endpoint's schema; the rules are in `rules.ts`.
const routes = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateAssetTransfer, ({ payload }) =>
      Rules.CurrentAccount.use((account) => Rules.transfer(account, payload))
    ),
    Router.add(GetMerchantConfig, ({ path }) => Rules.merchantConfig(path.merchantConfigId)),
    Router.add(GetExchangeRate, ({ path }) =>
      Rules.CurrentAccount.use((account) => Rules.exchangeRate(account, path.currency))
    ),
    Router.add(GetLiveExchangeRate, ({ path }) => Rules.liveRate(path.currency))
  )
)

/**
 * The whole program: authenticate by `X-Api-Key` and apply the account's rate limit
 * (`Rules.authenticate`: 401, 429 with `Retry-After`), then route.
 */
export const app = Effect.flatMap(Rules.authenticate, (account) =>
  Effect.provideService(routes, Rules.CurrentAccount, account)
)

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
