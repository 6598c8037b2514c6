/**
 * Core's neutral `ServerResponse` as a Workers `Response`, and the response
 * of last resort for when even that fails.
 *
 * @module
 */
import * as ServerResponse from "@centrapay-effect/core/ServerResponse"

// Statuses whose response must not carry a body (Fetch standard).
const nullBodyStatuses: ReadonlySet<number> = new Set([101, 103, 204, 205, 304])

/**
 * Builds the platform response: every header value kept (`set-cookie` may
 * repeat), no body for a null-body status. Throws like `new Response` does
 * for a status outside 200–599 or an invalid header — which core's
 * `ResponseChecks` lets no program response reach; `WorkerHandler` turns any
 * throw into the contract's 500.
 *
 * @category converting
 * @example
 * ```ts
 * import { ServerResponse } from "@centrapay-effect/core"
 * import { WorkerResponse } from "@centrapay-effect/worker-adapter"
 *
 * WorkerResponse.fromServerResponse(ServerResponse.json({ ok: true }))
 * ```
 */
export const fromServerResponse = (response: ServerResponse.ServerResponse): Response => {
  const body = response.body === "" || nullBodyStatuses.has(response.status) ? null : response.body
  return new Response(body, { status: response.status, headers: headersOf(response.headers) })
}

// Most contract responses carry exactly `content-type: application/json`: they share one record
// (on workerd a fresh record per response measurably costs). Otherwise a record when every header
// has one value, else a list.
const jsonOnly: Readonly<Record<string, string>> = { "content-type": "application/json" }

const headersOf = (
  headers: ServerResponse.ServerResponse["headers"]
): Readonly<Record<string, string>> | Array<[string, string]> => {
  let count = 0
  for (const _ in headers) count++
  if (count === 1 && headers["content-type"] === "application/json") return jsonOnly
  const single: Record<string, string> = {}
  for (const name in headers) {
    const value = headers[name]
    if (typeof value === "string") single[name] = value
    else return listOf(headers)
  }
  return single
}

const listOf = (headers: ServerResponse.ServerResponse["headers"]): Array<[string, string]> => {
  const list: Array<[string, string]> = []
  for (const name in headers) {
    const value = headers[name]
    if (typeof value === "string") list.push([name, value])
    else if (value !== undefined) for (const each of value) list.push([name, each])
  }
  return list
}

/**
 * The contract's generic 500 with the correlation id: what a handler
 * answers when all else failed. Falls back to a constant body should even
 * that response fail to build.
 *
 * @category constructors
 */
export const lastResort = (requestId: string): Response => {
  try {
    return fromServerResponse(ServerResponse.lastResort(requestId))
  } catch {
    return new Response(fallbackBody, { status: 500, headers: { "content-type": "application/json" } })
  }
}

const fallbackBody = '{"statusCode":500,"error":"Internal Server Error","message":"Internal Server Error"}'
