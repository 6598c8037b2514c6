// A Worker project as `wrangler init` sets one up: the Workers types as
// globals, no DOM. The handler must be a valid `ExportedHandler<Env>` there,
// with `env` typed by the layer function and `request.cf` by the platform.
import { Credentials } from "@centrapay-effect/core"
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as Router from "@centrapay-effect/core/Router"
import * as ServerResponse from "@centrapay-effect/core/ServerResponse"
import { Subrequests, WorkerClient, WorkerContext, WorkerHandler } from "@centrapay-effect/worker-adapter"
import * as Effect from "effect/Effect"

interface Env {
  readonly CENTRAPAY_API_KEY: string
  readonly CACHE: KVNamespace
}

const Health = Endpoint.make("GET /health", {})
const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(Health, () =>
      Effect.gen(function* () {
        const cf = yield* WorkerContext.Cf
        return ServerResponse.json({ ok: true, colo: cf?.colo ?? null })
      })
    )
  )
)

export default WorkerHandler.make(app, (env: Env) =>
  WorkerClient.layer(
    { baseUrl: "https://service.centrapay.com", credentials: Credentials.apiKey(env.CENTRAPAY_API_KEY) },
    Subrequests.paid
  )
) satisfies ExportedHandler<Env>
