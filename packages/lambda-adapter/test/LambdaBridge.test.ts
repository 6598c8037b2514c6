import { Buffer } from "node:buffer"
import { LambdaBridge, LambdaHandler } from "@centrapay-effect/lambda-adapter"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Layer, Logger } from "effect"
import { app, countingWallets } from "./support/app.ts"

const handler = LambdaHandler.make(app, Layer.merge(countingWallets({ builds: 0 }), Logger.layer([])))
let bridge: LambdaBridge.Bridge
beforeAll(async () => {
  bridge = await LambdaBridge.serve(handler, { port: 0 })
})
afterAll(async () => {
  await bridge.close()
  await handler.dispose()
})

describe("LambdaBridge", () => {
  it("serves the handler over HTTP, as API Gateway's HTTP API would call it", async () => {
    const response = await fetch(`${bridge.url}/api/asset-transfers`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ amount: 50, recipient: "mc_1" })
    })
    expect(response.status).toBe(403)
    expect(response.headers.getSetCookie()).toEqual(["seen=1; Path=/; HttpOnly", "visit=2; Path=/"])
    expect(response.headers.get("x-trace")).toBe("a, b")
    expect(await response.text()).toBe('{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}')
  })

  it("passes the query string, cookies and the event source through", async () => {
    const response = await fetch(`${bridge.url}/whoami?a=1&a=2&order=asc`, { headers: { cookie: "x=1; y=2" } })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      source: "api-gateway-v2",
      query: { a: ["1", "2"], order: "asc" },
      cookie: "x=1; y=2"
    })
  })

  it("passes query and header names that are Object.prototype members as ordinary names", async () => {
    const response = await fetch(`${bridge.url}/whoami?constructor=1&__proto__=2&toString=3`)
    expect(response.status).toBe(200)
    // fromEntries makes `__proto__` an own key, as JSON.parse does (an object literal would set the prototype).
    const query = Object.fromEntries([
      ["constructor", "1"],
      ["__proto__", "2"],
      ["toString", "3"]
    ])
    expect(await response.json()).toMatchObject({ query })
  })

  it("sends binary bodies base64-encoded, and the handler sees the bytes", async () => {
    const response = await fetch(`${bridge.url}/echo`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: Buffer.from([0, 1, 2, 255])
    })
    expect(await response.json()).toMatchObject({ contentType: "application/octet-stream", bytes: 4 })
  })

  it("answers unknown routes and bad JSON with the contract's 404 and 400", async () => {
    const missing = await fetch(`${bridge.url}/nowhere`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ statusCode: 404, error: "Not Found", message: "Not Found" })
    const bad = await fetch(`${bridge.url}/api/asset-transfers`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{"
    })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ statusCode: 400, problem: "invalid-json" })
  })

  it("answers a failed invocation as API Gateway does, and a plain string result as a 200", async () => {
    const failing = await LambdaBridge.serve(() => Promise.reject(new Error("boom")), { port: 0 })
    const text = await LambdaBridge.serve(() => Promise.resolve('{"ok":true}'), { port: 0 })
    try {
      const failed = await fetch(failing.url)
      expect(failed.status).toBe(500)
      expect(await failed.json()).toEqual({ message: "Internal Server Error" })
      const ok = await fetch(text.url)
      expect(ok.status).toBe(200)
      expect(await ok.json()).toEqual({ ok: true })
    } finally {
      await failing.close()
      await text.close()
    }
  })
})
