/**
 * One entry point over the per-source translators: an event to core's
 * request, core's response to the result of the event's source, the limits
 * each source puts on a result, and a result of last resort that cannot fail.
 */
import type * as ResponseChecks from "@centrapay-effect/core/ResponseChecks"
import type * as ServerRequest from "@centrapay-effect/core/ServerRequest"
import type * as ServerResponse from "@centrapay-effect/core/ServerResponse"
import type { HttpEvent } from "../LambdaEvent.ts"
import * as Alb from "./alb.ts"
import * as ApiGatewayV1 from "./apiGatewayV1.ts"
import * as ApiGatewayV2 from "./apiGatewayV2.ts"

/** The request the event carries. */
export const toRequest = (http: HttpEvent, requestId: string): ServerRequest.ServerRequest => {
  switch (http.source) {
    case "api-gateway-v1":
      return ApiGatewayV1.toRequest(http.event, requestId)
    case "api-gateway-v2":
    case "function-url":
      return ApiGatewayV2.toRequest(http.event, requestId)
    case "alb":
      return Alb.toRequest(http.event, requestId)
  }
}

/** A result for the event's source. */
export type AnyResult = ReturnType<typeof ApiGatewayV1.toResult | typeof ApiGatewayV2.toResult | typeof Alb.toResult>

/** The response in the result shape of the event's source. */
export const toResult = (http: HttpEvent, response: ServerResponse.ServerResponse): AnyResult => {
  switch (http.source) {
    case "api-gateway-v1":
      return ApiGatewayV1.toResult(response)
    case "api-gateway-v2":
    case "function-url":
      return ApiGatewayV2.toResult(response)
    case "alb":
      return Alb.toResult(response, http.event)
  }
}

/**
 * Lambda's limit on a synchronous invocation's response: the result, as
 * JSON, at most 6 MB (6 MiB). API Gateway and Function URLs carry no larger.
 */
const lambdaLimits: ResponseChecks.Limits = { maxJsonBytes: 6_291_456 }

/** The limits the event's source puts on a result (core's `ResponseChecks` applies them). */
export const responseLimitsOf = (http: HttpEvent): ResponseChecks.Limits =>
  http.source === "alb" ? Alb.responseLimits : lambdaLimits

/**
 * Core's generic 500 (`ServerRuntime.lastResort`) in the event source's
 * shape: the answer when even translating a response failed. Should reading
 * the event itself throw, the same 500 with single-value headers, which
 * every source accepts.
 */
export const lastResort = (http: HttpEvent, requestId: string, response: ServerResponse.ServerResponse): AnyResult => {
  try {
    return toResult(http, response)
  } catch {
    return {
      statusCode: response.status,
      headers: { "content-type": "application/json", "x-request-id": requestId },
      body: response.body,
      isBase64Encoded: false
    }
  }
}
