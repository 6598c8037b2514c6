/**
 * The client over `@effect/platform-node`'s node:http `HttpClient` instead of
 * fetch: its responses have no Web body, so every body is read through the
 * response's Effect `stream` (transport's `readStream`).
 */
import * as http from "node:http"
import { ApiError, Client, Credentials, Endpoint } from "@centrapay-effect/core"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Layer, Option, Schema } from "effect"
import { HttpClient, HttpClientResponse } from "effect/http"
import * as Server from "./support/ScriptedServer.ts"

const Thing = Schema.Struct({ id: Schema.String, name: Schema.String })
const GetThing = Endpoint.withSchemas(Endpoint.make("GET /api/things/{thingId}", {}), { success: Thing })

const Transfer = Schema.Struct({ id: Schema.String, status: Schema.String })
const CreateAssetTransfer = Endpoint.withSchemas(
  Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"] }),
  { payload: Schema.Struct({ amount: Schema.String, recipient: Schema.String }), success: Transfer }
)

/** Core's client of `baseUrl` over the node:http client; no per-attempt timeout. */
const nodeClient = (baseUrl: string, options: { readonly maxResponseBytes?: number } = {}) =>
  Client.layerWithHttpClient({
    baseUrl,
    credentials: Credentials.apiKey("ak_test"),
    attemptTimeout: Duration.infinity,
    ...options
  }).pipe(Layer.provide(NodeHttpClient.layerNodeHttp))

/**
 * A server on 127.0.0.1 answering every request with a 200 JSON body written
 * in `parts`, each handed to the socket `pauseMillis` of real time after the
 * one before, so the client receives them as separate chunks.
 */
const partsServer = (parts: ReadonlyArray<Uint8Array>, pauseMillis = 30) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly server: http.Server; readonly url: string }>((resume) => {
      const server = http.createServer((_request, response) => {
        response.writeHead(200, { "content-type": "application/json" })
        const writeFrom = (index: number): void => {
          const part = parts[index]
          if (part === undefined) return void response.end()
          response.write(part)
          setTimeout(() => writeFrom(index + 1), pauseMillis)
        }
        writeFrom(0)
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ server, url: `http://127.0.0.1:${port}` }))
      })
    }),
    ({ server }) =>
      Effect.callback<void>((done) => {
        server.closeAllConnections()
        server.close(() => done(Effect.void))
      })
  ).pipe(Effect.map(({ url }) => url))

describe("Client over NodeHttpClient (bodies read through the response's stream)", () => {
  it.effect("a node:http response has no Web body, so the client reads it through its stream", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([Server.json(200, { id: "t_1", name: "one" })])
      const response = yield* HttpClient.get(`${server.url}/api/things/t_1`)
      expect(Option.isNone(HttpClientResponse.toWeb(response))).toBe(true)
    }).pipe(Effect.provide(NodeHttpClient.layerNodeHttp))
  )

  it.effect("a documented 403 business message is the typed BusinessRuleViolation", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([
        Server.json(403, { statusCode: 403, error: "Forbidden", message: "INSUFFICIENT_WALLET_BALANCE" })
      ])
      const error = yield* Effect.flip(
        Client.call(CreateAssetTransfer, { payload: { amount: "10.00", recipient: "acc_2" } }).pipe(
          Effect.provide(nodeClient(server.url))
        )
      )
      expect(error).toBeInstanceOf(ApiError.BusinessRuleViolation)
      expect(error).toMatchObject({
        _tag: "BusinessRuleViolation",
        status: 403,
        message: "INSUFFICIENT_WALLET_BALANCE",
        documented: true
      })
      expect(server.requests).toHaveLength(1)
      expect(server.requests[0]?.body).toBe('{"amount":"10.00","recipient":"acc_2"}')
    })
  )

  it.effect("a 200 JSON body decodes to the endpoint's success value", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([Server.json(200, { id: "t_1", name: "one" })])
      const thing = yield* Client.call(GetThing, { path: { thingId: "t_1" } }).pipe(
        Effect.provide(nodeClient(server.url))
      )
      expect(thing).toEqual({ id: "t_1", name: "one" })
      expect(server.requests[0]?.headers["x-api-key"]).toBe("ak_test")
    })
  )

  it.effect("a body of exactly the cap is read; one byte more is response-too-large", () =>
    Effect.gen(function* () {
      // 1024 bytes: the 22 of {"id":"t_1","name":""} and 1002 of name.
      const atCap = `{"id":"t_1","name":"${"n".repeat(1002)}"}`
      const overCap = `{"id":"t_1","name":"${"n".repeat(1003)}"}`
      const server = yield* Server.make([
        Server.chunked(200, atCap, { "content-type": "application/json" }, 100),
        Server.chunked(200, overCap, { "content-type": "application/json" }, 100)
      ])
      const call = Client.call(GetThing, { path: { thingId: "t_1" } })
      const layer = nodeClient(server.url, { maxResponseBytes: 1024 })
      const read = yield* call.pipe(Effect.provide(layer))
      expect(read.name).toHaveLength(1002)
      const error = yield* Effect.flip(call.pipe(Effect.provide(layer)))
      expect(error).toBeInstanceOf(ApiError.TransportFailure)
      expect(error).toMatchObject({
        _tag: "TransportFailure",
        reason: "response-too-large",
        method: "GET",
        url: `${server.url}/api/things/t_1`,
        detail:
          "the body of the 200 response is over the cap of 1024 bytes (maxResponseBytes); reading stopped there and nothing of it was kept"
      })
    })
  )

  it.effect("an endless body stops at the cap, and the client closes the connection instead of reading on", () =>
    Effect.gen(function* () {
      const server = yield* Server.make([Server.endless(200, { "content-type": "application/json" })])
      // The client (and its agent) stays open while the server is watched: the read itself lets go.
      yield* Effect.gen(function* () {
        const error = yield* Effect.flip(Client.call(GetThing, { path: { thingId: "t_1" } }))
        expect(error).toMatchObject({
          _tag: "TransportFailure",
          reason: "response-too-large",
          detail:
            "the body of the 200 response is over the cap of 4096 bytes (maxResponseBytes); reading stopped there and nothing of it was kept"
        })
        yield* server.awaitSent(0, (sent) => sent.closed)
        expect(server.sent[0]?.cut).toBe(true)
      }).pipe(Effect.provide(nodeClient(server.url, { maxResponseBytes: 4096 })))
    })
  )

  it.effect("UTF-8 characters split across chunks decode whole", () =>
    Effect.gen(function* () {
      // {"id":"t_1","name":"Café 5 €"}: é (C3 A9) split after its first byte, € (E2 82 AC) after its second.
      const url = yield* partsServer([
        Uint8Array.of(...Buffer.from('{"id":"t_1","name":"Caf'), 0xc3),
        Uint8Array.of(0xa9, ...Buffer.from(" 5 "), 0xe2, 0x82),
        Uint8Array.of(0xac, ...Buffer.from('"}'))
      ])
      const thing = yield* Client.call(GetThing, { path: { thingId: "t_1" } }).pipe(Effect.provide(nodeClient(url)))
      expect(thing).toEqual({ id: "t_1", name: "Café 5 €" })
    })
  )
})
