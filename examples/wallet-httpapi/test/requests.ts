/**
 * The requests of `examples/wallet-api`'s tests, in order, as data: both
 * examples must answer each with the same status, contract headers and body.
 * State carries over (balances, idempotency keys, rate limits, the flaky
 * route's call counts), so each runtime replays the whole list on a fresh
 * instance of each example.
 */

/** One request: method, path, headers (beyond `X-Api-Key: demo-key` unless `key` says otherwise), body. */
export interface Request {
  readonly method: string
  readonly path: string
  readonly key?: string | null
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

const json = (body: unknown): Pick<Request, "headers" | "body"> => ({
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body)
})

const transfer = (body: Record<string, unknown>, key?: string): Request => ({
  method: "POST",
  path: "/api/asset-transfers",
  ...json({ recipient: "alice", assetType: "centrapay.nzd.main", amount: 10, ...body }),
  ...(key === undefined ? {} : { key })
})

/** `Object.prototype` members: a request may name any of them, and each must be just a string. */
const prototypeNames = ["toString", "constructor", "__proto__", "valueOf", "hasOwnProperty", "__defineGetter__"]

const merchantConfig = "/api/merchant-configs/mc_3LKQhvGUcADgqoEM3bh6pslE"

/** The requests, in the order the wallet-api tests send them. */
export const requests: ReadonlyArray<Request> = [
  // Every documented 403 of POST /api/asset-transfers.
  transfer({ recipient: "mallory" }),
  transfer({ assetType: "bitcoin" }),
  transfer({ assetType: "centrapay.nzd.legacy" }),
  transfer({ amount: 1_001 }),
  transfer({ amount: 6_000 }),
  // Idempotent replays.
  transfer({ amount: 100, idempotencyKey: "k-1" }),
  transfer({ amount: 100, idempotencyKey: "k-1" }),
  transfer({ amount: 100, idempotencyKey: "k-2" }),
  // 401 without or with a wrong API key.
  { method: "GET", path: merchantConfig, key: null },
  { method: "GET", path: merchantConfig, key: "nope" },
  { method: "GET", path: "/api/exchange-rates/NZD", key: "" },
  { method: "GET", path: "/api/exchange-rates/NZD", key: "stolen" },
  // Prototype names as API key, asset type, recipient and idempotency key.
  ...prototypeNames.flatMap(
    (name): ReadonlyArray<Request> => [
      transfer({ amount: 5 }, name),
      { method: "GET", path: merchantConfig, key: name },
      { method: "GET", path: "/api/exchange-rates/NZD", key: name },
      transfer({ assetType: name }),
      transfer({ recipient: name }),
      transfer({ amount: 1, idempotencyKey: name }),
      transfer({ amount: 1, idempotencyKey: name })
    ]
  ),
  // Merchant configs: 200, 400 naming the parameter, 403 for an unknown id.
  { method: "GET", path: merchantConfig },
  { method: "GET", path: "/api/merchant-configs/c_3LKQ" },
  { method: "GET", path: "/api/merchant-configs/c_1" },
  { method: "GET", path: "/api/merchant-configs/mc_unknown" },
  { method: "GET", path: "/api/merchant-configs/mc_nobody" },
  // 404 for a typo in the URL or a wrong verb.
  { method: "GET", path: "/api/merchant-config/mc_1" },
  { method: "DELETE", path: "/api/asset-transfers" },
  { method: "DELETE", path: merchantConfig },
  { method: "GET", path: "/api/nothing-here" },
  // 400s for the body.
  transfer({ amount: 9_999 }),
  transfer({ amount: 4_000 }),
  { method: "POST", path: "/api/asset-transfers", ...json({ recipient: "alice", assetType: "centrapay.nzd.main" }) },
  { method: "POST", path: "/api/asset-transfers", headers: { "content-type": "text/plain" }, body: "amount=1" },
  { method: "POST", path: "/api/asset-transfers", headers: { "content-type": "application/json" }, body: '{"amount":' },
  // The flaky exchange-rate route: 503, 503, 200.
  { method: "GET", path: "/api/exchange-rates/USD" },
  { method: "GET", path: "/api/exchange-rates/USD" },
  { method: "GET", path: "/api/exchange-rates/USD" },
  // The live route: the provider's rate, its documented code as ours, everything else 502/504.
  ...["USD", "XAU", "AUD", "GBP", "JPY", "CHF"].map(
    (currency): Request => ({ method: "GET", path: `/api/exchange-rates/${currency}/live` })
  ),
  // 429 once a key's per-minute limit is used.
  { method: "GET", path: "/api/exchange-rates/NZD", key: "limited-key" },
  { method: "GET", path: "/api/exchange-rates/NZE", key: "limited-key" },
  { method: "GET", path: "/api/exchange-rates/NZF", key: "limited-key" }
]

/** The request's headers, `X-Api-Key` included. */
export const headersOf = (request: Request): Record<string, string> => ({
  ...(request.key === null ? {} : { "x-api-key": request.key ?? "demo-key" }),
  ...request.headers
})

/** The headers the contract sets, compared byte for byte. */
export const contractHeaders = ["content-type", "retry-after", "www-authenticate", "x-request-id"] as const
