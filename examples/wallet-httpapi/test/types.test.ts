/**
 * Type tests (checked by `npm run typecheck`, run as ordinary tests too): an
 * HttpApi endpoint declared with `HttpApiErrors.forEndpoint` can only fail
 * with the contract's errors and its own documented codes, which stay
 * literal types.
 */
import { ApiError, Endpoint, HttpApiErrors } from "@centrapay-effect/core"
import { CreateAssetTransfer, GetLiveExchangeRate } from "@centrapay-effect/wallet-api/contracts"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Data, Effect, Schema } from "effect"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"

class NotInTheContract extends Data.TaggedError("NotInTheContract") {}

const Rates = HttpApiGroup.make("rates").add(
  HttpApiEndpoint.get("live", "/rates/:currency", {
    params: { currency: Schema.String },
    success: Schema.Struct({ rate: Schema.Number }),
    error: HttpApiErrors.forEndpoint(GetLiveExchangeRate)
  })
)
const Api = HttpApi.make("types").add(Rates)

describe("an HttpApi endpoint fails only with its documented codes", () => {
  it("accepts the endpoint's own code and every general class", () => {
    const handlers = [
      Effect.fail(Endpoint.violation(GetLiveExchangeRate, "UNSUPPORTED_CURRENCY")),
      Effect.fail(new ApiError.ResourceForbidden({ message: "Forbidden" })),
      Effect.fail(new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED" })),
      Effect.fail(new ApiError.ServerError({ status: 503, message: "Service Unavailable" }))
    ]
    for (const failing of handlers) {
      const group = HttpApiBuilder.group(Api, "rates", (h) => h.handle("live", () => failing))
      expect(group).toBeDefined()
    }
  })

  it("rejects another endpoint's code, an undocumented code and an error outside the contract", () => {
    HttpApiBuilder.group(Api, "rates", (h) =>
      // @ts-expect-error QUOTA_EXCEEDED is documented by POST /api/asset-transfers, not by this endpoint
      h.handle("live", () => Effect.fail(Endpoint.violation(CreateAssetTransfer, "QUOTA_EXCEEDED")))
    )
    HttpApiBuilder.group(Api, "rates", (h) =>
      // @ts-expect-error an error outside the contract has no schema on the endpoint
      h.handle("live", () => Effect.fail(new NotInTheContract()))
    )
    // @ts-expect-error a code the endpoint does not document does not even build
    Endpoint.violation(GetLiveExchangeRate, "NOT_DOCUMENTED")
    expect(true).toBe(true)
  })

  it("keeps the documented codes as a literal union", () => {
    const [schema] = HttpApiErrors.violations(GetLiveExchangeRate)
    expectTypeOf<NonNullable<typeof schema>["Type"]["message"]>().toEqualTypeOf<"UNSUPPORTED_CURRENCY">()
    expectTypeOf<(typeof HttpApiErrors.Unauthorized)["Type"]>().toEqualTypeOf<ApiError.Unauthorized>()
  })
})
