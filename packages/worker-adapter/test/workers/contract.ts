/**
 * The worker the handler tests run in workerd: one route per outcome the
 * contract knows, plus routes that misbehave (a defect, responses outside
 * the contract, background work that fails) and `/test/logs`, which returns
 * what the worker logged.
 */
import { ApiError, Endpoint, ObjectId, Router, ServerRequest, ServerResponse } from "@centrapay-effect/core"
import { WorkerContext, WorkerHandler } from "@centrapay-effect/worker-adapter"
import { Config, Context, Duration, Effect, Layer, Logger, References, Schema } from "effect"

const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", {
  403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"]
})
const GetMerchantConfig = Endpoint.make(
  "GET /api/merchant-configs/{merchantConfigId}",
  {},
  { path: Schema.Struct({ merchantConfigId: ObjectId.MerchantConfigId }) }
)
const Unauthorized = Endpoint.make("GET /test/unauthorized", {})
const Forbidden = Endpoint.make("GET /test/forbidden", {})
const RateLimited = Endpoint.make("GET /test/rate-limited", {})
const Unavailable = Endpoint.make("GET /test/unavailable", {})
const Defect = Endpoint.make("GET /test/defect", {})
const UnknownFailure = Endpoint.make("GET /test/unknown-failure", {})
const BadHeader = Endpoint.make("GET /test/bad-header", {})
const BadStatus = Endpoint.make("GET /test/bad-status", {})
const BadCarriedHeader = Endpoint.make("GET /test/bad-carried-header", {})
const Redirect = Endpoint.make("GET /test/redirect", {})
const NoContent = Endpoint.make("DELETE /test/no-content", {})
const Services = Endpoint.make("GET /test/services", {})
const Background = Endpoint.make("POST /test/background", {})
const Slow = Endpoint.make("GET /test/slow", {})
const Echo = Endpoint.make("POST /test/echo", {})
const Logs = Endpoint.make("GET /test/logs", {})

/** Every log line, with its annotations, for `/test/logs`. */
const logged: Array<{ readonly level: string; readonly message: unknown; readonly annotations: unknown }> = []
const RecordingLogger = Logger.layer([
  Logger.make((options) => {
    logged.push({
      level: options.logLevel,
      message: options.message,
      annotations: options.fiber.getRef(References.CurrentLogAnnotations)
    })
  })
])

/** A service whose first build fails, as a missing secret would. */
class Wallets extends Context.Service<Wallets, { readonly balance: number; readonly greeting: string }>()(
  "test/Wallets"
) {}
let builds = 0
const WalletsLive = Layer.effect(
  Wallets,
  Effect.gen(function* () {
    builds += 1
    if (builds === 1) return yield* Effect.fail("first build fails")
    return { balance: 100, greeting: yield* Config.String("GREETING") }
  })
)

const Transfer = Schema.Struct({ amount: Schema.Int, recipient: Schema.optionalKey(Schema.String) })
const Expand = Schema.Struct({ expand: Schema.optionalKey(Schema.Literals(["owner", "settings"])) })
const constant = (response: ServerResponse.ServerResponse) => () => Effect.succeed(response)
const insufficient = Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE")

const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateAssetTransfer, () =>
      Effect.gen(function* () {
        yield* ServerResponse.appendHeader("set-cookie", "seen=1; HttpOnly")
        const { amount } = yield* ServerRequest.jsonBody(Transfer)
        const { balance } = yield* Wallets
        if (amount > balance) return yield* Effect.fail(insufficient)
        return ServerResponse.json({ transferred: amount })
      })
    ),
    Router.add(GetMerchantConfig, ({ path: { merchantConfigId } }) =>
      Effect.gen(function* () {
        const { expand } = yield* ServerRequest.query(Expand)
        if (merchantConfigId !== "mc_known")
          return yield* Effect.fail(new ApiError.ResourceForbidden({ message: "Forbidden" }))
        return ServerResponse.json({ id: merchantConfigId, expand: expand ?? null })
      })
    ),
    Router.add(Unauthorized, () => Effect.fail(new ApiError.Unauthorized({ message: "Missing authentication" }))),
    Router.add(Forbidden, () => Effect.fail(new ApiError.ResourceForbidden({ message: "Forbidden" }))),
    Router.add(RateLimited, () =>
      Effect.fail(new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED", retryAfter: Duration.seconds(7) }))
    ),
    Router.add(Unavailable, () =>
      Effect.fail(
        new ApiError.ServerError({ status: 503, message: "Service Unavailable", retryAfter: Duration.seconds(30) })
      )
    ),
    Router.add(Defect, () => Effect.die(new Error("database password is hunter2"))),
    Router.add(UnknownFailure, () => Effect.andThen(Effect.void, () => Effect.die("not an ApiError"))),
    Router.add(BadHeader, constant(ServerResponse.json({}, { headers: { "x-bad": "line\r\nbreak" } }))),
    Router.add(BadStatus, constant(ServerResponse.json({}, { status: 1000 }))),
    Router.add(
      Redirect,
      constant(ServerResponse.empty({ status: 302, headers: { location: "https://elsewhere.example/" } }))
    ),
    Router.add(BadCarriedHeader, () =>
      ServerResponse.appendHeader("x-bad", "line\nbreak").pipe(
        Effect.andThen(Effect.fail(new ApiError.ResourceForbidden({ message: "Forbidden" })))
      )
    ),
    Router.add(NoContent, constant(ServerResponse.empty())),
    Router.add(Services, () =>
      Effect.gen(function* () {
        const env = yield* WorkerContext.Env
        const ctx = yield* WorkerContext.ExecutionContext
        const cf = yield* WorkerContext.Cf
        const { greeting } = yield* Wallets
        return ServerResponse.json({
          envKeys: Object.keys(env).sort(),
          greetingFromConfig: greeting,
          greetingFromConfigInHandler: yield* Config.String("GREETING").pipe(Effect.orDie),
          hasWaitUntil: typeof ctx.waitUntil === "function",
          cfIsObject: typeof cf === "object"
        })
      })
    ),
    Router.add(Background, () =>
      Effect.gen(function* () {
        yield* WorkerContext.waitUntil(Effect.logInfo("background ran").pipe(Effect.delay("20 millis")))
        yield* WorkerContext.waitUntil(Effect.fail("metrics sink down").pipe(Effect.delay("20 millis")))
        return ServerResponse.json({ accepted: true }, { status: 200 })
      })
    ),
    Router.add(Slow, () => Effect.never),
    Router.add(Echo, () =>
      Effect.gen(function* () {
        const request = yield* ServerRequest.CurrentRequest
        const body = request.body
        return ServerResponse.json({
          method: request.method,
          path: request.path,
          query: request.query,
          bodyBytes: body === undefined ? 0 : typeof body === "string" ? body.length : body.byteLength,
          contentType: request.headers["content-type"] ?? null,
          apiKey: yield* ServerRequest.header("x-api-key")
        })
      })
    ),
    Router.add(Logs, () => Effect.sync(() => ServerResponse.json(logged)))
  )
)

interface Env {
  readonly GREETING: string
}

export default WorkerHandler.make(app, (_env: Env) => Layer.merge(WalletsLive, RecordingLogger), {
  maxBodyBytes: 64 * 1024,
  deadline: "100 millis"
})
