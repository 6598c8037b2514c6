/**
 * The synchronous answer path this package added to core's ServerRuntime
 * (`respond`): what the Lambda handler relies on to translate a response
 * without an extra promise.
 */
import { ServerResponse, ServerRuntime } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"

const request = { method: "GET", path: "/", query: {}, headers: {}, body: undefined, requestId: "r1" }
const ok = ServerResponse.json({ ok: true })

describe("ServerRuntime.respond", () => {
  it("answers a program that never waits synchronously once the layer is built", async () => {
    const runtime = ServerRuntime.make(Effect.succeed(ok), Layer.empty)
    const first = runtime.respond(request, Context.empty())
    expect(first).toBeInstanceOf(Promise)
    expect(await first).toEqual(ok)
    expect(runtime.respond(request, Context.empty())).toEqual(ok)
    await runtime.dispose()
  })

  it("answers a program that waits with a promise, and still never rejects", async () => {
    const runtime = ServerRuntime.make(Effect.as(Effect.sleep("1 millis"), ok), Layer.empty)
    await runtime.handle(request, Context.empty())
    const waiting = runtime.respond(request, Context.empty(), { deadline: "1 second" })
    expect(waiting).toBeInstanceOf(Promise)
    expect(await waiting).toEqual(ok)
    await runtime.dispose()
  })
})
