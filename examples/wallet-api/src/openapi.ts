/**
 * The wallet API's OpenAPI 3.1 document, from the same declarations the server and the
 * client use (`contracts.ts`): paths, parameters, payload and success schemas, every
 * documented code with what it means, and the contract's general error table.
 * `npm start` writes it to `examples/wallet-api/dist/openapi.json`.
 */

import { OpenApi } from "@centrapay-effect/core"
import { endpoints } from "./contracts.ts"

/** What each documented code means, for readers of the document. */
const meanings: ReadonlyMap<string, string> = new Map([
  ["INSUFFICIENT_WALLET_BALANCE", "The transfer is larger than the wallet's balance."],
  ["QUOTA_EXCEEDED", "The transfer would go over a quota; `quotas` says which, how much is used and when it resets."],
  ["ASSET_NOT_ACTIVE", "The asset type is known but retired (`centrapay.nzd.legacy`)."],
  ["RECIPIENT_MISSING", "No account has that recipient."],
  ["INVALID_ASSET_TYPE", "The asset type is not one this wallet knows."],
  ["UNSUPPORTED_CURRENCY", "The rates provider has no rate for that currency."]
])

/** The document. */
export const document = OpenApi.make(endpoints, {
  title: "wallet-api",
  version: "1.0.0",
  description: "A small wallet API that follows the Centrapay contract (examples/wallet-api).",
  servers: [{ url: "http://localhost:3000" }],
  descriptions: (_endpoint, _status, code) => meanings.get(code),
  // The wallet authenticates API keys only (`Rules.authenticate`), not user tokens.
  security: ["apiKey"]
})
