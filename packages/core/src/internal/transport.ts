/**
 * Effect's `HttpClientError` in core's terms: a request that could not be
 * built is an `InvalidRequest` (never sent, never retried); anything that
 * went wrong on the way (refused, reset, DNS, a body cut short) is a
 * `TransportFailure` with the reason read from the error's cause chain.
 */
import type * as HttpClientError from "effect/http/HttpClientError"
import * as ApiError from "../ApiError.ts"
import { InvalidRequest } from "../ClientError.ts"

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
