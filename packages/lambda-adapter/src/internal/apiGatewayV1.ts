/**
 * API Gateway REST API (v1 proxy integration) events ⇄ core's neutral form.
 * Also the shape of HTTP API payload 1.0. Values in the parameter maps are
 * already percent-decoded; `multiValueHeaders` and
 * `multiValueQueryStringParameters` hold every repeated value.
 */
import * as QueryString from "@centrapay-effect/core/QueryString"
import type * as ServerRequest from "@centrapay-effect/core/ServerRequest"
import type * as ServerResponse from "@centrapay-effect/core/ServerResponse"
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda"
import { requestBody } from "./body.ts"
import * as Headers from "./headers.ts"
import { stringOf } from "./values.ts"

/** The request an API Gateway REST event carries. */
export const toRequest = (event: APIGatewayProxyEvent, requestId: string): ServerRequest.ServerRequest => ({
  method: (stringOf(event.httpMethod) ?? "GET").toUpperCase(),
  path: stringOf(event.path) || "/",
  query: QueryString.fromMaps(event.queryStringParameters, event.multiValueQueryStringParameters, "decoded"),
  headers: Headers.requestHeaders(event.headers, event.multiValueHeaders),
  body: requestBody(event.body, event.isBase64Encoded),
  requestId
})

/** The result API Gateway REST expects: repeated headers (`Set-Cookie`…) in `multiValueHeaders`. */
export const toResult = (response: ServerResponse.ServerResponse): APIGatewayProxyResult => ({
  statusCode: response.status,
  ...Headers.split(response.headers),
  body: response.body,
  isBase64Encoded: false
})
