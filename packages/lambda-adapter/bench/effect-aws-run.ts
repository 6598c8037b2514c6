/**
 * Runs inside the Effect 3 workspace `effect-aws.ts` prepares (copied there
 * beside `stats.ts` and `route.ts`; not part of this workspace): the benchmark's route on
 * `@effect-aws/lambda`'s `LambdaHandler.make`, the body decoded with Effect
 * 3's Schema and the 403 caught by tag, as its README shows, against a
 * hand-written handler in the same process, rounds interleaved. Prints the
 * same JSON tables as `peers.ts`.
 */
import { LambdaHandler } from "@effect-aws/lambda"
import { Data, Effect, Schema } from "effect"
import { emit, interleave, sampler } from "../../core/bench/stats.ts"
import { badRequest, forbidden, handWritten, json, type RouteEvent } from "./route.ts"

type Event = RouteEvent
interface Result {
  readonly statusCode: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

const eventFor = (amount: number): Event => ({
  rawPath: "/api/asset-transfers",
  body: JSON.stringify({ amount }),
  requestContext: { http: { method: "POST" } }
})
const context = { awsRequestId: "bench", getRemainingTimeInMillis: () => 900_000 }

class Insufficient extends Data.TaggedError("Insufficient") {}
const decode = Schema.decodeUnknown(Schema.parseJson(Schema.Struct({ amount: Schema.Int })))
const effectAws = LambdaHandler.make((event: Event) =>
  decode(event.body ?? "").pipe(
    Effect.flatMap(({ amount }) =>
      amount > 100
        ? Effect.fail(new Insufficient())
        : Effect.succeed({ statusCode: 200, headers: json, body: JSON.stringify({ transferred: amount }) })
    ),
    Effect.catchTags({
      Insufficient: () => Effect.succeed({ statusCode: 403, headers: json, body: forbidden }),
      ParseError: () => Effect.succeed({ statusCode: 400, headers: json, body: badRequest })
    })
  )
)

const rounds = Number(process.env.BENCH_ROUNDS ?? "9")
const table = async (id: string, title: string, event: Event, expected: string) => {
  const variants: ReadonlyArray<readonly [string, () => Promise<Result>]> = [
    ["hand-written", () => handWritten(event)],
    [process.env.BENCH_LABEL ?? "@effect-aws/lambda (Effect 3)", () => effectAws(event, context)]
  ]
  const samplers: Array<readonly [string, () => Promise<number>]> = []
  for (const [name, invoke] of variants) {
    const { body } = await invoke()
    if (body !== expected) throw new Error(`${name}: unexpected body ${body}`)
    samplers.push([name, await sampler(invoke)])
  }
  return { id, title, unit: "µs", baseline: "hand-written", rows: await interleave(samplers, rounds) }
}

emit([
  await table("lambda-error", "Lambda v2 warm, error path (403)", eventFor(500), forbidden),
  await table("lambda-success", "Lambda v2 warm, success path (200)", eventFor(50), '{"transferred":50}')
])
