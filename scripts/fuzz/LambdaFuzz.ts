/**
 * The Lambda half of `npm run fuzz`: the hostile events of `LambdaInputs`
 * for `LambdaHandler`, judged by `Judge.judgeLambda`, in this process.
 *
 * Inputs run one after another, each timed alone, in rounds of 1,000; the
 * round's inputs that answer only by a deadline then run together (16 at a
 * time, nothing else beside them, so their timers fire on time). Handlers
 * are made once per run, as a container makes them once — the one on the
 * stuck layer is shared too — except the slow-layer one, fresh per input so
 * each meets a cold build.
 */
import type { LambdaEvent } from "@centrapay-effect/lambda-adapter"
import { LambdaHandler } from "@centrapay-effect/lambda-adapter"
import { Duration } from "effect"
import { app, failingLayer, layer, slowLayer, stuckLayer } from "./app.ts"
import { crashed, judgeLambda, type LambdaOutcome, type Source, type Verdict } from "./Judge.ts"
import {
  contextOf,
  generate,
  type HandlerKind,
  type InvocationContext,
  type LambdaInput,
  margin,
  timeoutOf
} from "./LambdaInputs.ts"
import { type Report, tally } from "./Report.ts"
import { inPool, pollutedReason, prototypePollution, quietConsole, restorePrototypes } from "./Runs.ts"

type Handler = LambdaHandler.LambdaHandler<unknown, LambdaEvent.ResultOf<LambdaEvent.Source>>

/** How long past an invocation's timeout an answer is waited for, before it counts as hung. */
const grace = 1_000
/** How long `dispose()` may take: a slow layer's build may still be running when it is called. */
const disposeLimit = 2_000
/** Inputs generated and judged per round: those that wait on a deadline run at the end of their round. */
const chunk = 1_000
/** How many inputs that wait on a deadline run at once. */
const waitingAtOnce = 16

const invoke = (handler: Handler, input: LambdaInput, context: InvocationContext): Promise<LambdaOutcome> => {
  const started = performance.now()
  const after = timeoutOf(input.context) + grace
  let answer: Promise<unknown>
  try {
    answer = Promise.resolve(handler(input.event, context))
  } catch (error) {
    return Promise.resolve({ kind: "threw", error })
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: "hung", after }), after)
    answer.then(
      (value) => {
        clearTimeout(timer)
        resolve({ kind: "resolved", value, ms: performance.now() - started })
      },
      (error: unknown) => {
        clearTimeout(timer)
        resolve({ kind: "rejected", error, ms: performance.now() - started })
      }
    )
  })
}

const msOf = (outcome: LambdaOutcome): number =>
  outcome.kind === "resolved" || outcome.kind === "rejected" ? outcome.ms : outcome.kind === "hung" ? outcome.after : 0

/** Runs `inputs` inputs from `first` (default 0), or until `seconds` pass, and reports. */
export const run = async (options: {
  readonly seed: number
  readonly inputs: number
  readonly first?: number | undefined
  readonly seconds: number
  readonly onProgress?: ((done: number) => void) | undefined
}): Promise<Report> => {
  const handlerOptions = { timeoutMargin: Duration.millis(margin) }
  const detected: Handler = LambdaHandler.make(app, layer, handlerOptions)
  const configured = (source: Source): Handler =>
    LambdaHandler.make(app, layer, { ...handlerOptions, ...sourceOption(source) })
  const shared: Readonly<Record<Exclude<HandlerKind, "slow layer">, Handler>> = {
    detected,
    "api-gateway-v1": configured("api-gateway-v1"),
    "api-gateway-v2": configured("api-gateway-v2"),
    "function-url": configured("function-url"),
    alb: configured("alb"),
    "failing layer": LambdaHandler.make(app, failingLayer, handlerOptions),
    "stuck layer": LambdaHandler.make(app, stuckLayer, handlerOptions)
  }
  const results = tally("lambda", options.seed)
  const silenced = quietConsole()
  const started = performance.now()
  let stoppedByTime = false
  const notes: Array<string> = []
  const disposals: Array<Promise<void>> = []

  const judge = async (input: LambdaInput): Promise<void> => {
    const handler =
      input.handler === "slow layer" ? LambdaHandler.make(app, slowLayer, handlerOptions) : shared[input.handler]
    const outcome = await invoke(handler, input, contextOf(input.context, input.index))
    const polluted = prototypePollution()
    const verdict: Verdict =
      polluted === undefined
        ? judgeLambda(
            {
              event: input.event,
              source: sourceOf(input.handler),
              method: input.method,
              timeoutMs: timeoutOf(input.context),
              mayDie: input.mayDie
            },
            outcome
          )
        : crashed(pollutedReason(polluted))
    if (polluted !== undefined) restorePrototypes()
    results.record(input.index, verdict, msOf(outcome), input.waits ? "deadline" : "timed")
    // Its build may still be running: released beside the run, awaited at the end.
    if (input.handler === "slow layer") disposals.push(disposeWithin(handler, notes, "a slow-layer handler"))
  }

  try {
    const first = options.first ?? 0
    const end = first + options.inputs
    let index = first
    while (index < end && !stoppedByTime) {
      const waiting: Array<LambdaInput> = []
      for (const chunkEnd = Math.min(end, index + chunk); index < chunkEnd; index++) {
        if ((performance.now() - started) / 1000 > options.seconds) {
          stoppedByTime = true
          break
        }
        const input = generate(options.seed, index)
        if (input.waits) waiting.push(input)
        else await judge(input)
      }
      // Inputs that wait on a deadline run together with nothing else beside them, so their timers fire on time.
      await inPool(waiting, waitingAtOnce, judge)
      options.onProgress?.(index - first)
    }
  } finally {
    silenced.restore()
  }
  await Promise.all([
    ...disposals,
    ...Object.entries(shared).map(([kind, handler]) => disposeWithin(handler, notes, `the ${kind} handler`))
  ])
  if (silenced.lines() > 0)
    notes.push(`${silenced.lines()} console lines written outside the program's logger (not shown)`)
  return results.report({ seconds: (performance.now() - started) / 1000, stoppedByTime, notes })
}

const sourceOf = (kind: HandlerKind): Source | undefined =>
  kind === "api-gateway-v1" || kind === "api-gateway-v2" || kind === "function-url" || kind === "alb" ? kind : undefined

// The source as `LambdaHandler.Options` takes it: the handler stays one of unknown events.
const sourceOption = (source: Source): LambdaHandler.Options => ({ source })

const disposeWithin = async (handler: Handler, notes: Array<string>, what: string): Promise<void> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), disposeLimit)
  })
  const outcome = await Promise.race([
    handler.dispose().then(
      () => "done" as const,
      () => "failed" as const
    ),
    timedOut
  ])
  clearTimeout(timer)
  if (outcome !== "done") {
    const line = `dispose() of ${what} ${outcome === "timeout" ? `did not return within ${disposeLimit} ms` : "rejected"}`
    if (!notes.includes(line)) notes.push(line)
  }
}
