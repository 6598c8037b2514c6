/**
 * The wallet API's endpoints, each declared once: route, documented errors and the
 * schemas of its path parameters, payload and success. The server (both runtimes), the
 * demo's client and the OpenAPI document all read these declarations.
 */

import * as Centrapay from "@centrapay-effect/core/Centrapay"
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as ObjectId from "@centrapay-effect/core/ObjectId"
import * as Schema from "effect/Schema"

/** The body of an asset transfer. `idempotencyKey` makes a repeat return the saved result. */
export const AssetTransferRequest = Schema.Struct({
  recipient: Schema.String,
  assetType: Schema.String,
  amount: Schema.Int.check(Schema.isGreaterThan(0)),
  idempotencyKey: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1)))
})

/** A completed transfer. */
export const AssetTransfer = Schema.Struct({
  id: Schema.String,
  recipient: Schema.String,
  assetType: Schema.String,
  amount: Schema.Int,
  balance: Schema.Int
})

/** A merchant config. */
export const MerchantConfig = Schema.Struct({ id: ObjectId.MerchantConfigId, name: Schema.String })

/** An exchange rate. */
export const ExchangeRate = Schema.Struct({ currency: Schema.String, rate: Schema.Finite })

/** A three-letter currency code in the path. */
const CurrencyPath = Schema.Struct({ currency: Schema.String.check(Schema.isPattern(/^[A-Z]{3}$/)) })

/** `POST /api/asset-transfers`: Centrapay's contract (five documented 403 codes) with the wallet's schemas. */
export const CreateAssetTransfer = Endpoint.withSchemas(Centrapay.PostAssetTransfers, {
  payload: AssetTransferRequest,
  success: AssetTransfer
})

/** `GET /api/merchant-configs/{merchantConfigId}`: a wrong prefix is a 400 naming `merchantConfigId`. */
export const GetMerchantConfig = Endpoint.make(
  "GET /api/merchant-configs/{merchantConfigId}",
  {},
  { path: Schema.Struct({ merchantConfigId: ObjectId.MerchantConfigId }), success: MerchantConfig }
)

/** `GET /api/exchange-rates/{currency}`: fails transiently on its first calls, so retries show. */
export const GetExchangeRate = Endpoint.make(
  "GET /api/exchange-rates/{currency}",
  {},
  { path: CurrencyPath, success: ExchangeRate }
)

/**
 * `GET /api/exchange-rates/{currency}/live`: the rates provider's current rate. Documents
 * 403 `UNSUPPORTED_CURRENCY`, which it re-raises from the provider.
 */
export const GetLiveExchangeRate = Endpoint.make(
  "GET /api/exchange-rates/{currency}/live",
  { 403: ["UNSUPPORTED_CURRENCY"] },
  { path: CurrencyPath, success: ExchangeRate }
)

/** Every endpoint the wallet API serves (its OpenAPI document lists these). */
export const endpoints = [CreateAssetTransfer, GetMerchantConfig, GetExchangeRate, GetLiveExchangeRate] as const

/**
 * The rates provider's `GET /rates/{currency}`, an upstream API the wallet calls:
 * documents 403 `UNSUPPORTED_CURRENCY`.
 */
export const RatesApiGetRate = Endpoint.make(
  "GET /rates/{currency}",
  { 403: ["UNSUPPORTED_CURRENCY"] },
  { success: ExchangeRate }
)
