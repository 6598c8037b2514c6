/**
 * The wallet API's endpoints and wire schemas, declared once and shared by
 * the server (both runtimes) and the client that calls it.
 */

import { Centrapay, Endpoint, ObjectId } from "@centrapay-effect/core"
import { Schema } from "effect"

/** `POST /api/asset-transfers`, with Centrapay's five documented 403 codes. */
export const CreateAssetTransfer = Centrapay.PostAssetTransfers

/** `GET /api/merchant-configs/{merchantConfigId}`: documents no business codes. */
export const GetMerchantConfig = Endpoint.make("GET /api/merchant-configs/{merchantConfigId}", {})

/** `GET /api/exchange-rates/{currency}`: fails transiently on its first calls, so retries show. */
export const GetExchangeRate = Endpoint.make("GET /api/exchange-rates/{currency}", {})

/**
 * `GET /api/exchange-rates/{currency}/live`: the rates provider's current rate. Documents
 * 403 `UNSUPPORTED_CURRENCY`, which it re-raises from the provider.
 */
export const GetLiveExchangeRate = Endpoint.make("GET /api/exchange-rates/{currency}/live", {
  403: ["UNSUPPORTED_CURRENCY"]
})

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

/** The path parameters of `GetMerchantConfig`: a wrong prefix is a 400 naming `merchantConfigId`. */
export const MerchantConfigParams = Schema.Struct({ merchantConfigId: ObjectId.MerchantConfigId })

/** The path parameters of `GetExchangeRate`: a three-letter currency code. */
export const ExchangeRateParams = Schema.Struct({ currency: Schema.String.check(Schema.isPattern(/^[A-Z]{3}$/)) })

/** An exchange rate. */
export const ExchangeRate = Schema.Struct({ currency: Schema.String, rate: Schema.Finite })

/**
 * The rates provider's `GET /rates/{currency}`, an upstream API the wallet calls:
 * documents 403 `UNSUPPORTED_CURRENCY`.
 */
export const RatesApiGetRate = Endpoint.withSchemas(
  Endpoint.make("GET /rates/{currency}", { 403: ["UNSUPPORTED_CURRENCY"] }),
  { success: ExchangeRate }
)
