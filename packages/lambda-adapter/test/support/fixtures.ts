/**
 * Real AWS sample events (see ../fixtures/PROVENANCE.md), typed by source so
 * tests can override fields with spreads.
 */
import { readFileSync } from "node:fs"
import type { ALBEvent, APIGatewayProxyEvent, APIGatewayProxyEventV2 } from "aws-lambda"

const read = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8"))

export const apiGatewayV1 = (name: string): APIGatewayProxyEvent => read(name)
export const payloadV2 = (name: string): APIGatewayProxyEventV2 => read(name)
export const alb = (name: string): ALBEvent => read(name)
export const anyEvent = (name: string): unknown => read(name)

export const v1Fixtures = [
  "apigw-v1-post-json.json",
  "apigw-v1-multi-value.json",
  "apigw-v1-base64-multi-value.json",
  "apigw-v1-lambda-authorizer-minimal.json"
]
export const v2Fixtures = [
  "apigw-v2-get.json",
  "apigw-v2-jwt-authorizer.json",
  "apigw-v2-lambda-authorizer.json",
  "apigw-v2-iam-authorizer.json",
  "apigw-v2-post-json-cookies.json"
]
export const functionUrlFixtures = [
  "function-url-get.json",
  "function-url-base64-body.json",
  "function-url-cookies-json-body.json",
  "function-url-iam-authorizer.json"
]
export const albFixtures = [
  "alb-single-value-get.json",
  "alb-multi-value-get.json",
  "alb-multi-value-query.json",
  "alb-both-header-modes-text-body.json"
]
export const nonHttpFixtures = ["non-http/sqs.json", "non-http/s3.json", "non-http/eventbridge.json"]

/** A v2 event for `method path` with a JSON body, from the plain HTTP API sample. */
export const v2Request = (
  method: string,
  path: string,
  options?: { readonly body?: string; readonly headers?: Record<string, string>; readonly query?: string }
): APIGatewayProxyEventV2 => {
  const base = payloadV2("apigw-v2-get.json")
  return {
    ...base,
    rawPath: path,
    rawQueryString: options?.query ?? "",
    headers: { ...base.headers, ...options?.headers },
    requestContext: { ...base.requestContext, http: { ...base.requestContext.http, method, path } },
    ...(options?.body === undefined ? {} : { body: options.body })
  }
}
