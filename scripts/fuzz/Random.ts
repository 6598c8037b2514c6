/**
 * Seeded draws for the fuzzer: input `i` of seed `s` depends on `(s, i)`
 * only, so any input can be rebuilt alone (`npm run fuzz -- --seed s --index i`)
 * without generating the ones before it.
 */

/** A stream of draws for one input. */
export interface Draw {
  /** A number in [0, 1). */
  readonly next: () => number
  /** An integer in [min, max]. */
  readonly int: (min: number, max: number) => number
  /** True with probability `p`. */
  readonly chance: (p: number) => boolean
  /** One of `items`, uniformly. */
  readonly pick: <A>(items: ReadonlyArray<A>) => A
  /** One of the values, with probability proportional to its weight. */
  readonly weighted: <A>(entries: ReadonlyArray<readonly [weight: number, value: A]>) => A
}

/** The draws of input `index` under `seed` (mulberry32 over a mix of both). */
export const forInput = (seed: number, index: number): Draw => {
  let state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 0x632be5ab, 0xc2b2ae35)) >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  const pick = <A>(items: ReadonlyArray<A>): A => {
    const item = items[Math.floor(next() * items.length)]
    if (item === undefined) throw new RangeError("pick from an empty list")
    return item
  }
  const weighted = <A>(entries: ReadonlyArray<readonly [number, A]>): A => {
    let left = next() * entries.reduce((sum, [weight]) => sum + weight, 0)
    for (const [weight, value] of entries) {
      left -= weight
      if (left < 0) return value
    }
    const last = entries[entries.length - 1]
    if (last === undefined) throw new RangeError("weighted pick from an empty list")
    return last[1]
  }
  return { next, int, chance: (p) => next() < p, pick, weighted }
}
