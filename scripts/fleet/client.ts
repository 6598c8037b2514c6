/**
 * One client process of a fleet run: core's `Client` with a rate limit of
 * `--limit` per `--window-ms` (and `--margin`, the client's default when
 * absent), on the store named by `--store` (`memory`:
 * its own; `redis`: shared through `--redis-url`). Once its layer is built
 * and it has warmed up, it prints `ready` and reads one line from stdin, `{"startAt","endAt"}`
 * (ms since the epoch); from `startAt` to `endAt`, `--concurrency` loops
 * call the strict server at `--url` as fast as the limiter lets them; a
 * call whose slot would come after `endAt` is not sent. Prints one JSON
 * line of counts.
 */
import { createInterface } from "node:readline"
import { parseArgs } from "node:util"
import { Client, Credentials, Endpoint } from "@centrapay-effect/core"
import * as RedisRateLimiter from "@centrapay-effect/lambda-adapter/RedisRateLimiter"
import { Effect, Layer, Schema } from "effect"

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    store: { type: "string", default: "memory" },
    "redis-url": { type: "string", default: "" },
    account: { type: "string", default: "acc_fleet" },
    limit: { type: "string", default: "40" },
    "window-ms": { type: "string", default: "2000" },
    concurrency: { type: "string", default: "10" },
    margin: { type: "string" }
  }
})

const Ping = Endpoint.withSchemas(Endpoint.make("GET /fleet/ping", {}), {
  success: Schema.Struct({ ok: Schema.Boolean })
})
const Warmup = Endpoint.withSchemas(Endpoint.make("GET /fleet/warmup", {}), {
  success: Schema.Struct({ ok: Schema.Boolean })
})

const client = Client.layer({
  baseUrl: values.url ?? "",
  credentials: Credentials.apiKey("ak_fleet"),
  rateLimit: {
    limit: Number(values.limit),
    window: Number(values["window-ms"]),
    account: values.account,
    margin: values.margin === undefined ? undefined : Number(values.margin)
  }
})
const layer =
  values.store === "redis"
    ? client.pipe(Layer.provide(RedisRateLimiter.layer({ url: values["redis-url"] ?? "" })))
    : client

/**
 * Before `ready`: as many calls at once as the loops will make, to the
 * server's uncounted `/fleet/warmup`, through the same client: connections
 * open, the store's scripts loaded, the code warm, so that the run measures
 * the limiter, not a cold start. (They take slots: the run starts once
 * their window has passed.)
 */
const warmUp = Effect.all(
  Array.from({ length: Number(values.concurrency) }, () => Client.call(Warmup, {})),
  { concurrency: "unbounded" }
)

const counts = { ok: 0, rateLimited: 0, notSent: 0, other: 0 }

const readTimes = async (): Promise<{ readonly startAt: number; readonly endAt: number }> => {
  for await (const line of createInterface({ input: process.stdin })) {
    const times: unknown = JSON.parse(line)
    if (typeof times === "object" && times !== null && "startAt" in times && "endAt" in times) {
      return { startAt: Number(times.startAt), endAt: Number(times.endAt) }
    }
  }
  throw new Error("no start time on stdin")
}

const loop = (endAt: number) =>
  Effect.gen(function* () {
    while (Date.now() < endAt) {
      const outcome = yield* Effect.result(Client.call(Ping, {}, { deadline: Math.max(1, endAt - Date.now()) }))
      if (outcome._tag === "Success") counts.ok += 1
      else if (outcome.failure._tag === "TooManyRequests") counts.rateLimited += 1
      else if (outcome.failure._tag === "Timeout") {
        // The next slot comes after the end of the run, and so would every later one.
        counts.notSent += 1
        return
      } else counts.other += 1
    }
  })

await Effect.runPromise(
  Effect.gen(function* () {
    yield* warmUp
    process.stdout.write("ready\n")
    const { startAt, endAt } = yield* Effect.promise(readTimes)
    yield* Effect.sleep(Math.max(0, startAt - Date.now()))
    yield* Effect.all(
      Array.from({ length: Number(values.concurrency) }, () => loop(endAt)),
      { concurrency: "unbounded" }
    )
  }).pipe(Effect.provide(layer))
)
process.stdout.write(`${JSON.stringify(counts)}\n`)
