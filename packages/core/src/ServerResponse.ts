/**
 * The framework-neutral response a server handler produces, the headers a
 * handler sets along the way (kept on error responses too), and the one
 * function that turns a handler's whole outcome — success, typed failure,
 * defect or interruption — into a response.
 *
 * @module
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as ApiError from "./ApiError.ts"
import { type InvalidRequest, RetryBudgetExhausted } from "./ClientError.ts"
import type * as ErrorFormat from "./ErrorFormat.ts"
import { definedEntry } from "./internal/record.ts"
import * as ResponseCodec from "./ResponseCodec.ts"

/**
 * A response ready for an adapter to translate. Header names are lower case;
 * a header with several values (`set-cookie`) keeps them all.
 *
 * @category models
 */
export interface ServerResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string>>>
  readonly body: string
}

/**
 * A JSON response.
 *
 * @category constructors
 * @example
 * ```ts
 * import { ServerResponse } from "@centrapay-effect/core"
 * ServerResponse.json({ id: "mc_1" }, { status: 200 })
 * ```
 */
export const json = (
  value: unknown,
  options?: { readonly status?: number; readonly headers?: ServerResponse["headers"] }
): ServerResponse => ({
  status: options?.status ?? 200,
  headers: { "content-type": "application/json", ...options?.headers },
  body: JSON.stringify(value) ?? "null"
})

/**
 * A response with no body (`204` by default).
 *
 * @category constructors
 */
export const empty = (options?: {
  readonly status?: number
  readonly headers?: ServerResponse["headers"]
}): ServerResponse => ({
  status: options?.status ?? 204,
  headers: { ...options?.headers },
  body: ""
})

/**
 * Headers a handler sets while it runs. They are added to whatever response
 * ends the request — a typed error's or a defect's included — so a
 * `Set-Cookie` set before a failure is not lost.
 *
 * @category services
 */
export class ResponseHeaders extends Context.Service<ResponseHeaders, Map<string, Array<string>>>()(
  "@centrapay-effect/core/ServerResponse/ResponseHeaders"
) {}

/**
 * Adds a header value to the response being built (repeated names keep every
 * value, as `Set-Cookie` needs).
 *
 * @category headers
 * @example
 * ```ts
 * import { ServerResponse } from "@centrapay-effect/core"
 * ServerResponse.appendHeader("set-cookie", "session=abc; HttpOnly")
 * ```
 */
export const appendHeader = (name: string, value: string): Effect.Effect<void, never, ResponseHeaders> =>
  ResponseHeaders.use((headers) =>
    Effect.sync(() => {
      const key = name.toLowerCase()
      const values = headers.get(key)
      if (values === undefined) headers.set(key, [value])
      else values.push(value)
    })
  )

/**
 * Sets a header on the response being built, replacing earlier values.
 *
 * @category headers
 */
export const setHeader = (name: string, value: string): Effect.Effect<void, never, ResponseHeaders> =>
  ResponseHeaders.use((headers) => Effect.sync(() => void headers.set(name.toLowerCase(), [value])))

// The response's own headers win, except set-cookie, whose values add up.
const withCarried = (response: ServerResponse, carried: ReadonlyMap<string, ReadonlyArray<string>>): ServerResponse => {
  if (carried.size === 0) return response
  const headers: Record<string, string | ReadonlyArray<string>> = {}
  for (const [name, values] of carried) headers[name] = values.length === 1 ? (values[0] ?? "") : values
  for (const [name, value] of Object.entries(response.headers)) {
    const earlier = headers[name]
    headers[name] = name === "set-cookie" && earlier !== undefined ? [earlier, value].flat() : value
  }
  return { ...response, headers }
}

/**
 * How long a client should wait before retrying a request that was cut off
 * (a deadline or shutdown interrupted the handler).
 *
 * @category constants
 */
export const interruptedRetryAfter: Duration.Duration = Duration.seconds(1)

/**
 * Errors a server answers as they are: the contract's errors its own code
 * raised (or `ApiError.adopt`ed).
 *
 * @category models
 */
export type RaisedError = ApiError.ContractError

/**
 * Errors a server never forwards: whatever its client received from another
 * API (a decoded error naming its `upstream`, a transport failure, a timeout,
 * a status outside the contract, an unreadable 2xx, the retry budget running
 * out). Answered 502 (504 for a timeout) with the generic body and the
 * correlation id; the cause is logged. An upstream 401 or 404 is about the
 * upstream call, not the caller's credentials or URL.
 *
 * @category models
 */
export type UpstreamError =
  | ApiError.Received<ApiError.ContractError>
  | ApiError.TransportFailure
  | ApiError.Timeout
  | ApiError.UnexpectedStatus
  | ApiError.UndecodableResponse
  | RetryBudgetExhausted

/**
 * What a server program may fail with, and how each is answered:
 * `RaisedError` with its documented encoding, `UpstreamError` with 502/504,
 * `InvalidRequest` (the program built a bad upstream request: a bug) with
 * the generic 500.
 *
 * @category models
 */
export type ProgramError = RaisedError | UpstreamError | InvalidRequest

/**
 * Why an outcome was not a documented one, for the log line: a defect or an
 * unknown failure (`defect`), an upstream failure the program let through
 * (`upstream`), or an interruption (`interrupted`).
 *
 * @category models
 */
export type Unexpected = "defect" | "upstream" | "interrupted"

/**
 * What `fromExit` decided, and the cause to log when the outcome was not a
 * documented one.
 *
 * @category models
 */
export interface Outcome {
  readonly response: ServerResponse
  readonly unexpected: { readonly kind: Unexpected; readonly cause: Cause.Cause<unknown> } | undefined
}

/**
 * Maps a handler's whole outcome to a response:
 *
 * - success → the response, with the headers the handler set;
 * - a failure with one of the contract's errors the program raised → its
 *   documented encoding (a `ServerError` without a correlation id gets the
 *   request's);
 * - a failure received from an upstream (`UpstreamError`) → 502, or 504 for
 *   a timeout, generic body and correlation id; never the upstream's status,
 *   message or body;
 * - any other failure, or a defect → 500 with a generic message and the
 *   correlation id in body and `x-request-id`, never the cause;
 * - interruption only (a deadline) → 503 with `Retry-After`.
 *
 * Every error response is written in `context.format` (the contract's
 * format unless told otherwise; see `ErrorFormat`).
 *
 * @category converting
 */
export const fromExit = (
  exit: Exit.Exit<ServerResponse, unknown>,
  context: {
    readonly requestId: string
    readonly headers?: ReadonlyMap<string, ReadonlyArray<string>>
    readonly format?: ErrorFormat.Choice
  }
): Outcome => {
  const carried = context.headers ?? new Map<string, ReadonlyArray<string>>()
  if (Exit.isSuccess(exit)) return { response: withCarried(exit.value, carried), unexpected: undefined }
  const failure = Cause.findErrorOption(exit.cause)
  if (Option.isSome(failure) && isAnswered(failure.value)) {
    const error = failure.value
    return {
      response: withCarried(fromError(error, context.requestId, context.format), carried),
      unexpected: isUpstream(error) ? { kind: "upstream", cause: exit.cause } : undefined
    }
  }
  const interrupted = Cause.hasInterruptsOnly(exit.cause)
  const error = new ApiError.ServerError({
    status: interrupted ? 503 : 500,
    message: ResponseCodec.reasonPhrase(interrupted ? 503 : 500),
    correlationId: context.requestId,
    ...(interrupted ? { retryAfter: interruptedRetryAfter } : {})
  })
  return {
    response: withCarried(ResponseCodec.encode(error, context.format), carried),
    unexpected: { kind: interrupted ? "interrupted" : "defect", cause: exit.cause }
  }
}

// The failures `fromError` answers: this library's errors and an exhausted retry budget.
const isAnswered = (u: unknown): u is ApiError.ApiError | RetryBudgetExhausted =>
  u instanceof RetryBudgetExhausted || ApiError.isApiError(u)

const isUpstream = (error: ApiError.ApiError | RetryBudgetExhausted): error is UpstreamError =>
  error instanceof RetryBudgetExhausted || ApiError.isReceived(error)

/**
 * The status `fromError` answers a failure with: a contract error the
 * program raised, its own (`ApiError.statusOf`); one received from an
 * upstream, 502, or 504 for a timeout.
 *
 * @category converting
 */
export const statusFor = (error: ApiError.ApiError | RetryBudgetExhausted): number | undefined =>
  isUpstream(error) ? upstreamStatus(error) : ApiError.statusOf(error)

// An upstream that did not answer in time may well answer the next call: a 504 (with `Retry-After`) says so.
const upstreamStatus = (error: UpstreamError): 502 | 504 => (error._tag === "Timeout" ? 504 : 502)

/**
 * The response for a failure: one of the contract's errors the program
 * raised gets its documented encoding (a server error without a correlation
 * id is given `requestId`); one received from an upstream gets 502 (504 with
 * `Retry-After: 1` for a timeout) with the generic body, never the upstream's
 * status or body. Written in `format` (the contract's format unless told
 * otherwise).
 *
 * @category converting
 */
export const fromError = (
  error: ApiError.ApiError | RetryBudgetExhausted,
  requestId: string,
  format?: ErrorFormat.Choice
): ServerResponse => {
  if (isUpstream(error)) {
    const status = upstreamStatus(error)
    return ResponseCodec.encode(
      new ApiError.ServerError({
        status,
        message: ResponseCodec.reasonPhrase(status),
        correlationId: requestId,
        ...(status === 504 ? { retryAfter: interruptedRetryAfter } : {})
      }),
      format
    )
  }
  if (error._tag === "ServerError" && error.correlationId === undefined) {
    return ResponseCodec.encode(
      new ApiError.ServerError({
        status: error.status,
        message: error.message,
        correlationId: requestId,
        ...definedEntry("retryAfter", error.retryAfter)
      }),
      format
    )
  }
  if (lastAnswered?.error === error && lastAnswered.format === format) return lastAnswered.response
  const response = frozen(ResponseCodec.encode(error, format))
  lastAnswered = { error, format, response }
  return response
}

// The last raised error answered, in which format, and its (frozen) answer: a route that fails
// with an error built once (an `Endpoint.violation` held in a constant) is written once, not on
// every request. Errors are immutable values, and `ErrorFormat`'s choices are constants.
let lastAnswered:
  | {
      readonly error: ApiError.ApiError
      readonly format: ErrorFormat.Choice | undefined
      readonly response: ServerResponse
    }
  | undefined

// `encode` writes a new response every time: it is frozen as it is, not copied.
const frozen = (response: ServerResponse): ServerResponse => {
  Object.freeze(response.headers)
  return Object.freeze(response)
}

/**
 * The response of last resort, for when even mapping a failure failed: a
 * plain, valid contract 500. Adapters use it so that nothing ever escapes to
 * the platform as an exception. Given a `format` other than the contract's
 * plain one (problem+json, or one chosen from `Accept`), it is the encoded
 * 500 in that format, and the plain one should even that throw.
 *
 * @category constructors
 */
export const lastResort = (requestId: string, format?: ErrorFormat.Choice): ServerResponse => {
  if (format !== undefined && (format.format === "problem+json" || format.negotiated)) {
    try {
      return ResponseCodec.encode(
        new ApiError.ServerError({ status: 500, message: ResponseCodec.reasonPhrase(500), correlationId: requestId }),
        format
      )
    } catch {
      // The plain one, below.
    }
  }
  return {
    status: 500,
    headers: { "content-type": "application/json", "x-request-id": requestId },
    body: JSON.stringify({
      statusCode: 500,
      error: "Internal Server Error",
      message: "Internal Server Error",
      correlationId: requestId
    })
  }
}
