/** The cold-start peer: the benchmark's route on hono's aws-lambda adapter, the body decoded with a Schema. */
import * as Schema from "effect/Schema"
import { Hono } from "hono"
import { handle } from "hono/aws-lambda"

const decode = Schema.decodeUnknownSync(Schema.Struct({ amount: Schema.Int }))
const forbidden = '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
class InsufficientBalance extends Error {}

const app = new Hono()
app.post("/api/asset-transfers", async (c) => {
  const { amount } = decode(await c.req.json())
  if (amount > 100) throw new InsufficientBalance()
  return c.json({ transferred: amount })
})
app.onError((error, c) =>
  error instanceof InsufficientBalance
    ? c.body(forbidden, 403, { "content-type": "application/json" })
    : c.text("Internal Server Error", 500)
)

export const handler = handle(app)
