import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "@effect/vitest"

const main = fileURLToPath(new URL("../src/demo/main.ts", import.meta.url))

describe("npm start", () => {
  it("prints every status class, the client's decisions, and both runtimes answering alike, and exits 0", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [main], { timeout: 60_000 })
    for (const tag of [
      "Success",
      "MalformedRequest",
      "Unauthorized",
      "ResourceForbidden",
      "BusinessRuleViolation",
      "RouteNotFound",
      "TooManyRequests",
      "ServerError",
      "UndecodableResponse",
      "UnexpectedStatus"
    ]) {
      expect(stdout).toContain(tag)
    }
    expect(stdout).toMatch(/429 Retry-After: 3\s+TooManyRequests\s+RATE_LIMIT_EXCEEDED\s+retry in 3s \(retry-after\)/)
    expect(stdout).toMatch(/429 Retry-After: 120\s+TooManyRequests\s+RATE_LIMIT_EXCEEDED\s+stop: retry-after-too-long/)
    expect(stdout).toMatch(/404 legacy REQUEST_PAID\s+BusinessRuleViolation\s+REQUEST_PAID \(documented\)/)
    expect(stdout).toMatch(/200 HTML, not JSON\s+UndecodableResponse\s+Status 200 came with a body that is not JSON/)
    // The client section: retried where the contract allows, never where it does not.
    expect(stdout).toMatch(/\(503, then 200\)\s+200\s+Success\s+2\s+503 → retry in \d+ ms \(backoff\); 200/)
    expect(stdout).toMatch(
      /\(429 Retry-After: 1, then 200\)\s+200\s+Success\s+2\s+429 → retry in 1000 ms \(retry-after\); 200/
    )
    expect(stdout).toMatch(
      /no idempotencyKey \(HTML 502\)\s+502\s+ServerError\s+Bad Gateway\s+1\s+502 → stop: not-idempotent/
    )
    // The wallet API in both runtimes.
    expect(stdout).toContain("Both runtimes answered every call identically.")
    expect(stdout).toMatch(/AWS Lambda .* — http:\/\/127\.0\.0\.1:\d+/)
    expect(stdout).toMatch(/Cloudflare Workers .* — http:\/\/127\.0\.0\.1:\d+/)
    expect(stdout).toMatch(
      /\(403 business\)\s+403\s+BusinessRuleViolation\s+INSUFFICIENT_WALLET_BALANCE\s+1\s+403 → stop: not-retryable/
    )
    // The live rate: the provider's documented code re-raised, anything else it did a 502 or 504.
    expect(stdout).toMatch(/\(provider: rate\)\s+200\s+Success\s+\{"currency":"USD","rate":0\.5912\}/)
    expect(stdout).toMatch(
      /\(provider: 403 UNSUPPORTED_CURRENCY\)\s+403\s+BusinessRuleViolation\s+UNSUPPORTED_CURRENCY\s/
    )
    expect(stdout).toMatch(/\(provider: 401 Invalid API key\)\s+502\s+ServerError\s+Bad Gateway\s/)
    expect(stdout).toMatch(/\(provider: nginx HTML 502\)\s+502\s+ServerError\s+Bad Gateway\s/)
    expect(stdout).toMatch(/\(provider: no answer\)\s+504\s+ServerError\s+Gateway Timeout\s/)
    // The OpenAPI document, from the same endpoint declarations.
    expect(stdout).toMatch(
      /4\. The OpenAPI 3\.1 document, from the same endpoint declarations \(4 operations\): \S*openapi\.json/
    )
  })
})
