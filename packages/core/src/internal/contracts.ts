/**
 * The endpoint contracts `centrapay-effect explain` reads responses against:
 * Centrapay's catalog by default, or a team's own with `--contracts <file>`,
 * each file either
 *
 * - a JSON file in the catalog's format (`internal/catalogFormat.ts`:
 *   `{ "endpoints": [{ "method", "path", "deprecated"?, "errors"?: [{ "status",
 *   "message", "description"? }] }] }`), whose descriptions `explain` shows; or
 * - a module (`.ts`, `.mts`, `.js`, `.mjs`; Node strips the types) whose
 *   exports include endpoints made with `Endpoint.make`: every export that is
 *   one is read, the others are ignored.
 *
 * A file that cannot be read is a one-line reason, never a stack trace.
 *
 * @module
 */
import { readFile } from "node:fs/promises"
import { extname, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Centrapay from "../Centrapay.ts"
import * as Endpoint from "../Endpoint.ts"
import * as EndpointMatcher from "../EndpointMatcher.ts"
import { issuesOf } from "../ResponseCodec.ts"
import * as CatalogFormat from "./catalogFormat.ts"
import * as CentrapayDocs from "./centrapayDocs.ts"

/** A set of endpoint contracts and what their docs say about each documented error. */
export interface Contracts {
  readonly endpoints: ReadonlyArray<Endpoint.Endpoint<string>>
  /** The endpoint a concrete request goes to (see `EndpointMatcher.match`). */
  readonly match: (method: string, path: string) => EndpointMatcher.Match<Endpoint.Endpoint<string>> | undefined
  /** What the docs say `status` + `message` means on `endpoint`; `undefined` when they say nothing. */
  readonly description: (endpoint: Endpoint.Endpoint<string>, status: number, message: string) => string | undefined
}

/** Centrapay's catalog, with its documented errors' descriptions. */
export const centrapay: Contracts = {
  endpoints: Centrapay.endpoints,
  match: Centrapay.match,
  description: CentrapayDocs.description
}

/** The parts of an exported value that make it an endpoint, as `Endpoint.make` builds one. */
const DeclaredEndpoint = Schema.Struct({
  method: CatalogFormat.Method,
  path: Schema.String.check(Schema.isStartingWith("/")),
  deprecated: Schema.Boolean,
  errors: Schema.Array(Schema.Struct({ status: Schema.Int, message: Schema.String }))
})

const isDeclaredEndpoint = Schema.is(DeclaredEndpoint)
const decodeCatalog = Schema.decodeUnknownResult(CatalogFormat.Catalog)

/** An endpoint read from a file, with the descriptions of its documented errors. */
interface Read {
  readonly endpoint: typeof DeclaredEndpoint.Type
  readonly descriptions: ReadonlyArray<readonly [status: number, message: string, description: string]>
}

const moduleExtensions: ReadonlySet<string> = new Set([".ts", ".mts", ".js", ".mjs"])

/**
 * Reads the contracts in `files` (paths relative to `cwd`) as one set: a
 * route declared twice, in one file or across files, is an error. The error
 * is one line: `<file>: <reason>`.
 */
export const load = async (files: ReadonlyArray<string>, cwd: string): Promise<Result.Result<Contracts, string>> => {
  const read: Array<Read> = []
  for (const file of files) {
    const result = await readFileContracts(resolve(cwd, file))
    if (Result.isFailure(result)) return Result.fail(`${file}: ${result.failure}`)
    read.push(...result.success)
  }
  const [ambiguity] = CatalogFormat.ambiguities(read.map(({ endpoint }) => endpoint))
  if (ambiguity !== undefined) return Result.fail(`${files.join(", ")}: ${ambiguity}`)
  return Result.succeed(fromRead(read))
}

const readFileContracts = (path: string): Promise<Result.Result<ReadonlyArray<Read>, string>> => {
  const extension = extname(path).toLowerCase()
  if (extension === ".json") return readJson(path)
  if (moduleExtensions.has(extension)) return readModule(path)
  return Promise.resolve(
    Result.fail("not a contracts file: expected a .json file in the catalog's format, or a .ts/.mts/.js/.mjs module")
  )
}

const readJson = async (path: string): Promise<Result.Result<ReadonlyArray<Read>, string>> => {
  let text: string
  try {
    text = await readFile(path, "utf8")
  } catch (error) {
    return Result.fail(`cannot read it (${reasonOf(error)})`)
  }
  let json: unknown
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""))
  } catch (error) {
    return Result.fail(`not JSON (${reasonOf(error)})`)
  }
  const catalog = decodeCatalog(json, { errors: "all" })
  if (Result.isFailure(catalog)) return Result.fail(`not in the catalog's format: ${described(catalog.failure)}`)
  return Result.succeed(
    catalog.success.endpoints.map((entry) => {
      const errors = entry.errors ?? []
      return {
        endpoint: { method: entry.method, path: entry.path, deprecated: entry.deprecated ?? false, errors },
        descriptions: errors.flatMap(({ status, message, description }) =>
          description === undefined || description === "" ? [] : [[status, message, description] as const]
        )
      }
    })
  )
}

const readModule = async (path: string): Promise<Result.Result<ReadonlyArray<Read>, string>> => {
  let exports: object
  try {
    exports = await import(pathToFileURL(path).href)
  } catch (error) {
    return Result.fail(`cannot import it (${reasonOf(error)})`)
  }
  // The same endpoint exported under two names (`export default`, say) is one endpoint.
  const endpoints = new Set(Object.values(exports).filter(isDeclaredEndpoint))
  if (endpoints.size === 0) return Result.fail("exports no endpoint: export the contracts made with Endpoint.make")
  return Result.succeed(Array.from(endpoints, (endpoint) => ({ endpoint, descriptions: [] })))
}

/** The endpoints rebuilt with this package's `Endpoint.make` (the file may use another copy of it). */
const fromRead = (read: ReadonlyArray<Read>): Contracts => {
  const descriptions = new Map<string, string>()
  const endpoints = read.map(({ endpoint, descriptions: described }) => {
    const made: Endpoint.Endpoint<string> = Endpoint.make(
      CatalogFormat.routeOf(endpoint),
      Object.fromEntries(CatalogFormat.errorTable(endpoint.errors)),
      { deprecated: endpoint.deprecated }
    )
    for (const [status, message, description] of described) {
      descriptions.set(`${made.id} ${status} ${message}`, description)
    }
    return made
  })
  const matcher = EndpointMatcher.make(endpoints)
  return {
    endpoints,
    match: (method, path) => EndpointMatcher.match(matcher, method, path),
    description: (endpoint, status, message) => descriptions.get(`${endpoint.id} ${status} ${message}`)
  }
}

/** A thrown value's message, first line only: a code frame or a stack is not for the terminal. */
const reasonOf = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error)
  return message.split("\n")[0] ?? message
}

const shownIssues = 5

/** `endpoints.0.method: Expected "GET" | …; …`, the first few issues. */
const described = (error: Schema.SchemaError): string => {
  const issues = issuesOf(error)
  const shown = issues
    .slice(0, shownIssues)
    .map((issue) => `${issue.path.length === 0 ? "" : `${issue.path.join(".")}: `}${issue.message}`)
  return issues.length > shownIssues ? `${shown.join("; ")}; and ${issues.length - shownIssues} more` : shown.join("; ")
}
