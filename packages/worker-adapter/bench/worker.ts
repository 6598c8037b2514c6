/**
 * The in-workerd benchmark: `GET /?peer=<peer>&n=<count>` answers `n`
 * requests with one peer inside the isolate (no loopback per request) and
 * returns the elapsed milliseconds. workerd's clock only moves across I/O,
 * so a timer brackets the loop. Each peer runs in an instance of its own.
 */
import { loop } from "./loop.ts"
import { handlers, isPeer } from "./peers/index.ts"

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

export default {
  async fetch(request: Request, _env: object, ctx: Parameters<typeof handlers>[0]): Promise<Response> {
    const url = new URL(request.url)
    const peer = url.searchParams.get("peer") ?? undefined
    const n = Number(url.searchParams.get("n") ?? "1000")
    if (!isPeer(peer)) return new Response("unknown peer", { status: 404 })
    const handler = handlers(ctx)[peer]
    await tick()
    const started = Date.now()
    await loop(handler, n)
    await tick()
    return Response.json({ ms: Date.now() - started, n })
  }
}
