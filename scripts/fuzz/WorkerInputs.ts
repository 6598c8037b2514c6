/**
 * The Workers fuzzer's inputs, and how they reach the worker. Input `i` of a
 * seed is a hostile request (`Requests.request`) of any method the platform
 * passes on, plus what only a Worker sees: a hostile `cf-ray`, a body
 * streamed without a `Content-Length` or with one that lies; it goes to one
 * of the worker's handlers (named by the request's host). Web APIs only: the
 * worker generates the inputs of a batch itself from `(seed, first, count)`
 * and answers them inside the isolate; Node generates the few that travel
 * through workerd's HTTP front instead, and any it must describe.
 */
import type { Verdict } from "./Judge.ts"
import { type Draw, forInput } from "./Random.ts"
import { abbreviate } from "./Report.ts"
import * as Requests from "./Requests.ts"

/** The handlers the worker serves. */
export type HandlerKind = "main" | "failing layer" | "stuck layer" | "slow layer" | "layer throws"

/** How the body travels: with its `Content-Length`, as a stream without one, or with a `Content-Length` that lies. */
export type BodyMode = "length" | "stream" | "lying length"

/** One generated input. */
export interface WorkerInput {
  readonly index: number
  readonly handler: HandlerKind
  readonly method: string
  /** Path and query, as sent. */
  readonly target: string
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: Requests.Body | undefined
  readonly bodyMode: BodyMode
  /** Answers only by the deadline: timed with the others that do, judged against the deadline. */
  readonly waits: boolean
  /** The route's handler dies: a generic 500 is a valid answer. */
  readonly mayDie: boolean
  /** Sent through workerd's HTTP front (by Node) instead of inside the isolate. */
  readonly overHttp: boolean
  readonly labels: ReadonlyArray<string>
}

/** A batch: inputs `first` to `first + count - 1` of `seed`. */
export interface Batch {
  readonly seed: number
  readonly first: number
  readonly count: number
}

/** The verdict on one input, and how long it took in workerd. */
export interface Result {
  readonly index: number
  readonly verdict: Verdict
  readonly ms: number
  readonly waits: boolean
}

/** What a batch sends back. */
export interface BatchResult {
  readonly results: ReadonlyArray<Result>
  /** The inputs of the batch that travel over HTTP: left to the caller. */
  readonly overHttp: ReadonlyArray<number>
  /** Inputs whose `Request` could not be built (a generator bug, not a finding). */
  readonly unbuildable: ReadonlyArray<{ readonly index: number; readonly error: string }>
  /** Console lines written outside the program's logger since the worker started. */
  readonly consoleLines: number
}

/** The host the batches go to. */
export const controlHost = "control.fuzz.test"

/** The path of the batch endpoint on the control host. */
export const batchPath = "/batch"

const kinds: ReadonlyArray<HandlerKind> = ["main", "failing layer", "stuck layer", "slow layer", "layer throws"]

const hosts: Readonly<Record<HandlerKind, string>> = {
  main: "main.fuzz.test",
  "failing layer": "failing-layer.fuzz.test",
  "stuck layer": "stuck-layer.fuzz.test",
  "slow layer": "slow-layer.fuzz.test",
  "layer throws": "layer-throws.fuzz.test"
}

const cfRays = ["x".repeat(300), "a b", "\u00e9\u00ff", "__proto__", "constructor", "", "0123456789abcdef-AKL"]

/** Input `index` of `seed`: the same request and handler every time, in Node or in workerd. */
export const generate = (seed: number, index: number): WorkerInput => {
  const draw: Draw = forInput(seed, index)
  const handler = draw.weighted<HandlerKind>([
    [90, "main"],
    [2.5, "failing layer"],
    [2.5, "stuck layer"],
    [2.5, "slow layer"],
    [2.5, "layer throws"]
  ])
  const layerWaits = handler === "stuck layer" || handler === "slow layer"
  const httpDrawn = !layerWaits && draw.chance(1 / 30)
  const request = Requests.request(draw, httpDrawn || layerWaits ? Requests.overHttp : Requests.inProcess)
  const waits = layerWaits || request.waits
  // Inputs that wait on the deadline are timed inside the isolate. A body over the cap stays there too:
  // the worker answers before reading it, and the client sees the reset of the upload, not the answer.
  const overHttp =
    httpDrawn && !waits && (request.body === undefined || Requests.bodySize(request.body) <= Requests.bodyCap)
  const labels = [...request.labels]
  const headers = [...request.headers]
  if (draw.chance(0.1)) {
    headers.push(["cf-ray", draw.pick(cfRays)])
    labels.push("hostile cf-ray")
  }
  const bodyMode: BodyMode =
    request.body === undefined || overHttp
      ? "length"
      : draw.weighted<BodyMode>([
          [6, "length"],
          [3, "stream"],
          [1, "lying length"]
        ])
  if (request.body !== undefined) labels.push(`body by ${bodyMode}`)
  const query = Requests.queryString(request.query)
  return {
    index,
    handler,
    method: request.method,
    target: query === "" ? request.path : `${request.path}?${query}`,
    headers,
    body: request.body,
    bodyMode,
    waits,
    mayDie: request.dies,
    overHttp,
    labels
  }
}

/** One line saying what an input is, for the report. */
export const describe = (input: WorkerInput): string => {
  const body = input.body === undefined ? "" : ` body ${abbreviate(input.body.segments, 200)}`
  return `#${input.index} [${input.handler} handler${input.overHttp ? ", over HTTP" : ""}] ${input.labels.join("; ")}: ${input.method} ${abbreviate(input.target, 200)} headers ${abbreviate(input.headers, 300)}${body}`
}

/** The URL of an input: its handler's host, then its path and query. */
export const urlOf = (input: WorkerInput): string => `https://${hosts[input.handler]}${input.target}`

/** The handler a request's host names, if any. */
export const handlerOfHost = (host: string): HandlerKind | undefined => kinds.find((kind) => hosts[kind] === host)

/** The body in the form the input's mode sends it: bytes, or a stream of chunks of at most 64 KiB. */
export const bodyOf = (
  input: WorkerInput
): Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array<ArrayBuffer>> | undefined => {
  if (input.body === undefined) return undefined
  const bytes = Requests.bodyBytes(input.body)
  if (input.bodyMode !== "stream") return bytes
  let offset = 0
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull: (controller) => {
      if (offset >= bytes.byteLength) return controller.close()
      controller.enqueue(bytes.slice(offset, offset + 65_536))
      offset += 65_536
    }
  })
}

/** The headers an input sends inside workerd, where nothing adds a `Content-Length` for it. */
export const headersOf = (input: WorkerInput, body: ReturnType<typeof bodyOf>): Array<[string, string]> => {
  const headers = input.headers.map(([name, value]): [string, string] => [name, value])
  if (body instanceof Uint8Array && input.bodyMode === "length")
    headers.push(["content-length", String(body.byteLength)])
  if (body instanceof Uint8Array && input.bodyMode === "lying length")
    headers.push(["content-length", String(Math.max(0, body.byteLength - 7))])
  return headers
}
