/**
 * Headers both ways. Requests: every event shape becomes core's form, lower-
 * case names with repeated values joined (`", "`, or `"; "` for `cookie`).
 * Responses: core's form (a name may carry several values) becomes the
 * single-value map, multi-value map or `cookies` list each event source
 * expects.
 */
import type * as ServerResponse from "@centrapay-effect/core/ServerResponse"
import { isRecord, put, stringOf, stringsOf } from "./values.ts"

const separatorOf = (name: string): string => (name === "cookie" ? "; " : ", ")

/**
 * Lower-case request headers from an event's single-value map and, when the
 * event has one, its multi-value map (which holds every value, so a name it
 * has wins). Within a map, names that differ only in case (`X-Api-Key` and
 * `x-api-key`) are one header, their values joined in the map's order — as a
 * Workers `Headers` joins a repeated header — so both runtimes read the same
 * value.
 */
export const requestHeaders = (single: unknown, multi: unknown): Readonly<Record<string, string>> => {
  // Payload 2.0 headers usually are such a map already: read as they are, not rebuilt.
  if (!isRecord(multi) && isRecord(single) && isLowerCaseStringMap(single)) return single
  const headers = fromMap(single, singleValue)
  if (isRecord(multi)) {
    const every = fromMap(multi, stringsOf)
    for (const name of Object.keys(every)) put(headers, name, every[name] ?? "")
  }
  return headers
}

const singleValue = (value: unknown): Array<string> => {
  const text = stringOf(value)
  return text === undefined ? [] : [text]
}

const fromMap = (map: unknown, valuesOf: (value: unknown) => Array<string>): Record<string, string> => {
  const headers: Record<string, string> = {}
  if (!isRecord(map)) return headers
  for (const name of Object.keys(map)) {
    const values = valuesOf(map[name])
    if (values.length === 0) continue
    const lower = name.toLowerCase()
    const separator = separatorOf(lower)
    const value = values.join(separator)
    put(headers, lower, Object.hasOwn(headers, lower) ? `${headers[lower]}${separator}${value}` : value)
  }
  return headers
}

// A plain object (nothing inherited to enumerate) of lower-case names and string values.
const isLowerCaseStringMap = (
  headers: Readonly<Record<string, unknown>>
): headers is Readonly<Record<string, string>> => {
  if (Object.getPrototypeOf(headers) !== Object.prototype) return false
  for (const name in headers) {
    if (typeof headers[name] !== "string" || name !== name.toLowerCase()) return false
  }
  return true
}

/** Response headers with one value each: repeated values joined with `", "`. */
export const joined = (headers: ServerResponse.ServerResponse["headers"]): Record<string, string> => {
  const single: Record<string, string> = {}
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (value !== undefined) put(single, name, typeof value === "string" ? value : value.join(", "))
  }
  return single
}

/** Response headers with every value as a list. */
export const lists = (headers: ServerResponse.ServerResponse["headers"]): Record<string, Array<string>> => {
  const multi: Record<string, Array<string>> = {}
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (value !== undefined) put(multi, name, typeof value === "string" ? [value] : [...value])
  }
  return multi
}

/**
 * Response headers split for API Gateway REST: one value in `headers`,
 * several in `multiValueHeaders` (left out when no header repeats).
 */
export const split = (
  headers: ServerResponse.ServerResponse["headers"]
): { headers: Record<string, string>; multiValueHeaders?: Record<string, Array<string>> } => {
  const single: Record<string, string> = {}
  let multi: Record<string, Array<string>> | undefined
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (value === undefined) continue
    if (typeof value === "string") put(single, name, value)
    else if (value.length === 1) put(single, name, value[0] ?? "")
    else {
      multi ??= {}
      put(multi, name, [...value])
    }
  }
  return multi === undefined ? { headers: single } : { headers: single, multiValueHeaders: multi }
}

/**
 * Response headers for payload 2.0 (HTTP API, Function URLs): `Set-Cookie`
 * values go to `cookies`, other repeated values are joined.
 */
export const withCookies = (
  headers: ServerResponse.ServerResponse["headers"]
): { headers: Record<string, string>; cookies?: Array<string> } => {
  const single: Record<string, string> = {}
  let cookies: Array<string> | undefined
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (value === undefined) continue
    if (name.toLowerCase() === "set-cookie") {
      cookies ??= []
      if (typeof value === "string") cookies.push(value)
      else cookies.push(...value)
    } else put(single, name, typeof value === "string" ? value : value.join(", "))
  }
  return cookies === undefined ? { headers: single } : { headers: single, cookies }
}

/**
 * Response headers for a single-value target (ALB without multi-value
 * headers): repeated values are joined, except `Set-Cookie`, which cannot be
 * joined; each of its values goes under a differently cased name
 * (`set-cookie`, `Set-cookie`, `sEt-cookie`, …), which header-name
 * case-insensitivity makes the same header for the client.
 */
export const singleWithCookieVariants = (headers: ServerResponse.ServerResponse["headers"]): Record<string, string> => {
  const single: Record<string, string> = {}
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (value === undefined) continue
    if (typeof value === "string") put(single, name, value)
    else if (name.toLowerCase() !== "set-cookie") put(single, name, value.join(", "))
    else {
      value.forEach((cookie, index) => {
        put(single, casedVariant("set-cookie", index), cookie)
      })
    }
  }
  return single
}

// The `index`-th spelling of `name` in mixed case: bit i of `index` upper-cases letter i.
const casedVariant = (name: string, index: number): string => {
  let bit = 0
  let spelled = ""
  for (const char of name) {
    const isLetter = char.toLowerCase() !== char.toUpperCase()
    spelled += isLetter && (index >> bit++) & 1 ? char.toUpperCase() : char
  }
  return spelled
}
