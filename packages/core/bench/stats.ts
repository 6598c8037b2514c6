/**
 * What every benchmark here shares: rounds interleaved across variants (so a
 * busy moment of the machine hits each alike), the median and spread of a
 * ratio to the baseline taken round by round, and the JSON a bench prints
 * for `report.ts`.
 */

/** One variant's samples, one per round (µs, ms or bytes: the bench says which). */
export interface Series {
  readonly name: string
  readonly samples: ReadonlyArray<number>
}

/** A table of variants measured side by side; `baseline` names the row every ratio divides by. */
export interface Table {
  readonly id: string
  readonly title: string
  readonly unit: string
  readonly baseline: string
  readonly rows: ReadonlyArray<Series>
  readonly note?: string
}

/** The median of some numbers (the lower middle one for an even count). */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN
}

/** The ratio of `row` to `baseline` round by round: its median, min and max. */
export const ratio = (
  row: ReadonlyArray<number>,
  baseline: ReadonlyArray<number>
): { readonly median: number; readonly min: number; readonly max: number } => {
  const ratios = row.map((value, index) => value / (baseline[index] ?? Number.NaN))
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) }
}

/**
 * Time per call of `run` in µs: calibrates a batch size once so a batch takes
 * about `targetMs`, then returns a sampler that times one batch per call.
 */
export const sampler = async (run: () => Promise<unknown>, targetMs = 60): Promise<() => Promise<number>> => {
  let iterations = 100
  for (;;) {
    const started = performance.now()
    for (let i = 0; i < iterations; i++) await run()
    const elapsed = performance.now() - started
    if (elapsed > targetMs / 4) {
      iterations = Math.max(1, Math.round((iterations * targetMs) / elapsed))
      break
    }
    iterations *= 4
  }
  return async () => {
    const started = performance.now()
    for (let i = 0; i < iterations; i++) await run()
    return ((performance.now() - started) * 1000) / iterations
  }
}

/**
 * Runs `warmup` rounds (discarded, so the JIT has settled) then `rounds`
 * rounds, each sampling every variant once in order; one series per variant.
 */
export const interleave = async (
  variants: ReadonlyArray<readonly [string, () => Promise<number>]>,
  rounds: number,
  warmup = 2
): Promise<Array<Series>> => {
  const samples = variants.map((): Array<number> => [])
  for (let round = 0; round < warmup + rounds; round++) {
    for (const [index, [, sample]] of variants.entries()) {
      const value = await sample()
      if (round >= warmup) samples[index]?.push(value)
    }
  }
  return variants.map(([name], index) => ({ name, samples: samples[index] ?? [] }))
}

/** Prints tables as the one JSON line `report.ts` reads. */
export const emit = (tables: ReadonlyArray<Table>): void => {
  process.stdout.write(`${JSON.stringify({ tables })}\n`)
}
