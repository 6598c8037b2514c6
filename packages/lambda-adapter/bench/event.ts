/**
 * The benchmarks' event: AWS's HTTP API (payload 2.0) sample
 * (`test/fixtures/apigw-v2-get.json`) as `POST /api/asset-transfers` with
 * `{ amount }`.
 */
import { readFileSync } from "node:fs"
import type { APIGatewayProxyEventV2 } from "aws-lambda"

const base: APIGatewayProxyEventV2 = JSON.parse(
  readFileSync(new URL("../test/fixtures/apigw-v2-get.json", import.meta.url), "utf8")
)

/** The sample event, posting `{ amount }` as JSON. */
export const transferEvent = (amount: number): APIGatewayProxyEventV2 => {
  const body = JSON.stringify({ amount })
  return {
    ...base,
    rawPath: "/api/asset-transfers",
    headers: { ...base.headers, "content-type": "application/json", "content-length": String(body.length) },
    body,
    requestContext: {
      ...base.requestContext,
      http: { ...base.requestContext.http, method: "POST", path: "/api/asset-transfers" }
    }
  }
}
