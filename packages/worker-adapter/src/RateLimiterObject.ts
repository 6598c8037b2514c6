/**
 * The client's rate limit shared by every isolate of a Worker (and every
 * Worker bound to the same namespace) through a Durable Object: one object
 * per account key holds that account's window and its adaptive state (the
 * pause after a 429, the learned limit). A Durable Object runs one request at
 * a time, so each operation is atomic, like a Redis script.
 *
 * - `RateLimiterObject`: the Durable Object class. Export it from your
 *   Worker's module and bind it (`durable_objects` in wrangler.toml).
 * - `layerStore(env.RATE_LIMITER)`: core's `RateLimiter.Store` that reaches
 *   the objects through that binding. Provide it to the client's layer.
 *
 * Inside the object, the counting is Effect's own in-memory
 * `RateLimiterStore` (`effect/persistence/RateLimiter`): the same fixed
 * window and adaptive rules as the Redis store. The state lives in the
 * object's memory: an object evicted after idling forgets a window that has
 * usually ended anyway.
 *
 * @module
 */
import * as RateLimiter from "@centrapay-effect/core/RateLimiter"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as EffectRateLimiter from "effect/persistence/RateLimiter"
import * as Schema from "effect/Schema"

/**
 * The part of a Durable Object namespace binding the store uses
 * (`DurableObjectNamespace` from `@cloudflare/workers-types` has it).
 *
 * @category models
 */
export interface Namespace<Id> {
  idFromName(name: string): Id
  get(id: Id): Stub
}

/**
 * The part of a Durable Object stub the store uses.
 *
 * @category models
 */
export interface Stub {
  fetch(
    url: string,
    init: { readonly method: "POST"; readonly headers: Record<string, string>; readonly body: string }
  ): Promise<{ readonly status: number; text(): Promise<string> }>
}

const Key = Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(512))
const Count = Schema.Finite

/** One store operation, as the client sends it to the object. */
const Operation = Schema.Union([
  Schema.TaggedStruct("fixedWindow", {
    key: Key,
    tokens: Count,
    refillMillis: Count,
    limit: Schema.NullOr(Count)
  }),
  Schema.TaggedStruct("tokenBucket", {
    key: Key,
    tokens: Count,
    limit: Count,
    refillMillis: Count,
    allowOverflow: Schema.Boolean
  }),
  Schema.TaggedStruct("adaptiveConsume", {
    key: Key,
    tokens: Count,
    fallbackLimit: Count,
    fallbackWindowMillis: Count
  }),
  Schema.TaggedStruct("adaptiveFeedback", {
    key: Key,
    epoch: Count,
    tokens: Count,
    status: Count,
    retryAfterMillis: Schema.NullOr(Count)
  })
])
type Operation = typeof Operation.Type

const OperationJson = Schema.fromJsonString(Operation)
const Pair = Schema.fromJsonString(Schema.Tuple([Count, Count]))
const AdaptiveAnswer = Schema.fromJsonString(
  Schema.Struct({
    delayMillis: Count,
    epoch: Count,
    phase: Schema.Literals(["inactive", "cooldown", "learning", "learned"])
  })
)

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

/**
 * The Durable Object class: one instance per account key, counting with
 * Effect's in-memory store. It answers `POST` requests from `layerStore`
 * only; anything else is a 400.
 *
 * @category durable objects
 * @example
 * ```ts
 * // worker.ts: export the class next to the handler, and bind it in wrangler.toml:
 * // [[durable_objects.bindings]]
 * // name = "RATE_LIMITER"
 * // class_name = "RateLimiterObject"
 * export { RateLimiterObject } from "@centrapay-effect/worker-adapter/RateLimiterObject"
 * ```
 */
export class RateLimiterObject {
  readonly #store: EffectRateLimiter.RateLimiterStore["Service"] = Effect.runSync(
    Effect.provide(EffectRateLimiter.RateLimiterStore.use(Effect.succeed), EffectRateLimiter.layerStoreMemory)
  )

  async fetch(request: Request): Promise<Response> {
    const operation = Schema.decodeUnknownResult(OperationJson)(await request.text())
    if (operation._tag === "Failure") {
      return json(400, { statusCode: 400, message: "Not a rate limiter operation" })
    }
    const answer = await Effect.runPromise(Effect.result(this.#run(operation.success)))
    return answer._tag === "Success"
      ? json(200, answer.success)
      : json(500, { statusCode: 500, message: "Internal Server Error" })
  }

  #run(operation: Operation): Effect.Effect<unknown, EffectRateLimiter.RateLimiterError> {
    const store = this.#store
    switch (operation._tag) {
      case "fixedWindow":
        return store.fixedWindow({
          key: operation.key,
          tokens: operation.tokens,
          refillRate: Duration.millis(operation.refillMillis),
          limit: operation.limit ?? undefined
        })
      case "tokenBucket":
        return store.tokenBucket({
          key: operation.key,
          tokens: operation.tokens,
          limit: operation.limit,
          refillRate: Duration.millis(operation.refillMillis),
          allowOverflow: operation.allowOverflow
        })
      case "adaptiveConsume":
        return Effect.map(
          store.adaptiveConsume({
            key: operation.key,
            tokens: operation.tokens,
            fallbackLimit: operation.fallbackLimit,
            fallbackWindow: Duration.millis(operation.fallbackWindowMillis)
          }),
          (result) => ({ delayMillis: Duration.toMillis(result.delay), epoch: result.epoch, phase: result.phase })
        )
      case "adaptiveFeedback":
        return Effect.as(
          store.adaptiveFeedback({
            key: operation.key,
            epoch: operation.epoch,
            tokens: operation.tokens,
            status: operation.status,
            retryAfter: operation.retryAfterMillis === null ? undefined : Duration.millis(operation.retryAfterMillis)
          }),
          null
        )
    }
  }
}

/**
 * Core's `RateLimiter.Store` on the Durable Objects of `namespace` (the
 * binding of `RateLimiterObject`): one object per account key, named
 * `prefix` + key. A failed or refused call is a store error, so the
 * clients' `rateLimit.onStoreFailure` applies.
 *
 * @category layers
 * @example
 * ```ts
 * import { Credentials } from "@centrapay-effect/core"
 * import { WorkerClient } from "@centrapay-effect/worker-adapter"
 * import * as RateLimiterObject from "@centrapay-effect/worker-adapter/RateLimiterObject"
 * import { Layer } from "effect"
 *
 * declare const env: { readonly RATE_LIMITER: RateLimiterObject.Namespace<unknown>; readonly CENTRAPAY_API_KEY: string }
 * const CentrapayLive = WorkerClient.layer({
 *   baseUrl: "https://service.centrapay.com",
 *   credentials: Credentials.apiKey(env.CENTRAPAY_API_KEY),
 *   rateLimit: { account: "acc_1" }
 * }).pipe(Layer.provide(RateLimiterObject.layerStore(env.RATE_LIMITER)))
 * ```
 */
export const layerStore = <Id>(
  namespace: Namespace<Id>,
  options?: { readonly prefix?: string | undefined }
): Layer.Layer<RateLimiter.Store> => {
  const prefix = options?.prefix ?? ""
  const send = <A>(
    operation: Operation,
    answer: Schema.Codec<A, string>
  ): Effect.Effect<A, EffectRateLimiter.RateLimiterError> =>
    Effect.tryPromise({
      try: async () => {
        const stub = namespace.get(namespace.idFromName(`${prefix}${operation.key}`))
        const response = await stub.fetch("https://rate-limiter.internal/", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: Schema.encodeSync(OperationJson)(operation)
        })
        const text = await response.text()
        if (response.status !== 200) throw new Error(`the rate limiter object answered ${response.status}`)
        return Schema.decodeUnknownSync(answer)(text)
      },
      catch: (cause) =>
        new EffectRateLimiter.RateLimiterError({
          reason: new EffectRateLimiter.RateLimitStoreError({
            message: `Rate limiter object ${operation._tag} failed`,
            cause
          })
        })
    })
  return Layer.succeed(
    RateLimiter.Store,
    RateLimiter.Store.of({
      fixedWindow: (options) =>
        send(
          {
            _tag: "fixedWindow",
            key: options.key,
            tokens: options.tokens,
            refillMillis: Duration.toMillis(options.refillRate),
            limit: options.limit ?? null
          },
          Pair
        ),
      tokenBucket: (options) =>
        send(
          {
            _tag: "tokenBucket",
            key: options.key,
            tokens: options.tokens,
            limit: options.limit,
            refillMillis: Duration.toMillis(options.refillRate),
            allowOverflow: options.allowOverflow
          },
          Pair
        ),
      adaptiveConsume: (options) =>
        Effect.map(
          send(
            {
              _tag: "adaptiveConsume",
              key: options.key,
              tokens: options.tokens,
              fallbackLimit: options.fallbackLimit,
              fallbackWindowMillis: Duration.toMillis(options.fallbackWindow)
            },
            AdaptiveAnswer
          ),
          (answer) => ({ delay: Duration.millis(answer.delayMillis), epoch: answer.epoch, phase: answer.phase })
        ),
      adaptiveFeedback: (options) =>
        Effect.asVoid(
          send(
            {
              _tag: "adaptiveFeedback",
              key: options.key,
              epoch: options.epoch,
              tokens: options.tokens,
              status: options.status,
              retryAfterMillis: options.retryAfter === undefined ? null : Duration.toMillis(options.retryAfter)
            },
            Schema.fromJsonString(Schema.Null)
          )
        )
    })
  )
}
