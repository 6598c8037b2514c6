import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"

// The command as the package declares it (`bin` in package.json), run on this Node.
const packageUrl = new URL("../package.json", import.meta.url)
const { bin } = Schema.decodeUnknownSync(
  Schema.fromJsonString(Schema.Struct({ bin: Schema.Struct({ "centrapay-effect": Schema.String }) }))
)(readFileSync(packageUrl, "utf8"))
const command = fileURLToPath(new URL(bin["centrapay-effect"], packageUrl))

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/contracts/${name}`, import.meta.url))
const orders = { module: fixture("orders.ts"), json: fixture("orders.json") }

const run = (args: ReadonlyArray<string>, options?: { readonly input?: string; readonly cwd?: string }) => {
  const result = spawnSync(process.execPath, [command, ...args], {
    input: options?.input ?? "",
    cwd: options?.cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" }
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const body = (fields: Record<string, unknown>) => JSON.stringify(fields)

describe("centrapay-effect explain --contracts <module>", () => {
  it("explains a business error by the team's own endpoints, exported from a TypeScript module", () => {
    const { code, stdout, stderr } = run([
      "explain",
      "403",
      body({ statusCode: 403, message: "OUT_OF_STOCK" }),
      "--endpoint",
      "POST /api/orders",
      "--contracts",
      orders.module
    ])
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
    expect(stdout.split("\n")).toEqual([
      "BusinessRuleViolation (403): OUT_OF_STOCK",
      "  kind        business-rule — a business rule failed: the resource exists and access is allowed",
      "  endpoint    POST /api/orders",
      "  documented  yes: POST /api/orders documents 403 OUT_OF_STOCK",
      "  retry       no: branch on the message",
      ""
    ])
  })

  it("applies a deprecated endpoint's legacy 404 and matches concrete paths", () => {
    const { code, stdout } = run([
      "explain",
      "404",
      body({ message: "ORDER_SHIPPED" }),
      "--endpoint",
      "POST /api/orders/o_123/cancel",
      "--contracts",
      orders.module
    ])
    expect(code).toBe(0)
    expect(stdout).toContain("BusinessRuleViolation (404): ORDER_SHIPPED")
    expect(stdout).toContain("  endpoint    POST /api/orders/{orderId}/cancel (deprecated; orderId = o_123)")
    // The same 404 on a current endpoint of the team's is a missing route.
    const current = run([
      "explain",
      "404",
      body({ message: "ORDER_SHIPPED" }),
      "--endpoint",
      "GET /api/orders/o_123",
      "--contracts",
      orders.module
    ])
    expect(current.stdout).toContain("RouteNotFound (404): ORDER_SHIPPED")
  })

  it("uses the team's endpoints instead of Centrapay's catalog", () => {
    const withoutContracts = run([
      "explain",
      "403",
      body({ message: "OUT_OF_STOCK" }),
      "--endpoint",
      "POST /api/orders"
    ])
    expect(withoutContracts.stdout).toContain("BusinessRuleViolation (403): OUT_OF_STOCK")
    expect(withoutContracts.stdout).toContain(
      "  endpoint    POST /api/orders: not in the catalog, so the general status table applies\n"
    )
    const centrapayRoute = run([
      "explain",
      "403",
      body({ message: "QUOTA_EXCEEDED" }),
      "--endpoint",
      "POST /api/asset-transfers",
      "--contracts",
      orders.module
    ])
    expect(centrapayRoute.stdout).toContain(
      "  endpoint    POST /api/asset-transfers: not in the catalog, so the general status table applies\n"
    )
    expect(centrapayRoute.stdout).not.toContain("documented  yes")
    // Without --endpoint, the note names the team's endpoint that documents the code.
    const unknownEndpoint = run(["explain", "404", body({ message: "ORDER_SHIPPED" }), "--contracts", orders.module])
    expect(unknownEndpoint.stdout).toContain(
      "POST /api/orders/{orderId}/cancel documents 404 ORDER_SHIPPED as a business outcome: pass --endpoint if you called it."
    )
  })
})

describe("centrapay-effect explain --contracts <file.json>", () => {
  it("reads the catalog's format and shows the team's descriptions", () => {
    const { code, stdout, stderr } = run([
      "explain",
      "404",
      body({ message: "ORDER_SHIPPED" }),
      "--endpoint",
      "POST /api/orders/o_9/cancel",
      "--contracts",
      orders.json
    ])
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
    expect(stdout).toContain("  documented  yes: POST /api/orders/{orderId}/cancel documents 404 ORDER_SHIPPED\n")
    expect(stdout).toContain("  docs        Too late: the order has left the warehouse.\n")
  })

  it("reads the team's contracts in --json mode too", () => {
    const input = [
      { method: "POST", path: "/api/orders", status: 403, body: body({ message: "ORDER_LIMIT_REACHED" }) },
      { method: "POST", path: "/api/orders/o_1/cancel", status: 400, body: body({ message: "ORDER_NOT_FOUND" }) },
      { method: "POST", path: "/api/asset-transfers", status: 403, body: body({ message: "QUOTA_EXCEEDED" }) }
    ]
    const { code, stdout, stderr } = run(["explain", "--json", "--contracts", orders.json], {
      input: input.map((line) => `${JSON.stringify(line)}\n`).join("")
    })
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
    const records = stdout
      .trim()
      .split("\n")
      .map((line): unknown => JSON.parse(line))
    expect(records).toMatchObject([
      {
        tag: "BusinessRuleViolation",
        message: "ORDER_LIMIT_REACHED",
        documented: true,
        description: "The account has too many open orders.",
        endpoint: "POST /api/orders"
      },
      // A legacy 400 code of a deprecated endpoint, documented without a description.
      { tag: "BusinessRuleViolation", status: 400, documented: true, description: null },
      { tag: "BusinessRuleViolation", documented: false, description: null, endpoint: null }
    ])
  })

  it("reads Centrapay's own catalog file as contracts", () => {
    const catalog = fileURLToPath(new URL("../data/centrapay-catalog.json", import.meta.url))
    const args = ["explain", "403", body({ message: "QUOTA_EXCEEDED" }), "--endpoint", "POST /api/asset-transfers"]
    const fromFile = run([...args, "--contracts", catalog])
    expect(fromFile).toEqual(run(args))
    expect(fromFile.stdout).toContain(
      "  docs        The transfer exceeds one or more spend quota limits. See [Quota Error Response](/api/quotas#errors).\n"
    )
  })
})

describe("centrapay-effect explain --contracts: a bad file", () => {
  const dir = mkdtempSync(join(tmpdir(), "centrapay-contracts-"))
  const files: Record<string, string> = {
    "broken.json": '{"endpoints": [',
    "wrong.json": body({ endpoints: [{ method: "FETCH", path: "orders", errors: [{ status: 200, message: "X" }] }] }),
    "twice.json": body({
      endpoints: [
        { method: "GET", path: "/api/orders" },
        { method: "GET", path: "/api/orders", errors: [{ status: 403, message: "A" }] }
      ]
    }),
    "throws.mjs": 'throw new Error("boom\\n    at secret (/home/me/.env:1:1)")\n',
    "nothing.ts": "export const answer: number = 42\n",
    "enum.ts": "enum Colour { Red }\nexport const red = Colour.Red\n",
    "contracts.yaml": "endpoints: []\n"
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)

  it.each([
    ["missing.json", `cannot read it (ENOENT: no such file or directory, open '${join(dir, "missing.json")}')`],
    ["broken.json", "not JSON (Unexpected end of JSON input)"],
    [
      "wrong.json",
      'not in the catalog\'s format: endpoints.0.method: Expected "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS"; endpoints.0.path: Expected a string starting with "/"; endpoints.0.errors.0.status: Expected a value between 400 and 599'
    ],
    ["twice.json", "duplicate route: GET /api/orders"],
    ["throws.mjs", "cannot import it (boom)"],
    ["nothing.ts", "exports no endpoint: export the contracts made with Endpoint.make"],
    ["enum.ts", "cannot import it (TypeScript enum is not supported in strip-only mode)"],
    [
      "contracts.yaml",
      "not a contracts file: expected a .json file in the catalog's format, or a .ts/.mts/.js/.mjs module"
    ]
  ])("%s: one line naming the file and the reason, exit code 1", (name, reason) => {
    const result = run(["explain", "403", "{}", "--contracts", name], { cwd: dir })
    expect(result).toEqual({ code: 1, stdout: "", stderr: `centrapay-effect: --contracts ${name}: ${reason}\n` })
  })

  it("rejects a route declared in two files", () => {
    const result = run(["explain", "--json", "--contracts", orders.module, "--contracts", orders.json])
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `centrapay-effect: --contracts ${orders.module}, ${orders.json}: duplicate route: POST /api/orders\n`
    })
  })
})
