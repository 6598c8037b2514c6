/**
 * Peer: the benchmark's route on hono (its Workers adapter is the app's own
 * `fetch`), validating by hand as the plain handler does.
 */
import { Hono } from "hono"

const app = new Hono()

app.post("/api/asset-transfers", async (c) => {
  if (!c.req.header("content-type")?.startsWith("application/json")) {
    return c.json({ statusCode: 400, error: "Bad Request", message: "Expected Content-Type: application/json" }, 400)
  }
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    return c.json({ statusCode: 400, error: "Bad Request", message: "The request body is not valid JSON" }, 400)
  }
  if (typeof body !== "object" || body === null || !("amount" in body) || !Number.isInteger(body.amount)) {
    return c.json({ statusCode: 400, error: "Bad Request", message: "body.amount: Expected an integer" }, 400)
  }
  if (Number(body.amount) > 100) {
    return c.json({ statusCode: 403, error: "Forbidden", message: "INSUFFICIENT_WALLET_BALANCE" }, 403)
  }
  return c.json({ transferred: body.amount })
})
app.notFound((c) => c.json({ statusCode: 404, error: "Not Found", message: "Not Found" }, 404))

export default { fetch: (request: Request): Response | Promise<Response> => app.fetch(request) }
