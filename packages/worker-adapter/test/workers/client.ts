/**
 * The worker the client tests run in workerd. Its outgoing requests go to
 * `env.UPSTREAM_URL`, which the test serves (miniflare's outbound service),
 * under a deliberately small limit: 5 subrequests per request, 2 open at once.
 *
 * - `GET /test/fan-out?n=N` sends N requests at once with the `HttpClient`
 *   and counts how they ended.
 * - `GET /test/call` calls a flaky upstream with core's `Client`, retrying
 *   up to 10 attempts, and reports the typed failure it ends with.
 * - `GET /test/redirect/{status}` and `POST /test/redirect/{status}` call an
 *   upstream answering that 3xx (a keyed POST for the second), and
 *   `GET /test/huge/{kind}` one answering a body over a 64 KiB cap (`plain`,
 *   or a `gzip` bomb); each reports the typed failure.
 */
import {
  Client,
  Credentials,
  Endpoint,
  RetryPolicy,
  Router,
  ServerRequest,
  ServerResponse
} from "@centrapay-effect/core"
import { Subrequests, WorkerClient, WorkerHandler } from "@centrapay-effect/worker-adapter"
import { Context, Effect, Layer, Schema } from "effect"
import { HttpClient, type HttpClientError, HttpClientRequest } from "effect/http"

interface Env {
  readonly UPSTREAM_URL: string
}

const limits: Subrequests.Limits = { subrequests: 5, connections: 2 }

const FanOut = Endpoint.make("GET /test/fan-out", {})
const Call = Endpoint.make("GET /test/call", {})
const Flaky = Endpoint.withSchemas(Endpoint.make("GET /flaky", {}), { success: Schema.Struct({ ok: Schema.Boolean }) })

const Thing = Schema.Struct({ id: Schema.String })
const Redirect = Endpoint.withSchemas(Endpoint.make("GET /redirect/{status}", {}), { success: Thing })
const RedirectPost = Endpoint.withSchemas(Endpoint.make("POST /redirect/{status}", {}), {
  payload: Schema.Struct({ amount: Schema.String, idempotencyKey: Schema.String }),
  success: Thing
})
const Huge = Endpoint.withSchemas(Endpoint.make("GET /huge/{kind}", {}), { success: Thing })
const TestRedirect = Endpoint.make("GET /test/redirect/{status}", {})
const TestRedirectPost = Endpoint.make("POST /test/redirect/{status}", {})
const TestHuge = Endpoint.make("GET /test/huge/{kind}", {})

/** A call's outcome as the test reads it: the success, or the failure's tag and what identifies it. */
const report = <A, E extends { readonly _tag: string }, R>(call: Effect.Effect<A, E, R>) =>
  call.pipe(
    Effect.map((body) => ServerResponse.json({ tag: "Success", body })),
    Effect.catch((error) =>
      Effect.succeed(
        ServerResponse.json({
          tag: error._tag,
          status: "status" in error ? error.status : null,
          reason: "reason" in error ? error.reason : null,
          detail: "detail" in error ? error.detail : null
        })
      )
    )
  )

const Count = Schema.Struct({ n: Schema.NumberFromString.check(Schema.isInt()) })

/** How one outgoing request ended, as the test reads it. */
const outcomeOf = (request: Effect.Effect<unknown, HttpClientError.HttpClientError>) =>
  request.pipe(
    Effect.as("sent"),
    Effect.catch((error) =>
      Effect.succeed(
        error.reason._tag === "TransportError" && error.reason.cause instanceof Subrequests.SubrequestLimitReached
          ? "limit-reached"
          : "failed"
      )
    )
  )

/** The upstream's base URL, from `env`. */
class Upstream extends Context.Service<Upstream, string>()("test/Upstream") {}

const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(FanOut, () =>
      Effect.gen(function* () {
        const { n } = yield* ServerRequest.query(Count)
        const http = yield* HttpClient.HttpClient
        const base = yield* Upstream
        const outcomes = yield* Effect.forEach(
          Array.from({ length: n }, (_, i) => i),
          (i) => outcomeOf(http.execute(HttpClientRequest.get(`${base}/slow/${i}`))),
          { concurrency: "unbounded" }
        )
        return ServerResponse.json({
          sent: outcomes.filter((o) => o === "sent").length,
          limitReached: outcomes.filter((o) => o === "limit-reached").length,
          failed: outcomes.filter((o) => o === "failed").length
        })
      })
    ),
    Router.add(Call, () =>
      Client.call(Flaky, {}).pipe(
        Effect.map((body) => ServerResponse.json(body)),
        Effect.catch((error) =>
          Effect.succeed(
            ServerResponse.json({
              tag: error._tag,
              reason: error._tag === "TransportFailure" ? error.reason : null,
              detail: error._tag === "TransportFailure" ? error.detail : null
            })
          )
        )
      )
    ),
    Router.add(TestRedirect, ({ path }) => report(Client.call(Redirect, { path }))),
    Router.add(TestRedirectPost, ({ path }) =>
      report(Client.call(RedirectPost, { path, payload: { amount: "10.00", idempotencyKey: "order-42" } }))
    ),
    Router.add(TestHuge, ({ path }) => report(Client.call(Huge, { path }, { maxResponseBytes: 64 * 1024 })))
  )
)

export default WorkerHandler.make(app, (env: Env) =>
  Layer.mergeAll(
    WorkerClient.layer(
      {
        baseUrl: env.UPSTREAM_URL,
        credentials: Credentials.apiKey("ak_test"),
        retryPolicy: RetryPolicy.make({ maxAttempts: 10, baseDelay: "1 millis", maxDelay: "2 millis" })
      },
      limits
    ),
    WorkerClient.httpClient(limits),
    Layer.succeed(Upstream, env.UPSTREAM_URL)
  )
)
