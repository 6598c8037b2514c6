/**
 * How each peer answers what goes wrong, out of the box: the same four
 * requests (body not JSON, unknown route, wrong method, a handler that
 * throws or dies) to hono, Effect 4's `HttpEffect.toWebHandler` and this
 * adapter, each written the way its documentation suggests, no custom error
 * handling. Prints status, content type and body of every answer.
 *
 * Run: `npm run build && node bench/behaviour.ts` (in packages/worker-adapter).
 */
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as Router from "@centrapay-effect/core/Router"
import * as ServerRequest from "@centrapay-effect/core/ServerRequest"
import * as ServerResponse from "@centrapay-effect/core/ServerResponse"
import * as WorkerHandler from "@centrapay-effect/worker-adapter/WorkerHandler"
import * as Effect from "effect/Effect"
import { HttpEffect, HttpServerRequest, HttpServerResponse } from "effect/http"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { Hono } from "hono"

const Transfer = Schema.Struct({ amount: Schema.Int })

const hono = new Hono()
hono.post("/transfers", async (c) => c.json({ amount: (await c.req.json()).amount }))
hono.get("/boom", () => {
  throw new Error("database password is hunter2")
})

const effect = HttpEffect.toWebHandler(
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    if (request.url === "/boom") return yield* Effect.die(new Error("database password is hunter2"))
    if (request.method !== "POST" || request.url !== "/transfers") return HttpServerResponse.empty({ status: 404 })
    return HttpServerResponse.jsonUnsafe(yield* HttpServerRequest.schemaBodyJson(Transfer))
  })
)

const Transfers = Endpoint.make("POST /transfers", {})
const Boom = Endpoint.make("GET /boom", {})
const ours = WorkerHandler.make(
  Router.toHandler(
    Router.empty.pipe(
      Router.add(Transfers, () => Effect.map(ServerRequest.jsonBody(Transfer), (body) => ServerResponse.json(body))),
      Router.add(Boom, () => Effect.die(new Error("database password is hunter2")))
    )
  ),
  Layer.empty
)

const ctx = { waitUntil: (_: Promise<unknown>) => undefined, passThroughOnException: () => undefined }
const peers: ReadonlyArray<readonly [string, (request: Request) => Response | Promise<Response>]> = [
  ["hono 4", (request) => hono.fetch(request)],
  ["Effect `toWebHandler`", (request) => effect(request)],
  ["worker-adapter", (request) => ours.fetch(request, {}, ctx)]
]

const cases: ReadonlyArray<readonly [string, () => Request]> = [
  [
    "body not JSON",
    () =>
      new Request("https://x.test/transfers", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"amount":'
      })
  ],
  ["unknown route", () => new Request("https://x.test/nope")],
  ["wrong method", () => new Request("https://x.test/transfers", { method: "DELETE" })],
  ["handler throws / dies", () => new Request("https://x.test/boom")]
]

console.log("| request | peer | status | content-type | body |")
console.log("|---|---|---:|---|---|")
for (const [name, make] of cases) {
  for (const [peer, handler] of peers) {
    const response = await handler(make())
    const body = (await response.text()).replace(/\|/g, "\\|")
    console.log(
      `| ${name} | ${peer} | ${response.status} | ${response.headers.get("content-type") ?? "–"} | \`${body || "(empty)"}\` |`
    )
  }
}
