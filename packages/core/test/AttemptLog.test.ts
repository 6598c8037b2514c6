import { ApiError, AttemptLog, Client, Credentials, Endpoint, RetryPolicy } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Result, Schema } from "effect"
import { FetchHttpClient } from "effect/http"
import * as Server from "./support/ScriptedServer.ts"

const GetThing = Endpoint.withSchemas(Endpoint.make("GET /api/things/{thingId}", {}), {
  success: Schema.Struct({ id: Schema.String })
})

describe("AttemptLog", () => {
  it.live("records each attempt's status and the client's decision, against a real server", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const server = yield* Server.make([
          Server.error(new ApiError.ServerError({ status: 503, message: "Service Unavailable" })),
          Server.json(200, { id: "t_1" }),
          Server.error(new ApiError.RouteNotFound({ message: "Not Found" }))
        ])
        const client = yield* Client.make({
          baseUrl: server.url,
          credentials: Credentials.apiKey("k"),
          retryPolicy: RetryPolicy.make({ baseDelay: "1 millis", maxDelay: "5 millis" })
        }).pipe(Effect.provide(FetchHttpClient.layer))

        const flaky = yield* AttemptLog.record(client.call(GetThing, { path: { thingId: "t_1" } }))
        expect(Result.isSuccess(flaky.result)).toBe(true)
        expect(flaky.attempts.map((a) => [a.status, a.outcome, a.decision, a.basis])).toEqual([
          [503, "ServerError", "retry", "backoff"],
          [200, "Success", undefined, undefined]
        ])
        expect(flaky.attempts.map(AttemptLog.describe).join("; ")).toMatch(/^503 → retry in \d+ ms \(backoff\); 200$/)

        const gone = yield* AttemptLog.record(client.call(GetThing, { path: { thingId: "t_2" } }))
        expect(Result.isFailure(gone.result)).toBe(true)
        expect(gone.attempts.map(AttemptLog.describe)).toEqual(["404 → stop: not-retryable"])
      })
    )
  )
})
