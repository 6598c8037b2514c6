/**
 * The worker the Workers fuzzer runs in workerd. Requests to a handler's host
 * (`main.fuzz.test`, `stuck-layer.fuzz.test`, …) go straight to that
 * handler, as over HTTP; a `POST /batch` to `control.fuzz.test` names a
 * range of inputs (`{ seed, first, count }`): the worker generates each
 * (`WorkerInputs.generate`), builds its `Request`, has its handler answer it
 * inside the isolate (no loopback per request) and judges the answer here
 * with the fuzzer's rules; only the verdicts go back, with the indices of
 * the inputs that travel over HTTP instead.
 *
 * Handlers: the fuzz program on its normal layer, on a layer that fails to
 * build, one that never finishes (shared, as an isolate shares it), one that
 * builds late (a fresh handler per request), and a layer function that
 * throws; each with a 50 ms deadline and the default 1 MiB body cap.
 *
 * workerd's clock moves only across I/O, so an item's time is read after a
 * timer turn on each side: milliseconds, including that turn.
 */
import { WorkerHandler } from "@centrapay-effect/worker-adapter"
import type { ExecutionContext } from "@cloudflare/workers-types"
import { app, failingLayer, layer, slowLayer, stuckLayer } from "./app.ts"
import { type Answer, crashed, judgeWorker, type Verdict, type WorkerOutcome } from "./Judge.ts"
import { inPool, pollutedReason, prototypePollution, quietConsole, restorePrototypes } from "./Runs.ts"
import { defectMessage } from "./Secrets.ts"
import {
  type Batch,
  type BatchResult,
  batchPath,
  bodyOf,
  controlHost,
  generate,
  type HandlerKind,
  handlerOfHost,
  headersOf,
  type Result,
  urlOf,
  type WorkerInput
} from "./WorkerInputs.ts"

/** The deadline every handler here is made with. */
const deadline = 50
/** How late past the deadline an answer may come (timers run late on a busy machine). */
const grace = 450
/** How long an answer is waited for before it counts as hung: past the slow layer's build. */
const watchdog = 1_500
/** How many items that wait on the deadline run at once. */
const waitingAtOnce = 16

type Handler = WorkerHandler.WorkerHandler<object>

const options = { deadline: `${deadline} millis` } as const
const shared: Readonly<Record<Exclude<HandlerKind, "slow layer">, Handler>> = {
  main: WorkerHandler.make(app, layer, options),
  "failing layer": WorkerHandler.make(app, failingLayer, options),
  "stuck layer": WorkerHandler.make(app, stuckLayer, options),
  "layer throws": WorkerHandler.make(
    app,
    (_env: object) => {
      throw new Error(defectMessage)
    },
    options
  )
}

const handlerFor = (kind: HandlerKind): Handler =>
  kind === "slow layer" ? WorkerHandler.make(app, slowLayer, options) : shared[kind]

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

const answerOf = async (response: Response): Promise<Answer> => {
  const headers: Array<readonly [string, string]> = []
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers.push([name, value])
  })
  for (const cookie of response.headers.getSetCookie()) headers.push(["set-cookie", cookie])
  return { status: response.status, headers, body: await response.text() }
}

/** Sends one request to its handler and reads the whole answer, giving up after the watchdog. */
const outcomeOf = async (
  handler: Handler,
  request: Request,
  env: object,
  ctx: ExecutionContext
): Promise<{ readonly outcome: WorkerOutcome; readonly ms: number }> => {
  await tick()
  const started = Date.now()
  let timer: ReturnType<typeof setTimeout> | undefined
  const hung = new Promise<WorkerOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "hung", after: watchdog }), watchdog)
  })
  const answered = (async (): Promise<WorkerOutcome> => {
    try {
      const response: unknown = await handler.fetch(request, env, ctx)
      if (!(response instanceof Response)) return { kind: "threw", error: new TypeError("not a Response") }
      return { kind: "answered", answer: await answerOf(response), ms: 0 }
    } catch (error) {
      return { kind: "threw", error }
    }
  })()
  const outcome = await Promise.race([answered, hung])
  clearTimeout(timer)
  await tick()
  const ms = Date.now() - started
  return { outcome: outcome.kind === "answered" ? { ...outcome, ms } : outcome, ms }
}

const judge = async (item: WorkerInput, env: object, ctx: ExecutionContext): Promise<Result | string> => {
  let request: Request
  try {
    const body = bodyOf(item)
    request = new Request(urlOf(item), { method: item.method, headers: headersOf(item, body), body: body ?? null })
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
  const { outcome, ms } = await outcomeOf(handlerFor(item.handler), request, env, ctx)
  const polluted = prototypePollution()
  const verdict: Verdict =
    polluted === undefined
      ? judgeWorker(
          {
            method: item.method,
            deadlineMs: item.waits ? deadline + grace : undefined,
            overHttp: false,
            mayDie: item.mayDie
          },
          outcome
        )
      : crashed(pollutedReason(polluted))
  if (polluted !== undefined) restorePrototypes()
  return { index: item.index, verdict, ms, waits: item.waits }
}

// Console lines written outside the program's logger: counted, not printed, for as long as the isolate lives.
let silenced: ReturnType<typeof quietConsole> | undefined

const runBatch = async ({ seed, first, count }: Batch, env: object, ctx: ExecutionContext): Promise<BatchResult> => {
  const results: Array<Result> = []
  const unbuildable: Array<{ index: number; error: string }> = []
  const overHttp: Array<number> = []
  const waiting: Array<number> = []
  const run = async (item: WorkerInput) => {
    const judged = await judge(item, env, ctx)
    if (typeof judged === "string") unbuildable.push({ index: item.index, error: judged })
    else results.push(judged)
  }
  // In turn, so each is timed alone; then the inputs that wait on the deadline, together and with
  // nothing else beside them, so their timers fire on time. Each is generated when its turn comes.
  for (let index = first; index < first + count; index++) {
    const item = generate(seed, index)
    if (item.overHttp) overHttp.push(index)
    else if (item.waits) waiting.push(index)
    else await run(item)
  }
  await inPool(waiting, waitingAtOnce, (index) => run(generate(seed, index)))
  return { results, overHttp, unbuildable, consoleLines: silenced?.lines() ?? 0 }
}

export default {
  async fetch(request: Request, env: object, ctx: ExecutionContext): Promise<Response> {
    silenced ??= quietConsole()
    const url = new URL(request.url)
    if (url.hostname === controlHost && url.pathname === batchPath && request.method === "POST") {
      const batch: Batch = await request.json()
      return Response.json(await runBatch(batch, env, ctx))
    }
    const kind = handlerOfHost(url.hostname)
    if (kind === undefined) return new Response(`no handler at ${url.hostname}`, { status: 421 })
    return handlerFor(kind).fetch(request, env, ctx)
  }
}
