/**
 * Client decode: a local `node:http` server on 127.0.0.1 answers the route's
 * documented 403 (`INSUFFICIENT_WALLET_BALANCE`); each variant sends the
 * POST and turns the answer into a typed outcome the caller can `switch`
 * on. Rounds interleaved across variants.
 *
 * - raw `fetch` + `JSON.parse` + a status `switch` (the baseline);
 * - this client: `Client.call(endpoint, { payload })` failing with the
 *   documented `BusinessRuleViolation` (one attempt: a 403 is not retried);
 * - ky, its `HTTPError` read and switched by hand;
 * - Effect's `HttpClient` with a hand-written status mapping.
 *
 * Then the decode alone, no network: `ResponseCodec.decode` of the same
 * status, headers and body against `JSON.parse` + `switch`. Prints one JSON
 * line for `report.ts`.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as Client from "@centrapay-effect/core/Client"
import * as Credentials from "@centrapay-effect/core/Credentials"
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as ResponseCodec from "@centrapay-effect/core/ResponseCodec"
import * as RetryPolicy from "@centrapay-effect/core/RetryPolicy"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import ky, { HTTPError } from "ky"
import { emit, interleave, sampler } from "./stats.ts"

const forbidden = '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
const server = http.createServer((request, response) => {
  request.resume()
  request.on("end", () => {
    response.writeHead(403, { "content-type": "application/json", "content-length": Buffer.byteLength(forbidden) })
    response.end(forbidden)
  })
})
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const url = `${baseUrl}/api/asset-transfers`
const payload = { amount: 500 }

type Outcome =
  | { readonly _tag: "Transferred" }
  | { readonly _tag: "Insufficient" }
  | { readonly _tag: "Other"; readonly status: number }

/** The hand-written status switch the raw variants share. */
const outcomeOf = (status: number, body: unknown): Outcome => {
  switch (status) {
    case 200:
      return { _tag: "Transferred" }
    case 403:
      return typeof body === "object" &&
        body !== null &&
        "message" in body &&
        body.message === "INSUFFICIENT_WALLET_BALANCE"
        ? { _tag: "Insufficient" }
        : { _tag: "Other", status }
    default:
      return { _tag: "Other", status }
  }
}

const rawFetch = async (): Promise<Outcome> => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "bench" },
    body: JSON.stringify(payload)
  })
  return outcomeOf(response.status, JSON.parse(await response.text()))
}

const CreateAssetTransfer = Endpoint.make(
  "POST /api/asset-transfers",
  { 403: ["INSUFFICIENT_WALLET_BALANCE"] },
  { payload: Schema.Struct({ amount: Schema.Int }), success: Schema.Struct({ transferred: Schema.Int }) }
)
const runtime = ManagedRuntime.make(
  Client.layer({
    baseUrl,
    credentials: Credentials.apiKey("bench"),
    retryPolicy: RetryPolicy.make({ maxAttempts: 1 })
  })
)
const oursCall = Client.call(CreateAssetTransfer, { payload }).pipe(
  Effect.map((): Outcome => ({ _tag: "Transferred" })),
  Effect.catchTag("BusinessRuleViolation", (error) =>
    Effect.succeed<Outcome>(
      error.documented && error.message === "INSUFFICIENT_WALLET_BALANCE"
        ? { _tag: "Insufficient" }
        : { _tag: "Other", status: 403 }
    )
  )
)
const ours = async (): Promise<Outcome> => {
  const exit = await runtime.runPromiseExit(oursCall)
  return Exit.isSuccess(exit) ? exit.value : { _tag: "Other", status: 0 }
}

const kyClient = ky.create({ retry: 0, headers: { "x-api-key": "bench" } })
const viaKy = async (): Promise<Outcome> => {
  try {
    await kyClient.post(url, { json: payload }).json()
    return { _tag: "Transferred" }
  } catch (error) {
    if (error instanceof HTTPError) return outcomeOf(error.response.status, error.data)
    throw error
  }
}

const effectHttp = Effect.gen(function* () {
  const client = yield* HttpClient.HttpClient
  const response = yield* client.execute(
    HttpClientRequest.post(url).pipe(
      HttpClientRequest.setHeader("x-api-key", "bench"),
      HttpClientRequest.bodyJsonUnsafe(payload)
    )
  )
  return outcomeOf(response.status, yield* response.json)
}).pipe(Effect.provide(FetchHttpClient.layer))
const viaEffectHttp = async (): Promise<Outcome> => {
  const exit = await Effect.runPromiseExit(effectHttp)
  return Exit.isSuccess(exit) ? exit.value : { _tag: "Other", status: 0 }
}

const rounds = Number(process.env.BENCH_ROUNDS ?? "9")
const network = [
  ["raw fetch + JSON.parse + switch", rawFetch],
  ["@centrapay-effect/core Client.call", ours],
  ["ky + HTTPError + switch", viaKy],
  ["Effect HttpClient + hand-written mapping", viaEffectHttp]
] as const
const samplers: Array<readonly [string, () => Promise<number>]> = []
for (const [name, run] of network) {
  const outcome = await run()
  if (outcome._tag !== "Insufficient") throw new Error(`${name}: ${JSON.stringify(outcome)}`)
  samplers.push([name, await sampler(run, 150)])
}
const networkRows = await interleave(samplers, rounds, 1)

const received = { status: 403, headers: { "content-type": "application/json" }, body: forbidden }
const decodeOnly = [
  ["JSON.parse + switch", async () => outcomeOf(received.status, JSON.parse(received.body))],
  [
    "@centrapay-effect/core ResponseCodec.decode (endpoint's codes)",
    async () => ResponseCodec.decode(received, { endpoint: CreateAssetTransfer })
  ]
] as const
const decodeSamplers: Array<readonly [string, () => Promise<number>]> = []
for (const [name, run] of decodeOnly) decodeSamplers.push([name, await sampler(run)])

emit([
  {
    id: "client-network",
    title: "Client: a typed 403 from a local node:http server (one POST, loopback)",
    unit: "µs",
    baseline: "raw fetch + JSON.parse + switch",
    rows: networkRows
  },
  {
    id: "client-decode",
    title: "Client: decoding the 403 alone (no network)",
    unit: "µs",
    baseline: "JSON.parse + switch",
    rows: await interleave(decodeSamplers, rounds)
  }
])
await runtime.dispose()
server.close()
