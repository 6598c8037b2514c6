/**
 * The HttpApi wallet in real workerd (miniflare), beside the wallet-api
 * example written with core's `Router`: for every request of the wallet-api
 * tests, the same status, contract headers and body bytes.
 */
import { fileURLToPath } from "node:url"
import { ratesApiEnv, startRatesApi } from "@centrapay-effect/wallet-api/demo/rates-api"
import type { ScriptedServer } from "@centrapay-effect/wallet-api/demo/scripted-server"
import * as LocalWorker from "@centrapay-effect/worker-adapter/LocalWorker"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { contractHeaders, headersOf, requests } from "./requests.ts"

const entry = (url: string) => fileURLToPath(new URL(url, import.meta.url))

let rates: ScriptedServer
let router: LocalWorker.LocalWorker
let httpApi: LocalWorker.LocalWorker

beforeAll(async () => {
  rates = await startRatesApi()
  const bindings = ratesApiEnv(rates.url)
  ;[router, httpApi] = await Promise.all([
    LocalWorker.serve(entry("../../wallet-api/src/worker.ts"), { bindings, port: 0 }),
    LocalWorker.serve(entry("../src/worker.ts"), { bindings, port: 0 })
  ])
}, 60_000)

afterAll(async () => {
  await Promise.all([router?.dispose(), httpApi?.dispose(), rates?.close()])
})

const ask = async (base: string, index: number) => {
  const request = requests[index]
  if (request === undefined) throw new Error(`no request ${index}`)
  const response = await fetch(new URL(request.path, base), {
    method: request.method,
    // The same `cf-ray` to both workers: the same correlation id in a 5xx.
    headers: { "accept-encoding": "identity", "cf-ray": `ray-${index}`, ...headersOf(request) },
    ...(request.body === undefined ? {} : { body: request.body })
  })
  return {
    request,
    status: response.status,
    headers: Object.fromEntries(contractHeaders.map((name) => [name, response.headers.get(name)])),
    body: await response.text()
  }
}

describe("the HttpApi wallet in workerd answers as the Router wallet does", () => {
  it("every request of the wallet-api tests, byte for byte", async () => {
    const answers: Array<Awaited<ReturnType<typeof ask>>> = []
    for (const index of requests.keys()) {
      const [expected, actual] = await Promise.all([ask(router.url, index), ask(httpApi.url, index)])
      expect(actual).toEqual(expected)
      answers.push(actual)
    }
    // A few answers written out, whatever both examples do.
    const at = (path: string) => answers.find((answer) => answer.request.path === path)
    expect(at("/api/nothing-here")).toMatchObject({
      status: 404,
      headers: { "content-type": "application/json", "www-authenticate": null },
      body: '{"statusCode":404,"error":"Not Found","message":"Not Found"}'
    })
    const invalid = answers.find((answer) => answer.request.body === '{"amount":')
    expect(invalid).toMatchObject({
      status: 400,
      body: '{"statusCode":400,"error":"Bad Request","message":"The request body is not valid JSON","issues":[{"path":["body"],"message":"Expected valid JSON"}],"problem":"invalid-json"}'
    })
    const timeout = requests.findIndex((request) => request.path === "/api/exchange-rates/CHF/live")
    expect(at("/api/exchange-rates/CHF/live")).toMatchObject({
      status: 504,
      headers: { "content-type": "application/json", "retry-after": "1", "x-request-id": `ray-${timeout}` },
      body: `{"statusCode":504,"error":"Gateway Timeout","message":"Gateway Timeout","correlationId":"ray-${timeout}"}`
    })
  })
})
