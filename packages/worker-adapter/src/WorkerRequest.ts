/**
 * A Workers `Request` in core's neutral form (`ServerRequest`): method,
 * percent-encoded path, query (core's `QueryString` parser, as on Lambda),
 * lower-case headers, the body as bytes, and the correlation id (`cf-ray`
 * when core deems it safe to echo, else a generated one). The body is read
 * up to core's cap (`RequestChecks`); a larger or unreadable body is the
 * contract's 400.
 *
 * @module
 */
import * as ApiError from "@centrapay-effect/core/ApiError"
import * as QueryString from "@centrapay-effect/core/QueryString"
import * as RequestChecks from "@centrapay-effect/core/RequestChecks"
import * as ServerRequest from "@centrapay-effect/core/ServerRequest"
import * as WebBody from "@centrapay-effect/core/WebBody"
import * as Result from "effect/Result"

/**
 * The request's headers as a record without a prototype (a header named
 * `__proto__` is a header like any other): lower-case names, repeated headers
 * joined with `", "` (as `Headers` joins them). Read once per request.
 *
 * @category accessors
 */
export const headersOf = (request: Request): Record<string, string> => {
  const headers: Record<string, string> = Object.create(null)
  request.headers.forEach(copyHeader, headers)
  return headers
}

// One function for every request's copy (the record is `this`), not a closure per request.
function copyHeader(this: Record<string, string>, value: string, name: string): void {
  this[name] = value
}

/**
 * The request's correlation id: Cloudflare's `cf-ray` when present and safe
 * to echo back (core's `ServerRequest.safeRequestId`), else a generated one
 * (a random prefix drawn once per isolate and a counter: unique without
 * paying for a UUID per request).
 *
 * @category accessors
 */
export const requestIdOf = (headers: Readonly<Record<string, string>>): string =>
  ServerRequest.safeRequestId(headers["cf-ray"]) ?? `${isolatePrefix()}-${(++generated).toString(36)}`

let prefix: string | undefined
let generated = 0
// Drawn on first use, not at import: Workers forbid random values in the global scope.
const isolatePrefix = (): string => {
  prefix ??= crypto.randomUUID()
  return prefix
}

/**
 * Reads a request into core's form, given its headers (`headersOf`) and
 * correlation id. Fails (never rejects) with a `MalformedRequest` when the
 * body is larger than `maxBodyBytes` (core's `RequestChecks.checkBodySize`,
 * by its `Content-Length`, or while streaming when it has none) or cannot be
 * read. A JSON or text body is read as text, any other as bytes.
 *
 * @category converting
 * @example
 * ```ts
 * import { WorkerRequest } from "@centrapay-effect/worker-adapter"
 *
 * const request = new Request("https://api.example.test/api/things?page=2", { method: "GET" })
 * const headers = WorkerRequest.headersOf(request)
 * const read = await WorkerRequest.toServerRequest(request, { headers, requestId: "r1", maxBodyBytes: 1024 })
 * // Result.succeed({ method: "GET", path: "/api/things", query: { page: "2" }, headers: {}, body: undefined, requestId: "r1" })
 * ```
 */
export const toServerRequest = async (
  request: Request,
  options: {
    readonly headers: Readonly<Record<string, string>>
    readonly requestId: string
    readonly maxBodyBytes: number
  }
): Promise<Result.Result<ServerRequest.ServerRequest, ApiError.MalformedRequest>> => {
  const read = readBody(request, options.headers, options.maxBodyBytes)
  const body = read instanceof Promise ? await read : read
  if (Result.isFailure(body)) return Result.fail(body.failure)
  return Result.succeed(withBody(request, options.headers, options.requestId, body.success))
}

/**
 * A request's body as `toServerRequest` reads it: `undefined` when there is
 * none, a JSON or text body as text, any other as bytes; or the contract's
 * 400 when it is over `maxBodyBytes` or cannot be read. Answers at once when
 * nothing needs reading (no body, or one refused by its `Content-Length`),
 * else with a promise that never rejects — one step, so a handler awaits the
 * platform's read and nothing more. `request.body` is touched only for a body
 * of unknown length: on workerd the getter builds a stream object, a cost the
 * common case need not pay.
 *
 * @category converting
 */
export const readBody = (
  request: Request,
  headers: Readonly<Record<string, string>>,
  maxBodyBytes: number
): Body | Promise<Body> => {
  try {
    const length = headers["content-length"]
    if (length === undefined) {
      if (request.method === "GET" || request.method === "HEAD") return noBody
      const stream = request.body
      return stream === null ? noBody : readCapped(stream, maxBodyBytes)
    }
    const refused = RequestChecks.checkBodySize(Number(length), maxBodyBytes)
    if (refused !== undefined) return Result.fail(refused)
    return isText(headers["content-type"])
      ? request.text().then(fromText, failUnreadable)
      : request.arrayBuffer().then(fromBytes, failUnreadable)
  } catch {
    return failUnreadable()
  }
}

/**
 * What `readBody` answers.
 *
 * @category models
 */
export type Body = Result.Result<string | Uint8Array | undefined, ApiError.MalformedRequest>

/**
 * Core's `ServerRequest` of a request whose body has been read
 * (`readBody`): method, percent-encoded path and query split from the URL.
 *
 * @category converting
 */
export const withBody = (
  request: Request,
  headers: Readonly<Record<string, string>>,
  requestId: string,
  body: string | Uint8Array | undefined
): ServerRequest.ServerRequest => {
  const url = request.url
  const pathStart = url.indexOf("/", url.indexOf("//") + 2)
  const queryStart = url.indexOf("?", pathStart)
  const hashStart = url.indexOf("#", pathStart)
  const pathEnd = queryStart !== -1 ? queryStart : hashStart !== -1 ? hashStart : url.length
  return {
    method: request.method.toUpperCase(),
    path: pathStart === -1 ? "/" : url.slice(pathStart, pathEnd),
    query:
      queryStart === -1
        ? QueryString.empty
        : QueryString.parse(url.slice(queryStart + 1, hashStart === -1 ? url.length : hashStart)),
    headers,
    body,
    requestId
  }
}

const unreadable = new ApiError.MalformedRequest({
  message: "The request body could not be read",
  issues: [{ path: ["body"], message: "Expected a complete body" }]
})

const noBody: Body = Result.succeed(undefined)
const failUnreadable = (): Body => Result.fail(unreadable)
const fromText = (text: string): Body => (text === "" ? noBody : Result.succeed(text))
const fromBytes = (buffer: ArrayBuffer): Body =>
  buffer.byteLength === 0 ? noBody : Result.succeed(new Uint8Array(buffer))

// JSON and text bodies are read as text (invalid UTF-8 becomes U+FFFD, as core would decode it).
const isText = (contentType: string | undefined): boolean =>
  contentType !== undefined && (contentType.startsWith("text/") || contentType.includes("json"))

/** Reads a stream of unknown length (`WebBody.read`), stopping (and cancelling it) past the cap. */
const readCapped = async (stream: ReadableStream<Uint8Array>, maxBodyBytes: number): Promise<Body> => {
  const read = await WebBody.read(stream, (received) => RequestChecks.checkBodySize(received, maxBodyBytes)).result
  if (Result.isSuccess(read)) return read.success.byteLength === 0 ? noBody : Result.succeed(read.success)
  return read.failure._tag === "Refused" ? Result.fail(read.failure.error) : failUnreadable()
}
