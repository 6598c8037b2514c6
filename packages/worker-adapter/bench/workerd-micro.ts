/**
 * Single operations timed inside workerd, 100,000 calls in a loop each
 * (awaited, as the request loop awaits; a synchronous call's await costs
 * the same for every case) (workerd's clock moves only across I/O, so a timer brackets the
 * loop): what one call of a piece of the adapter's path costs there, apart
 * from the request loop's promises and garbage. `GET /?case=<name>` answers
 * `{ us }`; run with `node bench/workerd-micro-run.ts`.
 */
import * as ResponseChecks from "@centrapay-effect/core/ResponseChecks"
import * as ServerResponse from "@centrapay-effect/core/ServerResponse"
import * as ServerRuntime from "@centrapay-effect/core/ServerRuntime"
import * as WorkerRequest from "@centrapay-effect/worker-adapter/WorkerRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { forbidden, makeRequest } from "./loop.ts"

const answer: ServerResponse.ServerResponse = {
  status: 403,
  headers: { "content-type": "application/json" },
  body: forbidden
}
const immediate = ServerRuntime.make(Effect.succeed(answer), Layer.empty)
const request = {
  method: "POST",
  path: "/api/asset-transfers",
  query: {},
  headers: {},
  body: undefined,
  requestId: "r"
}
const succeeded = Effect.succeed(1)
let platformRequest: Request | undefined
const platform = (): Request => {
  platformRequest ??= makeRequest()
  return platformRequest
}

/** The operations, by name. */
export const cases: Readonly<Record<string, () => unknown>> = {
  "Effect.runSync(Effect.succeed(1))": () => Effect.runSync(succeeded),
  "Effect.runFork(…).pollUnsafe()": () => Effect.runFork(succeeded).pollUnsafe(),
  "ResponseChecks.check(403)": () => ResponseChecks.check(answer),
  "ServerResponse.fromExit(success)": () =>
    ServerResponse.fromExit(Exit.succeed(answer), { requestId: "r", headers: new Map() }),
  "ServerRuntime.respond (program answers at once)": () => immediate.respond(request, Context.empty()),
  "WorkerRequest.headersOf (2 headers)": () => WorkerRequest.headersOf(platform()),
  "new Request (the loop's)": () => makeRequest(),
  "new Response(403 body)": () => new Response(forbidden, { status: 403 }),
  'new Error("x")': () => new Error("x"),
  "Date.now()": () => Date.now(),
  "new Request + request.json()": () => makeRequest().json(),
  "new Request + request.text() + JSON.parse": async () => JSON.parse(await makeRequest().text()),
  "new Request + request.cf, .url, .method": () => {
    const fresh: Request & { readonly cf?: unknown } = makeRequest()
    return [fresh.cf, fresh.url, fresh.method]
  },
  "await one async function": async () => await one(),
  "await three nested async functions + .catch": () => three().catch(() => undefined)
}
const one = async () => 1
const two = async () => await one()
const three = async () => await two()

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

export default {
  async fetch(incoming: Request): Promise<Response> {
    const run = cases[new URL(incoming.url).searchParams.get("case") ?? ""]
    if (run === undefined) return new Response("unknown case", { status: 404 })
    await immediate.handle(request, Context.empty())
    for (let i = 0; i < 10_000; i++) await run()
    await tick()
    const started = Date.now()
    for (let i = 0; i < 100_000; i++) await run()
    await tick()
    return Response.json({ us: ((Date.now() - started) * 1000) / 100_000 })
  }
}
