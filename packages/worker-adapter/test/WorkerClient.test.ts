/**
 * The client side in real workerd: outgoing requests go through the
 * Workers `fetch` to an upstream the test serves, within the subrequest
 * limits of each incoming request; past them, a typed error. Redirects are
 * never followed, whether workerd would follow them to the outbound service
 * or over the network, and a body over the client's cap — an endless one,
 * or a gzip bomb — is a typed error.
 *
 * Two workers run the same script: `worker` sends everything to miniflare's
 * outbound service; `direct` calls real `node:http` servers on 127.0.0.1
 * (the outbound service hands a gzip body over without inflating it, a real
 * origin's is inflated by workerd, which is what a bomb needs).
 */
import * as http from "node:http"
import { gzipSync } from "node:zlib"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type RunningWorker, start } from "./support/workerd.ts"

let worker: RunningWorker
let open = 0
let mostOpen = 0
const seen: Array<string> = []
/** Requests the outbound service saw for another origin than the upstream's. */
const elsewhere: Array<string> = []

let direct: RunningWorker
/** Requests that reached the real other origin. */
const reachedOtherOrigin: Array<string> = []
// 256 MiB of zeros, gzipped to about 250 KB.
const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 })
const servers: Array<http.Server> = []

const listen = async (handler: http.RequestListener): Promise<string> => {
  const server = http.createServer(handler)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  return `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
}

beforeAll(async () => {
  worker = await start("client.ts", {
    bindings: { UPSTREAM_URL: "https://upstream.test" },
    outboundService: async (request) => {
      const url = new URL(request.url)
      if (url.host !== "upstream.test") {
        elsewhere.push(`${request.method} ${url.href} ${request.headers.get("x-api-key") ?? ""}`)
        return new Response('{"id":"stolen"}', { headers: { "content-type": "application/json" } })
      }
      seen.push(`${request.method} ${url.pathname} ${request.headers.get("x-api-key") ?? ""}`)
      const redirect = /^\/redirect\/(\d{3})$/.exec(url.pathname)
      if (redirect !== null) {
        return new Response(null, {
          status: Number(redirect[1]),
          headers: { location: "https://elsewhere.test/steal" }
        })
      }
      if (url.pathname === "/flaky") return new Response("upstream down", { status: 503 })
      open += 1
      mostOpen = Math.max(mostOpen, open)
      await new Promise((resolve) => setTimeout(resolve, 15))
      open -= 1
      return new Response('{"ok":true}', { headers: { "content-type": "application/json" } })
    }
  })

  const otherOrigin = await listen((request, response) => {
    reachedOtherOrigin.push(`${request.method} ${request.url} ${request.headers["x-api-key"] ?? ""}`)
    response.writeHead(200, { "content-type": "application/json" })
    response.end('{"id":"stolen"}')
  })
  const upstream = await listen((request, response) => {
    response.on("error", () => {})
    if (request.url?.startsWith("/redirect/")) {
      response.writeHead(Number(request.url.slice("/redirect/".length)), { location: `${otherOrigin}/steal` })
      response.end()
    } else if (request.url === "/huge/gzip") {
      response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
      response.end(bomb)
    } else {
      // An endless body without Content-Length, until the client lets go.
      response.writeHead(200, { "content-type": "application/json" })
      const chunk = Buffer.alloc(64 * 1024, "x")
      const pump = () => {
        while (!response.destroyed) if (!response.write(chunk)) return void response.once("drain", pump)
      }
      pump()
    }
  })
  direct = await start("client.ts", { bindings: { UPSTREAM_URL: upstream } })
})

afterAll(async () => {
  await worker.dispose()
  await direct.dispose()
  for (const server of servers) {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
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

  it("never follows a redirect: a 3xx is an UnexpectedStatus with the real status, and another origin sees nothing", async () => {
    seen.length = 0
    elsewhere.length = 0
    for (const status of [301, 302, 303, 307, 308]) {
      const get = await worker.fetch(`/test/redirect/${status}`)
      expect(JSON.parse(get.text)).toEqual({ tag: "UnexpectedStatus", status, reason: null, detail: null })
      const post = await worker.fetch(`/test/redirect/${status}`, { method: "POST" })
      expect(JSON.parse(post.text)).toEqual({ tag: "UnexpectedStatus", status, reason: null, detail: null })
    }
    expect(seen).toHaveLength(10)
    expect(elsewhere).toEqual([])
  })

  it("a real origin's 3xx to another real origin is not followed either (GET, and a keyed POST)", async () => {
    for (const status of [302, 307, 308]) {
      for (const method of ["GET", "POST"]) {
        const response = await direct.fetch(`/test/redirect/${status}`, { method })
        expect(JSON.parse(response.text)).toEqual({ tag: "UnexpectedStatus", status, reason: null, detail: null })
      }
    }
    expect(reachedOtherOrigin).toEqual([])
  })

  it("a body over the cap, endless or a gzip bomb, is a typed response-too-large", async () => {
    for (const kind of ["plain", "gzip"]) {
      const response = await direct.fetch(`/test/huge/${kind}`)
      expect(JSON.parse(response.text)).toEqual({
        tag: "TransportFailure",
        status: null,
        reason: "response-too-large",
        detail:
          "the body of the 200 response is over the cap of 65536 bytes (maxResponseBytes); reading stopped there and nothing of it was kept"
      })
    }
  })
})
