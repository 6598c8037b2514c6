/**
 * Core's client, for calling APIs from a Lambda handler. Provide `layer` in
 * the handler's layer: the client — and with it `fetch`'s keep-alive
 * connection pool, the retry budget and the rate limiter — is built once per
 * container and reused by every warm invocation, and each call's deadline is
 * capped by the time the invocation has left (less a margin), so a slow
 * upstream ends as the client's typed `Timeout` instead of Lambda killing
 * the invocation.
 *
 * @module
 */
import * as Client from "@centrapay-effect/core/Client"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as LambdaContext from "./LambdaContext.ts"

/**
 * How much of the invocation's remaining time a call leaves unused, for the
 * program to answer with the call's outcome.
 *
 * @category models
 */
export interface Options {
  /** @default 750 millis (more than the handler's own 500 ms margin) */
  readonly margin?: Duration.Input | undefined
}

/**
 * The default `margin`.
 *
 * @category constants
 */
export const defaultMargin: Duration.Duration = Duration.millis(750)

/**
 * A client whose every call runs with a deadline no later than the current
 * invocation's remaining time less `margin` (and no later than the call's or
 * the client's own deadline). Outside an invocation (no `LambdaContext`),
 * calls are unchanged.
 *
 * @category combinators
 */
export const bounded = (client: Client.Service, config: Client.Config, options?: Options): Client.Service => {
  const margin = Duration.toMillis(Duration.fromInputUnsafe(options?.margin ?? defaultMargin))
  return {
    ...client,
    call: (endpoint, input, callOptions) =>
      Effect.flatMap(Effect.serviceOption(LambdaContext.LambdaContext), (context) => {
        const remaining = Option.isSome(context) ? LambdaContext.remainingMillis(context.value) : undefined
        if (remaining === undefined) return client.call(endpoint, input, callOptions)
        const cap = Math.max(0, remaining - margin)
        const own = callOptions?.deadline ?? config.deadline
        const deadline = own === undefined ? cap : Math.min(cap, Duration.toMillis(Duration.fromInputUnsafe(own)))
        return client.call(endpoint, input, { ...callOptions, deadline: Duration.millis(deadline) })
      })
  }
}

/**
 * The client over the `HttpClient` in the context, bounded by each
 * invocation's remaining time.
 *
 * @category layers
 */
export const layerWithHttpClient = (
  config: Client.Config,
  options?: Options
): Layer.Layer<Client.Client, never, HttpClient.HttpClient> =>
  Layer.effect(
    Client.Client,
    Effect.map(Client.make(config), (client) => bounded(client, config, options))
  )

/**
 * The client over `fetch`, bounded by each invocation's remaining time.
 * Node's `fetch` keeps connections alive, and the layer is built once per
 * container, so warm invocations reuse the connections of earlier ones.
 *
 * @category layers
 * @example
 * ```ts
 * import { Client, Credentials } from "@centrapay-effect/core"
 * import { LambdaClient, LambdaHandler } from "@centrapay-effect/lambda-adapter"
 * declare const app: LambdaHandler.Program<Client.Client>
 *
 * export const handler = LambdaHandler.make(
 *   app,
 *   LambdaClient.layer({
 *     baseUrl: "https://service.centrapay.com",
 *     credentials: Credentials.apiKey(process.env.CENTRAPAY_API_KEY ?? "")
 *   })
 * )
 * ```
 */
export const layer = (config: Client.Config, options?: Options): Layer.Layer<Client.Client> =>
  layerWithHttpClient(config, options).pipe(Layer.provide(FetchHttpClient.layer))
