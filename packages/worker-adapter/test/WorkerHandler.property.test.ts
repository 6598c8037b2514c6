/**
 * Properties of the handler in real workerd, over generated requests (any
 * method, path, query, headers and body: invalid UTF-8, JSON and not, over
 * the body cap): the answer is always a valid contract response, never the
 * platform's error page for an uncaught exception.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { type RawResponse, type RunningWorker, sendOnFreshConnection, start } from "./support/workerd.ts"

let worker: RunningWorker

beforeAll(async () => {
  worker = await start("contract.ts", { bindings: { GREETING: "hello" } })
})

afterAll(async () => {
  await worker.dispose()
})

const contractStatuses = new Set([200, 204, 400, 401, 403, 404, 429, 500, 503])
const reasonPhrases: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable"
}

// workerd answers a method it does not know (`FOO`) with its own 501 before any Worker runs,
// so the generated methods are the ones it passes on, WebDAV's included.
const method = fc.constantFrom(
  "GET",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
  "HEAD",
  "PURGE",
  "PROPFIND",
  "MKCOL",
  "REPORT",
  "SEARCH"
)

const segment = fc.oneof(
  fc.constantFrom("api", "asset-transfers", "merchant-configs", "mc_known", "c_1", "test", "echo", "services"),
  fc.constantFrom("defect", "slow", "rate-limited", "unauthorized", "forbidden", "unknown-failure", "background"),
  fc.constantFrom("%E0%A4%A", "%ZZ", "%2F", "..", "mc_%F0%9F%98%80", ""),
  fc.stringMatching(/^[A-Za-z0-9_.~-]{1,12}$/)
)

const path = fc
  .array(segment, { minLength: 1, maxLength: 4 })
  .map((segments) => `/${segments.join("/")}`)
  .chain((p) =>
    fc.oneof(
      fc.constant(p),
      fc
        .array(fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.stringMatching(/^[A-Za-z0-9%+]{0,8}$/)), {
          maxLength: 3
        })
        .map((pairs) => `${p}?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}`)
    )
  )

const hopByHop = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "host",
  "expect",
  "upgrade",
  "te",
  "trailer"
])

const headers = fc
  .record({
    contentType: fc.option(
      fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/merge-patch+json",
        "",
        "*/*"
      ),
      { nil: undefined }
    ),
    cfRay: fc.option(fc.stringMatching(/^[0-9a-f]{16}-[A-Z]{3}$/), { nil: undefined }),
    extra: fc.array(fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,10}$/), fc.stringMatching(/^[ -~]{0,20}$/)), {
      maxLength: 4
    })
  })
  .map(({ contentType, cfRay, extra }) => {
    const all: Record<string, string> = {}
    for (const [name, value] of extra) if (!hopByHop.has(name)) all[name] = value.trim()
    if (contentType !== undefined) all["content-type"] = contentType
    if (cfRay !== undefined) all["cf-ray"] = cfRay
    return all
  })

const encoder = new TextEncoder()
const body = fc.oneof(
  fc.constant(undefined),
  fc.json().map((text) => encoder.encode(text)),
  fc
    .record({ amount: fc.oneof(fc.integer(), fc.string(), fc.double()) })
    .map((value) => encoder.encode(JSON.stringify(value))),
  // Invalid UTF-8 inside otherwise valid JSON, and raw bytes.
  fc
    .uint8Array({ maxLength: 64 })
    .map((bytes) => Uint8Array.from([...encoder.encode('{"amount":"'), ...bytes, 0xff, 0xfe, ...encoder.encode('"}')])),
  fc.uint8Array({ maxLength: 512 }),
  // Around and over the worker's 64 KiB cap.
  fc.integer({ min: 60 * 1024, max: 200 * 1024 }).map((size) => new Uint8Array(size).fill(0x7b))
)

const request = fc.record({ method, path, headers, body })

/** The contract's rules for any response: documented status, JSON error body naming it, headers it requires. */
const expectContractResponse = (sent: { readonly method: string }, response: RawResponse): void => {
  expect(contractStatuses.has(response.status)).toBe(true)
  if (response.status === 200 || response.status === 204) return
  expect(response.headers["content-type"]).toBe("application/json")
  if (sent.method === "HEAD") return
  const text = response.body.toString("utf8")
  expect(JSON.parse(text)).toMatchObject({
    statusCode: response.status,
    error: reasonPhrases[response.status],
    message: expect.any(String)
  })
  if (response.status >= 500) {
    expect(JSON.parse(text)).toMatchObject({ correlationId: response.headers["x-request-id"] })
    expect(text).not.toMatch(/hunter2|at script|Error:/)
  }
  if (response.status === 429 || response.status === 503) expect(response.headers["retry-after"]).toMatch(/^\d+$/)
}

describe("any request", () => {
  it("is answered with a valid contract response, never an uncaught exception", async () => {
    await fc.assert(
      fc.asyncProperty(request, async (sent) => {
        const response = await sendOnFreshConnection(worker.url, sent)
        expectContractResponse(sent, response)
      }),
      { numRuns: 200 }
    )
  })
})
