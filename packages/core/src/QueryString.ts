/**
 * A request's query parameters in core's form (`name → value`, or every
 * value when a name repeats), read by one parser from every form a platform
 * hands them over: a raw query string (a Workers URL's search, Lambda
 * payload 2.0's `rawQueryString`) or maps of names to values (API Gateway
 * REST, ALB). Both adapters use it, so a query means the same on every
 * runtime:
 *
 * - **Linear** in the input: a repeated name appends to its list in place.
 * - **Prototype-safe**: the result has no prototype, so `constructor`,
 *   `__proto__` or `toString` are names like any other.
 * - **Bounded**: reading stops as soon as the query is past core's caps
 *   (`RequestChecks.maxQueryParameters`, `RequestChecks.maxQueryBytes`);
 *   what was read is enough for `RequestChecks.check` to answer the 400.
 * - **Decoded as `URLSearchParams` decodes** (`application/x-www-form-urlencoded`):
 *   `+` is a space, `%XX` escapes are UTF-8, an escape that is not one keeps
 *   its text, invalid UTF-8 becomes U+FFFD.
 *
 * @module
 */
import { maxQueryBytes, maxQueryParameters } from "./RequestChecks.ts"

/**
 * Query parameters: a name's value, or all of them in order when it repeats.
 *
 * @category models
 */
export type Query = Readonly<Record<string, string | ReadonlyArray<string>>>

/**
 * How the names and values of parameter maps arrive: already decoded (API
 * Gateway REST), or percent-encoded as the client sent them (ALB).
 *
 * @category models
 */
export type Encoding = "decoded" | "percent-encoded"

/**
 * The query without parameters, shared: reading a request without a query
 * allocates nothing.
 *
 * @category constants
 */
export const empty: Query = Object.freeze(Object.create(null))

/**
 * Decodes one `application/x-www-form-urlencoded` name or value.
 *
 * @category decoding
 * @example
 * ```ts
 * import { QueryString } from "@centrapay-effect/core"
 * QueryString.decodeComponent("a+b%2Fc") // "a b/c"
 * QueryString.decodeComponent("100%") // "100%": not an escape, kept
 * QueryString.decodeComponent("%E0%A4%A") // "\uFFFD%A": invalid UTF-8 is U+FFFD
 * ```
 */
export const decodeComponent = (text: string): string => {
  const spaced = text.includes("+") ? text.replaceAll("+", " ") : text
  if (!spaced.includes("%")) return spaced
  try {
    return decodeURIComponent(spaced)
  } catch {
    return percentDecode(spaced)
  }
}

/**
 * Parses a raw query string (`a=1&a=2&b`, without the `?`), decoding names
 * and values. Empty pairs are skipped; a name without `=` has the value `""`.
 *
 * @category decoding
 * @example
 * ```ts
 * import { QueryString } from "@centrapay-effect/core"
 * QueryString.parse("tag=a&tag=b&q=x%20y&constructor=1")
 * // { tag: ["a", "b"], q: "x y", constructor: "1" } (no prototype)
 * ```
 */
export const parse = (raw: string): Query => {
  if (raw === "") return empty
  const reader = new Reader()
  const length = raw.length
  let start = 0
  while (start < length) {
    let end = raw.indexOf("&", start)
    if (end === -1) end = length
    if (end > start) {
      // The pair is sliced first, so `=` is searched for within it only (linear, not quadratic).
      const pair = raw.slice(start, end)
      const equals = pair.indexOf("=")
      const full =
        equals === -1
          ? reader.add(decodeComponent(pair), "")
          : reader.add(decodeComponent(pair.slice(0, equals)), decodeComponent(pair.slice(equals + 1)))
      if (full) break
    }
    start = end + 1
  }
  return reader.query
}

/**
 * Reads parameter maps, as API Gateway REST and ALB events carry them: a
 * multi-value map (`name → [values]`, holding every value) and a
 * single-value map (`name → value`). Every value of the multi-value map is
 * kept; the single-value map adds the names the other lacks. Values that are
 * not strings (numbers and booleans are read as text) are dropped; anything
 * that is not a map is no parameters.
 *
 * @category decoding
 * @example
 * ```ts
 * import { QueryString } from "@centrapay-effect/core"
 * QueryString.fromMaps({ q: "c d" }, { q: ["a%20b", "c+d"] }, "percent-encoded") // { q: ["a b", "c d"] }
 * QueryString.fromMaps({ page: "2" }, null, "decoded") // { page: "2" }
 * ```
 */
export const fromMaps = (single: unknown, multi: unknown, encoding: Encoding): Query => {
  const hasMulti = isMap(multi)
  const hasSingle = isMap(single)
  if (!hasMulti && !hasSingle) return empty
  const decode = encoding === "decoded" ? asDecoded : decodeComponent
  const reader = new Reader()
  if (hasMulti) {
    for (const name of Object.keys(multi)) {
      const values = multi[name]
      const decodedName = decode(name)
      if (Array.isArray(values)) {
        for (const value of values) {
          const text = textOf(value)
          if (text !== undefined && reader.add(decodedName, decode(text))) return reader.query
        }
      } else {
        const text = textOf(values)
        if (text !== undefined && reader.add(decodedName, decode(text))) return reader.query
      }
    }
  }
  if (hasSingle) {
    const fromMulti = hasMulti ? reader.names() : undefined
    for (const name of Object.keys(single)) {
      const decodedName = decode(name)
      if (fromMulti?.has(decodedName)) continue
      const value = single[name]
      const text = textOf(Array.isArray(value) ? value[0] : value)
      if (text !== undefined && reader.add(decodedName, decode(text))) return reader.query
    }
  }
  return reader.query
}

// Collects parameters into a record without a prototype, counting them and the UTF-16 code
// units of their names and values (never more than their UTF-8 bytes) against core's caps.
class Reader {
  readonly query: Record<string, string | Array<string>> = Object.create(null)
  private parameters = 0
  private units = 0

  /** Adds a parameter; `true` once the query is past a cap, and reading may stop. */
  add(name: string, value: string): boolean {
    const earlier = this.query[name]
    if (earlier === undefined) this.query[name] = value
    else if (typeof earlier === "string") this.query[name] = [earlier, value]
    else earlier.push(value)
    this.parameters++
    this.units += name.length + value.length
    return this.parameters > maxQueryParameters || this.units > maxQueryBytes
  }

  names(): ReadonlySet<string> {
    return new Set(Object.keys(this.query))
  }
}

const asDecoded = (text: string): string => text

const isMap = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const textOf = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : undefined

const utf8Encoder = new TextEncoder()
// URLSearchParams decodes without removing a byte-order mark.
const utf8Decoder = new TextDecoder("utf-8", { ignoreBOM: true })

// The WHATWG URL standard's percent-decode, then UTF-8 decode: for text that
// `decodeURIComponent` refuses (a `%` not followed by two hex digits, invalid UTF-8).
const percentDecode = (text: string): string => {
  const bytes = utf8Encoder.encode(text)
  const decoded = new Uint8Array(bytes.length)
  let length = 0
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0
    const high = byte === 0x25 ? hexValue(bytes[i + 1]) : -1
    const low = high === -1 ? -1 : hexValue(bytes[i + 2])
    if (low === -1) decoded[length++] = byte
    else {
      decoded[length++] = high * 16 + low
      i += 2
    }
  }
  return utf8Decoder.decode(decoded.subarray(0, length))
}

const hexValue = (byte: number | undefined): number => {
  if (byte === undefined) return -1
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57
  return -1
}
