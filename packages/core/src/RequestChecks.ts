/**
 * The checks a request passes before the program sees it, and the caps both
 * adapters apply. `ServerRuntime` runs `check` first on every request, so the
 * Lambda and Workers adapters answer the same request with the same status.
 *
 * The order, per request:
 *
 * 1. **Body cap.** A body over `maxBodyBytes` (default 1 MiB, counted as the
 *    client sent it: after base64 decoding, text as UTF-8) is the contract's
 *    400 with an issue at `["body"]`. It comes first because the body must be
 *    bounded before anything reads it: a 2 MB body without an API key is a
 *    400 on every runtime, never the program's 401.
 * 2. **Query cap.** A query of more than `maxQueryParameters` (256)
 *    parameters, or whose names and values come to more than `maxQueryBytes`
 *    (8 KiB, decoded, as UTF-8; a name counts once per value), is the
 *    contract's 400 with an issue at `["query"]`. Both caps are constants:
 *    `QueryString`, the one parser both adapters use, stops reading past
 *    them.
 * 3. **Layer.** Built once, on the first request that passes; one that fails
 *    to build, or is not built before the request's deadline, is a 503
 *    (`ServerRuntime`).
 * 4. **Program.** Its own checks, in the order it makes them (authentication,
 *    routing, decoding), then the answer, bounded by the deadline.
 *
 * The Workers adapter also applies `checkBodySize` while reading (by
 * `Content-Length`, or while streaming a body without one), so an oversized
 * body is refused without being read; the answer is the same 400.
 *
 * @module
 */
import { MalformedRequest } from "./ApiError.ts"
import type { ServerRequest } from "./ServerRequest.ts"

/**
 * The body cap used when none is configured: 1 MiB, ample for a JSON API.
 *
 * @category constants
 */
export const defaultMaxBodyBytes = 1_048_576

/**
 * The most query parameters a request may carry (a repeated name counts once
 * per value); more is the contract's 400.
 *
 * @category constants
 */
export const maxQueryParameters = 256

/**
 * The most bytes a request's query parameters may come to: their names and
 * values, decoded, as UTF-8 (a name counts once per value; `=` and `&` do
 * not count). More is the contract's 400.
 *
 * @category constants
 */
export const maxQueryBytes = 8192

/**
 * The limits as an adapter's options take them: each one optional.
 *
 * @category models
 */
export interface Options {
  /**
   * Larger bodies are refused with the contract's 400 before the program
   * runs; a body of exactly this many bytes passes. Counted as the client
   * sent the body: after base64 decoding, text as UTF-8.
   * @default defaultMaxBodyBytes (1 MiB)
   */
  readonly maxBodyBytes?: number | undefined
}

/**
 * The limits with every default filled in.
 *
 * @category models
 */
export interface Limits {
  /** See `Options.maxBodyBytes`. */
  readonly maxBodyBytes: number
}

/**
 * Fills in the defaults.
 *
 * @category constructors
 * @example
 * ```ts
 * import { RequestChecks } from "@centrapay-effect/core"
 * RequestChecks.limits() // { maxBodyBytes: 1048576 }
 * RequestChecks.limits({ maxBodyBytes: 65536 }) // { maxBodyBytes: 65536 }
 * ```
 */
export const limits = (options?: Options): Limits => ({
  maxBodyBytes: options?.maxBodyBytes ?? defaultMaxBodyBytes
})

/**
 * The 400 for a body over the cap.
 *
 * @category errors
 * @example
 * ```ts
 * import { RequestChecks } from "@centrapay-effect/core"
 * RequestChecks.bodyTooLarge(1024)
 * // MalformedRequest: "The request body is larger than 1024 bytes",
 * // issues: [{ path: ["body"], message: "Expected at most 1024 bytes" }]
 * ```
 */
export const bodyTooLarge = (maxBodyBytes: number): MalformedRequest =>
  new MalformedRequest({
    message: `The request body is larger than ${maxBodyBytes} bytes`,
    issues: [{ path: ["body"], message: `Expected at most ${maxBodyBytes} bytes` }]
  })

/**
 * The 400 for a query over `maxQueryParameters` or `maxQueryBytes`: one
 * answer for either cap, so where a parser stopped reading never changes it.
 *
 * @category errors
 * @example
 * ```ts
 * import { RequestChecks } from "@centrapay-effect/core"
 * RequestChecks.queryTooLarge
 * // MalformedRequest: "The query has more than 256 parameters or 8192 bytes",
 * // issues: [{ path: ["query"], message: "Expected at most 256 parameters and 8192 bytes" }]
 * ```
 */
export const queryTooLarge: MalformedRequest = new MalformedRequest({
  message: `The query has more than ${maxQueryParameters} parameters or ${maxQueryBytes} bytes`,
  issues: [{ path: ["query"], message: `Expected at most ${maxQueryParameters} parameters and ${maxQueryBytes} bytes` }]
})

/**
 * The query caps on parsed parameters: `queryTooLarge` when the query has
 * more than `maxQueryParameters` parameters or more than `maxQueryBytes`
 * bytes of names and values, else `undefined`. One pass over the names; an
 * empty query costs nothing.
 *
 * @category checks
 * @example
 * ```ts
 * import { RequestChecks } from "@centrapay-effect/core"
 * RequestChecks.checkQuery({ tag: ["a", "b"] }) // undefined
 * RequestChecks.checkQuery({ q: "x".repeat(8192) }) // queryTooLarge: 8193 bytes with the name
 * ```
 */
export const checkQuery = (query: ServerRequest["query"]): MalformedRequest | undefined => {
  let parameters = 0
  let units = 0
  for (const name in query) {
    const value = query[name]
    if (typeof value === "string") {
      parameters++
      units += name.length + value.length
    } else if (value !== undefined) {
      parameters += value.length
      units += name.length * value.length
      for (let i = 0; i < value.length; i++) units += value[i]?.length ?? 0
    }
  }
  if (parameters > maxQueryParameters || units > maxQueryBytes) return queryTooLarge
  // Each UTF-16 code unit is 1 to 3 bytes: only a query of more than a third of the cap is counted.
  return units * 3 <= maxQueryBytes || queryBytes(query) <= maxQueryBytes ? undefined : queryTooLarge
}

/**
 * The body cap on a size known before the body is read (a `Content-Length`,
 * the bytes streamed so far): the 400 when `bytes` is over `maxBodyBytes`,
 * else `undefined`.
 *
 * @category checks
 * @example
 * ```ts
 * import { RequestChecks } from "@centrapay-effect/core"
 * RequestChecks.checkBodySize(1024, 1024) // undefined: exactly at the cap passes
 * RequestChecks.checkBodySize(1025, 1024) // the 400 of bodyTooLarge(1024)
 * ```
 */
export const checkBodySize = (bytes: number, maxBodyBytes: number): MalformedRequest | undefined =>
  bytes > maxBodyBytes ? bodyTooLarge(maxBodyBytes) : undefined

/**
 * Every check a request passes before the program runs, in the order the
 * module describes: the first failure, or `undefined` when the request may
 * go on. `ServerRuntime` calls it; an adapter need not.
 *
 * @category checks
 * @example
 * ```ts
 * import { RequestChecks } from "@centrapay-effect/core"
 * const request = { method: "POST", path: "/", query: {}, headers: {}, body: "x".repeat(2048), requestId: "r1" }
 * RequestChecks.check(request, RequestChecks.limits({ maxBodyBytes: 1024 })) // the 400 of bodyTooLarge(1024)
 * ```
 */
export const check = (request: ServerRequest, limits: Limits): MalformedRequest | undefined => {
  const body = request.body
  if (body !== undefined) {
    const refused = checkBodySize(
      typeof body === "string" ? textBytes(body, limits.maxBodyBytes) : body.byteLength,
      limits.maxBodyBytes
    )
    if (refused !== undefined) return refused
  }
  return checkQuery(request.query)
}

/**
 * The size of `text` in UTF-8, counted only when it can change the answer
 * against `cap`: each UTF-16 code unit is 1 to 3 bytes, so a text with more
 * code units than the cap is over it, and one with at most a third as many is
 * under it, whatever its characters (its length then stands in for its size).
 */
const textBytes = (text: string, cap: number): number => {
  const units = text.length
  return units > cap || units * 3 <= cap ? units : utf8Bytes(text)
}

// The names and values of a query in UTF-8, a name once per value.
const queryBytes = (query: ServerRequest["query"]): number => {
  let bytes = 0
  for (const name in query) {
    const value = query[name]
    const values = typeof value === "string" ? [value] : (value ?? [])
    for (const each of values) bytes += utf8Bytes(name) + utf8Bytes(each)
  }
  return bytes
}

/** The size of `text` in UTF-8, as a `TextEncoder` would write it. */
const utf8Bytes = (text: string): number => {
  const units = text.length
  let bytes = units
  for (let i = 0; i < units; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) continue
    if (unit < 0x800) {
      bytes += 1
    } else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair: two code units, one 4-byte character.
      bytes += 2
      i++
    } else {
      // Three bytes; a lone surrogate is sent as U+FFFD, three bytes too.
      bytes += 2
    }
  }
  return bytes
}

const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff
