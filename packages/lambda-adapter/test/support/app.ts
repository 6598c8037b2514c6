/**
 * The program the handler tests serve: a few endpoints of the contract, each
 * exercising one behaviour (business 403, 400s, defects, deadlines, headers
 * set before a failure, the adapter's services).
 */
import { ApiError, Endpoint, ObjectId, Router, ServerRequest, ServerResponse } from "@centrapay-effect/core"
import { Authorizer, LambdaContext, LambdaEvent } from "@centrapay-effect/lambda-adapter"
import { Context, Duration, Effect, Layer, Schema } from "effect"

export const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", {
  403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"]
})
const GetMerchantConfig = Endpoint.make(
  "GET /api/merchant-configs/{merchantConfigId}",
  {},
  { path: Schema.Struct({ merchantConfigId: ObjectId.MerchantConfigId }) }
)
const Search = Endpoint.make("GET /api/search", {})
const WhoAmI = Endpoint.make("GET /whoami", {})
const Echo = Endpoint.make("POST /echo", {})
const Boom = Endpoint.make("GET /boom", {})
const Slow = Endpoint.make("GET /slow", {})
const Throttled = Endpoint.make("GET /throttled", {})

export class Wallets extends Context.Service<Wallets, { readonly balance: number }>()("test/Wallets") {}

/** A wallet layer that counts how often it is built. */
export const countingWallets = (counter: { builds: number }) =>
  Layer.effect(
    Wallets,
    Effect.sync(() => {
      counter.builds++
      return { balance: 10 }
    })
  )

const Transfer = Schema.Struct({ amount: Schema.Int, recipient: ObjectId.MerchantConfigId })
const SearchQuery = Schema.Struct({ order: Schema.Literals(["asc", "desc"]) })
const insufficient = Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE")

export const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateAssetTransfer, () =>
      Effect.gen(function* () {
        yield* ServerResponse.appendHeader("set-cookie", "seen=1; Path=/; HttpOnly")
        yield* ServerResponse.appendHeader("set-cookie", "visit=2; Path=/")
        yield* ServerResponse.appendHeader("x-trace", "a")
        yield* ServerResponse.appendHeader("x-trace", "b")
        const { amount } = yield* ServerRequest.jsonBody(Transfer)
        const wallets = yield* Wallets
        if (amount > wallets.balance) return yield* Effect.fail(insufficient)
        return ServerResponse.json({ transferred: amount })
      })
    ),
    Router.add(GetMerchantConfig, ({ path: { merchantConfigId } }) =>
      merchantConfigId === "mc_known"
        ? Effect.succeed(ServerResponse.json({ id: merchantConfigId }))
        : Effect.fail(new ApiError.ResourceForbidden({ message: "Forbidden" }))
    ),
    Router.add(Search, () =>
      Effect.map(ServerRequest.query(SearchQuery), ({ order }) => ServerResponse.json({ order }))
    ),
    Router.add(WhoAmI, () =>
      Effect.gen(function* () {
        const http = yield* LambdaEvent.LambdaEvent
        const context = yield* LambdaContext.LambdaContext
        const authorization = yield* Authorizer.Authorizer
        const request = yield* ServerRequest.CurrentRequest
        return ServerResponse.json({
          source: http.source,
          functionName: context.functionName,
          authorization,
          query: request.query,
          cookie: request.headers.cookie ?? null,
          apiKey: yield* ServerRequest.header("x-api-key")
        })
      })
    ),
    Router.add(Echo, () =>
      ServerRequest.CurrentRequest.useSync((request) =>
        ServerResponse.json({
          contentType: request.headers["content-type"] ?? null,
          bytes:
            request.body === undefined
              ? 0
              : typeof request.body === "string"
                ? request.body.length
                : request.body.byteLength,
          text: typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body)
        })
      )
    ),
    Router.add(Boom, () =>
      ServerResponse.appendHeader("set-cookie", "before=boom").pipe(
        Effect.andThen(Effect.die(new Error("database password is hunter2")))
      )
    ),
    Router.add(Slow, () => ServerResponse.appendHeader("set-cookie", "slow=1").pipe(Effect.andThen(Effect.never))),
    Router.add(Throttled, () =>
      Effect.fail(new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED", retryAfter: Duration.seconds(7) }))
    )
  )
)
