/**
 * `npm run fleet`: the shared rate limiter measured against a strict server
 * (`--limit` requests per `--window-ms` per account, 429 + Retry-After
 * beyond it), driven for `--duration-ms` by clients sharing one store:
 * 4 Node processes on Redis (a real redis-server, installed with apt-get
 * when missing), 4 Workers (isolates) in workerd on the Durable Object, and
 * the same 4 Node processes with in-memory limiters, to show the 429s a
 * per-process budget collects. One line per store; exit code 1 when a shared
 * store sends a request over the limit, collects more than 1% 429s, or
 * stays under 90% of the limit.
 */
import { parseArgs } from "node:util"
import * as Fleet from "./fleet/Fleet.ts"
import * as RedisServer from "./fleet/RedisServer.ts"

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "4" },
    concurrency: { type: "string", default: "10" },
    limit: { type: "string", default: "40" },
    "window-ms": { type: "string", default: "2000" },
    "duration-ms": { type: "string", default: "12000" }
  }
})

const size = {
  clients: Number(values.clients),
  concurrency: Number(values.concurrency),
  limit: Number(values.limit),
  windowMillis: Number(values["window-ms"]),
  durationMillis: Number(values["duration-ms"])
}

const redis = await RedisServer.start()
const results: Array<Fleet.Result> = []
try {
  for (const store of ["redis", "durable-object", "memory"] as const) {
    const result = await Fleet.run({ ...size, store, redisUrl: redis.url })
    results.push(result)
    process.stdout.write(`${Fleet.line(result)}\n`)
  }
} finally {
  await redis.stop()
}
const failing = results.filter(
  (r) => r.store !== "memory" && (r.overLimit > 0 || r.rejected > r.requests / 100 || r.throughput < 90)
)
process.exitCode = failing.length > 0 ? 1 : 0
