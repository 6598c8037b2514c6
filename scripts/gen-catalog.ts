/**
 * Generates two modules from Centrapay's endpoint catalog
 * (`packages/core/data/centrapay-catalog.json`, every endpoint of the API reference):
 *
 * - `packages/core/src/Centrapay.ts`: one typed endpoint contract per endpoint, with
 *   its documented errors (an endpoint that documents none gets `{}`: the general
 *   status table applies), its path parameters (typed from the route template by
 *   `Endpoint.make`) and, where the docs list request fields for a JSON body, a
 *   `payload` schema built from them (`payloadOf` below says which endpoints get one);
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
 * (status, message) of an endpoint that is not unique, and on a payload
 * schema that rejects its endpoint's own example request.
 *
 * @module
 */
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { Schema } from "effect"
import * as Endpoint from "../packages/core/src/Endpoint.ts"
import * as CatalogFields from "../packages/core/src/internal/catalogFields.ts"
import * as CatalogFormat from "../packages/core/src/internal/catalogFormat.ts"

const root = join(import.meta.dirname, "..")
const catalogFile = "packages/core/data/centrapay-catalog.json"
const contractsPath = join(root, "packages/core/src/Centrapay.ts")
const docsPath = join(root, "packages/core/src/internal/centrapayDocs.ts")

// The catalog format (shared with `explain --contracts`), with what the two modules need made required.
const CatalogEndpoint = Schema.Struct({
  ...CatalogFormat.CatalogEndpoint.fields,
  title: Schema.String,
  page: Schema.String,
  deprecated: Schema.Boolean,
  experimental: Schema.Boolean,
  pathParams: Schema.Array(Schema.String),
  fields: Schema.Array(CatalogFormat.Field),
  errors: Schema.Array(
    Schema.Struct({ ...CatalogFormat.DocumentedError.fields, description: Schema.String.check(Schema.isNonEmpty()) })
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

const byStatus = (endpoint: CatalogEndpoint) => CatalogFormat.errorTable(endpoint.errors)

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
  const declared = Endpoint.make(CatalogFormat.routeOf(endpoint), Object.fromEntries(byStatus(endpoint)), {
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

const bodyMethods: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH"])

/** An endpoint's payload: its fields' specs (absent: no payload schema), and what the docs made us decide. */
interface Payload {
  readonly specs: ReadonlyArray<readonly [name: string, spec: CatalogFields.Spec]> | undefined
  readonly notes: ReadonlyArray<string>
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * The payload rule (stated in the generated module's header): a body only on
 * POST, PUT and PATCH, and on DELETE when the docs show an example body; never
 * on GET or HEAD, whose documented "request" fields are query or path
 * parameters (some even response fields). A body the example sends as
 * anything but JSON (a multipart upload) gets no schema. The request fields,
 * less those named like a path parameter, each typed by `CatalogFields`
 * (`unknown` for a type it does not define). Where the endpoint's own
 * example request disagrees with a field, the example wins: a value of
 * another type makes the field `unknown`, an omitted required field makes
 * it optional. An example body with no documented fields gets an open
 * schema of no fields.
 */
const payloadOf = (endpoint: CatalogEndpoint): Payload => {
  const example = endpoint.example?.request
  const carriesBody =
    bodyMethods.has(endpoint.method) || (endpoint.method === "DELETE" && example?.payload !== undefined)
  const fields = endpoint.fields.filter((field) => field.in === "request")
  if (!carriesBody || (fields.length === 0 && example?.payload === undefined)) return { specs: undefined, notes: [] }
  const mimeType = example?.postData?.mimeType
  if (mimeType !== undefined && mimeType !== "application/json") {
    return { specs: undefined, notes: [`The body is ${code(mimeType)}, not JSON: no payload schema.`] }
  }
  const sent = isRecord(example?.payload) ? example.payload : undefined
  const notes: Array<string> = []
  const specs = fields.flatMap((field): ReadonlyArray<readonly [string, CatalogFields.Spec]> => {
    if (endpoint.pathParams.includes(field.name)) {
      notes.push(`${code(field.name)} is listed as a request field but is a path parameter: not in the payload.`)
      return []
    }
    let type: CatalogFields.TypeName =
      field.type !== null && CatalogFields.isTypeName(field.type) ? field.type : "unknown"
    let required = field.required
    if (sent !== undefined && Object.hasOwn(sent, field.name)) {
      if (!Schema.is(CatalogFields.types[type])(sent[field.name])) {
        notes.push(
          `The example sends ${code(field.name)} as ${kindOf(sent[field.name])}, not the documented ${code(field.type ?? "null")}: typed unknown.`
        )
        type = "unknown"
      }
    } else if (sent !== undefined && required) {
      notes.push(`${code(field.name)} is documented as required but the example omits it: optional.`)
      required = false
    }
    return [[field.name, required ? type : `${type}?`]]
  })
  checkUnique(
    `request field of ${endpoint.method} ${endpoint.path}`,
    specs.map(([name]) => name)
  )
  if (example?.payload === undefined && specs.length === 0) return { specs: undefined, notes }
  if (fields.length === 0) notes.push("The docs list no request fields but show an example body: any JSON object.")
  if (example?.payload !== undefined) {
    const accepts = Schema.decodeUnknownResult(CatalogFields.payload(Object.fromEntries(specs)))(example.payload)
    if (accepts._tag === "Failure") {
      fail(`the payload of ${endpoint.method} ${endpoint.path} rejects its example: ${accepts.failure.message}`)
    }
  }
  return { specs, notes }
}

// "an array", "a string", … for a note about an example's value.
const kindOf = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "an array"
      : typeof value === "object"
        ? "an object"
        : `a ${typeof value}`

const propertyName = (name: string): string => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : literal(name))

// payload({ assetId: "string", value: "bignumber?" })
const payloadCode = (specs: ReadonlyArray<readonly [string, CatalogFields.Spec]>): string =>
  `/*#__PURE__*/ payload({ ${specs.map(([name, spec]) => `${propertyName(name)}: ${literal(spec)}`).join(", ")} })`

const optionsCode = (endpoint: CatalogEndpoint, payload: Payload): string => {
  const options = [
    ...(endpoint.deprecated ? ["deprecated: true"] : []),
    ...(payload.specs === undefined ? [] : [`payload: ${payloadCode(payload.specs)}`])
  ]
  return options.length === 0 ? "" : `, { ${options.join(", ")} }`
}

const contract = (endpoint: CatalogEndpoint, identifier: string): string => {
  const route = `${endpoint.method} ${endpoint.path}`
  const payload = payloadOf(endpoint)
  const groups = byStatus(endpoint)
  const exceptions = otherBusinessStatuses(endpoint)
  const experimentalFields = endpoint.fields.filter((field) => field.in === "request" && field.experimental === true)
  const summary = [
    endpoint.title === "" ? code(route) : `${endpoint.title}: ${code(route)}`,
    `(docs page ${code(endpoint.page)}).`,
    ...(endpoint.deprecated ? ["**Deprecated.**"] : []),
    ...(endpoint.experimental ? ["**Experimental.**"] : []),
    groups.length === 0
      ? "No documented errors: the general status table applies."
      : `Documented errors: ${describe(groups)}.`,
    ...(exceptions.length === 0 ? [] : [`Business outcomes here, not general-table errors: ${describe(exceptions)}.`]),
    ...(experimentalFields.length === 0
      ? []
      : [`Experimental fields: ${experimentalFields.map((field) => code(field.name)).join(", ")}.`]),
    ...payload.notes
  ].join(" ")
  if (summary.includes("*/")) fail(`the doc comment of ${route} would contain "*/"`)
  return [
    "/**",
    paragraph(summary),
    " *",
    " * @category endpoints",
    ...(endpoint.deprecated ? [" * @deprecated Centrapay marks this endpoint deprecated."] : []),
    " */",
    `export const ${identifier} = /*#__PURE__*/ Endpoint.make(${literal(route)}, ${errorTable(endpoint)}${optionsCode(endpoint, payload)})`
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
  const payloadCount = endpoints.filter((endpoint) => payloadOf(endpoint).specs !== undefined).length
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
${paragraph(
  `Path parameters are typed from each route template (\`/api/accounts/{accountId}\` takes an \`accountId\` string). ${payloadCount} endpoints have a \`payload\` schema built from the request fields the docs list, by this rule: a body only on POST, PUT and PATCH (and on DELETE when the docs show an example body), never on GET or HEAD, whose documented request fields are query or path parameters (some even response fields); none for a body that is not JSON (a multipart upload); a field named like a path parameter is left out. Each field is typed from its documented type: \`bignumber\` a decimal string, \`timestamp\` an ISO 8601 string, \`monetary\` an object of \`amount\` (a bignumber) and \`currency\`, \`crn\` a string, and \`unknown\` for a type the docs do not define. Where an endpoint's own example request disagrees with its field list, the example wins (a field sent as another type is \`unknown\`, a required field it omits is optional), and the endpoint's doc comment says so. Fields the docs do not list are kept as they are. Add or replace schemas with \`Endpoint.withSchemas\`.`,
  85
)}
 *
 * Each contract is marked \`#__PURE__\`, so a bundler keeps only the contracts a program
 * uses: a Worker that calls two endpoints carries two, not ${endpoints.length}.
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
import * as EndpointMatcher from "./EndpointMatcher.ts"
import { payload } from "./internal/catalogFields.ts"`

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
export const endpoints: ReadonlyArray<Contract> = /*#__PURE__*/ Object.values(byRoute)

const matcher = /*#__PURE__*/ EndpointMatcher.make(endpoints)

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

const decoded = Schema.decodeUnknownResult(Schema.fromJsonString(Catalog))(
  readFileSync(join(root, catalogFile), "utf8")
)
const catalog = decoded._tag === "Success" ? decoded.success : fail(`${catalogFile}: ${decoded.failure.message}`)
const entries = catalog.endpoints.map((endpoint) => ({ endpoint, identifier: identifierOf(endpoint) }))
for (const problem of CatalogFormat.ambiguities(catalog.endpoints)) fail(problem)
checkUnique(
  "identifier",
  entries.map((entry) => entry.identifier)
)

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
