/**
 * Application Load Balancer target events ⇄ core's neutral form. ALB passes
 * query names and values percent-encoded, as the client sent them. A target
 * group with multi-value headers enabled sends `multiValueHeaders` and
 * `multiValueQueryStringParameters` and must be answered with
 * `multiValueHeaders`; otherwise with single-value `headers`. Either way the
 * result carries a `statusDescription` such as `403 Forbidden`.
 */
import * as QueryString from "@centrapay-effect/core/QueryString"
import type * as ResponseChecks from "@centrapay-effect/core/ResponseChecks"
import * as ResponseCodec from "@centrapay-effect/core/ResponseCodec"
import type * as ServerRequest from "@centrapay-effect/core/ServerRequest"
import type * as ServerResponse from "@centrapay-effect/core/ServerResponse"
import type { ALBEvent, ALBResult } from "aws-lambda"
import { requestBody } from "./body.ts"
import * as Headers from "./headers.ts"
import { isRecord, stringOf } from "./values.ts"

/** The request an ALB event carries. */
export const toRequest = (event: ALBEvent, requestId: string): ServerRequest.ServerRequest => ({
  method: (stringOf(event.httpMethod) ?? "GET").toUpperCase(),
  path: stringOf(event.path) || "/",
  query: QueryString.fromMaps(event.queryStringParameters, event.multiValueQueryStringParameters, "percent-encoded"),
  headers: Headers.requestHeaders(event.headers, event.multiValueHeaders),
  body: requestBody(event.body, event.isBase64Encoded),
  requestId
})

// Reason phrases of the success statuses a program may answer with (core's
// `ResponseChecks` lets no 3xx through); core knows those of every error
// status. (Not node:http's table: importing node:http costs ~50 ms of cold start.)
const successPhrases: Readonly<Record<number, string>> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content"
}

/** `403 Forbidden`, `200 OK`: the status line ALB sends. */
export const statusDescription = (status: number): string =>
  `${status} ${successPhrases[status] ?? ResponseCodec.reasonPhrase(status)}`

/**
 * ALB's limit on what a Lambda target answers: the result, as JSON, at most
 * 1 MB (read as 1,000,000 bytes, the stricter reading).
 */
export const responseLimits: ResponseChecks.Limits = { maxJsonBytes: 1_000_000 }

/** The result ALB expects, in the header mode the event was sent in. */
export const toResult = (response: ServerResponse.ServerResponse, event: ALBEvent): ALBResult => {
  const common = { statusCode: response.status, statusDescription: statusDescription(response.status) }
  return isRecord(event.multiValueHeaders)
    ? { ...common, multiValueHeaders: Headers.lists(response.headers), body: response.body, isBase64Encoded: false }
    : {
        ...common,
        headers: Headers.singleWithCookieVariants(response.headers),
        body: response.body,
        isBase64Encoded: false
      }
}
