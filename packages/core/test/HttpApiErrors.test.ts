/**
 * The contract's errors in an `HttpApi`, answered two ways — encoded by the endpoint's
 * error schemas (`HttpApiErrors.forEndpoint`), or by core before HttpApi encodes them
 * (`HttpApiErrors.AnswerErrors`) — must give the same status, headers and body, which
 * are written out here as the contract says.
 */
import { ApiError, Endpoint, HttpApiErrors, HttpApp, ServerRuntime } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Context, Duration, Effect, Layer, Logger } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"

const CreateTransfer = Endpoint.make("POST /transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"] })

// What each path fails with.
const failures = {
  "/business": Endpoint.violation(CreateTransfer, "INSUFFICIENT_WALLET_BALANCE"),
  "/quota": Endpoint.violation(CreateTransfer, "QUOTA_EXCEEDED", {
    quotas: [{ type: "monthly", limit: "5000", usage: "4900" }]
  }),
  "/malformed": new ApiError.MalformedRequest({
    message: "body.amount: Expected number",
    issues: [{ path: ["body", "amount"], message: "Expected number" }]
  }),
  "/unauthorized": new ApiError.Unauthorized({ message: "Invalid API key" }),
  "/forbidden": new ApiError.ResourceForbidden({ message: "Forbidden" }),
  "/limited": new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED", retryAfter: Duration.seconds(7) }),
  "/unavailable": new ApiError.ServerError({ status: 503, message: "Service Unavailable" })
} as const

type Path = keyof typeof failures

// The endpoints, once; two APIs over them, one with the middleware, the same handlers.
const errors = HttpApiErrors.forEndpoint(CreateTransfer)
const endpoints = [
  HttpApiEndpoint.post("business", "/business", { error: errors }),
  HttpApiEndpoint.post("quota", "/quota", { error: errors }),
  HttpApiEndpoint.post("malformed", "/malformed", { error: errors }),
  HttpApiEndpoint.post("unauthorized", "/unauthorized", { error: errors }),
  HttpApiEndpoint.post("forbidden", "/forbidden", { error: errors }),
  HttpApiEndpoint.post("limited", "/limited", { error: errors }),
  HttpApiEndpoint.post("unavailable", "/unavailable", { error: errors })
] as const
const bySchemas = HttpApi.make("schemas").add(HttpApiGroup.make("t").add(...endpoints))
const byCore = HttpApi.make("core").add(
  HttpApiGroup.make("t")
    .middleware(HttpApiErrors.AnswerErrors)
    .add(...endpoints)
)

const runtimeOf = (routes: Layer.Layer<never, never, HttpRouter.HttpRouter>) =>
  ServerRuntime.make(
    HttpApp.toProgram(HttpApp.routed),
    Layer.merge(HttpApp.router(HttpRouter.toHttpEffect(routes)), Logger.layer([]))
  )

const schemasRuntime = runtimeOf(
  HttpApiBuilder.layer(bySchemas).pipe(
    Layer.provide(
      HttpApiBuilder.group(bySchemas, "t", (handlers) =>
        handlers
          .handle("business", () => Effect.fail(failures["/business"]))
          .handle("quota", () => Effect.fail(failures["/quota"]))
          .handle("malformed", () => Effect.fail(failures["/malformed"]))
          .handle("unauthorized", () => Effect.fail(failures["/unauthorized"]))
          .handle("forbidden", () => Effect.fail(failures["/forbidden"]))
          .handle("limited", () => Effect.fail(failures["/limited"]))
          .handle("unavailable", () => Effect.fail(failures["/unavailable"]))
      )
    ),
    Layer.provide(HttpServer.layerServices)
  )
)
// The same handlers on the API with the middleware: each endpoint fails with its path's error.
const coreRuntime = runtimeOf(
  HttpApiBuilder.layer(byCore).pipe(
    Layer.provide(
      HttpApiBuilder.group(byCore, "t", (handlers) =>
        handlers
          .handle("business", () => Effect.fail(failures["/business"]))
          .handle("quota", () => Effect.fail(failures["/quota"]))
          .handle("malformed", () => Effect.fail(failures["/malformed"]))
          .handle("unauthorized", () => Effect.fail(failures["/unauthorized"]))
          .handle("forbidden", () => Effect.fail(failures["/forbidden"]))
          .handle("limited", () => Effect.fail(failures["/limited"]))
          .handle("unavailable", () => Effect.fail(failures["/unavailable"]))
      )
    ),
    Layer.provide(HttpApiErrors.layerAnswerErrors),
    Layer.provide(HttpServer.layerServices)
  )
)

const ask = (runtime: ServerRuntime.ServerRuntime<never>, path: Path) =>
  runtime.handle({ method: "POST", path, query: {}, headers: {}, body: undefined, requestId: "req-7" }, Context.empty())

const expected: Record<Path, { status: number; headers: Record<string, string>; body: string }> = {
  "/business": {
    status: 403,
    headers: { "content-type": "application/json" },
    body: '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
  },
  "/quota": {
    status: 403,
    headers: { "content-type": "application/json" },
    body: '{"statusCode":403,"error":"Forbidden","message":"QUOTA_EXCEEDED","quotas":[{"type":"monthly","limit":"5000","usage":"4900"}]}'
  },
  "/malformed": {
    status: 400,
    headers: { "content-type": "application/json" },
    body: '{"statusCode":400,"error":"Bad Request","message":"body.amount: Expected number","issues":[{"path":["body","amount"],"message":"Expected number"}]}'
  },
  "/unauthorized": {
    status: 401,
    headers: {
      "content-type": "application/json",
      "www-authenticate": 'ApiKey realm="centrapay", header="X-Api-Key", Bearer realm="centrapay"'
    },
    body: '{"statusCode":401,"error":"Unauthorized","message":"Invalid API key"}'
  },
  "/forbidden": {
    status: 403,
    headers: { "content-type": "application/json" },
    body: '{"statusCode":403,"error":"Forbidden","message":"Forbidden"}'
  },
  "/limited": {
    status: 429,
    headers: { "content-type": "application/json", "retry-after": "7" },
    body: '{"statusCode":429,"error":"Too Many Requests","message":"RATE_LIMIT_EXCEEDED"}'
  },
  "/unavailable": {
    status: 503,
    headers: { "content-type": "application/json", "x-request-id": "req-7" },
    body: '{"statusCode":503,"error":"Service Unavailable","message":"Service Unavailable","correlationId":"req-7"}'
  }
}

describe("HttpApiErrors: the contract's errors in an HttpApi", () => {
  const paths: ReadonlyArray<Path> = [
    "/business",
    "/quota",
    "/malformed",
    "/unauthorized",
    "/forbidden",
    "/limited",
    "/unavailable"
  ]
  for (const path of paths) {
    it(`${path}: the error schemas and AnswerErrors give the contract's answer, byte for byte`, async () => {
      const want = expected[path]
      for (const runtime of [schemasRuntime, coreRuntime]) {
        const answer = await ask(runtime, path)
        expect({ status: answer.status, body: answer.body }).toEqual({ status: want.status, body: want.body })
        expect(answer.headers).toMatchObject(want.headers)
      }
      expect(await ask(coreRuntime, path)).toEqual(await ask(schemasRuntime, path))
    })
  }
})
