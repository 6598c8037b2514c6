/**
 * Calling APIs from a Worker: an `HttpClient` on the Workers `fetch` that
 * keeps to the platform's subrequest limits (`Subrequests`), and core's
 * `Client` on top of it. Every attempt, retries included, takes one
 * subrequest from the budget of the request being handled; past the limit
 * an attempt is not sent and fails with a typed error instead of the
 * runtime's "Too many subrequests" exception.
 *
 * @module
 */
import * as Client from "@centrapay-effect/core/Client"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as Subrequests from "./Subrequests.ts"

/**
 * Wraps an `HttpClient` so that it keeps to `limits` on the current
 * request's budget: the attempt past `limits.subrequests` fails with an
 * `HttpClientError` (`TransportError`) whose cause is a
 * `SubrequestLimitReached`; at most `limits.connections` attempts are open
 * at once, an attempt counting as open until its scope closes (its body is
 * read) or, without a scope, until its response arrives.
 *
 * @category combinators
 */
export const limit =
  (limits: Subrequests.Limits) =>
  <E, R>(
    client: HttpClient.HttpClient.With<E, R>
  ): HttpClient.HttpClient.With<E | HttpClientError.HttpClientError, R> =>
    HttpClient.transform(client, (response, request) =>
      Effect.gen(function* () {
        const budget = yield* Subrequests.CurrentBudget
        if (budget === undefined) return yield* response
        if (budget.used >= limits.subrequests) {
          const cause = new Subrequests.SubrequestLimitReached({
            method: request.method,
            url: request.url,
            limit: limits.subrequests
          })
          return yield* Effect.fail(
            new HttpClientError.HttpClientError({
              reason: new HttpClientError.TransportError({ request, cause, description: cause.message })
            })
          )
        }
        budget.used += 1
        budget.gate ??= Semaphore.makeUnsafe(limits.connections)
        const scope = Context.getOrUndefined(yield* Effect.context<never>(), Scope.Scope)
        if (scope === undefined) return yield* Semaphore.withPermit(budget.gate, response)
        yield* Effect.provideService(Semaphore.takeScoped(budget.gate, 1), Scope.Scope, scope)
        return yield* response
      })
    )

/**
 * An `HttpClient` on the Workers `fetch`, keeping to `limits`.
 *
 * @category layers
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HttpClient } from "effect/http"
 * import { Subrequests, WorkerClient } from "@centrapay-effect/worker-adapter"
 *
 * const status = HttpClient.get("https://example.test/status").pipe(
 *   Effect.map((response) => response.status),
 *   Effect.provide(WorkerClient.httpClient(Subrequests.paid))
 * )
 * ```
 */
export const httpClient = (limits: Subrequests.Limits = Subrequests.free): Layer.Layer<HttpClient.HttpClient> =>
  Layer.effect(HttpClient.HttpClient, Effect.map(Effect.service(HttpClient.HttpClient), limit(limits))).pipe(
    Layer.provide(FetchHttpClient.layer)
  )

/**
 * Core's `Client` on the Workers `fetch`, keeping to `limits` (Workers Free
 * by default). Past the subrequest limit a call fails at once with a
 * `TransportFailure` whose reason is `subrequest-limit` (not retried).
 *
 * @category layers
 * @example
 * ```ts
 * import { Credentials } from "@centrapay-effect/core"
 * import { Subrequests, WorkerClient } from "@centrapay-effect/worker-adapter"
 *
 * const CentrapayLive = (env: { readonly CENTRAPAY_API_KEY: string }) =>
 *   WorkerClient.layer(
 *     { baseUrl: "https://service.centrapay.com", credentials: Credentials.apiKey(env.CENTRAPAY_API_KEY) },
 *     Subrequests.paid
 *   )
 * ```
 */
export const layer = (config: Client.Config, limits?: Subrequests.Limits): Layer.Layer<Client.Client> =>
  Client.layerWithHttpClient(config).pipe(Layer.provide(httpClient(limits)))
