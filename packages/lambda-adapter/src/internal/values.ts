/**
 * Reading untrusted event JSON: Lambda events are typed by `@types/aws-lambda`,
 * but a field the types promise may be missing, `null` or of another type in
 * a hand-made or older event. These guards read such a field without
 * throwing, and write record keys without touching `Object.prototype`.
 */

/** A plain JSON object (not an array, not `null`). */
export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** A string, or a number or boolean written as one; anything else is absent. */
export const stringOf = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : undefined

/** The strings of an array (others dropped); a lone string is a list of one. */
export const stringsOf = (value: unknown): Array<string> => {
  if (!Array.isArray(value)) {
    const single = stringOf(value)
    return single === undefined ? [] : [single]
  }
  const strings: Array<string> = []
  for (const item of value) {
    const text = stringOf(item)
    if (text !== undefined) strings.push(text)
  }
  return strings
}

/** A field of a JSON object, or `undefined` when the value is not an object. */
export const field = (value: unknown, name: string): unknown => (isRecord(value) ? value[name] : undefined)

/**
 * Sets `record[key]`; a `__proto__` key becomes an own property instead of
 * replacing the record's prototype.
 */
export const put = <V>(record: Record<string, V>, key: string, value: NoInfer<V>): void => {
  if (key === "__proto__")
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
  else record[key] = value
}
