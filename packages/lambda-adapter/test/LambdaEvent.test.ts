import { Authorizer, LambdaEvent } from "@centrapay-effect/lambda-adapter"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import * as Fixtures from "./support/fixtures.ts"

const sourceOf = (event: unknown, expected?: LambdaEvent.Source) => {
  const classified = LambdaEvent.classify(event, expected)
  return Result.isSuccess(classified) ? classified.success.source : classified.failure._tag
}

const authorizationOf = (name: string) => {
  const classified = LambdaEvent.classify(Fixtures.anyEvent(name))
  return Result.isSuccess(classified) ? Authorizer.fromEvent(classified.success) : undefined
}

describe("LambdaEvent.classify", () => {
  it.each([
    ...Fixtures.v1Fixtures.map((name) => [name, "api-gateway-v1"] as const),
    ...Fixtures.v2Fixtures.map((name) => [name, "api-gateway-v2"] as const),
    ...Fixtures.functionUrlFixtures.map((name) => [name, "function-url"] as const),
    ...Fixtures.albFixtures.map((name) => [name, "alb"] as const)
  ])("%s is %s", (name, source) => {
    expect(sourceOf(Fixtures.anyEvent(name))).toBe(source)
  })

  it("reads an event as the named source, and refuses one without that source's method", () => {
    expect(sourceOf(Fixtures.anyEvent("apigw-v2-get.json"), "function-url")).toBe("function-url")
    expect(sourceOf(Fixtures.anyEvent("function-url-get.json"), "api-gateway-v2")).toBe("api-gateway-v2")
    expect(sourceOf(Fixtures.anyEvent("apigw-v1-post-json.json"), "api-gateway-v2")).toBe("UnsupportedEvent")
    expect(sourceOf(Fixtures.anyEvent("apigw-v2-get.json"), "alb")).toBe("UnsupportedEvent")
    const refused = LambdaEvent.classify(Fixtures.anyEvent("apigw-v2-get.json"), "alb")
    expect(Result.isFailure(refused) && refused.failure.message).toContain("Application Load Balancer")
  })

  it.each([
    [Fixtures.anyEvent("non-http/sqs.json"), "an SQS batch"],
    [Fixtures.anyEvent("non-http/s3.json"), "an S3 notification"],
    [Fixtures.anyEvent("non-http/eventbridge.json"), "an EventBridge event"],
    [{ requestContext: { connectionId: "c1", eventType: "MESSAGE" }, body: "hi" }, "an API Gateway WebSocket message"],
    [{ Records: [{ eventSource: "constructor" }] }, "a batch from constructor"],
    [{ Records: [{ eventSource: "__proto__" }] }, "a batch from __proto__"],
    [null, "null"],
    ["text", "string"],
    [{ hello: "world" }, undefined]
  ])("refuses %j, recognising %s", (event, looksLike) => {
    const classified = LambdaEvent.classify(event)
    expect(Result.isFailure(classified) && classified.failure).toMatchObject({ _tag: "UnsupportedEvent", looksLike })
    expect(Result.isFailure(classified) && classified.failure.message).toMatch(
      /HTTP events only: API Gateway REST API \(v1 proxy\), API Gateway HTTP API \(payload 2\.0\), Application Load Balancer, Lambda Function URL/
    )
  })
})

describe("Authorizer.fromEvent", () => {
  it("reads a JWT authorizer's claims and scopes", () => {
    expect(authorizationOf("apigw-v2-jwt-authorizer.json")).toEqual({
      kind: "jwt",
      principalId: undefined,
      claims: { claim1: "value1", claim2: "value2" },
      scopes: ["scope1", "scope2"]
    })
  })

  it("reads a Lambda authorizer's context (HTTP API and REST API)", () => {
    expect(authorizationOf("apigw-v2-lambda-authorizer.json")).toEqual({
      kind: "lambda",
      principalId: undefined,
      claims: { key: "value" },
      scopes: []
    })
    expect(authorizationOf("apigw-v1-lambda-authorizer-minimal.json")).toEqual({
      kind: "lambda",
      principalId: "admin",
      claims: { clientId: 1, clientName: "Exata" },
      scopes: []
    })
  })

  it("reads IAM callers (HTTP API, Function URL, REST API identity)", () => {
    expect(authorizationOf("apigw-v2-iam-authorizer.json")).toMatchObject({
      kind: "iam",
      claims: { userArn: "arn:aws:iam::1234567890:user/Admin", accountId: "1234567890" }
    })
    expect(authorizationOf("function-url-iam-authorizer.json")).toMatchObject({
      kind: "iam",
      claims: { userArn: "arn:aws:iam::111122223333:user/example-user" }
    })
    const signed = Fixtures.apiGatewayV1("apigw-v1-post-json.json")
    const identity = {
      ...signed.requestContext.identity,
      accessKey: "AKIA1",
      userArn: "arn:aws:iam::1:user/a",
      caller: "AIDA1"
    }
    const classified = LambdaEvent.classify({ ...signed, requestContext: { ...signed.requestContext, identity } })
    expect(Result.isSuccess(classified) && Authorizer.fromEvent(classified.success)).toMatchObject({
      kind: "iam",
      principalId: "AIDA1",
      claims: { accessKey: "AKIA1", userArn: "arn:aws:iam::1:user/a" }
    })
  })

  it("reads a Cognito user pool authorizer's claims", () => {
    const event = Fixtures.apiGatewayV1("apigw-v1-post-json.json")
    const authorizer = { claims: { sub: "u-1", "cognito:username": "bob" }, scopes: null }
    const classified = LambdaEvent.classify({ ...event, requestContext: { ...event.requestContext, authorizer } })
    expect(Result.isSuccess(classified) && Authorizer.fromEvent(classified.success)).toEqual({
      kind: "cognito",
      principalId: undefined,
      claims: { sub: "u-1", "cognito:username": "bob" },
      scopes: []
    })
  })

  it("is none without an authorizer, with an empty one, and for ALB", () => {
    for (const name of [
      "apigw-v2-get.json",
      "apigw-v1-post-json.json",
      "apigw-v1-base64-multi-value.json",
      "alb-single-value-get.json"
    ]) {
      expect(authorizationOf(name)).toEqual(Authorizer.none)
    }
  })
})

describe("Authorizer accessors", () => {
  const jwt: Authorizer.Authorization = {
    kind: "jwt",
    principalId: undefined,
    claims: { sub: "u-1", n: 5 },
    scopes: []
  }
  const withJwt = Effect.provideService(Authorizer.Authorizer, jwt)

  it.effect("claim reads a claim; requireClaim fails with the contract's 401 when it is missing", () =>
    Effect.gen(function* () {
      expect(yield* withJwt(Authorizer.claim("sub"))).toBe("u-1")
      expect(yield* withJwt(Authorizer.claim("toString"))).toBeUndefined()
      expect(yield* withJwt(Authorizer.requireClaim("n"))).toBe("5")
      const missing = yield* withJwt(Effect.flip(Authorizer.requireClaim("email")))
      expect(missing).toMatchObject({ _tag: "Unauthorized", message: "Missing authentication" })
    })
  )
})
