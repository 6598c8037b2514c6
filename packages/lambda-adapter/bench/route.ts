/**
 * The benchmarks' route, written by hand (no framework): `POST
 * /api/asset-transfers` with `{ amount }` — 400 for a body that is not an
 * integer amount, 403 `INSUFFICIENT_WALLET_BALANCE` above 100, else 200
 * `{"transferred":amount}`. The floor of the warm benchmark (`peers.ts`), of
 * the cold start (`cold-start-hand-written.ts`) and of the Effect 3 workspace
 * (`effect-aws-run.ts`), and the bytes every variant must answer. No imports:
 * it is copied into that workspace as it is.
 */

/** The JSON content type every answer carries. */
export const json = { "content-type": "application/json" }
/** The 403 body. */
export const forbidden = '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
/** The 400 body. */
export const badRequest = '{"statusCode":400,"error":"Bad Request","message":"body.amount: Expected an integer"}'
/** The 404 body. */
export const notFound = '{"statusCode":404,"error":"Not Found","message":"Not Found"}'

/** What the handler reads of a payload 2.0 event. */
export interface RouteEvent {
  readonly rawPath: string
  readonly body?: string | undefined
  readonly requestContext: { readonly http: { readonly method: string } }
}

/** The route by hand. */
export const handWritten = async (event: RouteEvent) => {
  if (event.requestContext.http.method !== "POST" || event.rawPath !== "/api/asset-transfers")
    return { statusCode: 404, headers: json, body: notFound }
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
