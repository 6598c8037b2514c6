/**
 * How the client uses Effect's `HttpClient`, and what its failures mean in
 * core's terms:
 *
 * - Redirects are never followed: every request goes out with fetch's
 *   `redirect: "manual"` (Effect's `FetchHttpClient.RequestInit`), so a 3xx
 *   is the answer, and another origin never sees the request, its
 *   credentials or its body.
 * - A body is read as a stream, counting its decoded bytes, up to a cap:
 *   past it the stream is cancelled and the read fails with a
 *   `TransportFailure` (`response-too-large`), keeping nothing of the body.
 * - An `HttpClientError` becomes an `InvalidRequest` when the request could
 *   not be built (never sent, never retried), and a `TransportFailure`
 *   otherwise (refused, reset, DNS, a body cut short), with the reason read
 *   from the error's cause chain.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as ApiError from "../ApiError.ts"
import { InvalidRequest } from "../ClientError.ts"
import * as WebBody from "../WebBody.ts"

/**
 * The client over `client`, sending every request with `redirect: "manual"`
 * laid over the `FetchHttpClient.RequestInit` in the context (if any): a
 * fetch-based client (Node's undici, workerd) then hands back the 3xx itself.
 * A client that is not fetch-based does not read `RequestInit`; Effect's
 * others follow redirects only when wrapped in `HttpClient.followRedirects`.
 */
export const withoutRedirects = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transformResponse(client, (response) =>
    Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
      Effect.provideService(response, FetchHttpClient.RequestInit, {
        ...Option.getOrUndefined(init),
        redirect: "manual"
      })
    )
  )

/**
 * Reads a body as text, counting its bytes as decoded (after any
 * `Content-Encoding` the client inflated, so over fetch a gzip bomb counts
 * what it inflates to; a client that does not inflate, like node:http's,
 * hands over the bytes as received and they are what is counted). Past
 * `maxBytes` it stops: the body is cancelled, which closes the connection,
 * and the read fails with `response-too-large`. No body (a 204, a HEAD) is "".
 * A fetch-based response is read from its Web body directly; any other
 * through its `stream`.
 */
export const readText = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number,
  method: string,
  url: string
): Effect.Effect<string, HttpClientError.HttpClientError | ApiError.TransportFailure> => {
  const web = HttpClientResponse.toWeb(response)
  return Option.isSome(web)
    ? readWebBody(response, web.value.body, maxBytes, method, url)
    : readStream(response, maxBytes, method, url)
}

/**
 * The Web body read with `WebBody.read` (no stream pipeline), its bytes
 * decoded once at the end into the text `Stream.decodeText` makes of them:
 * UTF-8, a leading BOM dropped, malformed bytes replaced. Past the cap, or
 * when the read is interrupted (a timeout), the body is cancelled, which
 * aborts the request; a read that fails is the `DecodeError` the response's
 * `stream` would fail with.
 */
const readWebBody = (
  response: HttpClientResponse.HttpClientResponse,
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  method: string,
  url: string
): Effect.Effect<string, HttpClientError.HttpClientError | ApiError.TransportFailure> => {
  if (body === null) return Effect.succeed("")
  return Effect.callback((resume) => {
    // A cap that is not a number (NaN) fails closed.
    const reading = WebBody.read(body, (received) =>
      received <= maxBytes ? undefined : tooLarge(response.status, maxBytes, method, url)
    )
    let interrupted = false
    void reading.result.then((result) => {
      if (interrupted) return
      if (Result.isSuccess(result)) return resume(Effect.succeed(utf8.decode(result.success)))
      const stopped = result.failure
      resume(
        Effect.fail(
          stopped._tag === "Refused"
            ? stopped.error
            : new HttpClientError.HttpClientError({
                reason: new HttpClientError.DecodeError({ request: response.request, response, cause: stopped.cause })
              })
        )
      )
    })
    return Effect.promise(() => {
      interrupted = true
      return reading.cancel()
    })
  })
}

/** Decodes a whole body at once (not streaming: no state is kept between calls, so one serves every read). */
const utf8 = new TextDecoder()

/** The body read through the response's `stream` (an `HttpClient` that is not fetch-based). */
const readStream = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number,
  method: string,
  url: string
): Effect.Effect<string, HttpClientError.HttpClientError | ApiError.TransportFailure> =>
  Effect.suspend(() => {
    let received = 0
    return response.stream.pipe(
      Stream.mapEffect((chunk) => {
        received += chunk.byteLength
        // A cap that is not a number (NaN) fails closed.
        return received <= maxBytes
          ? Effect.succeed(chunk)
          : Effect.fail(tooLarge(response.status, maxBytes, method, url))
      }),
      Stream.decodeText(),
      Stream.mkString,
      Effect.catchReason("HttpClientError", "EmptyBodyError", () => Effect.succeed(""))
    )
  })

const tooLarge = (status: number, maxBytes: number, method: string, url: string): ApiError.TransportFailure =>
  new ApiError.TransportFailure({
    method,
    url,
    reason: "response-too-large",
    detail: `the body of the ${status} response is over the cap of ${maxBytes} bytes (maxResponseBytes); reading stopped there and nothing of it was kept`
  })

const reasons: ReadonlyArray<readonly [ApiError.TransportFailure["reason"], ReadonlySet<string>]> = [
  ["connection-refused", new Set(["ECONNREFUSED"])],
  [
    "connection-reset",
    new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "ERR_STREAM_PREMATURE_CLOSE"])
  ],
  ["dns-lookup", new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL"])],
  // A platform adapter's client refused to send past the subrequest limit (worker-adapter's Subrequests).
  ["subrequest-limit", new Set(["ERR_SUBREQUEST_LIMIT"])]
]

/** The errors in a cause chain, outermost first (including AggregateError members), at most 16. */
const chain = (cause: unknown): ReadonlyArray<object> => {
  const found: Array<object> = []
  const queue: Array<unknown> = [cause]
  while (queue.length > 0 && found.length < 16) {
    const next = queue.shift()
    if (typeof next !== "object" || next === null || found.includes(next)) continue
    found.push(next)
    if ("cause" in next) queue.push(next.cause)
    if ("errors" in next && Array.isArray(next.errors)) queue.push(...next.errors)
  }
  return found
}

const codeOf = (error: object): string | undefined =>
  "code" in error && typeof error.code === "string" ? error.code : undefined

const messageOf = (error: object): string | undefined =>
  "message" in error && typeof error.message === "string" && error.message !== "" ? error.message : undefined

const reasonOf = (errors: ReadonlyArray<object>): ApiError.TransportFailure["reason"] => {
  for (const error of errors) {
    const code = codeOf(error)
    if (code === undefined) continue
    for (const [reason, codes] of reasons) if (codes.has(code)) return reason
  }
  return "other"
}

/** Maps an `HttpClientError` to core's errors. */
export const fromHttpClientError = (
  error: HttpClientError.HttpClientError,
  method: string,
  url: string
): ApiError.TransportFailure | InvalidRequest => {
  const reason = error.reason
  const errors = chain(reason.cause)
  const detail = [reason.description, ...errors.map(messageOf)].filter((m) => m !== undefined).join(": ")
  switch (reason._tag) {
    case "InvalidUrlError":
      return new InvalidRequest({
        method,
        url,
        reason: "invalid-url",
        detail: detail === "" ? "Invalid URL" : detail,
        issues: [{ path: ["url"], message: detail === "" ? "Invalid URL" : detail }]
      })
    case "EncodeError":
      return new InvalidRequest({
        method,
        url,
        reason: "body-not-serialisable",
        detail: `The request body could not be sent: ${detail}`
      })
    default:
      return new ApiError.TransportFailure({ method, url, reason: reasonOf(errors), detail: detail || reason._tag })
  }
}
