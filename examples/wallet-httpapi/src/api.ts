/**
 * The wallet API declared with Effect's `HttpApi`: the same routes as
 * `examples/wallet-api`, each endpoint's errors the contract's
 * (`HttpApiErrors.forEndpoint`), so its documented codes stay literal types
 * and its OpenAPI document lists each of them.
 */
import * as HttpApiErrors from "@centrapay-effect/core/HttpApiErrors"
import * as ObjectId from "@centrapay-effect/core/ObjectId"
import {
  AssetTransfer,
  AssetTransferRequest,
  CreateAssetTransfer,
  ExchangeRate,
  GetExchangeRate,
  GetLiveExchangeRate,
  GetMerchantConfig,
  MerchantConfig
} from "@centrapay-effect/wallet-api/contracts"
import * as HttpApi from "effect/http-api/HttpApi"
import * as HttpApiEndpoint from "effect/http-api/HttpApiEndpoint"
import * as HttpApiGroup from "effect/http-api/HttpApiGroup"
import * as Schema from "effect/Schema"

const CurrencyParams = { currency: Schema.String.check(Schema.isPattern(/^[A-Z]{3}$/)) }

/**
 * The wallet's endpoints, one group. Its errors are answered by core as the contract says
 * (`HttpApiErrors.AnswerErrors`) rather than encoded by the endpoints' error schemas: the
 * same bytes, less work per error response.
 */
export class Wallet extends HttpApiGroup.make("wallet")
  .middleware(HttpApiErrors.AnswerErrors)
  .add(
    HttpApiEndpoint.post("createAssetTransfer", "/api/asset-transfers", {
      payload: AssetTransferRequest,
      success: AssetTransfer,
      error: HttpApiErrors.forEndpoint(CreateAssetTransfer)
    })
  )
  .add(
    HttpApiEndpoint.get("getMerchantConfig", "/api/merchant-configs/:merchantConfigId", {
      params: { merchantConfigId: ObjectId.MerchantConfigId },
      success: MerchantConfig,
      error: HttpApiErrors.forEndpoint(GetMerchantConfig)
    })
  )
  .add(
    HttpApiEndpoint.get("getExchangeRate", "/api/exchange-rates/:currency", {
      params: CurrencyParams,
      success: ExchangeRate,
      error: HttpApiErrors.forEndpoint(GetExchangeRate)
    })
  )
  .add(
    HttpApiEndpoint.get("getLiveExchangeRate", "/api/exchange-rates/:currency/live", {
      params: CurrencyParams,
      success: ExchangeRate,
      error: HttpApiErrors.forEndpoint(GetLiveExchangeRate)
    })
  ) {}

/** The wallet API. */
export class WalletApi extends HttpApi.make("wallet-api").add(Wallet) {}
