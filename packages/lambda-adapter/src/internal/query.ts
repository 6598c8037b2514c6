/**
 * Query parameters in core's form (`name → value`, or every value when a name
 * repeats), from the three ways Lambda events carry them: a raw query string
 * (API Gateway HTTP API, Function URLs), decoded maps (API Gateway REST), and
 * maps of still percent-encoded values (ALB).
 */
import { isRecord, put, stringsOf } from "./values.ts"

/** Core's query form. */
export type Query = Record<string, string | ReadonlyArray<string>>

const add = (query: Query, name: string, value: string): void => {
  const earlier = query[name]
  if (earlier === undefined || !Object.hasOwn(query, name)) put(query, name, value)
  else put(query, name, typeof earlier === "string" ? [earlier, value] : [...earlier, value])
}

/** Decodes `application/x-www-form-urlencoded` text (`+` is a space); malformed escapes stay as sent. */
export const decodeComponent = (text: string): string => {
  const spaced = text.includes("+") ? text.replaceAll("+", " ") : text
  if (!spaced.includes("%")) return spaced
  try {
    return decodeURIComponent(spaced)
  } catch {
    return spaced
  }
}

/** Parses a raw query string (`a=1&a=2&b`), decoding names and values. */
export const parse = (raw: string): Query => {
  const query: Query = {}
  if (raw === "") return query
  for (const pair of raw.split("&")) {
    if (pair === "") continue
    const equals = pair.indexOf("=")
    const name = decodeComponent(equals === -1 ? pair : pair.slice(0, equals))
    add(query, name, equals === -1 ? "" : decodeComponent(pair.slice(equals + 1)))
  }
  return query
}

/**
 * Reads an event's parameter maps: the multi-value map when it has a name,
 * else the single-value map. `decode` is applied to names and values (ALB
 * passes them percent-encoded; API Gateway REST already decoded them).
 */
export const fromMaps = (single: unknown, multi: unknown, decode: (text: string) => string): Query => {
  const query: Query = {}
  if (isRecord(single)) {
    for (const name of Object.keys(single)) {
      const [value] = stringsOf(single[name])
      if (value !== undefined) put(query, decode(name), decode(value))
    }
  }
  if (isRecord(multi)) {
    for (const name of Object.keys(multi)) {
      const values = stringsOf(multi[name])
      if (values.length === 0) continue
      put(query, decode(name), values.length === 1 ? decode(values[0] ?? "") : values.map(decode))
    }
  }
  return query
}
