import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
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
      "  retry       no: branch on the message",
      "  quota       spend: usage 120 of limit 100",
      ""
    ])
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
    expect(html).toContain("UndecodableResponse (502): Status 502 came with a body that is not JSON (text/html)")
    expect(html).toContain("kind      server-error")
    expect(html).toContain("retry     yes, with jittered exponential backoff")
    expect(html).toContain("If it persists, report it with the correlation id.")
    expect(run(["explain", "503"]).stdout).toContain("UndecodableResponse (503): Status 503 came with an empty body")
    const broken = run(["explain", "400", '{"message": "amount', "--endpoint", "POST /api/asset-transfers"]).stdout
    expect(broken).toContain("kind      malformed-request")
    expect(broken).toContain("retry     no: fix the request first")
  })

  it("reads the body from stdin with -", () => {
    const { stdout } = run(["explain", "401", "-"], body({ message: "Missing authentication" }))
    expect(stdout).toContain("Unauthorized (401): Missing authentication")
    expect(stdout).toContain("refresh or fix the credentials first")
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
        retryable: false,
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
        retryable: false,
        retryAfterMs: null,
        endpoint: null,
        hints: ["url", "http-verb"]
      },
      { error: "Expected a valid JSON string", line: 3 },
      {
        kind: "server-error",
        tag: "UndecodableResponse",
        status: 502,
        message: "Status 502 came with a body that is not JSON (text/html)",
        documented: false,
        retryable: true,
        retryAfterMs: null,
        endpoint: "POST /api/asset-transfers",
        hints: ["retry-later", "report-if-persistent"]
      },
      { error: "status: Expected number", line: 6 },
      {
        kind: "server-error",
        tag: "UndecodableResponse",
        status: 500,
        message: "Status 500 came with an empty body",
        documented: false,
        retryable: true,
        retryAfterMs: null,
        endpoint: "POST /api/asset-transfers",
        hints: ["retry-later", "report-if-persistent"]
      },
      {
        kind: "forbidden-resource",
        tag: "UndecodableResponse",
        status: 403,
        message: "Status 403 came with a body that is not JSON (no content type)",
        documented: false,
        retryable: false,
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
        retryable: true,
        retryAfterMs: 3000,
        endpoint: "GET /api/withdrawals/{withdrawalId}",
        hints: ["retry-later", "report-if-persistent"]
      },
      {
        kind: "ok",
        tag: null,
        status: 200,
        message: null,
        documented: false,
        retryable: false,
        retryAfterMs: null,
        endpoint: "POST /api/asset-transfers",
        hints: []
      }
    ])
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
