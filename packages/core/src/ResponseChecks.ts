/**
 * What a response must be before an adapter hands it to the platform,
 * checked once, here, for both adapters. `ServerRuntime` runs `check` on
 * every response a program produced (with the headers it set along the way);
 * one that fails is answered with the generic 500 and logged, never sent.
 *
 * - **Status**: one the contract lets a server answer — a success (200–299)
 *   or an error status of the contract (400, 401, 403, 404, 429, 500–599).
 *   The contract has no 3xx, so a redirect is refused too (strict reading:
 *   nothing in this library's servers needs one), as is a 409, a 1xx, `NaN`.
 * - **Headers**: names that are HTTP tokens; values (a string, or a list of
 *   strings) without CR, LF or NUL and with no character above U+00FF — what
 *   a Workers `Response` accepts, and what cannot split a Lambda result into
 *   forged headers.
 * - **Body**: a string.
 * - **Size**: within the platform's limit, when the adapter names one
 *   (`Limits.maxJsonBytes`: Lambda carries the response inside a JSON
 *   document of at most 6 MB, 1 MB behind an ALB). The limit is the
 *   adapter's platform fact; the rule is core's.
 *
 * One pass over the headers; the body is measured only when its length
 * alone cannot settle the answer.
 *
 * @module
 */
import { statusClassOf } from "./ApiError.ts"

/**
 * A platform's limits on the responses it carries.
 *
 * @category models
 */
export interface Limits {
  /**
   * For a platform that carries the response inside a JSON document (a
   * Lambda result): the most bytes the status, headers and body may take
   * there. Counted as `JSON.stringify` writes them, in UTF-8: the body and
   * each header value with its name as JSON strings (escapes included), 6
   * bytes of punctuation per header value, and 1 KiB for the rest of the
   * document. @default no limit
   */
  readonly maxJsonBytes?: number | undefined
}

/**
 * A response as a program may have built it: a `ServerResponse` by its type,
 * but built by code the type system may not have checked.
 *
 * @category models
 */
export interface Unchecked {
  readonly status: unknown
  readonly headers: unknown
  readonly body: unknown
}

/**
 * Checks a response against the contract and the platform's limits: the
 * reason it must not be sent, or `undefined` when it may (it is then a
 * valid `ServerResponse`). The reason names what is wrong (a status, a
 * header's name, a size), never a header's value.
 *
 * @category checks
 * @example
 * ```ts
 * import { ResponseChecks, ServerResponse } from "@centrapay-effect/core"
 * ResponseChecks.check(ServerResponse.json({ ok: true })) // undefined
 * ResponseChecks.check(ServerResponse.json({}, { status: 302 }))
 * // "Status 302 is not one the contract lets a server answer (200-299, 400, 401, 403, 404, 429, 500-599)"
 * ResponseChecks.check(ServerResponse.json({}, { headers: { "x-note": "a\r\nb" } }))
 * // 'Header "x-note" has a value with CR, LF, NUL or a character above U+00FF'
 * ```
 */
export const check = (response: Unchecked, limits?: Limits): string | undefined => {
  const { status, headers, body } = response
  if (typeof status !== "number" || !Number.isInteger(status) || statusClassOf(status) === "UnexpectedStatus") {
    return `Status ${String(status)} is not one the contract lets a server answer (200-299, 400, 401, 403, 404, 429, 500-599)`
  }
  if (typeof body !== "string") return `The body is not a string (${typeof body})`
  if (!isRecord(headers)) return "The headers are not a record"
  // Code units of the header names and values, each value with its name and 6 bytes of punctuation.
  let units = 0
  for (const name in headers) {
    if (!headerName.test(name)) return `Header ${quoted(name)} has a name that is not an HTTP token`
    const value = headers[name]
    if (typeof value === "string") {
      if (invalidHeaderValue.test(value)) return invalidValue(name)
      units += name.length + value.length + 6
    } else if (Array.isArray(value)) {
      for (const each of value) {
        if (typeof each !== "string") return `Header ${quoted(name)} has a value that is not a string`
        if (invalidHeaderValue.test(each)) return invalidValue(name)
        units += name.length + each.length + 6
      }
    } else return `Header ${quoted(name)} has a value that is not a string`
  }
  const max = limits?.maxJsonBytes
  if (max === undefined) return undefined
  const budget = max - envelopeBytes
  units += body.length
  // As JSON, each code unit is 1 to 6 bytes: only a response of more than a sixth of the limit is measured.
  if (units <= budget && (units * 6 <= budget || jsonBytes(headers, body) <= budget)) return undefined
  return `The response is larger than the platform carries (${max} bytes as JSON)`
}

// What a JSON result takes besides the headers and the body: its keys, the status, the braces.
const envelopeBytes = 1024

const headerName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const invalidHeaderValue = /[\0\r\n]|[^\0-\xff]/

const quoted = (name: string): string => JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name)

const invalidValue = (name: string): string =>
  `Header ${quoted(name)} has a value with CR, LF, NUL or a character above U+00FF`

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

// The headers (already checked: strings or lists of strings) and body as JSON strings in UTF-8,
// with the punctuation `check` counts per value.
const jsonBytes = (headers: Readonly<Record<string, unknown>>, body: string): number => {
  let bytes = jsonStringBytes(body)
  for (const name in headers) {
    const value = headers[name]
    const values: ReadonlyArray<unknown> = Array.isArray(value) ? value : [value]
    for (const each of values) {
      if (typeof each === "string") bytes += jsonStringBytes(name) + jsonStringBytes(each) + 6
    }
  }
  return bytes
}

// The size of `text` inside a JSON string, without its quotes, as `JSON.stringify` escapes it and UTF-8 encodes it.
const jsonStringBytes = (text: string): number => {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit === 0x22 || unit === 0x5c) bytes += 2
    else if (unit < 0x20) bytes += shortEscapes.has(unit) ? 2 : 6
    else if (unit < 0x80) bytes += 1
    else if (unit < 0x800) bytes += 2
    else if (unit < 0xd800 || unit > 0xdfff) bytes += 3
    else if (unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4
      i++
    } else bytes += 6 // a lone surrogate is escaped: \udXXX
  }
  return bytes
}

// \b \t \n \f \r
const shortEscapes: ReadonlySet<number> = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d])

const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff
