/**
 * Two handlers whose layers misbehave on their first build, routed by path:
 * under `/stuck`, a layer whose first build never finishes (with a deadline
 * of 200 ms); under `/throws`, a layer function that throws the first time.
 * Each answers `{ greeting, builds }` once its layer is built.
 */
import { ServerResponse } from "@centrapay-effect/core"
import { WorkerHandler } from "@centrapay-effect/worker-adapter"
import { Context, Effect, Layer } from "effect"

class Greeting extends Context.Service<Greeting, string>()("test/Greeting") {}

let stuckBuilds = 0
let layerCalls = 0

const program = (builds: () => number) =>
  Greeting.useSync((greeting) => ServerResponse.json({ greeting, builds: builds() }))

const stuck = WorkerHandler.make(
  program(() => stuckBuilds),
  Layer.effect(
    Greeting,
    Effect.suspend(() => (++stuckBuilds === 1 ? Effect.never : Effect.succeed("hello")))
  ),
  { deadline: "200 millis" }
)

const throws = WorkerHandler.make(
  program(() => layerCalls),
  (_env: object) => {
    if (++layerCalls === 1) throw new Error("binding missing")
    return Layer.succeed(Greeting, "hello")
  }
)

export default {
  fetch: (request: Request, env: object, ctx: Parameters<typeof stuck.fetch>[2]) =>
    new URL(request.url).pathname.startsWith("/throws")
      ? throws.fetch(request, env, ctx)
      : stuck.fetch(request, env, ctx)
}
