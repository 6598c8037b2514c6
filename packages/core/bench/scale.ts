/**
 * Scale: how the per-request costs grow.
 *
 * - routing: `EndpointMatcher.match` (the segment trie `Router.toHandler`
 *   uses) for `POST /api/asset-transfers/{id}/cancel` among one route, the
 *   174 catalog endpoints, and 10,000 routes (the catalog plus generated
 *   `/api/resource-N/{id}/action-M` routes); it should not grow with the
 *   route count, only with the path's segments;
 * - bodies: the server's payload decode (`JSON.parse` + the endpoint's
 *   payload Schema, as `Router` runs it) and success encode (the success
 *   Schema + `JSON.stringify`) of 1 KB, 100 KB and 1 MB bodies, against
 *   `JSON.parse` / `JSON.stringify` alone; the time should grow linearly.
 *
 * Prints one JSON line for `report.ts`.
 */
import * as Centrapay from "@centrapay-effect/core/Centrapay"
import * as Endpoint from "@centrapay-effect/core/Endpoint"
import * as EndpointMatcher from "@centrapay-effect/core/EndpointMatcher"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { emit, interleave, type Series, sampler } from "./stats.ts"

const rounds = Number(process.env.BENCH_ROUNDS ?? "9")

// --- routing -----------------------------------------------------------------
const target = Centrapay.PostAssetTransfersCancel
const generated = Array.from({ length: 10_000 - Centrapay.endpoints.length }, (_, index) =>
  Endpoint.make(`POST /api/resource-${index % 500}/{id}/action-${Math.floor(index / 500)}`, {})
)
const matchers = [
  ["1 route", EndpointMatcher.make([target])],
  [`${Centrapay.endpoints.length} routes (the Centrapay catalog)`, EndpointMatcher.make(Centrapay.endpoints)],
  ["10,000 routes", EndpointMatcher.make([...Centrapay.endpoints, ...generated])]
] as const
const routing: Array<readonly [string, () => Promise<number>]> = []
for (const [name, matcher] of matchers) {
  const run = async () => EndpointMatcher.match(matcher, "POST", "/api/asset-transfers/at_123/cancel")
  if ((await run())?.endpoint !== target) throw new Error(`${name}: wrong match`)
  // one match is ~0.1 µs: time 1,000 per call so the promise per call does not dominate
  const thousand = async () => {
    for (let i = 0; i < 1_000; i++) EndpointMatcher.match(matcher, "POST", "/api/asset-transfers/at_123/cancel")
  }
  const sample = await sampler(thousand)
  routing.push([name, async () => (await sample()) / 1_000])
}

// --- bodies ------------------------------------------------------------------
const Item = Schema.Struct({ id: Schema.String, amount: Schema.Int, note: Schema.String })
const Batch = Schema.Struct({ items: Schema.Array(Item) })
const Transfers = Endpoint.make("POST /api/batches", {}, { payload: Batch, success: Batch })
const itemBytes = JSON.stringify({ id: "at_000000", amount: 1, note: "x".repeat(40) }).length + 1
const bodyOf = (bytes: number) => {
  const items = Array.from({ length: Math.max(1, Math.round(bytes / itemBytes)) }, (_, index) => ({
    id: `at_${String(index).padStart(6, "0")}`,
    amount: index,
    note: "x".repeat(40)
  }))
  return { value: { items }, text: JSON.stringify({ items }) }
}
const encodeSuccess = Schema.encodeUnknownResult(Batch)
const bodies: Array<Series> = []
const sizes = [
  ["1 KB", 1024],
  ["100 KB", 100 * 1024],
  ["1 MB", 1024 * 1024]
] as const
const bodyTables: Array<{ readonly size: string; readonly rows: Array<Series> }> = []
for (const [size, bytes] of sizes) {
  const { value, text } = bodyOf(bytes)
  const decode = async () => {
    const decoded = Transfers.codec.decodePayload(JSON.parse(text))
    if (Result.isFailure(decoded)) throw new Error("decode failed")
  }
  const encode = async () => {
    const encoded = encodeSuccess(value)
    if (Result.isFailure(encoded)) throw new Error("encode failed")
    JSON.stringify(encoded.success)
  }
  const variants: Array<readonly [string, () => Promise<number>]> = [
    [`JSON.parse (${size})`, await sampler(async () => JSON.parse(text))],
    [`payload decode: JSON.parse + Schema (${size})`, await sampler(decode)],
    [`JSON.stringify (${size})`, await sampler(async () => JSON.stringify(value))],
    [`success encode: Schema + JSON.stringify (${size})`, await sampler(encode)]
  ]
  bodyTables.push({ size, rows: await interleave(variants, rounds, 1) })
}
for (const { rows } of bodyTables) bodies.push(...rows)

emit([
  {
    id: "scale-routing",
    title: "Routing: one match (`EndpointMatcher`, as `Router` uses it) by route count",
    unit: "µs",
    baseline: "1 route",
    rows: await interleave(routing, rounds)
  },
  {
    id: "scale-bodies",
    title: "Bodies: server payload decode and success encode, by body size",
    unit: "µs",
    baseline: "JSON.parse (1 KB)",
    rows: bodies,
    note: "Each row's ratio is to JSON.parse of 1 KB, so linear growth shows as ×~100 at 100 KB and ×~1000 at 1 MB; compare each Schema row with the JSON row of its size for the Schema's own cost."
  }
])
