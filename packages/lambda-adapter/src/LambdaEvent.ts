/**
 * The Lambda events the adapter serves — API Gateway REST (v1 proxy), API
 * Gateway HTTP API (payload 2.0), Application Load Balancer targets and
 * Lambda Function URLs — told apart by their shape, and the invocation's raw
 * event as a service.
 *
 * @module
 */
import type {
  ALBEvent,
  ALBResult,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
  LambdaFunctionURLEvent
} from "aws-lambda"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Result from "effect/Result"
import { field, isRecord, stringOf } from "./internal/values.ts"

/**
 * An HTTP event source. Function URLs use the HTTP API's payload 2.0, so the
 * two differ only in where the event came from.
 *
 * @category models
 */
export type Source = "api-gateway-v1" | "api-gateway-v2" | "alb" | "function-url"

/**
 * The event and result types of each source.
 *
 * @category models
 */
export interface Shapes {
  readonly "api-gateway-v1": { readonly event: APIGatewayProxyEvent; readonly result: APIGatewayProxyResult }
  readonly "api-gateway-v2": {
    readonly event: APIGatewayProxyEventV2
    readonly result: APIGatewayProxyStructuredResultV2
  }
  readonly alb: { readonly event: ALBEvent; readonly result: ALBResult }
  readonly "function-url": {
    readonly event: LambdaFunctionURLEvent
    readonly result: APIGatewayProxyStructuredResultV2
  }
}

/**
 * The event type of a source (of any source, for `Source`).
 *
 * @category models
 */
export type EventOf<S extends Source> = Shapes[S]["event"]

/**
 * The result type a source expects back (of any source, for `Source`).
 *
 * @category models
 */
export type ResultOf<S extends Source> = Shapes[S]["result"]

/**
 * An invocation's event, tagged with its source.
 *
 * @category models
 */
export type HttpEvent = { readonly [S in Source]: { readonly source: S; readonly event: EventOf<S> } }[Source]

/**
 * The raw event of the invocation being handled, as a service.
 *
 * @category services
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { LambdaEvent } from "@centrapay-effect/lambda-adapter"
 *
 * const stage = LambdaEvent.LambdaEvent.useSync((http) =>
 *   http.source === "api-gateway-v1" ? http.event.requestContext.stage : undefined
 * )
 * ```
 */
export class LambdaEvent extends Context.Service<LambdaEvent, HttpEvent>()(
  "@centrapay-effect/lambda-adapter/LambdaEvent"
) {}

/**
 * Each source's name as people say it.
 *
 * @category constants
 */
export const sourceNames: { readonly [S in Source]: string } = {
  "api-gateway-v1": "API Gateway REST API (v1 proxy)",
  "api-gateway-v2": "API Gateway HTTP API (payload 2.0)",
  alb: "Application Load Balancer",
  "function-url": "Lambda Function URL"
}

/**
 * An event the handler cannot answer over HTTP (an SQS batch, an S3
 * notification, an EventBridge event, a WebSocket message…). The handler
 * rejects with it, so Lambda records a failed invocation — for a queue, the
 * message is not deleted — instead of pretending to have answered.
 *
 * @category errors
 */
export class UnsupportedEvent extends Data.TaggedError("UnsupportedEvent")<{
  readonly message: string
  /** What the event looks like, when recognisable (`SQS`, `EventBridge`…). */
  readonly looksLike: string | undefined
}> {}

const isAlb = (event: unknown): event is ALBEvent =>
  isRecord(event) && isRecord(field(event.requestContext, "elb")) && typeof event.httpMethod === "string"

const isPayloadV2 = (event: unknown): event is APIGatewayProxyEventV2 =>
  isRecord(event) && typeof field(field(event.requestContext, "http"), "method") === "string"

const isApiGatewayV1 = (event: unknown): event is APIGatewayProxyEvent =>
  isRecord(event) && typeof event.httpMethod === "string"

// Function URLs are served from `<url-id>.lambda-url.<region>.on.aws`.
const isFromFunctionUrl = (event: APIGatewayProxyEventV2): boolean =>
  stringOf(field(event.requestContext, "domainName"))?.includes(".lambda-url.") === true

/**
 * Tells an event's source from its shape: `requestContext.elb` is an ALB,
 * `requestContext.http` is payload 2.0 (a Function URL when its domain is a
 * `lambda-url` one), a top-level `httpMethod` is API Gateway REST. With
 * `expected`, the event is read as that source and only checked to have its
 * method where that source puts it.
 *
 * @category decoding
 */
export const classify = (event: unknown, expected?: Source): Result.Result<HttpEvent, UnsupportedEvent> => {
  try {
    return classifyReadable(event, expected)
  } catch {
    return Result.fail(
      new UnsupportedEvent({ message: "Unsupported Lambda event: it could not be read.", looksLike: undefined })
    )
  }
}

const classifyReadable = (event: unknown, expected: Source | undefined): Result.Result<HttpEvent, UnsupportedEvent> => {
  switch (expected) {
    case undefined:
      if (isAlb(event)) return Result.succeed({ source: "alb", event })
      if (isPayloadV2(event))
        return Result.succeed({ source: isFromFunctionUrl(event) ? "function-url" : "api-gateway-v2", event })
      if (isApiGatewayV1(event)) return Result.succeed({ source: "api-gateway-v1", event })
      break
    case "alb":
      if (isAlb(event)) return Result.succeed({ source: "alb", event })
      break
    case "api-gateway-v2":
      if (isPayloadV2(event)) return Result.succeed({ source: "api-gateway-v2", event })
      break
    case "function-url":
      if (isPayloadV2(event)) return Result.succeed({ source: "function-url", event })
      break
    case "api-gateway-v1":
      if (isApiGatewayV1(event)) return Result.succeed({ source: "api-gateway-v1", event })
      break
  }
  return Result.fail(unsupported(event, expected))
}

const unsupported = (event: unknown, expected: Source | undefined): UnsupportedEvent => {
  const looksLike = recognise(event)
  const seen = looksLike === undefined ? "" : ` (it looks like ${looksLike})`
  const served =
    expected === undefined
      ? `HTTP events only: ${Object.values(sourceNames).join(", ")}`
      : `${sourceNames[expected]} events (the source it was configured with)`
  return new UnsupportedEvent({
    message: `Unsupported Lambda event${seen}: this handler serves ${served}.`,
    looksLike
  })
}

const recordSources: ReadonlyMap<string, string> = new Map([
  ["aws:sqs", "an SQS batch"],
  ["aws:s3", "an S3 notification"],
  ["aws:sns", "an SNS notification"],
  ["aws:dynamodb", "a DynamoDB stream batch"],
  ["aws:kinesis", "a Kinesis batch"],
  ["aws:kafka", "a Kafka batch"],
  ["aws:ses", "an SES notification"]
])

const recognise = (event: unknown): string | undefined => {
  if (!isRecord(event)) return event === null ? "null" : typeof event
  const records = event.Records
  if (Array.isArray(records)) {
    const first: unknown = records[0]
    const source = stringOf(field(first, "eventSource")) ?? stringOf(field(first, "EventSource"))
    return source === undefined ? "a batch of records" : (recordSources.get(source) ?? `a batch from ${source}`)
  }
  if ("detail-type" in event) return "an EventBridge event"
  if (stringOf(field(event.requestContext, "connectionId")) !== undefined) return "an API Gateway WebSocket message"
  if ("version" in event && "rawPath" in event) return "a payload 2.0 event without requestContext.http.method"
  return undefined
}
