/**
 * Endpoint contracts: an endpoint's documented errors declared once.
 *
 * On the client the business `message` of a decoded error becomes a literal
 * union (an exhaustive `switch` compiles); on the server, failing with a
 * message the endpoint does not document does not compile.
 *
 * The general table rules every current endpoint: a 400 code it documents
 * (`CHECKSUM_FAILED`) is still a `MalformedRequest`, with the code as a
 * literal-typed `code`; its 403 codes are business rules. Only a deprecated
 * (legacy) endpoint makes exceptions: its documented 400 and 404 codes decode
 * as business outcomes for that endpoint only.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type { BusinessRuleViolation } from "./ApiError.ts"
import * as ApiError from "./ApiError.ts"
import type { InvalidRequest } from "./ClientError.ts"
import type { Issue, Quota } from "./ErrorBody.ts"
import { everyIssueOnFailure } from "./internal/schemaResult.ts"
import type { ServerResponse, UpstreamError } from "./ServerResponse.ts"

/**
 * The HTTP methods an endpoint can be declared with.
 *
 * @category models
 */
export type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS"

/**
 * An endpoint's documented errors by status: `{ 403: ["QUOTA_EXCEEDED"] }`.
 *
 * @category models
 */
export type ErrorTable = { readonly [status: number]: ReadonlyArray<string> }

type CodesUnder<T extends ErrorTable, S extends keyof T> = {
  [K in S]: T[K] extends ReadonlyArray<infer M extends string> ? (M extends Uppercase<M> ? M : never) : never
}[S]

/**
 * The business codes in a table: documented messages that are UPPER_SNAKE_CASE
 * (plain phrases such as `Bad Request` document the general table instead);
 * on a current endpoint (`Deprecated` false) not those documented under 400,
 * which are `MalformedCodes`.
 *
 * @category models
 */
export type BusinessCodes<T extends ErrorTable, Deprecated extends boolean = true> = Deprecated extends true
  ? CodesUnder<T, keyof T>
  : CodesUnder<T, Exclude<keyof T, 400>>

/**
 * The codes a current endpoint documents under 400: details of a
 * `MalformedRequest`, not business outcomes.
 *
 * @category models
 */
export type MalformedCodes<T extends ErrorTable, Deprecated extends boolean = false> = Deprecated extends true
  ? never
  : CodesUnder<T, Extract<keyof T, 400>>

/**
 * The names of the `{name}` parameters in a path template:
 * `PathParameterNames<"/api/accounts/{accountId}/members/{userId}">` is
 * `"accountId" | "userId"`.
 *
 * @category models
 */
export type PathParameterNames<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParameterNames<Rest>
  : never

/**
 * A path template's parameters as strings, what a route gives without a
 * path schema: `PathParameters<"/api/merchant-configs/{merchantConfigId}">`
 * is `{ readonly merchantConfigId: string }`.
 *
 * @category models
 */
export type PathParameters<Path extends string> = { readonly [Name in PathParameterNames<Path>]: string }

/**
 * The path template of a route: `PathOf<"GET /api/x/{id}">` is `"/api/x/{id}"`.
 *
 * @category models
 */
export type PathOf<Route extends string> = Route extends `${Method} ${infer Path}` ? Path : string

/**
 * The query as the server parses it and the client sends it: each name with
 * its value, or every value of a repeated name.
 *
 * @category models
 */
export type Query = Readonly<Record<string, string | ReadonlyArray<string>>>

/**
 * What a query schema decodes from: the parsed query (a schema may leave a
 * parameter optional).
 *
 * @category models
 */
export type QueryEncoded = { readonly [name: string]: string | ReadonlyArray<string> | undefined }

/**
 * The schemas an endpoint may declare besides its errors: its `path`
 * parameters (refining the template's strings, say to an `ObjectId`), its
 * `query`, its JSON `payload` and its `success` body. Each is optional.
 *
 * @category models
 */
export interface Schemas<Path extends string = string> {
  /** Decodes the template's parameters (strings, percent-decoded): a failure is a 400 naming the parameter. */
  readonly path?: Schema.Codec<unknown, PathParameters<Path>> | undefined
  /** Decodes the parsed query: a failure is a 400 naming the parameter. */
  readonly query?: Schema.Codec<unknown, QueryEncoded> | undefined
  /** Decodes the JSON request body: a failure is a 400 naming the field. */
  readonly payload?: Schema.Codec<unknown, unknown> | undefined
  /** Encodes the handler's success (200 JSON; 204 when it encodes to nothing) and decodes it on the client. */
  readonly success?: Schema.Codec<unknown, unknown> | undefined
}

/**
 * The declared schemas of an endpoint, typed: what the OpenAPI document and
 * the codecs read.
 *
 * @category models
 */
export interface DeclaredSchemas<P, Q, I, A> {
  readonly path: Schema.Codec<P, Readonly<Record<string, string>>> | undefined
  readonly query: Schema.Codec<Q, QueryEncoded> | undefined
  readonly payload: Schema.Codec<I, unknown> | undefined
  readonly success: Schema.Codec<A, unknown> | undefined
}

/**
 * An endpoint's request and success parts, decoded and encoded with its
 * schemas; a part it declares no schema for passes as it is (the template's
 * path strings, the parsed query, no payload, the handler's own response).
 * Built once by `make`; the `Router` and the `Client` call it per request.
 *
 * @category models
 */
export interface Codec<P, Q, I, A> {
  /** Server: the percent-decoded template parameters → `P`. */
  decodePath(raw: Readonly<Record<string, string>>): Result.Result<P, Schema.SchemaError>
  /** Server: the parsed query → `Q`. */
  decodeQuery(raw: Query): Result.Result<Q, Schema.SchemaError>
  /** Server: the parsed JSON body → `I` (`undefined`, unread, when no payload is declared). */
  decodePayload(json: unknown): Result.Result<I, Schema.SchemaError>
  /**
   * Server: the handler's outcome → its response: the success encoded with
   * the `success` schema and written by `json`, or, when none is declared,
   * the response the handler built, untouched. A success its own schema
   * rejects is a defect.
   */
  respond<E, R>(
    handled: Effect.Effect<A, E, R>,
    json: (encoded: unknown) => ServerResponse
  ): Effect.Effect<ServerResponse, E, R>
  /** Client: `P` → the template's strings. */
  encodePath(path: P): Result.Result<Readonly<Record<string, string>>, Schema.SchemaError>
  /** Client: `Q` → the query to send. */
  encodeQuery(query: Q): Result.Result<Query, Schema.SchemaError>
  /** Client: `I` → the JSON value to send. */
  encodePayload(payload: I): Result.Result<unknown, Schema.SchemaError>
  /** Client: a 2xx body (parsed JSON; `undefined` when empty) → `A`. */
  decodeSuccess(json: unknown): Result.Result<A, Schema.SchemaError>
}

/**
 * A declared endpoint. `M` is the union of its documented business codes,
 * `C` the union of the codes it documents under 400 (current endpoints);
 * `P`, `Q`, `I` and `A` are its decoded path parameters, query, payload
 * (`undefined`: none) and success (`ServerResponse`: no success schema, the
 * handler builds its response).
 *
 * @category models
 */
export interface Endpoint<
  M extends string = string,
  C extends string = string,
  P = unknown,
  Q = unknown,
  I = unknown,
  A = unknown
> {
  /** `METHOD /path/{param}`, e.g. `POST /api/asset-transfers`. */
  readonly id: string
  readonly method: Method
  /** The path template, with `{name}` for path parameters. */
  readonly path: string
  /** The template's parameter names, in order. */
  readonly pathParameters: ReadonlyArray<string>
  /** Deprecated endpoints are where legacy exceptions live. */
  readonly deprecated: boolean
  /** Every documented (status, message) pair, as declared. */
  readonly errors: ReadonlyArray<{ readonly status: number; readonly message: string }>
  /** The status each documented business code is answered with (the first one declared, if several). */
  readonly businessStatus: ReadonlyMap<string, number>
  /** Every documented business outcome, as `"<status> <code>"`. */
  readonly businessOutcomes: ReadonlySet<string>
  /** The codes a current endpoint documents under 400 (typed details of a `MalformedRequest`). */
  readonly malformedCodes: ReadonlySet<string>
  /** The schemas declared, `undefined` where none is. */
  readonly schemas: DeclaredSchemas<P, Q, I, A>
  /** The request and success parts, decoded and encoded. */
  readonly codec: Codec<P, Q, I, A>
  /** Phantom: the literal union of documented business codes. */
  readonly "~messages"?: M
  /** Phantom: the literal union of documented 400 codes. */
  readonly "~codes"?: C
}

/**
 * A business-rule violation an endpoint documents: its message is one of `M`.
 *
 * @category models
 */
export type DocumentedViolation<M extends string> = BusinessRuleViolation & {
  readonly message: M
  readonly documented: true
}

/**
 * A business-rule violation the endpoint does not document (the server added
 * a rule, or the docs lag): the message is only a string.
 *
 * @category models
 */
export type UndocumentedViolation = BusinessRuleViolation & { readonly documented: false }

/**
 * A malformed request whose message is one of the 400 codes `C` an endpoint
 * documents.
 *
 * @category models
 */
export type DocumentedMalformed<C extends string> = ApiError.MalformedRequest & {
  readonly message: C
  readonly code: C
}

/**
 * What a response from an endpoint documenting business codes `M` and 400
 * codes `C` decodes to: every status error, with business violations
 * narrowed to the documented codes and a 400's `code` to `C`; each names the
 * request it answered (`upstream`).
 *
 * @category models
 */
export type DecodedError<M extends string, C extends string = never> = ApiError.Received<
  | Exclude<ApiError.StatusError, BusinessRuleViolation | ApiError.MalformedRequest>
  | (ApiError.MalformedRequest & { readonly code?: C | undefined })
  | DocumentedViolation<M>
  | UndocumentedViolation
>

/**
 * What a server handler for endpoint `E` may fail with: the general status
 * errors and business violations documented for `E` only (a 400 with a
 * documented code: `malformed`), answered as they are; and whatever its
 * client received from an upstream (`ServerResponse.UpstreamError`, answered
 * 502/504) or could not send (`InvalidRequest`, answered 500). An upstream's
 * business code becomes this endpoint's only through `violation`.
 *
 * @category models
 */
export type HandlerError<E extends Endpoint<string, string>> =
  | ApiError.MalformedRequest
  | ApiError.Unauthorized
  | ApiError.ResourceForbidden
  | ApiError.RouteNotFound
  | ApiError.TooManyRequests
  | ApiError.ServerError
  | (E extends Endpoint<infer M> ? DocumentedViolation<M> : never)
  | UpstreamError
  | InvalidRequest

/**
 * The codes of an endpoint, for `switch` statements and type tests.
 *
 * @category models
 */
export type Messages<E> = E extends Endpoint<infer M, string> ? M : never

/**
 * The 400 codes of an endpoint, for `switch` statements and type tests.
 *
 * @category models
 */
export type Codes<E> = E extends Endpoint<string, infer C> ? C : never

const methods: ReadonlySet<string> = new Set<Method>(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])

const isMethod = (method: string): method is Method => methods.has(method)

/**
 * What `make` takes besides the route and the errors: whether the endpoint
 * is deprecated (where legacy exceptions live), and its schemas.
 *
 * @category models
 */
export interface Options<Path extends string = string> extends Schemas<Path> {
  readonly deprecated?: boolean | undefined
}

/** The type a declared schema decodes to, or `Otherwise` when none is declared. */
type Declared<S, K extends keyof Schemas, Otherwise> = K extends keyof S
  ? S[K] extends Schema.Top
    ? S[K]["Type"]
    : Otherwise
  : Otherwise

type DeprecatedOf<O> = O extends { readonly deprecated: true } ? true : false

/**
 * Declares an endpoint once: its route, its documented errors and,
 * optionally, the schemas of its path parameters, query, payload and
 * success. The `Router` serves it, the `Client` calls it and `OpenApi`
 * documents it from this one declaration. Without a `path` schema the path
 * parameters are the template's names as strings.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Endpoint, ObjectId } from "@centrapay-effect/core"
 *
 * const CreateAssetTransfer = Endpoint.make(
 *   "POST /api/asset-transfers",
 *   { 403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED", "ASSET_NOT_ACTIVE", "RECIPIENT_MISSING", "INVALID_ASSET_TYPE"] },
 *   {
 *     payload: Schema.Struct({ amount: Schema.String, recipient: Schema.String }),
 *     success: Schema.Struct({ id: Schema.String })
 *   }
 * )
 * // Path parameters typed from the template, refined by a schema:
 * const GetMerchantConfig = Endpoint.make("GET /api/merchant-configs/{merchantConfigId}", {}, {
 *   path: Schema.Struct({ merchantConfigId: ObjectId.MerchantConfigId })
 * })
 * // A legacy endpoint whose 404 is a business outcome, not a missing route:
 * const CancelRequest = Endpoint.make(
 *   "POST /payments/api/requests.cancel",
 *   { 400: ["REQUEST_NOT_FOUND", "REQUEST_EXPIRED"], 404: ["REQUEST_PAID"] },
 *   { deprecated: true }
 * )
 * ```
 */
export function make<
  const Route extends `${Method} /${string}`,
  const Table extends ErrorTable,
  const O extends Options<PathOf<Route>> = Record<never, never>
>(
  route: Route,
  errors: Table,
  options?: O
): Endpoint<
  BusinessCodes<Table, DeprecatedOf<O>>,
  MalformedCodes<Table, DeprecatedOf<O>>,
  Declared<O, "path", PathParameters<PathOf<Route>>>,
  Declared<O, "query", Query>,
  Declared<O, "payload", undefined>,
  Declared<O, "success", ServerResponse>
>
export function make(route: string, errors: ErrorTable, options?: Options): Endpoint {
  const space = route.indexOf(" ")
  const method = route.slice(0, space)
  if (!isMethod(method)) throw new TypeError(`Unknown HTTP method in route "${route}"`)
  const path = route.slice(space + 1)
  const declared = Object.entries(errors).flatMap(([status, messages]) =>
    messages.map((message) => ({ status: Number(status), message }))
  )
  const deprecated = options?.deprecated ?? false
  const businessStatus = new Map<string, number>()
  const businessOutcomes = new Set<string>()
  const malformedCodes = new Set<string>()
  for (const { status, message } of declared) {
    if (!ApiError.isBusinessCode(message) || status < 400 || status > 499) continue
    if (status === 400 && !deprecated) {
      malformedCodes.add(message)
      continue
    }
    if (!businessStatus.has(message)) businessStatus.set(message, status)
    businessOutcomes.add(`${status} ${message}`)
  }
  const schemas = declaredSchemas(options)
  return {
    id: route,
    method,
    path,
    pathParameters: Array.from(path.matchAll(/\{([^}]+)\}/g), (match) => match[1] ?? ""),
    deprecated,
    errors: declared,
    businessStatus,
    businessOutcomes,
    malformedCodes,
    schemas,
    codec: codecOf(route, schemas)
  }
}

/**
 * Adds or replaces schemas on a declared endpoint (which is left unchanged),
 * say a `success` schema on one of the generated `Centrapay` contracts before
 * calling it.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Centrapay, Endpoint } from "@centrapay-effect/core"
 *
 * const CreateAssetTransfer = Endpoint.withSchemas(Centrapay.PostAssetTransfers, {
 *   success: Schema.Struct({ id: Schema.String, status: Schema.String })
 * })
 * ```
 */
export function withSchemas<M extends string, C extends string, P, Q, I, A, const S extends Schemas>(
  endpoint: Endpoint<M, C, P, Q, I, A>,
  schemas: S
): Endpoint<M, C, Declared<S, "path", P>, Declared<S, "query", Q>, Declared<S, "payload", I>, Declared<S, "success", A>>
export function withSchemas(endpoint: Endpoint, schemas: Schemas): Endpoint {
  const merged = declaredSchemas({
    path: schemas.path ?? endpoint.schemas.path,
    query: schemas.query ?? endpoint.schemas.query,
    payload: schemas.payload ?? endpoint.schemas.payload,
    success: schemas.success ?? endpoint.schemas.success
  })
  return { ...endpoint, schemas: merged, codec: codecOf(endpoint.id, merged) }
}

/**
 * Whether the endpoint documents this (status, message) pair as a business
 * outcome.
 *
 * @category predicates
 */
export const documents = <M extends string>(
  endpoint: Endpoint<M, string>,
  status: number,
  message: string
): message is M => endpoint.businessOutcomes.has(`${status} ${message}`)

/**
 * Whether a current endpoint documents this message as a 400 code.
 *
 * @category predicates
 */
export const documentsMalformed = <C extends string>(endpoint: Endpoint<string, C>, message: string): message is C =>
  endpoint.malformedCodes.has(message)

/**
 * A 400 with one of the 400 codes a current endpoint documents (say
 * `CHECKSUM_FAILED`), answered as the contract's malformed request with the
 * code as its message. A code the endpoint does not document is a compile
 * error.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Endpoint } from "@centrapay-effect/core"
 *
 * const GetPatronCode = Endpoint.make("GET /api/patron-codes/barcode/{barcode}", { 400: ["CHECKSUM_FAILED"] })
 * const handler = Effect.fail(
 *   Endpoint.malformed(GetPatronCode, "CHECKSUM_FAILED", { issues: [{ path: ["path", "barcode"], message: "Luhn check failed" }] })
 * )
 * ```
 */
export const malformed = <C extends string>(
  _endpoint: Endpoint<string, C>,
  code: NoInfer<C>,
  extra?: { readonly issues?: readonly [Issue, ...Array<Issue>] }
): DocumentedMalformed<C> =>
  Object.assign(
    new ApiError.MalformedRequest({
      message: code,
      code,
      ...(extra?.issues === undefined ? {} : { issues: extra.issues })
    }),
    { message: code, code }
  )

/**
 * Fails a server handler with one of the endpoint's documented business
 * outcomes, answered with the status the endpoint documents for it.
 * A message the endpoint does not document is a compile error.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Endpoint } from "@centrapay-effect/core"
 *
 * const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE"] })
 * const handler = Effect.fail(Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE"))
 * ```
 */
export const violation = <M extends string>(
  endpoint: Endpoint<M, string>,
  message: NoInfer<M>,
  extra?: ViolationExtra
): DocumentedViolation<M> => {
  const error = new ApiError.BusinessRuleViolation({
    status: endpoint.businessStatus.get(message) ?? 403,
    message,
    documented: true,
    endpoint: endpoint.id,
    ...extra
  })
  return narrow(error, message)
}

/**
 * The optional fields of a business-rule violation: the documented extras
 * (`quotas`), and what a client noted on receiving it (`body`, `upstream`).
 *
 * @category models
 */
export interface ViolationExtra {
  readonly quotas?: ReadonlyArray<Quota>
  readonly body?: ApiError.ReceivedBody
  readonly upstream?: ApiError.Upstream
}

/**
 * A business-rule violation no endpoint documents (the server added a rule,
 * or the docs lag): still decoded, marked `documented: false`.
 *
 * @category constructors
 */
export const undocumentedViolation = (
  status: number,
  message: string,
  extra?: ViolationExtra & { readonly endpoint?: string }
): UndocumentedViolation =>
  Object.assign(new ApiError.BusinessRuleViolation({ status, message, documented: false, ...extra }), {
    documented: false as const
  })

// The class's `message` is a string; this one was built from `M`, which the
// type system cannot see through the constructor.
const narrow = <M extends string>(error: BusinessRuleViolation, message: M): DocumentedViolation<M> =>
  Object.assign(error, { message, documented: true as const })

const declaredSchemas = (schemas: Schemas | undefined): DeclaredSchemas<unknown, unknown, unknown, unknown> => ({
  path: schemas?.path,
  query: schemas?.query,
  payload: schemas?.payload,
  success: schemas?.success
})

const decoder = <A, E>(schema: Schema.Codec<A, E>) => everyIssueOnFailure(Schema.decodeUnknownResult(schema))

const encoder = <A, E>(schema: Schema.Codec<A, E>) => everyIssueOnFailure(Schema.encodeUnknownResult(schema))

/** A handler's success encoded by `encode`, then written by `json`; one the schema rejects is a defect. */
const encodedBy =
  (encode: (value: unknown) => Result.Result<unknown, Schema.SchemaError>, id: string) =>
  <E, R>(
    handled: Effect.Effect<unknown, E, R>,
    json: (encoded: unknown) => ServerResponse
  ): Effect.Effect<ServerResponse, E, R> => {
    const written = (value: unknown): Effect.Effect<ServerResponse> => {
      const encoded = encode(value)
      return Result.isSuccess(encoded)
        ? Effect.succeed(json(encoded.success))
        : Effect.die(new Error(`The success of ${id} does not match its schema: ${encoded.failure.message}`))
    }
    // A handler that succeeded at once (`Effect.succeed` is an `Exit`) is encoded here, without
    // another step on the fiber.
    return Exit.isExit(handled) && Exit.isSuccess(handled) ? written(handled.value) : Effect.flatMap(handled, written)
  }

/** The codec of each part: its schema's when declared, else the part as it is. */
const codecOf = (
  id: string,
  schemas: DeclaredSchemas<unknown, unknown, unknown, unknown>
): Codec<unknown, unknown, unknown, unknown> => {
  const { path, query, payload, success } = schemas
  const encodeQuery = query === undefined ? undefined : encoder(query)
  return {
    decodePath: path === undefined ? Result.succeed : decoder(path),
    decodeQuery: query === undefined ? Result.succeed : decoder(query),
    decodePayload: payload === undefined ? () => Result.succeed(undefined) : decoder(payload),
    // Without a success schema the handler's own response passes untouched (no extra step per request).
    respond:
      success === undefined
        ? <E, R>(handled: Effect.Effect<ServerResponse, E, R>) => handled
        : encodedBy(encoder(success), id),
    encodePath: path === undefined ? (raw: Readonly<Record<string, string>>) => Result.succeed(raw) : encoder(path),
    encodeQuery:
      encodeQuery === undefined
        ? (raw: Query) => Result.succeed(raw)
        : (value) => Result.map(encodeQuery(value), sentQuery),
    encodePayload: payload === undefined ? () => Result.succeed(undefined) : encoder(payload),
    decodeSuccess: success === undefined ? Result.succeed : decoder(success)
  }
}

/** An encoded query without the parameters left out. */
const sentQuery = (encoded: QueryEncoded): Query => {
  const sent: Record<string, string | ReadonlyArray<string>> = {}
  for (const [name, value] of Object.entries(encoded)) if (value !== undefined) sent[name] = value
  return sent
}
