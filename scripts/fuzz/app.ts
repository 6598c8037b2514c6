/**
 * The program both adapters serve under the fuzzer: routes that answer each
 * way the contract allows (2xx, every error class, a deadline), handlers
 * that die with defects carrying the secrets (an `Error`, a string, a value
 * that throws when inspected, a throw inside `Effect.sync`), handlers that
 * fail with upstream errors whose messages, URLs and bodies carry them, and
 * handlers that build responses outside the contract or the platform's
 * limits. Its layers: the normal one, one that fails to build, one that never
 * finishes, one that finishes late. Runs in Node and in workerd.
 */
import { ApiError, Endpoint, ObjectId, Router, ServerRequest, ServerResponse } from "@centrapay-effect/core"
import { Context, Duration, Effect, Layer, Logger, Schema } from "effect"
import { awsKey, defectMessage, marker, plainDefectMessage } from "./Secrets.ts"

/**
 * A route the generators aim at: `waits` marks the ones that answer only by
 * the deadline, `dies` the ones whose handler dies or builds a response
 * outside the contract (the only routes a generic 500 may answer);
 * `weight` is how often it is picked (default 1).
 */
export interface Target {
  readonly method: string
  readonly path: string
  readonly body?: "transfer" | "json" | undefined
  readonly waits?: boolean | undefined
  readonly dies?: boolean | undefined
  readonly weight?: number | undefined
}

/** The wallet the transfer route reads, from the program's layer. */
export class Wallets extends Context.Service<Wallets, { readonly balance: number }>()("fuzz/Wallets") {}

/** API keys the `whoami` route accepts, looked up in a `Map` (a prototype name is no key). */
const apiKeys: ReadonlyMap<string, string> = new Map([["key-live-1", "acct_1"]])

const SearchQuery = Schema.Struct({
  order: Schema.Literals(["asc", "desc"]),
  page: Schema.optionalKey(Schema.NumberFromString)
})
const forbidden = new ApiError.ResourceForbidden({ message: "Forbidden" })

const upstream = { method: "GET", url: `https://rates.internal/v1/rates?api_key=${awsKey}&note=${marker}` }

// An error as a client decodes it from an upstream's answer (as `ResponseCodec.decode` marks it).
const received = <E extends ApiError.StatusError>(error: E): ApiError.Received<E> => Object.assign(error, { upstream })

// A defect no one can read: every inspection (message, stack, keys, prototype) throws.
const unreadable = new Proxy(
  {},
  {
    get: () => {
      throw new Error(defectMessage)
    },
    ownKeys: () => {
      throw new Error(defectMessage)
    },
    getPrototypeOf: () => {
      throw new Error(defectMessage)
    },
    has: () => {
      throw new Error(defectMessage)
    }
  }
)

// A response the program builds as it likes, outside the contract or the platforms' limits.
const built =
  (status: number, headers: ServerResponse.ServerResponse["headers"], body = "{}") =>
  () =>
    Effect.succeed<ServerResponse.ServerResponse>({
      status,
      headers: { "content-type": "application/json", ...headers },
      body
    })

/** Every route, with what it does. */
export const targets: ReadonlyArray<Target> = [
  { method: "GET", path: "/ok" },
  { method: "POST", path: "/transfers", body: "transfer" },
  { method: "GET", path: "/merchant-configs/mc_known" },
  { method: "GET", path: "/merchant-configs/mc_other" },
  { method: "GET", path: "/search" },
  { method: "GET", path: "/whoami" },
  { method: "PUT", path: "/things/t_1", body: "json" },
  { method: "DELETE", path: "/things/t_1" },
  { method: "GET", path: "/cookies" },
  { method: "GET", path: "/limited" },
  { method: "GET", path: "/limited-now" },
  { method: "GET", path: "/unavailable" },
  { method: "GET", path: "/defect/error", dies: true },
  { method: "GET", path: "/defect/string", dies: true },
  { method: "GET", path: "/defect/plain", dies: true },
  { method: "GET", path: "/defect/unreadable", dies: true },
  { method: "GET", path: "/defect/thrown", dies: true },
  { method: "GET", path: "/defect/after-header", dies: true },
  { method: "GET", path: "/defect/async", dies: true },
  { method: "GET", path: "/upstream/unauthorized" },
  { method: "GET", path: "/upstream/server-error" },
  { method: "GET", path: "/upstream/business" },
  { method: "GET", path: "/upstream/timeout" },
  { method: "GET", path: "/upstream/transport" },
  { method: "GET", path: "/upstream/undecodable" },
  { method: "GET", path: "/built/status-nan", dies: true },
  { method: "GET", path: "/built/status-1000", dies: true },
  { method: "GET", path: "/built/status-99", dies: true },
  { method: "GET", path: "/built/status-302", dies: true },
  { method: "GET", path: "/built/status-409", dies: true },
  { method: "GET", path: "/built/status-fraction", dies: true },
  { method: "GET", path: "/built/header-crlf", dies: true },
  { method: "GET", path: "/built/header-name", dies: true },
  { method: "GET", path: "/built/carried-crlf", dies: true },
  // Picked less often: building, checking and reading 7 MB takes milliseconds on every run.
  { method: "GET", path: "/built/body-7mb", dies: true, weight: 0.2 },
  { method: "GET", path: "/slow", waits: true }
]

const route = (target: `${"GET" | "PUT" | "DELETE"} /${string}`) => Endpoint.make(target, {})

// The router decodes the payload and the path parameter, as declared, before the handlers run.
const CreateTransfer = Endpoint.make(
  "POST /transfers",
  { 403: ["INSUFFICIENT_WALLET_BALANCE"] },
  { payload: Schema.Struct({ amount: Schema.Int, recipient: ObjectId.MerchantConfigId }) }
)
const GetMerchantConfig = Endpoint.make(
  "GET /merchant-configs/{merchantConfigId}",
  {},
  { path: Schema.Struct({ merchantConfigId: ObjectId.MerchantConfigId }) }
)
const insufficient = Endpoint.violation(CreateTransfer, "INSUFFICIENT_WALLET_BALANCE")

/** The fuzz program: one router over every target. */
export const app = Router.toHandler(
  Router.empty
    .pipe(
      Router.add(route("GET /ok"), () => Effect.succeed(ServerResponse.json({ ok: true }))),
      Router.add(
        CreateTransfer,
        Effect.fnUntraced(function* ({ payload: { amount, recipient } }: Router.InputOf<typeof CreateTransfer>) {
          const { balance } = yield* Wallets
          if (amount > balance) return yield* Effect.fail(insufficient)
          return ServerResponse.json({ transferred: amount, recipient }, { status: 201 })
        })
      ),
      Router.add(GetMerchantConfig, ({ path: { merchantConfigId } }) =>
        merchantConfigId === "mc_known"
          ? Effect.succeed(ServerResponse.json({ id: merchantConfigId }))
          : Effect.fail(forbidden)
      ),
      Router.add(route("GET /search"), () =>
        Effect.map(ServerRequest.query(SearchQuery), (query) => ServerResponse.json({ results: [], ...query }))
      ),
      Router.add(
        route("GET /whoami"),
        Effect.fnUntraced(function* () {
          const key = yield* ServerRequest.header("x-api-key")
          const account = key === undefined ? undefined : apiKeys.get(key)
          if (account === undefined)
            return yield* Effect.fail(new ApiError.Unauthorized({ message: "Missing authentication" }))
          return ServerResponse.json({ account })
        })
      ),
      Router.add(
        route("PUT /things/{id}"),
        Effect.fnUntraced(function* () {
          const value = yield* ServerRequest.jsonBody(Schema.Unknown)
          return ServerResponse.json({ kind: Array.isArray(value) ? "array" : typeof value })
        })
      ),
      Router.add(route("DELETE /things/{id}"), () => Effect.succeed(ServerResponse.empty())),
      Router.add(route("GET /cookies"), () =>
        ServerResponse.appendHeader("set-cookie", "a=1; Path=/; HttpOnly").pipe(
          Effect.andThen(ServerResponse.appendHeader("set-cookie", "b=2; Path=/")),
          Effect.as(ServerResponse.json({ cookies: 2 }))
        )
      ),
      Router.add(route("GET /limited"), () =>
        Effect.fail(new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED", retryAfter: Duration.seconds(7) }))
      ),
      Router.add(route("GET /limited-now"), () =>
        Effect.fail(new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED", retryAfter: Duration.zero }))
      ),
      Router.add(route("GET /unavailable"), () =>
        Effect.fail(
          new ApiError.ServerError({ status: 503, message: "Service Unavailable", retryAfter: Duration.seconds(30) })
        )
      ),
      Router.add(route("GET /defect/error"), () => Effect.die(new Error(defectMessage)))
    )
    .pipe(
      Router.add(route("GET /defect/string"), () => Effect.die(defectMessage)),
      Router.add(route("GET /defect/plain"), () => Effect.die(new TypeError(plainDefectMessage))),
      Router.add(route("GET /defect/unreadable"), () => Effect.die(unreadable)),
      Router.add(route("GET /defect/thrown"), () =>
        Effect.sync((): ServerResponse.ServerResponse => {
          throw new Error(defectMessage)
        })
      ),
      Router.add(route("GET /defect/after-header"), () =>
        ServerResponse.appendHeader("set-cookie", "before=defect").pipe(
          Effect.andThen(Effect.die(new Error(defectMessage)))
        )
      ),
      Router.add(route("GET /defect/async"), () =>
        Effect.sleep(Duration.millis(1)).pipe(Effect.andThen(Effect.die(new Error(defectMessage))))
      ),
      Router.add(route("GET /upstream/unauthorized"), () =>
        Effect.fail(received(new ApiError.Unauthorized({ message: `Invalid API key ${awsKey} (${marker})` })))
      ),
      Router.add(route("GET /upstream/server-error"), () =>
        Effect.fail(
          received(
            new ApiError.ServerError({
              status: 503,
              message: `upstream ${marker}`,
              correlationId: awsKey,
              retryAfter: Duration.seconds(2)
            })
          )
        )
      ),
      Router.add(route("GET /upstream/business"), () =>
        Effect.fail(
          received(
            new ApiError.BusinessRuleViolation({
              status: 403,
              message: "UPSTREAM_RULE",
              documented: false,
              endpoint: `GET /rates/${marker}`
            })
          )
        )
      ),
      Router.add(route("GET /upstream/timeout"), () =>
        Effect.fail(
          new ApiError.Timeout({ method: "GET", url: upstream.url, after: Duration.millis(300), attempts: 1 })
        )
      ),
      Router.add(route("GET /upstream/transport"), () =>
        Effect.fail(
          new ApiError.TransportFailure({
            method: "GET",
            url: upstream.url,
            reason: "connection-reset",
            detail: defectMessage
          })
        )
      ),
      Router.add(route("GET /upstream/undecodable"), () =>
        Effect.fail(
          received(
            new ApiError.UndecodableResponse({
              status: 200,
              body: { problem: "not-json", excerpt: `<html>${marker} ${awsKey}</html>`, contentType: "text/html" }
            })
          )
        )
      ),
      Router.add(route("GET /built/status-nan"), built(Number.NaN, {}))
    )
    .pipe(
      Router.add(route("GET /built/status-1000"), built(1000, {})),
      Router.add(route("GET /built/status-99"), built(99, {})),
      Router.add(route("GET /built/status-302"), built(302, { location: "https://elsewhere.test/" })),
      Router.add(route("GET /built/status-409"), built(409, {})),
      Router.add(route("GET /built/status-fraction"), built(200.5, {})),
      Router.add(route("GET /built/header-crlf"), built(200, { "x-note": `a\r\nx-injected: ${marker}` })),
      Router.add(route("GET /built/header-name"), built(200, { "x bad:name": "1" })),
      Router.add(route("GET /built/carried-crlf"), () =>
        ServerResponse.appendHeader("x-trace", "a\nx-injected: 1").pipe(Effect.andThen(Effect.fail(forbidden)))
      ),
      Router.add(route("GET /built/body-7mb"), built(200, {}, `"${"x".repeat(7 * 1024 * 1024)}"`)),
      Router.add(route("GET /slow"), () => Effect.never)
    )
)

const wallets = { balance: 100 }
const quiet = Logger.layer([])

/** The program's normal layer: the wallet, and no log output (the fuzzer judges answers, not logs). */
export const layer: Layer.Layer<Wallets> = Layer.merge(Layer.succeed(Wallets, wallets), quiet)

/** A layer that fails to build, its failure carrying the secrets. */
export const failingLayer: Layer.Layer<Wallets, Error> = Layer.merge(
  Layer.effect(Wallets, Effect.fail(new Error(defectMessage))),
  quiet
)

/** A layer whose build never finishes. */
export const stuckLayer: Layer.Layer<Wallets> = Layer.merge(Layer.effect(Wallets, Effect.never), quiet)

/** How long `slowLayer` takes to build: longer than any deadline the fuzzer sets, slack included. */
const slowBuild = Duration.seconds(1)

/** A layer that builds, but only after `slowBuild`. */
export const slowLayer: Layer.Layer<Wallets> = Layer.merge(
  Layer.effect(Wallets, Effect.as(Effect.sleep(slowBuild), wallets)),
  quiet
)
