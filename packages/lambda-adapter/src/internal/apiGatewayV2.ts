/**
 * Payload 2.0 events (API Gateway HTTP API, Lambda Function URLs) ⇄ core's
 * neutral form. The query comes raw in `rawQueryString`; cookies come in
 * `cookies` and go back in `cookies`, the only way to send several.
 */
import * as QueryString from "@centrapay-effect/core/QueryString"
import type * as ServerRequest from "@centrapay-effect/core/ServerRequest"
import type * as ServerResponse from "@centrapay-effect/core/ServerResponse"
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda"
import { requestBody } from "./body.ts"
import * as Headers from "./headers.ts"
import { field, put, stringOf, stringsOf } from "./values.ts"

/** The request a payload 2.0 event carries. */
export const toRequest = (event: APIGatewayProxyEventV2, requestId: string): ServerRequest.ServerRequest => {
  const context: unknown = event.requestContext
  const headers = withCookies(Headers.requestHeaders(event.headers, undefined), stringsOf(event.cookies))
  const rawQuery = stringOf(event.rawQueryString)
  return {
    method: (stringOf(field(field(context, "http"), "method")) ?? "GET").toUpperCase(),
    path: withoutStage(
      stringOf(event.rawPath) || stringOf(field(field(context, "http"), "path")) || "/",
      stringOf(field(context, "stage"))
    ),
    query: rawQuery
      ? QueryString.parse(rawQuery)
      : QueryString.fromMaps(event.queryStringParameters, undefined, "decoded"),
    headers,
    body: requestBody(event.body, event.isBase64Encoded),
    requestId
  }
}

// Payload 2.0 sends cookies apart from the headers: they are the `cookie` header, unless the event has one.
const withCookies = (
  headers: Readonly<Record<string, string>>,
  cookies: ReadonlyArray<string>
): Readonly<Record<string, string>> => {
  if (cookies.length === 0 || Object.hasOwn(headers, "cookie")) return headers
  const copy = { ...headers }
  put(copy, "cookie", cookies.join("; "))
  return copy
}

// On the execute-api domain, a named stage (not `$default`) prefixes the path.
const withoutStage = (path: string, stage: string | undefined): string => {
  if (stage === undefined || stage === "" || stage === "$default") return path
  const prefix = `/${stage}`
  if (path === prefix) return "/"
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path
}

/** The result payload 2.0 expects: `Set-Cookie` values in `cookies`, other repeated headers joined. */
export const toResult = (response: ServerResponse.ServerResponse): APIGatewayProxyStructuredResultV2 => ({
  statusCode: response.status,
  ...Headers.withCookies(response.headers),
  body: response.body,
  isBase64Encoded: false
})
