/**
 * The client against a local server: a small `node:http` server answers a
 * scripted sequence per route, and the client calls it with its real retry
 * behaviour and the real clock (Retry-After 1 s at most, so the whole run
 * takes about a second). Each row tells what the caller got and what the
 * client decided after each attempt, read from the client's attempt spans.
 */
import { AttemptLog, Client, Credentials, Endpoint } from "@centrapay-effect/core"
import { Effect, Result, Schema } from "effect"
import { FetchHttpClient } from "effect/http"
import { type Answer, listen, type Script } from "./scripted-server.ts"

/** One row of the demo table. */
export interface ClientRow {
  /** What was called, and with what. */
  readonly request: string
  /** The status of the last response (none after a transport failure). */
  readonly status: number | undefined
  /** `Success`, or the tag of the typed error. */
  readonly tag: string
  readonly message: string
  /** Per attempt: what came back, and what the client decided. */
  readonly decision: string
  readonly attempts: number
}

const Thing = Schema.Struct({ id: Schema.String, name: Schema.String })
const GetThing = Endpoint.withSchemas(Endpoint.make("GET /api/things/{thingId}", {}), { success: Thing })
const CreateAssetTransfer = Endpoint.withSchemas(
  Endpoint.make("POST /api/asset-transfers", {
    403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED", "ASSET_NOT_ACTIVE"]
  }),
  {
    payload: Schema.Struct({
      amount: Schema.String,
      recipient: Schema.String,
      idempotencyKey: Schema.optionalKey(Schema.String)
    }),
    success: Schema.Struct({ id: Schema.String, status: Schema.String })
  }
)

const json = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Answer => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body)
})
const error = (status: number, message: string, headers: Readonly<Record<string, string>> = {}) =>
  json(status, { statusCode: status, message }, headers)

/** The server's script: the answers for each route, in order (the last repeats). */
const script: Script = {
  "/api/things/flaky": [error(503, "Service Unavailable"), json(200, { id: "flaky", name: "recovered" })],
  "/api/things/busy": [
    error(429, "RATE_LIMIT_EXCEEDED", { "retry-after": "1" }),
    json(200, { id: "busy", name: "served" })
  ],
  "/api/things/gone": [error(404, "Not Found")],
  "/api/asset-transfers": [
    { status: 502, headers: { "content-type": "text/html" }, body: "<html><body>502 Bad Gateway</body></html>" },
    error(500, "Internal Server Error"),
    json(200, { id: "at_1", status: "complete" }),
    error(403, "INSUFFICIENT_WALLET_BALANCE")
  ]
}

const transfer = { amount: "25.00", recipient: "acc_2" }

/** The calls the demo makes, in order. */
const calls: ReadonlyArray<{
  readonly request: string
  readonly call: (client: Client.Service) => Effect.Effect<unknown, Client.CallError<string>>
}> = [
  {
    request: "GET /api/things/flaky (503, then 200)",
    call: (client) => client.call(GetThing, { path: { thingId: "flaky" } })
  },
  {
    request: "GET /api/things/busy (429 Retry-After: 1, then 200)",
    call: (client) => client.call(GetThing, { path: { thingId: "busy" } })
  },
  {
    request: "GET /api/things/gone (404)",
    call: (client) => client.call(GetThing, { path: { thingId: "gone" } })
  },
  {
    request: "POST /api/asset-transfers, no idempotencyKey (HTML 502)",
    call: (client) => client.call(CreateAssetTransfer, { payload: transfer })
  },
  {
    request: "POST /api/asset-transfers, idempotencyKey (500, then 200)",
    call: (client) => client.call(CreateAssetTransfer, { payload: { ...transfer, idempotencyKey: "order-42" } })
  },
  {
    request: "POST /api/asset-transfers, idempotencyKey (403 business)",
    call: (client) =>
      client.call(CreateAssetTransfer, { payload: { ...transfer, idempotencyKey: "order-43" } }).pipe(
        Effect.tapError((e) => {
          if (e._tag !== "BusinessRuleViolation" || !e.documented) return Effect.void
          switch (e.message) {
            case "INSUFFICIENT_WALLET_BALANCE":
              return Effect.logDebug("ask the customer to top up")
            case "QUOTA_EXCEEDED":
            case "ASSET_NOT_ACTIVE":
              return Effect.logDebug("try another asset")
          }
        })
      )
  }
]

/** Starts the scripted server, runs every call through one client, closes the server, returns the rows. */
export const clientRows: Effect.Effect<ReadonlyArray<ClientRow>> = Effect.scoped(
  Effect.gen(function* () {
    const url = yield* serve(script)
    const client = yield* Client.make({ baseUrl: url, credentials: Credentials.apiKey("demo-api-key") }).pipe(
      Effect.provide(FetchHttpClient.layer)
    )
    const rows: Array<ClientRow> = []
    for (const { request, call } of calls) {
      const { result, attempts } = yield* AttemptLog.record(call(client))
      rows.push({
        request,
        status: attempts.at(-1)?.status,
        tag: Result.isSuccess(result) ? "Success" : result.failure._tag,
        message: Result.isSuccess(result) ? "" : result.failure.message,
        decision: attempts.map(AttemptLog.describe).join("; "),
        attempts: attempts.length
      })
    }
    return rows
  })
)

/** The scripted server, closed with the scope; its URL. */
const serve = (answers: Script) =>
  Effect.acquireRelease(
    Effect.promise(() => listen(answers)),
    (server) => Effect.promise(server.close)
  ).pipe(Effect.map((server) => server.url))
