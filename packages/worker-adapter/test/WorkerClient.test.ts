/**
 * The client side in real workerd: outgoing requests go through the
 * Workers `fetch` to an upstream the test serves, within the subrequest
 * limits of each incoming request; past them, a typed error.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type RunningWorker, start } from "./support/workerd.ts"

let worker: RunningWorker
let open = 0
let mostOpen = 0
const seen: Array<string> = []

beforeAll(async () => {
  worker = await start("client.ts", {
    bindings: { UPSTREAM_URL: "https://upstream.test" },
    outboundService: async (request) => {
      const url = new URL(request.url)
      seen.push(`${request.method} ${url.pathname} ${request.headers.get("x-api-key") ?? ""}`)
      if (url.pathname === "/flaky") return new Response("upstream down", { status: 503 })
      open += 1
      mostOpen = Math.max(mostOpen, open)
      await new Promise((resolve) => setTimeout(resolve, 15))
      open -= 1
      return new Response('{"ok":true}', { headers: { "content-type": "application/json" } })
    }
  })
})

afterAll(async () => {
  await worker.dispose()
})

describe("WorkerClient in workerd", () => {
  it("sends up to the subrequest limit, at most `connections` at once; past it a typed error, not an exception", async () => {
    seen.length = 0
    mostOpen = 0
    const response = await worker.fetch("/test/fan-out?n=8")
    expect(response.status).toBe(200)
    expect(JSON.parse(response.text)).toEqual({ sent: 5, limitReached: 3, failed: 0 })
    expect(seen).toHaveLength(5)
    expect(mostOpen).toBe(2)
  })

  it("each incoming request has a budget of its own", async () => {
    const first = await worker.fetch("/test/fan-out?n=3")
    const second = await worker.fetch("/test/fan-out?n=3")
    expect(JSON.parse(first.text)).toEqual({ sent: 3, limitReached: 0, failed: 0 })
    expect(JSON.parse(second.text)).toEqual({ sent: 3, limitReached: 0, failed: 0 })
  })

  it("core's Client counts every retry against the limit and stops there with a TransportFailure (subrequest-limit)", async () => {
    seen.length = 0
    const response = await worker.fetch("/test/call")
    expect(JSON.parse(response.text)).toEqual({
      tag: "TransportFailure",
      reason: "subrequest-limit",
      detail: expect.stringMatching(/limit of 5 subrequests per request/)
    })
    expect(seen).toEqual(Array.from({ length: 5 }, () => "GET /flaky ak_test"))
  })
})
