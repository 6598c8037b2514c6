/**
 * Where a request's time goes inside workerd. workerd's clock only moves
 * across I/O, so no single request can be timed in parts; instead each
 * stage below runs the benchmark's loop (`loop.ts`, `new Request` to
 * `await response.text()`) with one more piece of the adapter's path than
 * the stage before, and the differences between stages are the pieces' cost
 * per request:
 *
 * 1. platform floor: read the body as text, answer a prebuilt 403;
 * 2. + copy the headers into a record and make a request id (`WorkerRequest`);
 * 3. + build core's `ServerRequest` (URL split, body read by `toServerRequest`);
 * 4. + `ServerRuntime.respond` running a program that succeeds at once
 *    with the 403 (fiber start, context, `fromExit`, `ResponseChecks`);
 * 5. + the Router program instead (match, payload parse and Schema decode,
 *    the handler, the error's encode);
 * 6. the whole `WorkerHandler.fetch` (`ours.ts`).
 *
 * `node bench/profile.ts` runs it in workerd (miniflare) and prints µs per
 * request per stage (median of 7 interleaved rounds) and the difference.
 */
import type * as ServerResponse from "@centrapay-effect/core/ServerResponse"
import * as ServerRuntime from "@centrapay-effect/core/ServerRuntime"
import * as WorkerRequest from "@centrapay-effect/worker-adapter/WorkerRequest"
import * as WorkerResponse from "@centrapay-effect/worker-adapter/WorkerResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import { forbidden, type Handler, loop } from "./loop.ts"
import ours from "./peers/ours.ts"
import { app as routed } from "./peers/route.ts"

const answer403: ServerResponse.ServerResponse = {
  status: 403,
  headers: { "content-type": "application/json" },
  body: forbidden
}
const immediate = ServerRuntime.make(Effect.succeed(answer403), Layer.empty)
const router = ServerRuntime.make(routed, Layer.empty)
const json = { "content-type": "application/json" }

const viaRuntime =
  (runtime: ServerRuntime.ServerRuntime<never>): Handler =>
  async (request) => {
    const headers = WorkerRequest.headersOf(request)
    const requestId = WorkerRequest.requestIdOf(headers)
    const read = await WorkerRequest.toServerRequest(request, { headers, requestId, maxBodyBytes: 1_048_576 })
    if (Result.isFailure(read)) throw new Error("unreadable")
    const response = runtime.respond(read.success, Context.empty())
    return WorkerResponse.fromServerResponse(response instanceof Promise ? await response : response)
  }

/** The stages, each one piece more than the one before. */
export const stages = (ctx: Parameters<typeof ours.fetch>[2]): ReadonlyArray<readonly [string, Handler]> => [
  [
    "1. platform floor: body text, prebuilt 403",
    async (request) => {
      await request.text()
      return new Response(forbidden, { status: 403, headers: json })
    }
  ],
  [
    "2. + headers record, request id",
    async (request) => {
      WorkerRequest.requestIdOf(WorkerRequest.headersOf(request))
      await request.text()
      return new Response(forbidden, { status: 403, headers: json })
    }
  ],
  [
    "3. + ServerRequest (toServerRequest)",
    async (request) => {
      const headers = WorkerRequest.headersOf(request)
      const requestId = WorkerRequest.requestIdOf(headers)
      await WorkerRequest.toServerRequest(request, { headers, requestId, maxBodyBytes: 1_048_576 })
      return WorkerResponse.fromServerResponse(answer403)
    }
  ],
  ["4. + ServerRuntime.respond, program succeeds at once", viaRuntime(immediate)],
  ["5. + the Router program (match, decode, handler, encode)", viaRuntime(router)],
  ["6. WorkerHandler.fetch (ours.ts)", (request) => ours.fetch(request, {}, ctx)]
]

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

export default {
  async fetch(request: Request, _env: object, ctx: Parameters<typeof ours.fetch>[2]): Promise<Response> {
    const url = new URL(request.url)
    const stage = Number(url.searchParams.get("stage") ?? "0")
    const n = Number(url.searchParams.get("n") ?? "1000")
    const handler = stages(ctx)[stage]?.[1]
    if (handler === undefined) return new Response("unknown stage", { status: 404 })
    await tick()
    const started = Date.now()
    await loop(handler, n)
    await tick()
    return Response.json({ ms: Date.now() - started, n })
  }
}
