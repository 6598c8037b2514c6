/** The cold-start peer: the benchmark's route on middy + http-error-handler, the body decoded with a Schema. */
import middy from "@middy/core"
import httpErrorHandler from "@middy/http-error-handler"
import * as Schema from "effect/Schema"

const decode = Schema.decodeUnknownSync(Schema.Struct({ amount: Schema.Int }))
const forbidden = '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'

export const handler = middy(async (event: { readonly body?: string }) => {
  const { amount } = decode(JSON.parse(event.body ?? ""))
  if (amount > 100) throw Object.assign(new Error(forbidden), { statusCode: 403 })
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ transferred: amount })
  }
}).use(httpErrorHandler({ logger: false }))
