/**
 * What a fuzz run found, per adapter: the four counts of the summary line,
 * each distinct finding with how often it happened and the first input that
 * showed it, the latency of every input, and the slowest inputs.
 */
import type { Verdict } from "./Judge.ts"

/** The adapters the fuzzer runs against. */
export type Adapter = "lambda" | "worker"

/** The four things an input can do wrong. */
export type Category = "crash" | "invalid" | "leak" | "injected header"

/** One distinct finding: its first input, and how many inputs showed it. */
export interface Finding {
  readonly category: Category
  readonly reason: string
  readonly count: number
  readonly first: number
}

/** A run's result for one adapter. */
export interface Report {
  readonly adapter: Adapter
  readonly seed: number
  readonly inputs: number
  readonly crashes: number
  readonly invalid: number
  readonly leaks: number
  readonly injectedHeaders: number
  readonly findings: ReadonlyArray<Finding>
  /** Milliseconds per input, for the inputs timed where the handler runs (`Timing` "timed"). */
  readonly latencies: ReadonlyArray<number>
  /** The slowest of those inputs, slowest first. */
  readonly slowest: ReadonlyArray<{ readonly index: number; readonly ms: number }>
  /** The slowest input of each other timing, if any ran. */
  readonly slowestOther: Readonly<
    Partial<Record<Exclude<Timing, "timed">, { readonly index: number; readonly ms: number }>>
  >
  readonly seconds: number
  /** The run stopped at `--seconds` before its `--inputs`. */
  readonly stoppedByTime: boolean
  /** Anything else worth saying (a dispose that never returned, console lines swallowed). */
  readonly notes: ReadonlyArray<string>
}

/**
 * What an input's time measures: the handler where it runs (`timed`), an
 * answer that comes only by the deadline, by design (`deadline`: a stuck
 * program or layer), or a round trip through workerd's HTTP front.
 */
export type Timing = "timed" | "deadline" | "round trip"

/** Collects verdicts as a run goes. */
export interface Tally {
  /** Records an input's verdict and time. */
  readonly record: (index: number, verdict: Verdict, ms: number, timing: Timing) => void
  readonly report: (options: {
    readonly seconds: number
    readonly stoppedByTime: boolean
    readonly notes: ReadonlyArray<string>
  }) => Report
}

const slowestKept = 5

/** A tally for one adapter's run. */
export const tally = (adapter: Adapter, seed: number): Tally => {
  const counts = { crashes: 0, invalid: 0, leaks: 0, injectedHeaders: 0 }
  const findings = new Map<string, { category: Category; reason: string; count: number; first: number }>()
  const latencies: Array<number> = []
  const slowest: Array<{ index: number; ms: number }> = []
  let inputs = 0
  const slowestOther: Partial<Record<Exclude<Timing, "timed">, { index: number; ms: number }>> = {}
  const note = (category: Category, reason: string, index: number) => {
    const key = `${category}\u0000${reason}`
    const found = findings.get(key)
    if (found === undefined) findings.set(key, { category, reason, count: 1, first: index })
    else found.count++
  }
  return {
    record: (index, verdict, ms, timing) => {
      inputs++
      if (timing !== "timed") {
        const other = slowestOther[timing]
        if (other === undefined || ms > other.ms) slowestOther[timing] = { index, ms }
      } else latencies.push(ms)
      if (timing === "timed" && (slowest.length < slowestKept || ms > (slowest[slowest.length - 1]?.ms ?? 0))) {
        slowest.push({ index, ms })
        slowest.sort((a, b) => b.ms - a.ms)
        slowest.length = Math.min(slowest.length, slowestKept)
      }
      if (verdict.crash !== undefined) {
        counts.crashes++
        note("crash", verdict.crash, index)
      }
      if (verdict.invalid.length > 0) counts.invalid++
      if (verdict.leaks.length > 0) counts.leaks++
      if (verdict.injected.length > 0) counts.injectedHeaders++
      for (const reason of verdict.invalid) note("invalid", reason, index)
      for (const reason of verdict.leaks) note("leak", reason, index)
      for (const reason of verdict.injected) note("injected header", reason, index)
    },
    report: ({ seconds, stoppedByTime, notes }) => ({
      adapter,
      seed,
      inputs,
      ...counts,
      findings: [...findings.values()].sort((a, b) => b.count - a.count),
      latencies,
      slowest: [...slowest],
      slowestOther: { ...slowestOther },
      seconds,
      stoppedByTime,
      notes
    })
  }
}

/**
 * The run's last line for an adapter, exactly:
 * `fuzz <adapter>: <N> inputs, crashes <n>, invalid <n>, leaks <n>, injected headers <n>`.
 */
export const summaryLine = (report: Report): string =>
  `fuzz ${report.adapter}: ${report.inputs} inputs, crashes ${report.crashes}, invalid ${report.invalid}, leaks ${report.leaks}, injected headers ${report.injectedHeaders}`

/** True when every count but the number of inputs is 0. */
export const passed = (report: Report): boolean =>
  report.crashes === 0 && report.invalid === 0 && report.leaks === 0 && report.injectedHeaders === 0

/** The 99th percentile and the maximum of the latencies, in ms. */
export const latency = (report: Report): { readonly p99: number; readonly max: number } => {
  const sorted = [...report.latencies].sort((a, b) => a - b)
  const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0
  return { p99, max: sorted[sorted.length - 1] ?? 0 }
}

const otherLabels: Readonly<Record<Exclude<Timing, "timed">, string>> = {
  deadline: "answered by a deadline",
  "round trip": "over HTTP, round trip"
}

/**
 * The latency line printed before the summary lines: p99 and max over the
 * inputs timed where the handler runs, then the slowest of the others.
 */
export const latencyLine = (report: Report, how: string): string => {
  const { p99, max } = latency(report)
  const slowest = report.slowest[0]
  const others = (["deadline", "round trip"] as const).flatMap((timing) => {
    const other = report.slowestOther[timing]
    return other === undefined ? [] : [`; ${otherLabels[timing]}: max ${other.ms.toFixed(1)} ms (input ${other.index})`]
  })
  return `fuzz ${report.adapter} latency (${how}): p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms${slowest === undefined ? "" : ` (input ${slowest.index})`}${others.join("")}`
}

/**
 * A value as a short line of JSON: long strings cut, long lists and maps
 * counted, so a 6 MB body or 20,000 headers stay readable.
 */
export const abbreviate = (value: unknown, limit = 600): string => {
  const replacer = (_key: string, item: unknown): unknown => {
    if (typeof item === "string" && item.length > 60) return `${item.slice(0, 40)}…(${item.length} chars)`
    if (Array.isArray(item) && item.length > 6) return [...item.slice(0, 3), `…(${item.length} items)`]
    if (typeof item === "object" && item !== null && !Array.isArray(item)) {
      const keys = Object.keys(item)
      if (keys.length > 12) {
        const shown: Record<string, unknown> = {}
        for (const key of keys.slice(0, 6))
          Object.defineProperty(shown, key, { value: Reflect.get(item, key), enumerable: true })
        Object.defineProperty(shown, "…", { value: `${keys.length} keys`, enumerable: true })
        return shown
      }
    }
    if (typeof item === "number" && !Number.isFinite(item)) return String(item)
    return item
  }
  let text: string
  try {
    text = JSON.stringify(value, replacer) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > limit ? `${text.slice(0, limit)}…` : text
}
