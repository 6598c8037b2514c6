/**
 * Generates `packages/core/src/Centrapay.ts`, one typed endpoint contract per
 * endpoint of Centrapay's error catalog (`packages/core/data/centrapay-error-catalog.json`).
 *
 *   npm run gen:catalog              writes the module
 *   npm run gen:catalog -- --check   fails when the committed module is stale
 *
 * Each contract is named by the rule documented in the generated module's
 * header (`identifierOf` below); the script fails on a name or route that is
 * not unique.
 *
 * @module
 */
import { spawnSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { Schema } from "effect"
import { isBusinessCode } from "../packages/core/src/ApiError.ts"

const root = join(import.meta.dirname, "..")
const catalogPath = join(root, "packages/core/data/centrapay-error-catalog.json")
const outputPath = join(root, "packages/core/src/Centrapay.ts")

const CatalogEndpoint = Schema.Struct({
  method: Schema.Literals(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
  path: Schema.String.check(Schema.isStartingWith("/")),
  examplePath: Schema.String.check(Schema.isStartingWith("/")),
  deprecated: Schema.Boolean,
  page: Schema.String,
  errors: Schema.Array(
    Schema.Struct({
      status: Schema.Int.check(Schema.isBetween({ minimum: 400, maximum: 599 })),
      message: Schema.String
    })
  )
})

type CatalogEndpoint = typeof CatalogEndpoint.Type

const Catalog = Schema.Struct({
  source: Schema.String,
  extracted: Schema.String,
  endpoints: Schema.Array(CatalogEndpoint)
})

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1)

const words = (segment: string): ReadonlyArray<string> =>
  segment
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "")
    .map(capitalize)

/**
 * The naming rule: the method (`Post`), then each literal path segment in
 * PascalCase with `api` segments left out, then `By` + the last path
 * parameter when the path ends with one. Inner path parameters are left out.
 */
const identifierOf = (endpoint: CatalogEndpoint): string => {
  const segments = endpoint.path.slice(1).split("/")
  const parts = segments.flatMap((segment, index) => {
    const param = /^\{(.+)\}$/.exec(segment)?.[1]
    if (param !== undefined) return index === segments.length - 1 ? ["By", ...words(param)] : []
    return segment === "api" ? [] : words(segment)
  })
  return [capitalize(endpoint.method.toLowerCase()), ...parts].join("")
}

const fail = (message: string): never => {
  process.stderr.write(`gen-catalog: ${message}\n`)
  process.exit(1)
}

const checkUnique = (label: string, values: ReadonlyArray<string>): void => {
  const seen = new Set<string>()
  for (const value of values) {
    if (seen.has(value)) fail(`duplicate ${label}: ${value}`)
    seen.add(value)
  }
}

const literal = (value: string): string => JSON.stringify(value)

// Messages by status, statuses in order of first appearance.
const byStatus = (endpoint: CatalogEndpoint): ReadonlyArray<readonly [number, ReadonlyArray<string>]> => {
  const groups = new Map<number, Array<string>>()
  for (const { status, message } of endpoint.errors) groups.set(status, [...(groups.get(status) ?? []), message])
  return [...groups]
}

// { 400: ["A", "B"], 404: ["C"] }
const errorTable = (endpoint: CatalogEndpoint): string =>
  `{ ${byStatus(endpoint)
    .map(([status, messages]) => `${status}: [${messages.map(literal).join(", ")}]`)
    .join(", ")} }`

const code = (message: string): string => `\`${message}\``

// "400 `A`, `B`; 404 `C`"
const describe = (groups: ReadonlyArray<readonly [number, ReadonlyArray<string>]>): string =>
  groups.map(([status, messages]) => `${status} ${messages.map(code).join(", ")}`).join("; ")

// Business codes answered with a status other than 403 (legacy exceptions, barcode checksums).
const otherBusinessStatuses = (endpoint: CatalogEndpoint): ReadonlyArray<readonly [number, ReadonlyArray<string>]> =>
  byStatus(endpoint)
    .filter(([status]) => status !== 403 && status < 500)
    .map(([status, messages]) => [status, messages.filter(isBusinessCode)] as const)
    .filter(([, messages]) => messages.length > 0)

// Doc comment lines of at most `width` characters.
const wrap = (text: string, width = 100): ReadonlyArray<string> =>
  text.split(" ").reduce<Array<string>>((lines, word) => {
    const last = lines.at(-1)
    if (last !== undefined && last.length + word.length + 1 <= width) lines[lines.length - 1] = `${last} ${word}`
    else lines.push(word)
    return lines
  }, [])

const contract = (endpoint: CatalogEndpoint, identifier: string): string => {
  const route = `${endpoint.method} ${endpoint.path}`
  const options = endpoint.deprecated ? ", { deprecated: true }" : ""
  const exceptions = otherBusinessStatuses(endpoint)
  const exceptionText =
    exceptions.length === 0 ? "" : ` Business outcomes here, not general-table errors: ${describe(exceptions)}.`
  const summary = `\`${route}\` (docs page \`${endpoint.page}\`${endpoint.deprecated ? ", deprecated" : ""}). Documented errors: ${describe(byStatus(endpoint))}.${exceptionText}`
  return [
    "/**",
    ...wrap(summary).map((line) => ` * ${line}`),
    " *",
    " * @category endpoints",
    ...(endpoint.deprecated ? [" * @deprecated Centrapay marks this endpoint deprecated."] : []),
    " */",
    `export const ${identifier} = Endpoint.make(${literal(route)}, ${errorTable(endpoint)}${options})`
  ].join("\n")
}

interface Entry {
  readonly endpoint: CatalogEndpoint
  readonly identifier: string
}

const render = (catalog: typeof Catalog.Type, entries: ReadonlyArray<Entry>): string => {
  const errorCount = catalog.endpoints.reduce((n, endpoint) => n + endpoint.errors.length, 0)
  const header = `/**
 * Centrapay's documented endpoints as typed contracts: ${catalog.endpoints.length} endpoints and their
 * ${errorCount} documented errors, from the error tables of Centrapay's public API reference
 * (extracted ${catalog.extracted}).
 *
 * generated by scripts/gen-catalog.ts — do not edit
 * (source: packages/core/data/centrapay-error-catalog.json; run \`npm run gen:catalog\`)
 *
 * Find an endpoint by route with \`byRoute["POST /api/asset-transfers"]\`, by
 * a concrete request with \`match("POST", "/api/bank-authorities/ba_123/verify")\`,
 * or by name. A name is the method (\`Post\`), then each literal path segment in
 * PascalCase with \`api\` segments left out, then \`By\` + the last path parameter
 * when the path ends with one (inner path parameters are left out):
 * \`POST /api/asset-transfers\` → \`PostAssetTransfers\`,
 * \`POST /api/asset-transfers/{assetTransferId}/cancel\` → \`PostAssetTransfersCancel\`,
 * \`GET /api/withdrawals/{withdrawalId}\` → \`GetWithdrawalsByWithdrawalId\`,
 * \`POST /payments/api/requests.cancel\` → \`PostPaymentsRequestsCancel\`.
 *
 * @module
 */
import * as Endpoint from "./Endpoint.ts"
import * as EndpointMatcher from "./EndpointMatcher.ts"`

  const contracts = entries.map(({ endpoint, identifier }) => contract(endpoint, identifier))
  const routes = entries.map(
    ({ endpoint, identifier }) => `  ${literal(`${endpoint.method} ${endpoint.path}`)}: ${identifier}`
  )
  const lookup = `/**
 * Every endpoint, keyed by \`METHOD /template\`.
 *
 * @category lookup
 * @example
 * \`\`\`ts
 * import { Centrapay } from "@centrapay-effect/core"
 * const CancelRequest = Centrapay.byRoute["POST /payments/api/requests.cancel"]
 * \`\`\`
 */
export const byRoute = {
${routes.join(",\n")}
}

/**
 * A route of the catalog: \`METHOD /template\`.
 *
 * @category models
 */
export type Route = keyof typeof byRoute

/**
 * Any endpoint contract of the catalog.
 *
 * @category models
 */
export type Contract = (typeof byRoute)[Route]

/**
 * Every endpoint, in catalog order.
 *
 * @category lookup
 */
export const endpoints: ReadonlyArray<Contract> = Object.values(byRoute)

const matcher = EndpointMatcher.make(endpoints)

/**
 * The endpoint a concrete request goes to, with its path parameters, or
 * \`undefined\` when the catalog has none (see \`EndpointMatcher.match\`).
 *
 * @category lookup
 * @example
 * \`\`\`ts
 * import { Centrapay } from "@centrapay-effect/core"
 * Centrapay.match("POST", "/api/bank-authorities/ba_123/verify")
 * // { endpoint: Centrapay.PostBankAuthoritiesVerify, params: { bankAccountId: "ba_123" } }
 * \`\`\`
 */
export const match = (method: string, path: string): EndpointMatcher.Match<Contract> | undefined =>
  EndpointMatcher.match(matcher, method, path)
`
  return [header, ...contracts, lookup].join("\n\n")
}

const format = (source: string): string => {
  const biome = fileURLToPath(import.meta.resolve("@biomejs/biome/bin/biome"))
  const result = spawnSync(process.execPath, [biome, "format", `--stdin-file-path=${outputPath}`], {
    cwd: root,
    input: source,
    encoding: "utf8"
  })
  if (result.status !== 0) fail(`biome format failed:\n${result.stdout}${result.stderr}`)
  return result.stdout
}

const catalog = Schema.decodeUnknownSync(Catalog)(JSON.parse(readFileSync(catalogPath, "utf8")))
const entries = catalog.endpoints.map((endpoint) => ({ endpoint, identifier: identifierOf(endpoint) }))
checkUnique(
  "route",
  catalog.endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path}`)
)
checkUnique(
  "identifier",
  entries.map((entry) => entry.identifier)
)
for (const endpoint of catalog.endpoints) {
  checkUnique(
    `error of ${endpoint.method} ${endpoint.path}`,
    endpoint.errors.map(({ status, message }) => `${status} ${message}`)
  )
}

const output = format(render(catalog, entries))
const target = relative(root, outputPath)
if (process.argv.includes("--check")) {
  if (readFileSync(outputPath, "utf8") !== output) fail(`${target} is stale: run npm run gen:catalog`)
  process.stdout.write(`${target} is up to date\n`)
} else {
  writeFileSync(outputPath, output)
  process.stdout.write(`wrote ${target}: ${catalog.endpoints.length} endpoints\n`)
}
