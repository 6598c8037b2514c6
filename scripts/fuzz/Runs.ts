/**
 * What both runners need around the handlers they fuzz, in Node and in
 * workerd: console output from outside the program's logger counted instead
 * of printed, a check that no input polluted `Object.prototype`, and a
 * bounded pool for the inputs that wait on a deadline.
 */

/** The console methods a handler may write with. */
const consoleMethods = ["log", "info", "warn", "error", "debug"] as const

/**
 * Replaces the console's methods with a counter: lines the handlers write
 * outside the program's layer (a layer that failed to build, a last-resort
 * answer) are counted, not printed. `restore` puts the methods back.
 */
export const quietConsole = (): { readonly lines: () => number; readonly restore: () => void } => {
  const saved = consoleMethods.map((name) => [name, console[name]] as const)
  let lines = 0
  for (const name of consoleMethods)
    console[name] = () => {
      lines++
    }
  return {
    lines: () => lines,
    restore: () => {
      for (const [name, method] of saved) console[name] = method
    }
  }
}

/** A key every object or array now inherits (an input polluted the prototypes), if any. */
export const prototypePollution = (): string | undefined => {
  for (const key in {}) return key
  for (const key in []) return key
  return undefined
}

/** Removes what was added to `Object.prototype` and `Array.prototype`, so the run goes on clean. */
export const restorePrototypes = (): void => {
  for (const key of Object.keys(Object.prototype)) Reflect.deleteProperty(Object.prototype, key)
  for (const key of Object.keys(Array.prototype)) Reflect.deleteProperty(Array.prototype, key)
}

/** The verdict's reason for a polluted prototype. */
export const pollutedReason = (key: string): string => `Object.prototype polluted with ${JSON.stringify(key)}`

/** Runs `work` on every item, at most `size` at a time. */
export const inPool = async <A>(
  items: ReadonlyArray<A>,
  size: number,
  work: (item: A) => Promise<void>
): Promise<void> => {
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]
      if (item !== undefined) await work(item)
    }
  }
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, lane))
}
