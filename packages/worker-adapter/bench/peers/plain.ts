/**
 * Peer: a hand-written fetch handler for the benchmark's route
 * (`POST /api/asset-transfers`, JSON body `{ amount: int }`, 403
 * `INSUFFICIENT_WALLET_BALANCE` above 100), validating by hand.
 */
const json = { "content-type": "application/json" }
const error = (statusCode: number, reason: string, message: string) =>
  new Response(JSON.stringify({ statusCode, error: reason, message }), { status: statusCode, headers: json })
const forbidden = JSON.stringify({ statusCode: 403, error: "Forbidden", message: "INSUFFICIENT_WALLET_BALANCE" })

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    if (request.method !== "POST" || url.pathname !== "/api/asset-transfers") {
      return error(404, "Not Found", "Not Found")
    }
    if (!request.headers.get("content-type")?.startsWith("application/json")) {
      return error(400, "Bad Request", "Expected Content-Type: application/json")
    }
    let body: unknown
    try {
      body = await request.json()
    } catch {
      return error(400, "Bad Request", "The request body is not valid JSON")
    }
    if (typeof body !== "object" || body === null || !("amount" in body) || !Number.isInteger(body.amount)) {
      return error(400, "Bad Request", "body.amount: Expected an integer")
    }
    if (Number(body.amount) > 100) return new Response(forbidden, { status: 403, headers: json })
    return new Response(JSON.stringify({ transferred: body.amount }), { headers: json })
  }
}
