/**
 * An OpenAPI 3.1 document from a list of endpoint contracts, in one call:
 * `OpenApi.make(endpoints, { title, version })`.
 *
 * Each endpoint becomes one operation (`operationId` is its route,
 * `METHOD /path`): its path parameters (the template's names, typed by its
 * `path` schema where it declares one, else strings), its query parameters
 * (the fields of its `query` schema), its JSON request body (`payload`), its
 * success (`success`: a 200 JSON body, a 204 when it encodes to nothing; none
 * declared: the handler's own, untyped JSON 200), and every error response the
 * contract allows, with the shape `ResponseCodec.encode` writes:
 *
 * - 400 Malformed Request, with `issues` (where) and `problem` (what);
 * - 401 Unauthorized, with its `WWW-Authenticate` challenge;
 * - 403 Forbidden (a phrase such as `Forbidden`);
 * - 404 Route Not Found;
 * - 429 Too Many Requests, with `Retry-After` (seconds) and optional `quotas`;
 * - `5XX` Server Error, with optional `correlationId`, `x-request-id` and `Retry-After`;
 * - and, at the status each is documented with, the endpoint's documented
 *   codes as an `enum` on `message` (the 403 business rules; a current
 *   endpoint's 400 codes; a deprecated endpoint's legacy 400 / 404 outcomes),
 *   each code's description in the response's `description` and in
 *   `x-enumDescriptions`.
 *
 * The credentials the API accepts are security schemes the whole document
 * requires, any one of them: the contract's API key (`X-Api-Key`) and user
 * access token (`Authorization: <jwt>`, no `Bearer` prefix), or the ones
 * `info.security` names.
 *
 * Reused from Effect: every JSON Schema in the document (bodies, parameters,
 * headers, the shared error bodies under `components.schemas`) is Effect's
 * own generation, the pipeline `OpenApi.fromApi` (`effect/http-api`) compiles
 * with: `Schema.toCodecJson`, `SchemaRepresentation.toRepresentations` (one
 * pool of shared definitions for the whole document),
 * `SchemaRepresentation.toJsonSchemaMultiDocument` and
 * `JsonSchema.toMultiDocumentOpenApi3_1`; the document's types are
 * `effect/http-api`'s `OpenApi` models. `OpenApi.fromApi` itself is not used:
 * it documents an `HttpApi` and that server's rules (it marks every object
 * `additionalProperties: false`, as `HttpApi` rejects excess properties,
 * while the `Router` and the `Client` ignore them; it keys responses by an
 * exact status, where the contract answers any 5xx), so the operations are
 * assembled here from the contract's own table.
 *
 * A schema is documented as its JSON form (`Schema.toCodecJson`), which can be
 * looser than what the `Router` decodes from parsed JSON: a `Schema.Number`
 * also allows `"NaN"` and `"Infinity"`, a `Schema.optional` field `null`.
 * Declare `Schema.Finite` and `Schema.optionalKey` for what the wire carries.
 * A check Effect cannot state in JSON Schema (an `isPattern` without the `u`
 * flag, a custom filter such as the `ObjectId` prefixes) is left out of the
 * document; the `Router` still enforces it.
 *
 * @module
 */
import * as Arr from "effect/Array"
import type * as EffectOpenApi from "effect/http-api/OpenApi"
import * as JsonSchema from "effect/JsonSchema"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import * as SchemaRepresentation from "effect/SchemaRepresentation"
import { MalformedRequestProblem } from "./ApiError.ts"
import * as Credentials from "./Credentials.ts"
import type * as Endpoint from "./Endpoint.ts"
import * as ErrorBody from "./ErrorBody.ts"
import { defaultChallenge } from "./ResponseCodec.ts"

/**
 * What the document says about the API besides its endpoints.
 *
 * @category models
 */
export interface Info {
  readonly title: string
  readonly version: string
  readonly description?: string | undefined
  /** Where the API is served, e.g. `[{ url: "https://service.centrapay.com" }]`. */
  readonly servers?: ReadonlyArray<EffectOpenApi.OpenAPISpecServer> | undefined
  /**
   * What a documented code means on an endpoint (markdown), or `undefined`
   * when there is nothing to say: written beside the code in its response.
   */
  readonly descriptions?:
    | ((endpoint: Endpoint.Endpoint, status: number, code: string) => string | undefined)
    | undefined
  /**
   * The credentials every operation accepts, any one of them (`Scheme`):
   * `components.securitySchemes` and the document's `security`; `[]` for an
   * API without authentication. @default ["apiKey", "userToken"], as the contract
   */
  readonly security?: ReadonlyArray<Scheme> | undefined
}

/**
 * The contract's credentials, as security schemes: `apiKey` (an API key in
 * `X-Api-Key`, enduring access to one account) and `userToken` (a user access
 * token, a JWT sent as it is in `Authorization`).
 *
 * @category models
 */
export type Scheme = "apiKey" | "userToken"

/**
 * The security scheme of each of the contract's credentials (the header
 * names are `Credentials.headers`).
 *
 * @category constants
 */
export const securitySchemes: Readonly<Record<Scheme, EffectOpenApi.OpenAPIApiKeySecurityScheme>> = {
  apiKey: {
    type: "apiKey",
    in: "header",
    name: Credentials.headers.apiKey,
    description: "An API key: enduring access to one account."
  },
  userToken: {
    type: "apiKey",
    in: "header",
    name: Credentials.headers.userToken,
    description:
      "A user access token (a JWT, sent as it is, without a `Bearer` prefix), valid for an hour. An org account accessed with one also needs `X-Centrapay-Account: <accountId>`."
  }
}

/**
 * One operation: an endpoint.
 *
 * @category models
 */
export interface Operation {
  /** The endpoint's route, `METHOD /path`. */
  readonly operationId: string
  /** The first path segment that is not `api`: `/api/asset-transfers/…` is `asset-transfers`. */
  readonly tags: ReadonlyArray<string>
  readonly deprecated?: true
  readonly parameters: ReadonlyArray<EffectOpenApi.OpenAPISpecParameter>
  readonly requestBody?: EffectOpenApi.OpenAPISpecRequestBody
  /** By status (`"200"`, `"403"`) or range (`"5XX"`): the response, or a reference to a shared one. */
  readonly responses: Readonly<Record<string, EffectOpenApi.OpenApiSpecResponse | Reference>>
}

/**
 * A reference to a shared part of the document: an error response the
 * general table gives every endpoint that documents no code at its status
 * (`#/components/responses/Unauthorized`).
 *
 * @category models
 */
export interface Reference {
  readonly $ref: string
}

/**
 * An OpenAPI 3.1 document, as `make` builds it (plain JSON: print it with
 * `JSON.stringify`).
 *
 * @category models
 */
export interface Document {
  readonly openapi: "3.1.0"
  readonly info: EffectOpenApi.OpenAPISpecInfo
  readonly servers?: ReadonlyArray<EffectOpenApi.OpenAPISpecServer>
  /** The credentials every operation accepts, any one of them (left out when there are none). */
  readonly security?: ReadonlyArray<EffectOpenApi.OpenAPISecurityRequirement>
  readonly tags: ReadonlyArray<EffectOpenApi.OpenAPISpecTag>
  readonly paths: Readonly<Record<string, Partial<Record<EffectOpenApi.OpenAPISpecMethodName, Operation>>>>
  readonly components: {
    readonly schemas: JsonSchema.Definitions
    /** The general table's error responses, by class: `MalformedRequest`, `Unauthorized`, `Forbidden`, `RouteNotFound`, `TooManyRequests`, `ServerError`. */
    readonly responses: Readonly<Record<string, EffectOpenApi.OpenApiSpecResponse>>
    /** The schemes `security` names (left out when there are none). */
    readonly securitySchemes?: Readonly<Partial<Record<Scheme, EffectOpenApi.OpenAPIApiKeySecurityScheme>>>
  }
}

// The error bodies `ResponseCodec.encode` writes, from `ErrorBody`'s own fields.
const { statusCode, error, message, correlationId } = ErrorBody.ErrorBody.fields

const IssueSchema = ErrorBody.Issue.annotate({
  identifier: "Issue",
  description:
    "Where the request went wrong: a path whose first element names the part (`body`, `path`, `query`, `header`)."
})
const QuotaSchema = ErrorBody.Quota.annotate({
  identifier: "Quota",
  description: "An account quota; `limit` and `usage` are BigNumber strings."
})

const MalformedRequestBody = Schema.Struct({
  statusCode,
  error,
  message,
  issues: Schema.optionalKey(Schema.Array(IssueSchema)),
  problem: Schema.optionalKey(MalformedRequestProblem)
}).annotate({
  identifier: "MalformedRequestBody",
  description: "A 400: the request is malformed; `issues` says where."
})

const StatusErrorBody = Schema.Struct({ statusCode, error, message }).annotate({
  identifier: "ErrorBody",
  description: "An error body: `message` says what happened."
})

const TooManyRequestsBody = Schema.Struct({
  statusCode,
  error,
  message,
  quotas: Schema.optionalKey(Schema.Array(QuotaSchema))
}).annotate({ identifier: "TooManyRequestsBody", description: "A 429: the rate limit was exceeded." })

const ServerErrorBody = Schema.Struct({ statusCode, error, message, correlationId }).annotate({
  identifier: "ServerErrorBody",
  description: "A 5xx: a fault on the server side; `correlationId` identifies it in the server's logs."
})

const RetryAfterSeconds = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Challenge = Schema.String
const RequestId = Schema.String
const PathParameter = Schema.String
const UntypedJson = Schema.Unknown

/** A response as planned, before its schemas are compiled. */
interface PlannedResponse {
  readonly key: string
  readonly description: string
  readonly body: Schema.Top | undefined
  readonly headers: ReadonlyArray<{
    readonly name: string
    readonly description: string
    readonly required: boolean
    readonly schema: Schema.Top
  }>
  /** The name it is shared under in `components.responses`, when it is a general one. */
  readonly shared?: string | undefined
}

/** An operation as planned: the endpoint, its parts' schemas and its responses. */
interface PlannedOperation {
  readonly endpoint: Endpoint.Endpoint
  readonly path: Schema.Top | undefined
  readonly query: Schema.Top | undefined
  readonly payload: Schema.Top | undefined
  readonly responses: ReadonlyArray<PlannedResponse>
}

/**
 * The OpenAPI 3.1 document of a list of endpoint contracts: paths,
 * parameters, request and success bodies from their schemas, and every error
 * response with the endpoint's documented codes (see the module doc).
 * Throws a `TypeError` when two endpoints have the same route.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Endpoint, OpenApi } from "@centrapay-effect/core"
 *
 * const GetWallet = Endpoint.make("GET /wallets/{walletId}", {}, {
 *   success: Schema.Struct({ id: Schema.String, balance: Schema.String })
 * })
 * const Transfer = Endpoint.make(
 *   "POST /wallets/{walletId}/transfers",
 *   { 403: ["INSUFFICIENT_FUNDS"] },
 *   { payload: Schema.Struct({ amount: Schema.String, to: Schema.String }) }
 * )
 * const document = OpenApi.make([GetWallet, Transfer], {
 *   title: "Wallet API",
 *   version: "1.0.0",
 *   servers: [{ url: "https://wallet.example.com" }],
 *   descriptions: (_endpoint, _status, code) =>
 *     code === "INSUFFICIENT_FUNDS" ? "The wallet's balance is below the amount." : undefined
 * })
 * const json = JSON.stringify(document, null, 2)
 * ```
 */
export const make = (endpoints: Iterable<Endpoint.Endpoint>, info: Info): Document => {
  const planned = Array.from(endpoints, (endpoint) => plan(endpoint, info.descriptions))
  const seen = new Set<string>()
  for (const { endpoint } of planned) {
    if (seen.has(endpoint.id)) throw new TypeError(`OpenApi.make: "${endpoint.id}" is listed twice`)
    seen.add(endpoint.id)
  }
  const schemes = Arr.dedupe(info.security ?? contractSchemes)
  const compiled = compile([...general.flatMap(responseSchemas), ...planned.flatMap(schemasOf)])
  const paths: Record<string, Partial<Record<EffectOpenApi.OpenAPISpecMethodName, Operation>>> = {}
  const tags = new Set<string>()
  for (const operation of planned) {
    const { endpoint } = operation
    const built = build(operation, compiled)
    for (const tag of built.tags) tags.add(tag)
    paths[endpoint.path] = { ...paths[endpoint.path], [methodName(endpoint.method)]: built }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: info.title,
      version: info.version,
      ...(info.description === undefined ? {} : { description: info.description })
    },
    ...(info.servers === undefined ? {} : { servers: info.servers }),
    ...(schemes.length === 0 ? {} : { security: schemes.map((scheme) => ({ [scheme]: [] })) }),
    tags: Array.from(tags, (name) => ({ name })),
    paths,
    components: {
      schemas: compiled.definitions,
      responses: Object.fromEntries(general.map((response) => [response.shared, responseObject(response, compiled)])),
      ...(schemes.length === 0
        ? {}
        : { securitySchemes: Object.fromEntries(schemes.map((scheme) => [scheme, securitySchemes[scheme]])) })
    }
  }
}

const contractSchemes: ReadonlyArray<Scheme> = ["apiKey", "userToken"]

const methodName = (method: Endpoint.Method): EffectOpenApi.OpenAPISpecMethodName => {
  switch (method) {
    case "GET":
      return "get"
    case "HEAD":
      return "head"
    case "POST":
      return "post"
    case "PUT":
      return "put"
    case "PATCH":
      return "patch"
    case "DELETE":
      return "delete"
    case "OPTIONS":
      return "options"
  }
}

type Describe = Info["descriptions"]

const plan = (endpoint: Endpoint.Endpoint, describe: Describe): PlannedOperation => ({
  endpoint,
  path: endpoint.schemas.path,
  query: endpoint.schemas.query,
  payload: endpoint.schemas.payload,
  responses: [success(endpoint.schemas.success), ...errorResponses(endpoint, describe)]
})

const success = (schema: Schema.Top | undefined): PlannedResponse => {
  if (schema === undefined) {
    return {
      key: "200",
      description: "Success: the handler's own JSON response (the endpoint declares no success schema).",
      body: UntypedJson,
      headers: []
    }
  }
  const encoded = SchemaAST.toEncoded(schema.ast)
  return SchemaAST.isVoid(encoded) || SchemaAST.isUndefined(encoded)
    ? { key: "204", description: "Success, no content.", body: undefined, headers: [] }
    : { key: "200", description: "Success.", body: schema, headers: [] }
}

/** The general table's response at one status (`5XX` for the range), without documented codes. */
interface General extends PlannedResponse {
  readonly status: number
  readonly body: Schema.Top
  readonly shared: string
}

const general: ReadonlyArray<General> = [
  {
    key: "400",
    shared: "MalformedRequest",
    status: 400,
    description:
      "Malformed Request: a syntax failure (content type, body fields, query or path parameters, object id prefixes); `issues` says where. Never retried: fix the request.",
    body: MalformedRequestBody,
    headers: []
  },
  {
    key: "401",
    shared: "Unauthorized",
    status: 401,
    description:
      "Unauthorized: the API key or token is missing, expired or invalid. Never retried as-is: refresh the credentials.",
    body: StatusErrorBody,
    headers: [
      {
        name: "WWW-Authenticate",
        description: `The authentication challenge, e.g. \`${defaultChallenge}\`.`,
        required: true,
        schema: Challenge
      }
    ]
  },
  {
    key: "403",
    shared: "Forbidden",
    status: 403,
    description:
      "Forbidden: the resource is missing or the caller may not touch it (wrong id, not a member of the owning account, role lacks the permission); `message` is a phrase such as `Forbidden`. Never retried.",
    body: StatusErrorBody,
    headers: []
  },
  {
    key: "404",
    shared: "RouteNotFound",
    status: 404,
    description: "Route Not Found: a typo in the URL or the HTTP method. Never retried: fix the code.",
    body: StatusErrorBody,
    headers: []
  },
  {
    key: "429",
    shared: "TooManyRequests",
    status: 429,
    description:
      "Too Many Requests: the account's rate limit was exceeded. Retry after `Retry-After` seconds, with backoff.",
    body: TooManyRequestsBody,
    headers: [
      {
        name: "Retry-After",
        description: "Seconds to wait before the next request is accepted (a client also accepts an HTTP-date).",
        required: true,
        schema: RetryAfterSeconds
      }
    ]
  },
  {
    key: "5XX",
    shared: "ServerError",
    status: 500,
    description:
      "Server Error: a fault on the server side, whatever the body. Retried (idempotently), except 501 and 505.",
    body: ServerErrorBody,
    headers: [
      {
        name: "x-request-id",
        description: "The correlation id of the failure, as in `correlationId`.",
        required: false,
        schema: RequestId
      },
      {
        name: "Retry-After",
        description: "Seconds to wait before retrying, when the server says.",
        required: false,
        schema: RetryAfterSeconds
      }
    ]
  }
]

/** The codes an endpoint documents, by status: business outcomes and a current endpoint's 400 codes. */
const documentedCodes = (endpoint: Endpoint.Endpoint): ReadonlyMap<number, Codes> => {
  const byStatus = new Map<number, Codes>()
  for (const { status, message } of endpoint.errors) {
    const documented =
      endpoint.businessOutcomes.has(`${status} ${message}`) || (status === 400 && endpoint.malformedCodes.has(message))
    const codes = byStatus.get(status)
    if (!documented || codes?.includes(message) === true) continue
    byStatus.set(status, codes === undefined ? [message] : [...codes, message])
  }
  return byStatus
}

type Codes = readonly [string, ...Array<string>]

const errorResponses = (endpoint: Endpoint.Endpoint, describe: Describe): ReadonlyArray<PlannedResponse> => {
  const codes = documentedCodes(endpoint)
  const documentedAt = (status: number, documented: Codes, base: General | undefined): PlannedResponse => {
    const described = documented.map((code) => ({ code, description: describe?.(endpoint, status, code) }))
    const malformed = status === 400 && !endpoint.deprecated
    const kind = malformed
      ? "a 400 code the endpoint documents (still a malformed request)"
      : "a business outcome the endpoint documents"
    const list = described
      .map(({ code, description }) => `- \`${code}\`${description === undefined ? "" : `: ${description}`}`)
      .join("\n")
    const variant = documentedBody(documented, described, malformed)
    return base === undefined
      ? { key: String(status), description: `\`message\` is ${kind}:\n\n${list}`, body: variant, headers: [] }
      : {
          key: base.key,
          description: `${base.description}\n\nOr \`message\` is ${kind}:\n\n${list}`,
          body: Schema.Union([variant, base.body]),
          headers: base.headers
        }
  }
  const generalStatuses = new Set(general.map(({ status }) => status))
  const others = Array.from(codes)
    .filter(([status]) => !generalStatuses.has(status))
    .sort(([a], [b]) => a - b)
  return [
    ...general.map((base) => {
      const documented = codes.get(base.status)
      return documented === undefined ? base : documentedAt(base.status, documented, base)
    }),
    ...others.map(([status, documented]) => documentedAt(status, documented, undefined))
  ]
}

/** The body of a documented code: `message` is one of the codes (with their descriptions). */
const documentedBody = (
  codes: Codes,
  described: ReadonlyArray<{ readonly code: string; readonly description: string | undefined }>,
  malformed: boolean
): Schema.Top => {
  const descriptions = Object.fromEntries(
    described.flatMap(({ code, description }) => (description === undefined ? [] : [[code, description]]))
  )
  // One code is a `Literal`: `Literals` of one would wrap its `enum` in an `anyOf`.
  const [first, ...rest] = codes
  const documented = (Arr.isArrayNonEmpty(rest) ? Schema.Literals(codes) : Schema.Literal(first)).annotate(
    Object.keys(descriptions).length === 0 ? {} : { "x-enumDescriptions": descriptions }
  )
  return malformed
    ? Schema.Struct({
        statusCode,
        error,
        message: documented,
        issues: Schema.optionalKey(Schema.Array(IssueSchema)),
        problem: Schema.optionalKey(MalformedRequestProblem)
      })
    : Schema.Struct({ statusCode, error, message: documented, quotas: Schema.optionalKey(Schema.Array(QuotaSchema)) })
}

/** Every schema of the document compiled at once, so that named ones are shared definitions. */
interface Compiled {
  readonly json: (schema: Schema.Top) => JsonSchema.JsonSchema
  readonly definitions: JsonSchema.Definitions
}

const schemasOf = (operation: PlannedOperation): ReadonlyArray<Schema.Top> => [
  PathParameter,
  ...(operation.path === undefined ? [] : [operation.path]),
  ...(operation.query === undefined ? [] : [operation.query]),
  ...(operation.payload === undefined ? [] : [operation.payload]),
  ...operation.responses.flatMap(responseSchemas)
]

const responseSchemas = ({ body, headers }: PlannedResponse): ReadonlyArray<Schema.Top> => [
  ...(body === undefined ? [] : [body]),
  ...headers.map(({ schema }) => schema)
]

const compile = (schemas: ReadonlyArray<Schema.Top>): Compiled => {
  const index = new Map<Schema.Top, number>()
  for (const schema of schemas) if (!index.has(schema)) index.set(schema, index.size)
  const roots = Array.from(index.keys(), (schema) => Schema.toCodecJson(schema).ast)
  if (!Arr.isArrayNonEmpty(roots)) return { json: () => ({}), definitions: {} }
  const document = JsonSchema.toMultiDocumentOpenApi3_1(
    SchemaRepresentation.toJsonSchemaMultiDocument(SchemaRepresentation.toRepresentations(roots), {
      includeAnnotationKey: (key) => key === "x-enumDescriptions"
    })
  )
  return {
    json: (schema) => document.schemas[index.get(schema) ?? -1] ?? {},
    definitions: document.definitions
  }
}

const build = (operation: PlannedOperation, compiled: Compiled): Operation => {
  const { endpoint } = operation
  const tag = endpoint.path.split("/").find((segment) => segment !== "" && segment !== "api" && !segment.includes("{"))
  const pathFields = fieldsOf(operation.path, compiled)
  const queryFields = fieldsOf(operation.query, compiled)
  const parameters: Array<EffectOpenApi.OpenAPISpecParameter> = [
    ...endpoint.pathParameters.map((name) => ({
      name,
      in: "path" as const,
      required: true,
      schema: pathFields.properties.get(name) ?? compiled.json(PathParameter)
    })),
    ...Array.from(queryFields.properties, ([name, schema]) => ({
      name,
      in: "query" as const,
      required: queryFields.required.has(name),
      schema
    }))
  ]
  const responses: Record<string, EffectOpenApi.OpenApiSpecResponse | Reference> = {}
  for (const response of operation.responses) {
    responses[response.key] =
      response.shared === undefined
        ? responseObject(response, compiled)
        : { $ref: `#/components/responses/${response.shared}` }
  }
  return {
    operationId: endpoint.id,
    tags: tag === undefined ? [] : [tag],
    ...(endpoint.deprecated ? { deprecated: true as const } : {}),
    parameters,
    ...(operation.payload === undefined
      ? {}
      : { requestBody: { required: true as const, content: jsonContent(compiled.json(operation.payload)) } }),
    responses
  }
}

const responseObject = (response: PlannedResponse, compiled: Compiled): EffectOpenApi.OpenApiSpecResponse => ({
  description: response.description,
  ...(response.headers.length === 0
    ? {}
    : {
        headers: Object.fromEntries(
          response.headers.map((header) => [
            header.name,
            { description: header.description, required: header.required, schema: compiled.json(header.schema) }
          ])
        )
      }),
  ...(response.body === undefined ? {} : { content: jsonContent(compiled.json(response.body)) })
})

const jsonContent = (schema: JsonSchema.JsonSchema): EffectOpenApi.OpenApiSpecContent => ({
  "application/json": { schema }
})

/** The properties of an object schema (following a reference to a shared definition). */
const fieldsOf = (
  schema: Schema.Top | undefined,
  compiled: Compiled
): { readonly properties: ReadonlyMap<string, JsonSchema.JsonSchema>; readonly required: ReadonlySet<string> } => {
  const object = schema === undefined ? {} : resolve(compiled.json(schema), compiled.definitions)
  const properties = isRecord(object.properties) ? object.properties : {}
  return {
    properties: new Map(
      Object.entries(properties).flatMap(([name, property]) => (isRecord(property) ? [[name, property]] : []))
    ),
    required: new Set(Array.isArray(object.required) ? object.required.filter((name) => typeof name === "string") : [])
  }
}

const componentPrefix = "#/components/schemas/"

const resolve = (schema: JsonSchema.JsonSchema, definitions: JsonSchema.Definitions): JsonSchema.JsonSchema => {
  const ref = schema.$ref
  if (typeof ref !== "string" || !ref.startsWith(componentPrefix)) return schema
  const name = ref.slice(componentPrefix.length)
  return Object.hasOwn(definitions, name) ? (definitions[name] ?? schema) : schema
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
