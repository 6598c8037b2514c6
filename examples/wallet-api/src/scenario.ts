/**
 * The scripted client run of the demo: the same calls, with our client,
 * against a base URL — either runtime. Each row says what was asked, what the
 * caller got (typed), and what the client decided after each attempt.
 */

import { AttemptLog, Client, Credentials, Endpoint, ObjectId, RetryPolicy } from "@centrapay-effect/core"
import { Effect, Result } from "effect"
import { FetchHttpClient } from "effect/http"
import {
  type AssetTransferRequest,
  CreateAssetTransfer,
  GetExchangeRate,
  GetLiveExchangeRate,
  GetMerchantConfig,
  MerchantConfig
} from "./contracts.ts"

/** One call of the scenario and its outcome. */
export interface Row {
  readonly request: string
  readonly status: string
  readonly tag: string
  readonly message: string
  readonly attempts: string
  readonly decisions: string
}

// The calls use the API's own declarations (`contracts.ts`), but for two made-up ones:
// a misspelt route, and the merchant-config route declared without its path schema, so
// the server's own 400 shows (with the declared one, `c_3LKQ` is not even a
// `MerchantConfigId` the call would accept).
const Typo = Endpoint.make("GET /api/merchant-config/{merchantConfigId}", {}, { success: MerchantConfig })
const UncheckedMerchantConfig = Endpoint.make(
  "GET /api/merchant-configs/{merchantConfigId}",
  {},
  {
    success: MerchantConfig
  }
)

const transfer = (body: Partial<typeof AssetTransferRequest.Type>) => ({
  recipient: "alice",
  assetType: "centrapay.nzd.main",
  amount: 100,
  ...body
})

type Call = (client: Client.Service) => Effect.Effect<unknown, Client.CallError<string>>

const calls = (clients: {
  readonly demo: Client.Service
  readonly anonymous: Client.Service
  readonly limited: Client.Service
}): ReadonlyArray<readonly [string, Client.Service, Call]> => [
  [
    "POST transfer 100, key k-1",
    clients.demo,
    (c) => c.call(CreateAssetTransfer, { payload: transfer({ idempotencyKey: "k-1" }) })
  ],
  [
    "POST transfer 100, key k-1 again",
    clients.demo,
    (c) => c.call(CreateAssetTransfer, { payload: transfer({ idempotencyKey: "k-1" }) })
  ],
  [
    "POST transfer 950 (balance 900)",
    clients.demo,
    (c) => c.call(CreateAssetTransfer, { payload: transfer({ amount: 950 }) })
  ],
  [
    "POST transfer 5000 (over quota)",
    clients.demo,
    (c) => c.call(CreateAssetTransfer, { payload: transfer({ amount: 5_000 }) })
  ],
  [
    "POST transfer to mallory",
    clients.demo,
    (c) => c.call(CreateAssetTransfer, { payload: transfer({ recipient: "mallory" }) })
  ],
  [
    "POST transfer of bitcoin",
    clients.demo,
    (c) => c.call(CreateAssetTransfer, { payload: transfer({ assetType: "bitcoin" }) })
  ],
  [
    "POST transfer of a retired asset",
    clients.demo,
    (c) => c.call(CreateAssetTransfer, { payload: transfer({ assetType: "centrapay.nzd.legacy" }) })
  ],
  [
    "GET merchant config mc_3LKQ…",
    clients.demo,
    (c) =>
      c.call(GetMerchantConfig, {
        path: { merchantConfigId: ObjectId.MerchantConfigId.make("mc_3LKQhvGUcADgqoEM3bh6pslE") }
      })
  ],
  [
    "GET merchant config c_3LKQ",
    clients.demo,
    (c) => c.call(UncheckedMerchantConfig, { path: { merchantConfigId: "c_3LKQ" } })
  ],
  [
    "GET merchant config mc_nobody",
    clients.demo,
    (c) => c.call(GetMerchantConfig, { path: { merchantConfigId: ObjectId.MerchantConfigId.make("mc_nobody") } })
  ],
  ["GET /api/merchant-config (typo)", clients.demo, (c) => c.call(Typo, { path: { merchantConfigId: "mc_1" } })],
  ["GET exchange rate, no API key", clients.anonymous, (c) => c.call(GetExchangeRate, { path: { currency: "NZD" } })],
  ["GET exchange rate USD (flaky)", clients.demo, (c) => c.call(GetExchangeRate, { path: { currency: "USD" } })],
  // The live rate comes from the rates provider (`demo/rates-api.ts`), scripted per currency.
  ...(
    [
      ["USD", "rate"],
      ["XAU", "403 UNSUPPORTED_CURRENCY"],
      ["AUD", "401 Invalid API key"],
      ["JPY", "nginx HTML 502"],
      ["CHF", "no answer"]
    ] as const
  ).map(([currency, provider]): readonly [string, Client.Service, Call] => [
    `GET live rate ${currency} (provider: ${provider})`,
    clients.demo,
    (c) => c.call(GetLiveExchangeRate, { path: { currency } })
  ]),
  ...[1, 2, 3].map((n): readonly [string, Client.Service, Call] => [
    `GET merchant config, limited key #${n}`,
    clients.limited,
    (c) =>
      c.call(GetMerchantConfig, {
        path: { merchantConfigId: ObjectId.MerchantConfigId.make("mc_3LKQhvGUcADgqoEM3bh6pslE") }
      })
  ])
]

/**
 * The client's retry policy for the demo: the defaults, but with short
 * backoff so the run takes a moment, and `maxRetryAfter` of 5 s so the
 * rate-limited call fails fast instead of waiting a minute.
 */
export const demoPolicy = RetryPolicy.make({
  baseDelay: "20 millis",
  maxDelay: "200 millis",
  maxRetryAfter: "5 seconds"
})

/** Runs every call against `baseUrl`, in order, and returns the rows. */
export const run = (baseUrl: string): Effect.Effect<ReadonlyArray<Row>> =>
  Effect.gen(function* () {
    const make = (apiKey: string) =>
      Client.make({ baseUrl, credentials: Credentials.apiKey(apiKey), retryPolicy: demoPolicy })
    const clients = { demo: yield* make("demo-key"), anonymous: yield* make(""), limited: yield* make("limited-key") }
    const rows: Array<Row> = []
    for (const [request, client, call] of calls(clients)) {
      const { result, attempts } = yield* AttemptLog.record(call(client))
      const last = attempts.at(-1)
      rows.push({
        request,
        status: last?.status === undefined ? "-" : String(last.status),
        tag: Result.isSuccess(result) ? "Success" : result.failure._tag,
        message: Result.isSuccess(result) ? JSON.stringify(result.success) : result.failure.message,
        attempts: String(attempts.length),
        decisions: attempts.map(AttemptLog.describe).join("; ")
      })
    }
    return rows
  }).pipe(Effect.provide(FetchHttpClient.layer))
