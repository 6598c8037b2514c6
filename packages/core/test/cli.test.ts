import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { Validator } from "@seriousme/openapi-schema-validator"
import { Schema } from "effect"

// The command as the package declares it (`bin` in package.json), run on this Node.
const packageUrl = new URL("../package.json", import.meta.url)
const { bin } = Schema.decodeUnknownSync(
  Schema.fromJsonString(Schema.Struct({ bin: Schema.Struct({ "centrapay-effect": Schema.String }) }))
)(readFileSync(packageUrl, "utf8"))
const command = fileURLToPath(new URL(bin["centrapay-effect"], packageUrl))

// Colour is forced on through the environment to show that a pipe still gets plain text.
const environment = { ...process.env, FORCE_COLOR: "1", NO_COLOR: undefined }

const run = (args: ReadonlyArray<string>, input = "") => {
  const result = spawnSync(process.execPath, [command, ...args], {
    input,
    encoding: "utf8",
    env: environment,
    maxBuffer: 64 * 1024 * 1024
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const explainJson = (lines: ReadonlyArray<string>) => {
  const { code, stdout, stderr } = run(["explain", "--json"], `${lines.join("\n")}\n`)
  expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line): unknown => JSON.parse(line))
}

const response = (fields: Record<string, unknown>) => JSON.stringify(fields)
const body = (fields: Record<string, unknown>) => JSON.stringify(fields)

describe("centrapay-effect explain <status> [body]", () => {
  it("explains a documented business error for a person, without colour on a pipe", () => {
    const { code, stdout, stderr } = run([
      "explain",
      "403",
      body({ statusCode: 403, message: "QUOTA_EXCEEDED", quotas: [{ type: "spend", limit: "100", usage: "120" }] }),
      "--endpoint",
      "POST /api/asset-transfers"
    ])
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
    expect(stdout).not.toContain("\u001b[")
    expect(stdout.split("\n")).toEqual([
      "BusinessRuleViolation (403): QUOTA_EXCEEDED",
      "  kind        business-rule — a business rule failed: the resource exists and access is allowed",
      "  endpoint    POST /api/asset-transfers",
      "  documented  yes: POST /api/asset-transfers documents 403 QUOTA_EXCEEDED",
      "  docs        The transfer exceeds one or more spend quota limits. See [Quota Error Response](/api/quotas#errors).",
      "  retry       no: branch on the message",
      "  quota       spend: usage 120 of limit 100",
      ""
    ])
  })

  it("shows what the docs say a documented 400 code means, on a concrete path", () => {
    const { code, stdout, stderr } = run([
      "explain",
      "400",
      body({ statusCode: 400, message: "CHECKSUM_FAILED" }),
      "--endpoint",
      "GET /api/patron-codes/barcode/9990001234567890"
    ])
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
    expect(stdout).toContain("documented  yes: GET /api/patron-codes/barcode/{barcode} documents 400 CHECKSUM_FAILED")
    expect(stdout).toContain("\n  docs        Luhn checksum digit doesn't pass.\n")
  })

  it("shows no docs line for a message the endpoint does not document, or without an endpoint", () => {
    const undocumented = run([
      "explain",
      "403",
      body({ message: "BRAND_NEW_RULE" }),
      "--endpoint",
      "POST /api/asset-transfers"
    ]).stdout
    expect(undocumented).toContain("documented  no:")
    expect(undocumented).not.toContain("\n  docs ")
    // QUOTA_EXCEEDED is documented on POST /api/asset-transfers, but no endpoint was given.
    expect(run(["explain", "403", body({ message: "QUOTA_EXCEEDED" })]).stdout).not.toContain("\n  docs ")
  })

  it("explains a legacy 404 as a business outcome of its deprecated endpoint", () => {
    const { stdout } = run([
      "explain",
      "404",
      body({ message: "REQUEST_PAID" }),
      "--endpoint",
      "POST /payments/api/requests.cancel"
    ])
    expect(stdout).toContain("BusinessRuleViolation (404): REQUEST_PAID")
    expect(stdout).toContain("endpoint    POST /payments/api/requests.cancel (deprecated)")
    expect(stdout).toContain("a legacy exception on a deprecated endpoint")
  })

  it("without an endpoint, a 404 is a missing route, and names the endpoints that document the code", () => {
    const { stdout } = run(["explain", "404", body({ message: "REQUEST_PAID" })])
    expect(stdout).toContain("RouteNotFound (404): REQUEST_PAID")
    expect(stdout).toContain("Check the URL for typos")
    expect(stdout).toContain(
      "POST /payments/api/requests.cancel, POST /payments/api/requests.void document 404 REQUEST_PAID as a business outcome"
    )
  })

  it("matches a concrete path and flags an undocumented business error", () => {
    const { stdout } = run([
      "explain",
      "403",
      body({ message: "BRAND_NEW_RULE" }),
      "--endpoint",
      "post /api/bank-authorities/ba_123/verify"
    ])
    expect(stdout).toContain(
      "endpoint    POST /api/bank-authorities/{bankAccountId}/verify (deprecated; bankAccountId = ba_123)"
    )
    expect(stdout).toContain(
      "documented  no: POST /api/bank-authorities/{bankAccountId}/verify documents 403 BANK_ACCOUNT_ALREADY_VERIFIED"
    )
    expect(stdout).toContain("An undocumented business error")
  })

  it("says when to retry a 429, from Retry-After", () => {
    const rateLimited = body({ message: "RATE_LIMIT_EXCEEDED" })
    expect(run(["explain", "429", rateLimited, "--header", "Retry-After: 3"]).stdout).toContain(
      "retry     yes, after 3s (Retry-After)"
    )
    expect(run(["explain", "429", rateLimited, "--header", "retry-after: 120"]).stdout).toContain(
      "retry     not automatically: the server asks for 2m, more than maxRetryAfter (1m by default)"
    )
  })

  it("explains HTML, empty and broken bodies by their status", () => {
    const html = run(["explain", "502", "<html>Bad Gateway</html>", "--header", "Content-Type: text/html"]).stdout
    expect(html).toContain("ServerError (502): Bad Gateway")
    expect(html).toContain("kind      server-error")
    expect(html).toContain("retry     yes, with jittered exponential backoff")
    expect(html).toContain("If it persists, report it with the correlation id.")
    expect(run(["explain", "503"]).stdout).toContain("ServerError (503): Service Unavailable")
    expect(run(["explain", "403", "<html>Forbidden</html>"]).stdout).toContain("ResourceForbidden (403): Forbidden")
    const broken = run(["explain", "400", '{"message": "amount', "--endpoint", "POST /api/asset-transfers"]).stdout
    expect(broken).toContain("kind      malformed-request")
    expect(broken).toContain("retry     no: fix the request first")
  })

  it("decides a repeat with the client's own rule: a keyless POST stops after a 502, a keyed one retries", () => {
    const keyless = run(["explain", "502", "", "--endpoint", "POST /api/asset-transfers"]).stdout
    expect(keyless).toContain(
      "retry     no: the server may have acted on the request, which is not idempotent and has no idempotencyKey"
    )
    const keyed = run(["explain", "502", "", "--endpoint", "POST /api/asset-transfers", "--idempotency-key"]).stdout
    expect(keyed).toContain("retry     yes, with jittered exponential backoff")
    const limited = run(["explain", "429", "", "--endpoint", "POST /api/asset-transfers", "--header", "Retry-After: 2"])
    expect(limited.stdout).toContain("retry     yes, after 2s (Retry-After)")
  })

  it("reads the body from stdin with -", () => {
    const { stdout } = run(["explain", "401", "-"], body({ message: "Missing authentication" }))
    expect(stdout).toContain("Unauthorized (401): Missing authentication")
    expect(stdout).toContain("refresh or fix the credentials first")
  })

  it("takes header names that are Object.prototype members as ordinary headers", () => {
    const result = run([
      "explain",
      "503",
      "",
      "--header",
      "constructor: 1",
      "--header",
      "__proto__: 2",
      "--header",
      "Retry-After: 4"
    ])
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" })
    expect(result.stdout).toContain("ServerError (503): Service Unavailable")
    expect(result.stdout).toContain("retry     yes, after 4s (Retry-After)")
  })

  it("rejects bad arguments with the usage and exit code 2", () => {
    for (const args of [
      ["explain", "abc"],
      ["explain"],
      ["explain", "403", "{}", "--header", "no colon"],
      ["explain", "403", "{}", "--endpoint", "/no/method"],
      ["explain", "--json", "403"],
      ["explain", "403", "--bogus"],
      ["frobnicate"]
    ]) {
      const { code, stdout, stderr } = run(args)
      expect({ args, code, stdout }).toEqual({ args, code: 2, stdout: "" })
      expect(stderr).toContain("Usage:")
    }
    expect(run(["--help"])).toMatchObject({ code: 0, stderr: "" })
  })
})

describe("centrapay-effect explain --json", () => {
  it("writes one record per response, in order, and an error line for a bad line", () => {
    const records = explainJson([
      response({
        method: "POST",
        path: "/payments/api/requests.cancel",
        status: 404,
        body: body({ message: "REQUEST_PAID" })
      }),
      response({ method: "GET", path: "/api/no-such-route", status: 404, body: body({ message: "Not Found" }) }),
      "this is not json",
      "",
      response({
        method: "POST",
        path: "/api/asset-transfers",
        status: 502,
        headers: { "content-type": "text/html" },
        body: "<html><body>Bad Gateway</body></html>"
      }),
      response({ method: "POST", path: "/api/asset-transfers", status: "403" }),
      response({ method: "POST", path: "/api/asset-transfers", status: 500, body: "" }),
      response({ method: "POST", path: "/api/asset-transfers", status: 403, body: '{"message":"QUOTA_' }),
      response({
        method: "GET",
        path: "/api/withdrawals/wd_1",
        status: 429,
        headers: { "Retry-After": ["3"] },
        body: body({ message: "RATE_LIMIT_EXCEEDED" })
      }),
      response({ method: "POST", path: "/api/asset-transfers", status: 200, body: body({ id: "at_1" }) })
    ])
    expect(records).toEqual([
      {
        kind: "business-rule",
        tag: "BusinessRuleViolation",
        status: 404,
        message: "REQUEST_PAID",
        documented: true,
        description: "Action cannot be completed because the request has been paid.",
        retryable: false,
        decision: "stop: not-retryable",
        retryAfterMs: null,
        endpoint: "POST /payments/api/requests.cancel",
        hints: []
      },
      {
        kind: "route-not-found",
        tag: "RouteNotFound",
        status: 404,
        message: "Not Found",
        documented: false,
        description: null,
        retryable: false,
        decision: "stop: not-retryable",
        retryAfterMs: null,
        endpoint: null,
        hints: ["url", "http-verb"]
      },
      { error: "Expected a valid JSON string", line: 3 },
      {
        kind: "server-error",
        tag: "ServerError",
        status: 502,
        message: "Bad Gateway",
        documented: false,
        description: null,
        retryable: true,
        decision: "stop: not-idempotent",
        retryAfterMs: null,
        endpoint: "POST /api/asset-transfers",
        hints: ["retry-later", "report-if-persistent"]
      },
      { error: "status: Expected number", line: 6 },
      {
        kind: "server-error",
        tag: "ServerError",
        status: 500,
        message: "Internal Server Error",
        documented: false,
        description: null,
        retryable: true,
        decision: "stop: not-idempotent",
        retryAfterMs: null,
        endpoint: "POST /api/asset-transfers",
        hints: ["retry-later", "report-if-persistent"]
      },
      {
        kind: "forbidden-resource",
        tag: "ResourceForbidden",
        status: 403,
        message: "Forbidden",
        documented: false,
        description: null,
        retryable: false,
        decision: "stop: not-retryable",
        retryAfterMs: null,
        endpoint: "POST /api/asset-transfers",
        hints: ["resource-id", "account-membership", "role-permission"]
      },
      {
        kind: "rate-limited",
        tag: "TooManyRequests",
        status: 429,
        message: "RATE_LIMIT_EXCEEDED",
        documented: false,
        description: null,
        retryable: true,
        decision: "retry",
        retryAfterMs: 3000,
        endpoint: "GET /api/withdrawals/{withdrawalId}",
        hints: ["wait-retry-after", "client-rate-limit", "account-rate-limit"]
      },
      {
        kind: "ok",
        tag: null,
        status: 200,
        message: null,
        documented: false,
        description: null,
        retryable: false,
        decision: null,
        retryAfterMs: null,
        endpoint: "POST /api/asset-transfers",
        hints: []
      }
    ])
  })

  it("gives the docs' description of documented errors, typographic quotes and markdown as written", () => {
    const records = explainJson([
      response({
        method: "POST",
        path: "/api/asset-transfers",
        status: 403,
        body: body({ message: "QUOTA_EXCEEDED" })
      }),
      response({
        method: "GET",
        path: "/api/patron-codes/barcode/9990001234567890",
        status: 400,
        body: body({ message: "CHECKSUM_FAILED" })
      }),
      response({
        method: "POST",
        path: "/payments/api/requests.cancel",
        status: 400,
        body: body({ message: "REQUEST_NOT_FOUND" })
      }),
      response({
        method: "POST",
        path: "/api/businesses/onboard",
        status: 401,
        body: body({ message: "Unauthorized" })
      }),
      // Documented as a 404 on this endpoint, not as a 403.
      response({
        method: "POST",
        path: "/payments/api/requests.cancel",
        status: 403,
        body: body({ message: "REQUEST_PAID" })
      })
    ])
    expect(records).toMatchObject([
      {
        message: "QUOTA_EXCEEDED",
        documented: true,
        description:
          "The transfer exceeds one or more spend quota limits. See [Quota Error Response](/api/quotas#errors)."
      },
      { message: "CHECKSUM_FAILED", documented: true, description: "Luhn checksum digit doesn't pass." },
      { message: "REQUEST_NOT_FOUND", documented: true, description: "The provided request doesn\u2019t exist." },
      { tag: "Unauthorized", documented: true, description: "Missing or invalid API key." },
      { message: "REQUEST_PAID", documented: false, description: null }
    ])
  })

  it("has a description for every documented error of the catalog", () => {
    // The expected text comes from the recorded source the modules are generated from.
    const Catalog = Schema.Struct({
      endpoints: Schema.Array(
        Schema.Struct({
          method: Schema.String,
          path: Schema.String,
          errors: Schema.Array(
            Schema.Struct({ status: Schema.Int, message: Schema.String, description: Schema.String })
          )
        })
      )
    })
    const catalog = Schema.decodeUnknownSync(Schema.fromJsonString(Catalog))(
      readFileSync(new URL("../data/centrapay-catalog.json", import.meta.url), "utf8")
    )
    const cases = catalog.endpoints.flatMap(({ method, path, errors }) =>
      errors.map(({ status, message, description }) => ({ method, path, status, message, description }))
    )
    expect(cases).toHaveLength(193)
    const records = explainJson(
      cases.map(({ method, path, status, message }) => response({ method, path, status, body: body({ message }) }))
    )
    expect(records).toEqual(
      cases.map(({ method, path, status, message, description }) =>
        expect.objectContaining({ endpoint: `${method} ${path}`, status, message, documented: true, description })
      )
    )
  })

  it("classifies every status class", () => {
    const cases = [
      [400, body({ message: "amount is required" }), "malformed-request", "MalformedRequest"],
      [401, body({ message: "Missing authentication" }), "unauthorized", "Unauthorized"],
      [403, body({ message: "Forbidden" }), "forbidden-resource", "ResourceForbidden"],
      [403, body({ message: "INSUFFICIENT_WALLET_BALANCE" }), "business-rule", "BusinessRuleViolation"],
      [404, body({ message: "Not Found" }), "route-not-found", "RouteNotFound"],
      [429, body({ message: "RATE_LIMIT_EXCEEDED" }), "rate-limited", "TooManyRequests"],
      [503, body({ message: "Service Unavailable" }), "server-error", "ServerError"],
      [409, body({ message: "Conflict" }), "unexpected-status", "UnexpectedStatus"]
    ] as const
    const records = explainJson(
      cases.map(([status, text]) => response({ method: "POST", path: "/api/asset-transfers", status, body: text }))
    )
    expect(records).toMatchObject(cases.map(([status, , kind, tag]) => ({ status, kind, tag })))
  })

  it("keeps thousands of lines in order and survives bad lines among them", () => {
    const statuses = Array.from({ length: 5_000 }, (_, i) => [400, 403, 404, 429, 500, 502, 200][i % 7] ?? 500)
    const lines = statuses.map((status, i) =>
      i % 1_000 === 999
        ? "{broken"
        : response({
            method: "POST",
            path: `/api/asset-transfers/at_${i}/cancel`,
            status,
            body: body({ message: "X" })
          })
    )
    const records = explainJson(lines)
    expect(records).toHaveLength(5_000)
    expect(records).toEqual(
      statuses.map((status, i) =>
        i % 1_000 === 999
          ? { error: "Expected a valid JSON string", line: i + 1 }
          : expect.objectContaining({ status, endpoint: "POST /api/asset-transfers/{assetTransferId}/cancel" })
      )
    )
  })
})

describe("centrapay-effect openapi", () => {
  it("prints a valid OpenAPI 3.1 document of the whole catalog, each documented code with what the docs say", async () => {
    const { code, stdout, stderr } = run(["openapi"])
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
    const document = Schema.decodeUnknownSync(Schema.fromJsonString(Schema.Record(Schema.String, Schema.Unknown)))(
      stdout
    )
    const validator = new Validator()
    expect(await validator.validate(document)).toEqual({ valid: true })
    expect(document).toMatchObject({
      openapi: "3.1.0",
      info: { title: "Centrapay API" },
      servers: [{ url: "https://service.centrapay.com", description: "Production" }],
      paths: {
        "/api/asset-transfers": {
          post: {
            operationId: "POST /api/asset-transfers",
            responses: {
              403: {
                content: {
                  "application/json": {
                    schema: {
                      anyOf: [
                        {
                          properties: {
                            message: {
                              type: "string",
                              enum: [
                                "INSUFFICIENT_WALLET_BALANCE",
                                "QUOTA_EXCEEDED",
                                "ASSET_NOT_ACTIVE",
                                "RECIPIENT_MISSING",
                                "INVALID_ASSET_TYPE",
                                "LOYALTY_PROGRAM_NOT_FOUND"
                              ],
                              "x-enumDescriptions": {
                                INSUFFICIENT_WALLET_BALANCE:
                                  "The value of the asset-transfer exceeds the balance on the wallet asset.",
                                QUOTA_EXCEEDED:
                                  "The transfer exceeds one or more spend quota limits. See [Quota Error Response](/api/quotas#errors).",
                                ASSET_NOT_ACTIVE: "The asset is not active and cannot be transferred.",
                                RECIPIENT_MISSING: "The asset must be transferred with a recipient supplied.",
                                INVALID_ASSET_TYPE: "The [asset's type](/api/asset-types/) does not support transfers.",
                                LOYALTY_PROGRAM_NOT_FOUND: "The loyalty program does not exist."
                              }
                            }
                          }
                        },
                        { $ref: "#/components/schemas/ErrorBody" }
                      ]
                    }
                  }
                }
              },
              401: { $ref: "#/components/responses/Unauthorized" },
              429: { $ref: "#/components/responses/TooManyRequests" }
            }
          }
        },
        "/payments/api/requests.cancel": { post: { deprecated: true } }
      }
    })
  })

  it("takes no arguments", () => {
    const { code, stdout, stderr } = run(["openapi", "--endpoint", "POST /api/asset-transfers"])
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" })
    expect(stderr).toMatch(/^centrapay-effect: openapi takes no arguments, got: --endpoint\n/)
  })
})
