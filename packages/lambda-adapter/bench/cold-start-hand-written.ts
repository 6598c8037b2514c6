/** The cold-start baseline: the benchmark's route as a hand-written handler (no framework). */
const json = { "content-type": "application/json" }
const forbidden = '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
const badRequest = '{"statusCode":400,"error":"Bad Request","message":"body.amount: Expected an integer"}'

export const handler = async (event: {
  readonly rawPath: string
  readonly body?: string
  readonly requestContext: { readonly http: { readonly method: string } }
}) => {
  if (event.requestContext.http.method !== "POST" || event.rawPath !== "/api/asset-transfers")
    return { statusCode: 404, headers: json, body: '{"statusCode":404,"error":"Not Found","message":"Not Found"}' }
  let body: unknown
  try {
    body = JSON.parse(event.body ?? "")
  } catch {
    return { statusCode: 400, headers: json, body: badRequest }
  }
  if (typeof body !== "object" || body === null || !("amount" in body) || !Number.isInteger(body.amount))
    return { statusCode: 400, headers: json, body: badRequest }
  if (Number(body.amount) > 100) return { statusCode: 403, headers: json, body: forbidden }
  return { statusCode: 200, headers: json, body: JSON.stringify({ transferred: body.amount }) }
}
