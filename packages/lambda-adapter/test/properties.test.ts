/**
 * Generated events of every HTTP shape — odd header names (`__proto__`,
 * mixed case), non-string values, nulls, base64 flags on non-base64 text,
 * malformed percent-escapes — and arbitrary non-events: the handler never
 * throws, answers every HTTP event with a valid result of the event's shape,
 * and rejects everything else with `UnsupportedEvent` only.
 */
import { LambdaContext, LambdaEvent, LambdaHandler } from "@centrapay-effect/lambda-adapter"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Layer, Logger } from "effect"
import fc from "fast-check"
import { app, countingWallets } from "./support/app.ts"

const quiet = Layer.merge(countingWallets({ builds: 0 }), Logger.layer([]))
const handler = LambdaHandler.make(app, quiet)
afterAll(() => handler.dispose())
const context = () => LambdaContext.local({ requestId: "req-prop", timeout: "600 millis" })

const name = fc.oneof(
  fc.constantFrom("content-type", "Content-Type", "cookie", "Cookie", "host", "__proto__", "constructor", "set-cookie"),
  fc.string({ maxLength: 12 })
)
const scalar = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null))
const single = fc.option(fc.dictionary(name, scalar, { maxKeys: 6 }), { nil: null })
const multi = fc.option(fc.dictionary(name, fc.oneof(fc.array(scalar, { maxLength: 3 }), scalar), { maxKeys: 6 }), {
  nil: null
})
const method = fc.oneof(fc.constantFrom("GET", "POST", "DELETE", "get", "OPTIONS"), fc.string({ maxLength: 6 }))
const path = fc.oneof(
  fc.constantFrom(
    "/api/asset-transfers",
    "/whoami",
    "/echo",
    "/boom",
    "/throttled",
    "/api/search",
    "/api/merchant-configs/mc_known",
    "/api/merchant-configs/%E0%A4%A",
    "/dev/whoami",
    "",
    "/"
  ),
  fc.webPath(),
  fc.string({ maxLength: 20 })
)
const body = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.string({ maxLength: 40 }),
  fc.json({ maxDepth: 2 }),
  fc.constant('{"amount":5,"recipient":"mc_1"}'),
  fc.constant("eyJhbW91bnQiOjV9")
)
const rawQuery = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("a=1&a=2&b", "q=%E0%A4%A&x=+", "order=asc"))

const v1 = fc.record({
  httpMethod: method,
  path,
  headers: single,
  multiValueHeaders: multi,
  queryStringParameters: single,
  multiValueQueryStringParameters: multi,
  body,
  isBase64Encoded: fc.boolean(),
  requestContext: fc.record({
    requestId: fc.string(),
    authorizer: fc.option(fc.dictionary(name, scalar), { nil: null })
  })
})
const v2 = (domainName: fc.Arbitrary<string>) =>
  fc.record({
    version: fc.constant("2.0"),
    rawPath: path,
    rawQueryString: rawQuery,
    cookies: fc.option(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), { nil: undefined }),
    headers: single,
    body,
    isBase64Encoded: fc.boolean(),
    requestContext: fc.record({
      http: fc.record({ method, path }),
      stage: fc.constantFrom("$default", "dev"),
      domainName,
      requestId: fc.string()
    })
  })
const alb = fc.oneof(
  fc.record({
    httpMethod: method,
    path,
    headers: single,
    queryStringParameters: single,
    body,
    isBase64Encoded: fc.boolean(),
    requestContext: fc.constant({ elb: { targetGroupArn: "arn:aws:elasticloadbalancing:tg" } })
  }),
  fc.record({
    httpMethod: method,
    path,
    multiValueHeaders: fc.dictionary(name, fc.array(scalar, { maxLength: 3 }), { maxKeys: 6 }),
    multiValueQueryStringParameters: fc.dictionary(name, fc.array(scalar, { maxLength: 3 }), { maxKeys: 4 }),
    body,
    isBase64Encoded: fc.boolean(),
    requestContext: fc.constant({ elb: { targetGroupArn: "arn:aws:elasticloadbalancing:tg" } })
  })
)

const isStringMap = (value: unknown) =>
  typeof value === "object" && value !== null && Object.values(value).every((v) => typeof v === "string")
const isListMap = (value: unknown) =>
  typeof value === "object" &&
  value !== null &&
  Object.values(value).every((v) => Array.isArray(v) && v.every((item) => typeof item === "string"))

/** The result is one API Gateway / ALB accept for the event's source, with a contract body. */
const expectValid = (result: Record<string, unknown>, source: LambdaEvent.Source, albMultiValue: boolean) => {
  const status = result.statusCode
  expect(Number.isInteger(status) && typeof status === "number" && status >= 200 && status <= 599).toBe(true)
  expect(result.isBase64Encoded).toBe(false)
  expect(typeof result.body).toBe("string")
  const parsed: unknown = JSON.parse(String(result.body))
  if (typeof status === "number" && status >= 400) expect(parsed).toMatchObject({ statusCode: status })
  switch (source) {
    case "api-gateway-v1":
      expect(isStringMap(result.headers)).toBe(true)
      if (result.multiValueHeaders !== undefined) expect(isListMap(result.multiValueHeaders)).toBe(true)
      expect(result).not.toHaveProperty("cookies")
      break
    case "api-gateway-v2":
    case "function-url":
      expect(isStringMap(result.headers)).toBe(true)
      if (result.cookies !== undefined) expect(Array.isArray(result.cookies)).toBe(true)
      expect(result).not.toHaveProperty("multiValueHeaders")
      break
    case "alb":
      expect(result.statusDescription).toMatch(/^\d{3} \S/)
      if (albMultiValue) {
        expect(isListMap(result.multiValueHeaders)).toBe(true)
        expect(result).not.toHaveProperty("headers")
      } else {
        expect(isStringMap(result.headers)).toBe(true)
        expect(result).not.toHaveProperty("multiValueHeaders")
      }
  }
}

const answer = async (event: unknown): Promise<Record<string, unknown>> => {
  const result = await handler(event, context())
  return { ...result }
}

describe("generated events", () => {
  it("API Gateway REST events always get a valid REST result", async () => {
    await fc.assert(
      fc.asyncProperty(v1, async (event) => expectValid(await answer(event), "api-gateway-v1", false)),
      { numRuns: 400 }
    )
  })

  it("HTTP API and Function URL events always get a valid payload 2.0 result", async () => {
    const domain = fc.constantFrom("id.execute-api.us-east-1.amazonaws.com", "u.lambda-url.us-west-2.on.aws")
    await fc.assert(
      fc.asyncProperty(v2(domain), async (event) => expectValid(await answer(event), "api-gateway-v2", false)),
      { numRuns: 400 }
    )
  })

  it("ALB events always get a valid ALB result in the event's header mode", async () => {
    await fc.assert(
      fc.asyncProperty(alb, async (event) => expectValid(await answer(event), "alb", "multiValueHeaders" in event)),
      { numRuns: 400 }
    )
  })

  it("anything else is rejected with UnsupportedEvent, never thrown", async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (event) => {
        const outcome = await handler(event, context()).then(
          (result) => ({ _tag: "Answered" as const, result }),
          (error: unknown) => ({ _tag: "Rejected" as const, error })
        )
        if (outcome._tag === "Rejected") expect(outcome.error).toBeInstanceOf(LambdaEvent.UnsupportedEvent)
        else expect(typeof outcome.result.statusCode).toBe("number")
      }),
      { numRuns: 500 }
    )
  })
})
