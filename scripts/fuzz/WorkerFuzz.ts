/**
 * The Workers half of `npm run fuzz`: hostile requests (`WorkerInputs`) for
 * `WorkerHandler` in real workerd (miniflare), judged by `Judge.judgeWorker`.
 *
 * The worker (`worker.ts`) gets the inputs as ranges, `{ seed, first, count }`,
 * generates and answers them inside the isolate and sends back verdicts;
 * about one input in thirty is left to this process, which sends it through
 * workerd's HTTP front (`dispatchFetch`), where an uncaught exception would
 * become workerd's own error page. Handlers: the program on its normal layer
 * (most inputs), on a layer that fails to build, never finishes, builds
 * late, or whose layer function throws.
 */
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { type RunningWorker, start } from "../../packages/worker-adapter/test/support/workerd.ts"
import { type Answer, judgeWorker, type WorkerOutcome } from "./Judge.ts"
import { type Report, tally } from "./Report.ts"
import * as Requests from "./Requests.ts"
import {
  type Batch,
  type BatchResult,
  batchPath,
  controlHost,
  generate,
  urlOf,
  type WorkerInput
} from "./WorkerInputs.ts"

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), "worker.ts")
/** How long an answer over HTTP is waited for before it counts as hung. */
const httpWatchdog = 5_000

const sendBatch = async (worker: RunningWorker, batch: Batch): Promise<BatchResult> => {
  const response = await worker.miniflare.dispatchFetch(`https://${controlHost}${batchPath}`, {
    method: "POST",
    body: JSON.stringify(batch)
  })
  if (response.status !== 200) throw new Error(`the fuzz worker failed a batch: ${await response.text()}`)
  return response.json()
}

/** Runs `inputs` inputs from `first` (default 0), or until `seconds` pass, in a fresh workerd, and reports. */
export const run = async (options: {
  readonly seed: number
  readonly inputs: number
  readonly first?: number | undefined
  readonly seconds: number
  readonly batchSize?: number | undefined
  readonly onProgress?: ((done: number) => void) | undefined
}): Promise<Report> => {
  const batchSize = options.batchSize ?? 1_000
  const results = tally("worker", options.seed)
  const notes: Array<string> = []
  let consoleLines = 0
  let stoppedByTime = false
  const started = performance.now()
  const worker = await start(entry)
  try {
    const start = options.first ?? 0
    const end = start + options.inputs
    for (let first = start; first < end; first += batchSize) {
      if ((performance.now() - started) / 1000 > options.seconds) {
        stoppedByTime = true
        break
      }
      const batch = await sendBatch(worker, { seed: options.seed, first, count: Math.min(batchSize, end - first) })
      for (const result of batch.results)
        results.record(result.index, result.verdict, result.ms, result.waits ? "deadline" : "timed")
      for (const { index, error } of batch.unbuildable)
        notes.push(`input ${index} could not be built as a Request: ${error}`)
      for (const index of batch.overHttp) {
        const input = generate(options.seed, index)
        const { outcome, ms } = await overHttp(worker.fetch, input)
        const verdict = judgeWorker(
          { method: input.method, deadlineMs: undefined, overHttp: true, mayDie: input.mayDie },
          outcome
        )
        results.record(index, verdict, ms, "round trip")
      }
      options.onProgress?.(Math.min(end, first + batchSize) - start)
    }
    // An empty batch reads the console count after the last requests over HTTP.
    consoleLines = (await sendBatch(worker, { seed: options.seed, first: 0, count: 0 })).consoleLines
  } finally {
    await worker.dispose()
  }
  if (consoleLines > 0) notes.push(`${consoleLines} console lines written outside the program's logger (not shown)`)
  return results.report({ seconds: (performance.now() - started) / 1000, stoppedByTime, notes })
}

/** Sends an input through workerd's HTTP front, as a client would. */
const overHttp = async (
  send: RunningWorker["fetch"],
  input: WorkerInput
): Promise<{ readonly outcome: WorkerOutcome; readonly ms: number }> => {
  const began = performance.now()
  try {
    const received = await send(urlOf(input), {
      method: input.method,
      headers: input.headers.map(([name, value]): [string, string] => [name, value]),
      ...(input.body === undefined ? {} : { body: Requests.bodyBytes(input.body) }),
      redirect: "manual",
      signal: AbortSignal.timeout(httpWatchdog)
    })
    const ms = performance.now() - began
    const headers: Array<readonly [string, string]> = Object.entries(received.headers).filter(
      ([name]) => name !== "set-cookie"
    )
    for (const cookie of received.setCookie) headers.push(["set-cookie", cookie])
    const answer: Answer = { status: received.status, headers, body: received.text }
    return { outcome: { kind: "answered", answer, ms }, ms }
  } catch (error) {
    const ms = performance.now() - began
    return error instanceof DOMException && error.name === "TimeoutError"
      ? { outcome: { kind: "hung", after: httpWatchdog }, ms }
      : { outcome: { kind: "threw", error }, ms }
  }
}
