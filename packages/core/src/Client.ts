/**
 * The client: calls an endpoint contract over Effect's platform-neutral
 * `HttpClient` (fetch by default; adapters provide their runtime's), with
 * the contract's errors as its only failures and retries done as the
 * contract asks.
 *
 * - The input is typed from the endpoint's one declaration: path parameters
 *   (from the template, or its `path` schema), `query` and `payload` are
 *   encoded with its schemas and the success body decoded with its `success`
 *   schema; every other response goes through `ResponseCodec.decode`, so
 *   failures are the endpoint's documented errors.
 * - Retries are the `Schedule` of `RetryPolicy.schedule`, fed the request's
 *   method and idempotency key: never 400/401/403/404; at least
 *   `Retry-After` wherever a response sends it, failing fast above
 *   `maxRetryAfter`; every 5xx but 501/505, timeouts and transport failures
 *   with backoff, but a request the server may have acted on only for an
 *   idempotent method or a body carrying an `idempotencyKey` (sent unchanged
 *   on every attempt). Pass your own `retrySchedule` for the timing; the
 *   contract still applies around it.
 * - A request that cannot be built (bad URL, missing path parameter, a part
 *   failing its schema) fails with `InvalidRequest` before any network call.
 * - Redirects are never followed (the contract has no 3xx): a 3xx is an
 *   `UnexpectedStatus`, and another origin never sees the request.
 * - A response body is read as a stream up to `maxResponseBytes` (decoded
 *   bytes; 4 MiB by default); past it the read stops with a non-retried
 *   `TransportFailure` (`response-too-large`).
 * - Headers per client (`headers`) and per call (`Input.headers`), e.g.
 *   `Prefer`, a trace header, or `X-Centrapay-Account` for one call.
 * - A refreshable user token is refreshed once after a 401, and the request
 *   replayed once.
 * - A retry budget shared by the client's calls, an optional deadline per
 *   call, and an optional client-side rate limiter.
 * - Spans `CentrapayClient.call` and `CentrapayClient.attempt`; an attempt
 *   span carries `centrapay.attempt`, `http.response.status_code`,
 *   `centrapay.outcome`, `centrapay.decision` and `centrapay.retry.delay_ms`.
 *
 * @module
 */
import * as Arr from "effect/Array"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Pull from "effect/Pull"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as Tracer from "effect/Tracer"
import * as ApiError from "./ApiError.ts"
import { InvalidRequest, RetryBudgetExhausted } from "./ClientError.ts"
import type * as Credentials from "./Credentials.ts"
import type * as Endpoint from "./Endpoint.ts"
import { definedEntry } from "./internal/record.ts"
import * as Session from "./internal/session.ts"
import { fromHttpClientError, readText, withoutRedirects } from "./internal/transport.ts"
import * as RateLimiter from "./RateLimiter.ts"
import * as ResponseCodec from "./ResponseCodec.ts"
import * as RetryBudget from "./RetryBudget.ts"
import * as RetryPolicy from "./RetryPolicy.ts"
import type { ServerResponse } from "./ServerResponse.ts"

/**
 * How a client reaches and authenticates with the API, and how hard it tries.
 *
 * @category models
 */
export interface Config {
  /** e.g. `https://service.centrapay.com`; endpoint paths are appended to it. */
  readonly baseUrl: string
  readonly credentials: Credentials.Credentials
  /** Sent as `X-Centrapay-Account` (an org account accessed with a user token). */
  readonly account?: string | undefined
  /** Headers sent with every call, over the credentials' headers; a call's own `headers` win over these. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** @default RetryPolicy.defaults (3 attempts, `maxRetryAfter` 60 s) */
  readonly retryPolicy?: RetryPolicy.RetryPolicy | undefined
  /**
   * Your own retry timing, fed the error of each failed attempt; it replaces
   * the policy's backoff and attempt count. The contract still applies: no
   * retry of a non-retryable error or an unsafe repeat, and `Retry-After` is
   * a minimum capped by the policy's `maxRetryAfter`. @default the policy's
   */
  readonly retrySchedule?: Schedule.Schedule<unknown, ApiError.ApiError> | undefined
  /** The shared retry budget. @default RetryBudget.defaults (500 tokens, 5 per retry) */
  readonly retryBudget?: Partial<RetryBudget.Options> | undefined
  /** Time allowed for one attempt, response body included; `Duration.infinity` for none. @default 30 seconds */
  readonly attemptTimeout?: Duration.Input | undefined
  /** Time allowed for a whole call, waits included. @default none */
  readonly deadline?: Duration.Input | undefined
  /**
   * The largest response body read, in bytes as decoded (after gzip or
   * brotli, which a fetch-based client inflates; `@effect/platform-node`'s
   * node:http client does not, and its cap counts the bytes as received);
   * a larger one fails the call with a `TransportFailure`
   * (`response-too-large`), never retried. `Infinity` lifts the cap (not
   * advised); a cap that is not a number lets no body through.
   * @default defaultMaxResponseBytes (4 MiB)
   */
  readonly maxResponseBytes?: number | undefined
  /**
   * Queue requests client-side (`{}` for the documented 200 per minute),
   * counted against `account`. The budget lives in the `RateLimiter.Store`
   * in the context when there is one (Redis, a Durable Object: shared by
   * every process using it), else in this client's memory. A 429 with
   * `Retry-After` pauses every client sharing the store. With
   * `onStoreFailure: "fail"`, a store that does not answer fails the call
   * with a `TransportFailure` (`rate-limiter-unavailable`). @default off
   */
  readonly rateLimit?: RateLimiter.Options | undefined
}

/**
 * Per-call overrides of the client's settings.
 *
 * @category models
 */
export interface CallOptions {
  readonly retryPolicy?: RetryPolicy.RetryPolicy | undefined
  readonly retrySchedule?: Schedule.Schedule<unknown, ApiError.ApiError> | undefined
  readonly attemptTimeout?: Duration.Input | undefined
  readonly deadline?: Duration.Input | undefined
  readonly maxResponseBytes?: number | undefined
}

/**
 * The per-attempt timeout when none is configured.
 *
 * @category constants
 */
export const defaultAttemptTimeout: Duration.Duration = Duration.seconds(30)

/**
 * The response body cap when none is configured: 4 MiB (4,194,304 bytes),
 * counted as decoded. Far above any body the contract documents, far below
 * what a gzip bomb or a runaway upstream would make the client hold.
 *
 * @category constants
 */
export const defaultMaxResponseBytes = 4 * 1024 * 1024

/**
 * What a call needs besides the endpoint, typed from its declaration: the
 * path parameters of its template (required when it has any), its query and
 * its payload (required when its schemas require them), and headers for this
 * call (they win over the client's, e.g. `X-Centrapay-Account` to act for
 * another account once).
 *
 * @category models
 */
export type Input<P, Q, I> = {
  readonly headers?: Readonly<Record<string, string>> | undefined
} & (Record<never, never> extends P ? { readonly path?: P | undefined } : { readonly path: P }) &
  (Record<never, never> extends Q ? { readonly query?: Q | undefined } : { readonly query: Q }) &
  (undefined extends I ? { readonly payload?: I } : { readonly payload: I })

/**
 * The input of a call to an endpoint with success `A`: `Input`, or, for an
 * endpoint that declares no `success` schema, one that asks for a property
 * no call passes, whose type says what to do (declare the schema with
 * `Endpoint.withSchemas`: the client never hands back an undecoded body).
 *
 * @category models
 */
export type CallInput<P, Q, I, A> = [A] extends [ServerResponse]
  ? Input<P, Q, I> & {
      readonly "~success": "declare a success schema on this endpoint (Endpoint.withSchemas) to call it"
    }
  : Input<P, Q, I>

/**
 * Everything a call to an endpoint documenting business codes `M` (and 400
 * codes `C`) can fail with: the endpoint's decoded errors, credentials that
 * could not be obtained (an `Unauthorized` naming the request), a transport
 * failure, a timeout, the retry budget running out, or a request that could
 * not be built. Nothing else: no defects for anything a server or the
 * network can do.
 *
 * @category models
 */
export type CallError<M extends string, C extends string = never> =
  | Endpoint.DecodedError<M, C>
  | ApiError.Received<ApiError.Unauthorized>
  | ApiError.TransportFailure
  | ApiError.Timeout
  | RetryBudgetExhausted
  | InvalidRequest

/**
 * The client's interface.
 *
 * @category models
 */
export interface Service {
  /** Calls an endpoint: the decoded success, or one of the endpoint's typed errors. */
  readonly call: <M extends string, C extends string, P, Q, I, A>(
    endpoint: Endpoint.Endpoint<M, C, P, Q, I, A>,
    input: CallInput<P, Q, I, A>,
    options?: CallOptions
  ) => Effect.Effect<A, CallError<M, C>>
  /** The retry budget every call of this client draws on. */
  readonly retryBudget: RetryBudget.RetryBudget
}

/**
 * The client service.
 *
 * @category services
 */
export class Client extends Context.Service<Client, Service>()("@centrapay-effect/core/Client") {}

/**
 * Calls an endpoint with the `Client` from the context.
 *
 * @category accessors
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Client, Credentials, Endpoint } from "@centrapay-effect/core"
 *
 * const CreateAssetTransfer = Endpoint.make(
 *   "POST /api/asset-transfers",
 *   { 403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"] },
 *   {
 *     payload: Schema.Struct({ amount: Schema.String, recipient: Schema.String, idempotencyKey: Schema.String }),
 *     success: Schema.Struct({ id: Schema.String })
 *   }
 * )
 * const transfer = Client.call(CreateAssetTransfer, {
 *   payload: { amount: "10.00", recipient: "acc_2", idempotencyKey: "order-42" }
 * }).pipe(
 *   Effect.catchTag("BusinessRuleViolation", (e) => {
 *     if (!e.documented) return Effect.fail(e)
 *     switch (e.message) {
 *       case "INSUFFICIENT_WALLET_BALANCE":
 *         return Effect.succeed({ id: "declined" })
 *       case "QUOTA_EXCEEDED":
 *         return Effect.succeed({ id: "later" })
 *     }
 *   }),
 *   Effect.provide(Client.layer({ baseUrl: "https://service.centrapay.com", credentials: Credentials.apiKey("ak_…") }))
 * )
 * ```
 */
export const call = <M extends string, C extends string, P, Q, I, A>(
  endpoint: Endpoint.Endpoint<M, C, P, Q, I, A>,
  input: CallInput<P, Q, I, A>,
  options?: CallOptions
): Effect.Effect<A, CallError<M, C>, Client> => Client.use((client) => client.call(endpoint, input, options))

/**
 * Builds a client on the `HttpClient` in the context. The retry budget and
 * the rate limiter are created here, once, and shared by every call. Every
 * request goes out with fetch's `redirect: "manual"` (over any
 * `FetchHttpClient.RequestInit` in the context), so no redirect is followed;
 * a non-fetch `HttpClient` must not follow them either (do not wrap it in
 * `HttpClient.followRedirects`).
 *
 * @category constructors
 */
export const make = (config: Config): Effect.Effect<Service, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const http = withoutRedirects(yield* HttpClient.HttpClient)
    const settings: Settings = {
      baseUrl: config.baseUrl.replace(/\/+$/, ""),
      http,
      session: yield* Session.make(config.credentials, config.account),
      budget: yield* RetryBudget.make(config.retryBudget),
      limiter: config.rateLimit === undefined ? undefined : yield* RateLimiter.make(config.rateLimit),
      headers: config.headers ?? {},
      retryPolicy: config.retryPolicy ?? RetryPolicy.defaults,
      retrySchedule: config.retrySchedule,
      attemptTimeout: Duration.fromInputUnsafe(config.attemptTimeout ?? defaultAttemptTimeout),
      deadline: config.deadline === undefined ? undefined : Duration.fromInputUnsafe(config.deadline),
      maxResponseBytes: config.maxResponseBytes ?? defaultMaxResponseBytes
    }
    return { call: (endpoint, input, options) => run(settings, endpoint, input, options), retryBudget: settings.budget }
  })

/**
 * The client as a layer over the `HttpClient` in the context: what an adapter
 * uses to plug in its runtime's HTTP client.
 *
 * @category layers
 */
export const layerWithHttpClient = (config: Config): Layer.Layer<Client, never, HttpClient.HttpClient> =>
  Layer.effect(Client, make(config))

/**
 * The client as a layer over `fetch` (`FetchHttpClient`).
 *
 * @category layers
 * @example
 * ```ts
 * import { Credentials, Client } from "@centrapay-effect/core"
 * const CentrapayLive = Client.layer({
 *   baseUrl: "https://service.centrapay.com",
 *   credentials: Credentials.apiKey(process.env.CENTRAPAY_API_KEY ?? ""),
 *   deadline: "20 seconds",
 *   rateLimit: {}
 * })
 * ```
 */
export const layer = (config: Config): Layer.Layer<Client> =>
  layerWithHttpClient(config).pipe(Layer.provide(FetchHttpClient.layer))

// ---------------------------------------------------------------------------
// internals
// ---------------------------------------------------------------------------

interface Settings {
  readonly baseUrl: string
  readonly http: HttpClient.HttpClient
  readonly session: Session.Session
  readonly budget: RetryBudget.RetryBudget
  readonly limiter: RateLimiter.RateLimiter | undefined
  readonly headers: Readonly<Record<string, string>>
  readonly retryPolicy: RetryPolicy.RetryPolicy
  readonly retrySchedule: Schedule.Schedule<unknown, ApiError.ApiError> | undefined
  readonly attemptTimeout: Duration.Duration
  readonly deadline: Duration.Duration | undefined
  readonly maxResponseBytes: number
}

/** A request built once and sent unchanged (same body, same idempotency key) on every attempt. */
interface Prepared {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly method: string
  readonly url: string
  /** The body carries an `idempotencyKey`: repeating the request is safe. */
  readonly keyed: boolean
  /** The client's and the call's headers, laid over the credentials' on every attempt. */
  readonly headers: Readonly<Record<string, string>>
}

/** When a call's deadline falls (clock millis), and how long the call was allowed. */
interface Deadline {
  readonly at: number
  readonly allowed: Duration.Duration
}

/** The call's deadline passed during an attempt: `timeout` is the call's final error. */
class DeadlineReached extends Data.TaggedError("DeadlineReached")<{ readonly timeout: ApiError.Timeout }> {}

/** What one attempt (and the decision after it) leads to. */
type Step<A, E> =
  | { readonly _tag: "Succeeded"; readonly value: A }
  | { readonly _tag: "Failed"; readonly error: E }
  | { readonly _tag: "Retry"; readonly delay: Duration.Duration; readonly cost: number }
  | { readonly _tag: "Replay" }

const JsonText = Schema.fromJsonString(Schema.Unknown)

/** A call's input as the client reads it (`Input` is its typed form). */
interface SentInput {
  readonly path?: unknown
  readonly query?: unknown
  readonly payload?: unknown
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/** The spans' stack traces would point into this module, not at the caller: they are not captured. */
const noStackTrace = { captureStackTrace: false } as const

const run = <M extends string, C extends string, A>(
  settings: Settings,
  endpoint: Endpoint.Endpoint<M, C, unknown, unknown, unknown, A>,
  input: SentInput,
  options: CallOptions | undefined
): Effect.Effect<A, CallError<M, C>> =>
  Effect.useSpan(
    "CentrapayClient.call",
    { attributes: { "centrapay.endpoint": endpoint.id, "http.request.method": endpoint.method } },
    (callSpan) => Effect.withParentSpan(attempts(settings, endpoint, input, options, callSpan), callSpan, noStackTrace)
  )

/** The attempts of one call, in the call's span. */
const attempts = <M extends string, C extends string, A>(
  settings: Settings,
  endpoint: Endpoint.Endpoint<M, C, unknown, unknown, unknown, A>,
  input: SentInput,
  options: CallOptions | undefined,
  callSpan: Tracer.Span
): Effect.Effect<A, CallError<M, C>> =>
  Effect.gen(function* () {
    const prepared = yield* Effect.fromResult(prepare(settings, endpoint, input))
    const clock = yield* Clock.Clock
    const attemptTimeout =
      options?.attemptTimeout === undefined ? settings.attemptTimeout : Duration.fromInputUnsafe(options.attemptTimeout)
    const allowed = options?.deadline === undefined ? settings.deadline : Duration.fromInputUnsafe(options.deadline)
    const maxResponseBytes = options?.maxResponseBytes ?? settings.maxResponseBytes
    const deadline: Deadline | undefined =
      allowed === undefined ? undefined : { at: clock.currentTimeMillisUnsafe() + Duration.toMillis(allowed), allowed }
    const pastDeadline = ({ allowed }: Deadline, attempts: number) =>
      new ApiError.Timeout({ method: prepared.method, url: prepared.url, after: allowed, attempts })
    const upstream: ApiError.Upstream = { method: prepared.method, url: prepared.url }
    // Credentials that could not be obtained are a failure of the call, not the caller's 401.
    const credentialsFailed = (error: ApiError.Unauthorized): ApiError.Received<ApiError.Unauthorized> =>
      Object.assign(new ApiError.Unauthorized({ message: error.message, upstream }), { upstream })
    // The retry schedule is started at the first failure that asks it (a call that succeeds never does).
    let retries: RetrySteps | undefined
    const retriesOf = (): Effect.Effect<RetrySteps> =>
      retries !== undefined
        ? Effect.succeed(retries)
        : Effect.map(
            Schedule.toStep(
              RetryPolicy.schedule(
                options?.retryPolicy ?? settings.retryPolicy,
                { method: prepared.method, idempotencyKey: prepared.keyed },
                options?.retrySchedule ?? settings.retrySchedule
              )
            ),
            (steps) => (retries = steps)
          )

    const succeeded = (value: A): Step<A, CallError<M, C>> => ({ _tag: "Succeeded", value })
    const failed = (error: CallError<M, C>): Step<A, CallError<M, C>> => ({ _tag: "Failed", error })
    const retry = (delay: Duration.Duration, cost: number): Step<A, CallError<M, C>> => ({
      _tag: "Retry",
      delay,
      cost
    })
    const replay: Step<A, CallError<M, C>> = { _tag: "Replay" }

    let attempt = 0
    let replayed = false
    let lastRetryCost: number | undefined
    while (true) {
      attempt += 1
      const current = attempt
      const step: Step<A, CallError<M, C>> = yield* Effect.useSpan(
        "CentrapayClient.attempt",
        { attributes: { "centrapay.attempt": current } },
        (span) =>
          Effect.withParentSpan(
            Effect.gen(function* () {
              let permit: RateLimiter.Permit | undefined
              if (settings.limiter !== undefined) {
                const admission = yield* Effect.result(settings.limiter.take(deadline?.at))
                if (Result.isFailure(admission)) {
                  span.attribute("centrapay.decision", "stop: rate limiter unavailable")
                  return failed(
                    new ApiError.TransportFailure({
                      method: prepared.method,
                      url: prepared.url,
                      reason: "rate-limiter-unavailable",
                      detail: admission.failure.message
                    })
                  )
                }
                if (admission.success._tag === "PastDeadline" && deadline !== undefined) {
                  span.attribute("centrapay.limiter.wait_ms", Duration.toMillis(admission.success.wait))
                  span.attribute("centrapay.decision", "stop: deadline")
                  return failed(pastDeadline(deadline, current))
                }
                if (admission.success._tag === "Admitted") {
                  permit = admission.success.permit
                  if (!Duration.isZero(permit.waited)) {
                    span.attribute("centrapay.limiter.wait_ms", Duration.toMillis(permit.waited))
                  }
                }
              }
              const auth = yield* Effect.result(settings.session.current)
              if (Result.isFailure(auth)) {
                span.attribute("centrapay.outcome", "Unauthorized")
                span.attribute("centrapay.decision", "stop: credentials")
                return failed(credentialsFailed(auth.failure))
              }
              const now = clock.currentTimeMillisUnsafe()
              if (deadline !== undefined && now >= deadline.at) return failed(pastDeadline(deadline, current))
              const remaining =
                deadline === undefined
                  ? undefined
                  : { millis: deadline.at - now, timeout: pastDeadline(deadline, current) }

              const request = HttpClientRequest.setHeaders(prepared.request, {
                ...auth.success.headers,
                ...prepared.headers
              })
              const exchanged = yield* Effect.result(
                bound(
                  exchange(settings, prepared, request, maxResponseBytes),
                  prepared,
                  attemptTimeout,
                  remaining,
                  current
                )
              )
              const outcome = Result.flatMap(exchanged, (received) => {
                span.attribute("http.response.status_code", received.status)
                return read(endpoint, received, { now: clock.currentTimeMillisUnsafe(), request: upstream })
              })
              if (Result.isSuccess(outcome)) {
                span.attribute("centrapay.outcome", "Success")
                return succeeded(outcome.success)
              }
              const failure = outcome.failure
              if (failure._tag === "DeadlineReached") {
                span.attribute("centrapay.outcome", "Timeout")
                span.attribute("centrapay.decision", "stop: deadline")
                return failed(failure.timeout)
              }
              if (failure._tag === "InvalidRequest") {
                span.attribute("centrapay.outcome", failure._tag)
                span.attribute("centrapay.decision", "stop: invalid")
                return failed(failure)
              }
              const error = failure
              span.attribute("centrapay.outcome", error._tag)
              // A 429 pauses every client sharing the limiter's store until its Retry-After.
              if (permit !== undefined && error._tag === "TooManyRequests" && error.retryAfter !== undefined) {
                yield* permit.rateLimited(error.retryAfter)
              }

              const refresh = settings.session.refresh
              if (error._tag === "Unauthorized" && refresh !== undefined && !replayed) {
                const refreshed = yield* Effect.result(refresh(auth.success.version))
                if (Result.isFailure(refreshed)) {
                  span.attribute("centrapay.decision", "stop: credentials")
                  return failed(credentialsFailed(refreshed.failure))
                }
                span.attribute("centrapay.decision", "replay: refreshed credentials")
                return replay
              }

              const steps = yield* retriesOf()
              const decidedAt = clock.currentTimeMillisUnsafe()
              const decision = yield* steps(decidedAt, error).pipe(
                Effect.map(([decided]) => decided),
                Pull.catchDone((stopped) => Effect.succeed(stopped))
              )
              const stop = (reason: string, finalError: CallError<M, C> = error): Step<A, CallError<M, C>> => {
                span.attribute("centrapay.decision", `stop: ${reason}`)
                return failed(finalError)
              }
              if (decision._tag === "Stop") return stop(decision.reason)
              if (deadline !== undefined && decidedAt + Duration.toMillis(decision.delay) >= deadline.at) {
                return stop("deadline", pastDeadline(deadline, current))
              }
              const cost = RetryBudget.costOf(settings.budget.options, error)
              if (!(yield* settings.budget.withdraw(cost))) {
                const exhausted = new RetryBudgetExhausted({
                  method: prepared.method,
                  url: prepared.url,
                  attempts: current,
                  lastError: error
                })
                return stop("budget-exhausted", exhausted)
              }
              span.attribute("centrapay.decision", "retry")
              span.attribute("centrapay.retry.delay_ms", Duration.toMillis(decision.delay))
              span.attribute("centrapay.retry.basis", decision.basis)
              return retry(decision.delay, cost)
            }),
            span,
            noStackTrace
          )
      )

      switch (step._tag) {
        case "Succeeded":
          yield* settings.budget.deposit(lastRetryCost ?? settings.budget.options.successRefund)
          callSpan.attribute("centrapay.attempts", current)
          callSpan.attribute("centrapay.outcome", "Success")
          return step.value
        case "Failed":
          callSpan.attribute("centrapay.attempts", current)
          callSpan.attribute("centrapay.outcome", step.error._tag)
          return yield* Effect.fail(step.error)
        case "Replay":
          replayed = true
          break
        case "Retry":
          lastRetryCost = step.cost
          yield* Effect.sleep(step.delay)
          break
      }
    }
  })

/** The step function of a call's retry schedule. */
type RetrySteps = (
  now: number,
  error: ApiError.ApiError
) => Pull.Pull<[RetryPolicy.RetryDecision, Duration.Duration], never, RetryPolicy.RetryDecision>

interface Received {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * Sends one attempt and reads its body up to `maxBytes` (an interrupted
 * attempt aborts the request; a body over the cap closes the connection).
 */
const exchange = (
  settings: Settings,
  prepared: Prepared,
  request: HttpClientRequest.HttpClientRequest,
  maxBytes: number
): Effect.Effect<Received, ApiError.TransportFailure | InvalidRequest> =>
  settings.http.execute(request).pipe(
    Effect.flatMap((response) =>
      Effect.map(
        readText(response, maxBytes, prepared.method, prepared.url),
        (body): Received => ({ status: response.status, headers: response.headers, body })
      )
    ),
    Effect.catchTag("HttpClientError", (error) =>
      Effect.fail(fromHttpClientError(error, prepared.method, prepared.url))
    )
  )

/**
 * Bounds an attempt by the per-attempt timeout (a retryable `Timeout`) or,
 * when it ends sooner, by the call's deadline (`DeadlineReached`).
 */
const bound = <A, E>(
  self: Effect.Effect<A, E>,
  prepared: Prepared,
  attemptTimeout: Duration.Duration,
  remaining: { readonly millis: number; readonly timeout: ApiError.Timeout } | undefined,
  attempt: number
): Effect.Effect<A, E | ApiError.Timeout | DeadlineReached> => {
  if (remaining !== undefined && remaining.millis <= Duration.toMillis(attemptTimeout)) {
    return Effect.timeoutOrElse(self, {
      duration: Duration.millis(remaining.millis),
      orElse: () => Effect.fail(new DeadlineReached({ timeout: remaining.timeout }))
    })
  }
  if (!Duration.isFinite(attemptTimeout)) return self
  return Effect.timeoutOrElse(self, {
    duration: attemptTimeout,
    orElse: () =>
      Effect.fail(
        new ApiError.Timeout({ method: prepared.method, url: prepared.url, after: attemptTimeout, attempts: attempt })
      )
  })
}

/** Any response, read as the contract says; a 2xx body then decoded with the endpoint's success schema. */
const read = <M extends string, C extends string, A>(
  endpoint: Endpoint.Endpoint<M, C, unknown, unknown, unknown, A>,
  received: Received,
  options: { readonly now: number; readonly request: ApiError.Upstream }
): Result.Result<A, Endpoint.DecodedError<M, C>> => {
  const decoded = ResponseCodec.decode(received, { endpoint, ...options })
  if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
  const body = endpoint.codec.decodeSuccess(decoded.success.body)
  if (Result.isSuccess(body)) return Result.succeed(body.success)
  const issues = ResponseCodec.issuesOf(body.failure, "body")
  const upstream = options.request
  return Result.fail(
    Object.assign(
      new ApiError.UndecodableResponse({
        status: received.status,
        upstream,
        body: {
          problem: "schema-mismatch",
          excerpt: ResponseCodec.excerptOf(received.body),
          ...definedEntry("contentType", received.headers["content-type"])
        },
        ...(Arr.isReadonlyArrayNonEmpty(issues) ? { issues } : {})
      }),
      { upstream }
    )
  )
}

/**
 * Encodes the path parameters, query and payload with the endpoint's
 * schemas, fills the template and builds the request once.
 */
const prepare = <M extends string, C extends string, A>(
  settings: Settings,
  endpoint: Endpoint.Endpoint<M, C, unknown, unknown, unknown, A>,
  input: SentInput
): Result.Result<Prepared, InvalidRequest> => {
  const invalid = (
    reason: InvalidRequest["reason"],
    detail: string,
    issues: ReadonlyArray<{ readonly path: ReadonlyArray<string | number>; readonly message: string }>
  ) =>
    Result.fail(
      new InvalidRequest({
        method: endpoint.method,
        url: `${settings.baseUrl}${endpoint.path}`,
        reason,
        detail,
        ...(Arr.isReadonlyArrayNonEmpty(issues) ? { issues } : {})
      })
    )
  const { codec, schemas } = endpoint
  const params = codec.encodePath(input.path ?? {})
  if (Result.isFailure(params)) {
    return invalid(
      "path-schema-mismatch",
      `The path parameters do not match the schema of ${endpoint.id}`,
      ResponseCodec.issuesOf(params.failure, "path")
    )
  }
  const missing: Array<string> = []
  const path = endpoint.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = Object.hasOwn(params.success, name) ? params.success[name] : undefined
    if (typeof value !== "string") missing.push(name)
    return encodeURIComponent(value ?? "")
  })
  if (missing.length > 0) {
    return invalid(
      "missing-path-parameter",
      `Missing path parameter ${missing.join(", ")} for ${endpoint.id}`,
      missing.map((name) => ({ path: ["path", name], message: "Missing path parameter" }))
    )
  }
  const query = codec.encodeQuery(input.query ?? {})
  if (Result.isFailure(query)) {
    return invalid(
      "query-schema-mismatch",
      `The query does not match the schema of ${endpoint.id}`,
      ResponseCodec.issuesOf(query.failure, "query")
    )
  }
  const url = `${settings.baseUrl}${path}`
  const request = HttpClientRequest.make(endpoint.method)(url, { urlParams: query.success, acceptJson: true })
  const headers = { ...settings.headers, ...input.headers }
  const prepared = { request, method: endpoint.method, url, keyed: false, headers }
  if (schemas.payload === undefined) return Result.succeed(prepared)

  const encoded = codec.encodePayload(input.payload)
  if (Result.isFailure(encoded)) {
    return invalid(
      "body-schema-mismatch",
      `The payload does not match the schema of ${endpoint.id}`,
      ResponseCodec.issuesOf(encoded.failure, "body")
    )
  }
  const text = Schema.encodeUnknownResult(JsonText)(encoded.success)
  if (Result.isFailure(text)) {
    return invalid("body-not-serialisable", `The payload is not JSON: ${text.failure.message}`, [])
  }
  return Result.succeed({
    ...prepared,
    request: HttpClientRequest.bodyText(request, text.success, "application/json"),
    keyed: idempotencyKeyOf(encoded.success) !== undefined
  })
}

/** The caller's `idempotencyKey`, when the encoded body is an object carrying a non-empty one. */
const idempotencyKeyOf = (body: unknown): string | undefined =>
  typeof body === "object" &&
  body !== null &&
  "idempotencyKey" in body &&
  typeof body.idempotencyKey === "string" &&
  body.idempotencyKey !== ""
    ? body.idempotencyKey
    : undefined
