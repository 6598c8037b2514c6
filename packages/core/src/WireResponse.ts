/**
 * The framework-neutral HTTP response that `decodeResponse` reads and
 * `encodeError` writes. Adapters translate their platform's shapes to and
 * from it; nothing here knows about Lambda, Workers or fetch.
 *
 * @module
 */

/**
 * A response as received by a client, before any interpretation: any status,
 * any headers (names in any case, repeated values as arrays), any body bytes.
 *
 * @category models
 */
export interface ReceivedResponse {
  readonly status: number
  readonly headers?: Readonly<Record<string, string | ReadonlyArray<string> | undefined>> | undefined
  readonly body?: string | Uint8Array | null | undefined
}

/**
 * A response ready to send: the status, lower-case header names with one
 * value each, and the body as text.
 *
 * @category models
 */
export interface WireResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * Reads a header by name, case-insensitively. Repeated values are joined with
 * `", "` as RFC 9110 allows for list-valued fields.
 *
 * @category accessors
 * @example
 * ```ts
 * import { WireResponse } from "@centrapay-effect/core"
 * WireResponse.headerValue({ "Retry-After": "3" }, "retry-after") // "3"
 * ```
 */
export const headerValue = (headers: ReceivedResponse["headers"], name: string): string | undefined => {
  if (headers === undefined) return undefined
  const wanted = name.toLowerCase()
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== wanted) continue
    const value = headers[key]
    if (typeof value === "string") return value
    if (value !== undefined && value.length > 0) return value.join(", ")
  }
  return undefined
}

const utf8 = new TextDecoder("utf-8", { fatal: false })

/**
 * The body as text: bytes are read as UTF-8 (invalid sequences become U+FFFD),
 * a missing body is the empty string.
 *
 * @category accessors
 */
export const bodyText = (body: ReceivedResponse["body"]): string =>
  body === undefined || body === null ? "" : typeof body === "string" ? body : utf8.decode(body)
