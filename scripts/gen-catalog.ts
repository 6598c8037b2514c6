/**
 * Generates two modules from Centrapay's endpoint catalog
 * (`packages/core/data/centrapay-catalog.json`, every endpoint of the API reference):
 *
 * - `packages/core/src/Centrapay.ts`: one typed endpoint contract per endpoint, with
 *   its documented errors (an endpoint that documents none gets `{}`: the general
 *   status table applies);
 * - `packages/core/src/internal/centrapayDocs.ts`: the documented errors'
 *   descriptions, for `centrapay-effect explain`. They stay out of `Centrapay.ts`,
 *   which is bundled into Workers.
 *
 *   npm run gen:catalog              writes both modules
 *   npm run gen:catalog -- --check   fails when either committed module is stale
 *
 * Each contract is named by the rule documented in the generated module's
 * header (`identifierOf` below): the method, then each literal path segment in
 * PascalCase with `api` segments left out, then `By` + the last path parameter
 * when the path ends with one. The script fails on a name, route or
 * (status, message) of an endpoint that is not unique.
 *
 * @module
 */
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { Schema } from "effect"
import * as Endpoint from "../packages/core/src/Endpoint.ts"

const root = join(import.meta.dirname, "..")
const catalogFile = "packages/core/data/centrapay-catalog.json"
const contractsPath = join(root, "packages/core/src/Centrapay.ts")
const docsPath = join(root, "packages/core/src/internal/centrapayDocs.ts")

// The fields the two modules use; the catalog's others (request fields, examples, …) are ignored.
const CatalogEndpoint = Schema.Struct({
  method: Schema.Literals(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
  path: Schema.String.check(Schema.isStartingWith("/")),
  title: Schema.String,
  page: Schema.String,
  deprecated: Schema.Boolean,
  experimental: Schema.Boolean,
  errors: Schema.Array(
    Schema.Struct({
      status: Schema.Int.check(Schema.isBetween({ minimum: 400, maximum: 599 })),
      message: Schema.String,
      description: Schema.String.check(Schema.isNonEmpty())
    })
  )
})

type CatalogEndpoint = typeof CatalogEndpoint.Type

const Catalog = Schema.Struct({
  source: Schema.String,
  extracted: Schema.String,
  endpoints: Schema.Array(CatalogEndpoint)
})

type Catalog = typeof Catalog.Type

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

const routeOf = (endpoint: CatalogEndpoint): `${Endpoint.Method} /${string}` =>
  `${endpoint.method} /${endpoint.path.slice(1)}`

// Messages by status, statuses in order of first appearance.
const byStatus = (endpoint: CatalogEndpoint): ReadonlyArray<readonly [number, ReadonlyArray<string>]> => {
  const groups = new Map<number, Array<string>>()
  for (const { status, message } of endpoint.errors) groups.set(status, [...(groups.get(status) ?? []), message])
  return [...groups]
}

// { 400: ["A", "B"], 404: ["C"] }, or {} when the endpoint documents no errors.
const errorTable = (endpoint: CatalogEndpoint): string =>
  endpoint.errors.length === 0
    ? "{}"
    : `{ ${byStatus(endpoint)
        .map(([status, messages]) => `${status}: [${messages.map(literal).join(", ")}]`)
        .join(", ")} }`

const code = (message: string): string => `\`${message}\``

// "400 `A`, `B`; 404 `C`"
const describe = (groups: ReadonlyArray<readonly [number, ReadonlyArray<string>]>): string =>
  groups.map(([status, messages]) => `${status} ${messages.map(code).join(", ")}`).join("; ")

// Business outcomes documented under a status other than 403, as `Endpoint.make` reads the table
// (the legacy exceptions of deprecated endpoints).
const otherBusinessStatuses = (endpoint: CatalogEndpoint): ReadonlyArray<readonly [number, ReadonlyArray<string>]> => {
  const declared = Endpoint.make(routeOf(endpoint), Object.fromEntries(byStatus(endpoint)), {
    deprecated: endpoint.deprecated
  })
  return byStatus(endpoint)
    .filter(([status]) => status !== 403)
    .map(
      ([status, messages]) =>
        [status, messages.filter((message) => Endpoint.documents(declared, status, message))] as const
    )
    .filter(([, messages]) => messages.length > 0)
}

// Doc comment lines of at most `width` characters.
const wrap = (text: string, width = 100): ReadonlyArray<string> =>
  text.split(" ").reduce<Array<string>>((lines, word) => {
    const last = lines.at(-1)
    if (last !== undefined && last.length + word.length + 1 <= width) lines[lines.length - 1] = `${last} ${word}`
    else lines.push(word)
    return lines
  }, [])

// The lines of a doc comment's paragraph, each starting with " * ".
const paragraph = (text: string, width?: number): string =>
  wrap(text, width)
    .map((line) => ` * ${line}`)
    .join("\n")

const contract = (endpoint: CatalogEndpoint, identifier: string): string => {
  const route = `${endpoint.method} ${endpoint.path}`
  const options = endpoint.deprecated ? ", { deprecated: true }" : ""
  const groups = byStatus(endpoint)
  const exceptions = otherBusinessStatuses(endpoint)
  const summary = [
    endpoint.title === "" ? `\`${route}\`` : `${endpoint.title}: \`${route}\``,
    `(docs page \`${endpoint.page}\`).`,
    ...(endpoint.deprecated ? ["**Deprecated.**"] : []),
    ...(endpoint.experimental ? ["**Experimental.**"] : []),
    groups.length === 0
      ? "No documented errors: the general status table applies."
      : `Documented errors: ${describe(groups)}.`,
    ...(exceptions.length === 0 ? [] : [`Business outcomes here, not general-table errors: ${describe(exceptions)}.`])
  ].join(" ")
  if (summary.includes("*/")) fail(`the doc comment of ${route} would contain "*/"`)
  return [
    "/**",
    paragraph(summary),
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

const count = (endpoints: ReadonlyArray<CatalogEndpoint>, flag: "deprecated" | "experimental"): number =>
  endpoints.filter((endpoint) => endpoint[flag]).length

const errorCount = (catalog: Catalog): number =>
  catalog.endpoints.reduce((n, endpoint) => n + endpoint.errors.length, 0)

const contractsModule = (catalog: Catalog, entries: ReadonlyArray<Entry>): string => {
  const { endpoints } = catalog
  const header = `/**
${paragraph(
  `Centrapay's API as typed contracts: all ${endpoints.length} endpoints of its public API reference (${count(endpoints, "deprecated")} deprecated, ${count(endpoints, "experimental")} experimental) and their ${errorCount(catalog)} documented errors, extracted ${catalog.extracted}.`,
  85
)}
 *
${paragraph(`Source: ${catalog.source}.`, 85)}
 *
 * generated by scripts/gen-catalog.ts — do not edit
 * (source: ${catalogFile}; run \`npm run gen:catalog\`)
 *
 * An endpoint that documents no errors still has a contract, \`Endpoint.make(route, {})\`:
 * the general status table applies to it. The descriptions of the documented errors
 * are not in this module (it is bundled into Workers) but in \`internal/centrapayDocs.ts\`,
 * for \`centrapay-effect explain\`.
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

const docsModule = (catalog: Catalog): string => {
  const descriptions = catalog.endpoints.flatMap((endpoint) =>
    endpoint.errors.map(
      ({ status, message, description }) =>
        `  [${literal(`${endpoint.method} ${endpoint.path} ${status} ${message}`)}, ${literal(description)}]`
    )
  )
  return `/**
 * What Centrapay's API reference says each documented error means, for
 * \`centrapay-effect explain\`: ${descriptions.length} descriptions, markdown as written in the docs
 * (extracted ${catalog.extracted}). They are kept out of \`Centrapay.ts\`, which is bundled
 * into Workers.
 *
 * generated by scripts/gen-catalog.ts — do not edit
 * (source: ${catalogFile}; run \`npm run gen:catalog\`)
 *
 * @module
 */
import type * as Endpoint from "../Endpoint.ts"

/** Each documented error's description, keyed \`"METHOD /template STATUS MESSAGE"\`. */
export const descriptions: ReadonlyMap<string, string> = new Map([
${descriptions.join(",\n")}
])

/** What the docs say \`status\` + \`message\` means on \`endpoint\`; \`undefined\` when not documented there. */
export const description = (endpoint: Endpoint.Endpoint, status: number, message: string): string | undefined =>
  descriptions.get(\`\${endpoint.id} \${status} \${message}\`)
`
}

const format = (path: string, source: string): string => {
  const biome = fileURLToPath(import.meta.resolve("@biomejs/biome/bin/biome"))
  const result = spawnSync(process.execPath, [biome, "format", `--stdin-file-path=${path}`], {
    cwd: root,
    input: source,
    encoding: "utf8"
  })
  if (result.status !== 0) fail(`biome format failed:\n${result.stdout}${result.stderr}`)
  return result.stdout
}

const catalog = Schema.decodeUnknownSync(Catalog)(JSON.parse(readFileSync(join(root, catalogFile), "utf8")))
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

const outputs = [
  { path: contractsPath, text: format(contractsPath, contractsModule(catalog, entries)) },
  { path: docsPath, text: format(docsPath, docsModule(catalog)) }
]
if (process.argv.includes("--check")) {
  for (const { path, text } of outputs) {
    if (!existsSync(path) || readFileSync(path, "utf8") !== text) {
      fail(`${relative(root, path)} is stale: run npm run gen:catalog`)
    }
  }
  process.stdout.write(`${outputs.map(({ path }) => relative(root, path)).join(" and ")} are up to date\n`)
} else {
  for (const { path, text } of outputs) writeFileSync(path, text)
  process.stdout.write(
    `wrote ${relative(root, contractsPath)} (${catalog.endpoints.length} endpoints) and ${relative(root, docsPath)} (${errorCount(catalog)} error descriptions)\n`
  )
}
