/**
 * The format of an endpoint catalog file, as a Schema: Centrapay's own
 * (`packages/core/data/centrapay-catalog.json`, which `scripts/gen-catalog.ts`
 * reads) and a team's own contracts for `centrapay-effect explain
 * --contracts`. Only `method` and `path` are required per endpoint; the
 * catalog's other facts (`errors`, `deprecated`, `fields`, `example`, …) are
 * read when present, and anything else is ignored.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import type * as Endpoint from "../Endpoint.ts"

/** The HTTP methods a catalog endpoint can have. */
export const Method = Schema.Literals(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])

/** One documented error: a (status, message) pair and what the docs say it means. */
export const DocumentedError = Schema.Struct({
  status: Schema.Int.check(Schema.isBetween({ minimum: 400, maximum: 599 })),
  message: Schema.String.check(Schema.isNonEmpty()),
  description: Schema.optionalKey(Schema.String)
})

/**
 * A documented field: of the request (`in: "request"`) or of the response,
 * with its documented type's name (`string`, `bignumber`, `timestamp`, …;
 * `null` where the docs give none).
 */
export const Field = Schema.Struct({
  in: Schema.Literals(["request", "response"]),
  name: Schema.String.check(Schema.isNonEmpty()),
  type: Schema.NullOr(Schema.String),
  required: Schema.Boolean,
  description: Schema.optionalKey(Schema.String),
  experimental: Schema.optionalKey(Schema.Boolean)
})

/** The documented example exchange: the request's JSON `payload`, or its `postData` when it is not JSON. */
export const Example = Schema.Struct({
  request: Schema.optionalKey(
    Schema.NullOr(
      Schema.Struct({
        payload: Schema.optionalKey(Schema.Unknown),
        postData: Schema.optionalKey(Schema.Struct({ mimeType: Schema.String }))
      })
    )
  )
})

/** One endpoint of a catalog. */
export const CatalogEndpoint = Schema.Struct({
  method: Method,
  path: Schema.String.check(Schema.isStartingWith("/")),
  title: Schema.optionalKey(Schema.String),
  deprecated: Schema.optionalKey(Schema.Boolean),
  experimental: Schema.optionalKey(Schema.Boolean),
  fields: Schema.optionalKey(Schema.Array(Field)),
  example: Schema.optionalKey(Schema.NullOr(Example)),
  errors: Schema.optionalKey(Schema.Array(DocumentedError))
})

/** A catalog endpoint's facts. */
export type CatalogEndpoint = typeof CatalogEndpoint.Type

/** A catalog file: its endpoints, and where they were taken from. */
export const Catalog = Schema.Struct({
  source: Schema.optionalKey(Schema.String),
  extracted: Schema.optionalKey(Schema.String),
  endpoints: Schema.Array(CatalogEndpoint)
})

/** The route of a catalog endpoint, as `Endpoint.make` takes it: `POST /api/asset-transfers`. */
export const routeOf = (endpoint: {
  readonly method: Endpoint.Method
  readonly path: string
}): `${Endpoint.Method} /${string}` => `${endpoint.method} /${endpoint.path.slice(1)}`

/** Messages by status, statuses in order of first appearance: the endpoint's error table. */
export const errorTable = (
  errors: ReadonlyArray<{ readonly status: number; readonly message: string }>
): ReadonlyArray<readonly [number, ReadonlyArray<string>]> => {
  const groups = new Map<number, Array<string>>()
  for (const { status, message } of errors) groups.set(status, [...(groups.get(status) ?? []), message])
  return [...groups]
}

/**
 * What makes a catalog ambiguous: a route listed twice, or a (status,
 * message) pair listed twice on one endpoint. Empty when there is nothing.
 */
export const ambiguities = (
  endpoints: ReadonlyArray<{
    readonly method: string
    readonly path: string
    readonly errors?: ReadonlyArray<{ readonly status: number; readonly message: string }> | undefined
  }>
): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const routes = new Set<string>()
  for (const { method, path, errors } of endpoints) {
    const route = `${method} ${path}`
    if (routes.has(route)) problems.push(`duplicate route: ${route}`)
    routes.add(route)
    const pairs = new Set<string>()
    for (const { status, message } of errors ?? []) {
      const pair = `${status} ${message}`
      if (pairs.has(pair)) problems.push(`duplicate error of ${route}: ${pair}`)
      pairs.add(pair)
    }
  }
  return problems
}
