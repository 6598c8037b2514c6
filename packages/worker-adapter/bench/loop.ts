/**
 * The benchmark's request loop, shared by the in-process run (Node) and the
 * in-workerd run: `n` requests to the route, each from `new Request` to
 * `await response.text()`, every answer checked to be the documented 403,
 * byte for byte.
 */
export type Handler = (request: Request) => Response | Promise<Response>

const body = JSON.stringify({ amount: 500 })

/** The route's request, as a client sends it: JSON with its length. */
export const makeRequest = (): Request =>
  new Request("https://bench.test/api/asset-transfers", {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(body.length) },
    body
  })

/** The documented 403's body, byte for byte the same from every peer. */
export const forbidden = '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'

/** Sends `n` requests one after another; fails if any answer is not the 403 with its exact body. */
export const loop = async (handler: Handler, n: number): Promise<void> => {
  for (let i = 0; i < n; i++) {
    const response = await handler(makeRequest())
    const text = await response.text()
    if (response.status !== 403 || text !== forbidden)
      throw new Error(`expected the 403, got ${response.status} ${text}`)
  }
}
