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
import type * as Schema from "effect/Schema"
import type { BusinessRuleViolation } from "./ApiError.ts"
import * as ApiError from "./ApiError.ts"
import type { InvalidRequest } from "./ClientError.ts"
import type { Issue, Quota } from "./ErrorBody.ts"
import type { UpstreamError } from "./ServerResponse.ts"

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
 * A declared endpoint. `M` is the union of its documented business codes,
 * `C` the union of the codes it documents under 400 (current endpoints).
 *
 * @category models
 */
export interface Endpoint<M extends string = string, C extends string = string> {
  /** `METHOD /path/{param}`, e.g. `POST /api/asset-transfers`. */
  readonly id: string
  readonly method: Method
  /** The path template, with `{name}` for path parameters. */
  readonly path: string
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
 * Declares an endpoint and its documented errors.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Endpoint } from "@centrapay-effect/core"
 *
 * const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", {
 *   403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED", "ASSET_NOT_ACTIVE", "RECIPIENT_MISSING", "INVALID_ASSET_TYPE"]
 * })
 * // A legacy endpoint whose 404 is a business outcome, not a missing route:
 * const CancelRequest = Endpoint.make(
 *   "POST /payments/api/requests.cancel",
 *   { 400: ["REQUEST_NOT_FOUND", "REQUEST_EXPIRED"], 404: ["REQUEST_PAID"] },
 *   { deprecated: true }
 * )
 * ```
 */
export const make = <
  const Route extends `${Method} /${string}`,
  const Table extends ErrorTable,
  const Deprecated extends boolean = false
>(
  route: Route,
  errors: Table,
  options?: { readonly deprecated?: Deprecated }
): Endpoint<BusinessCodes<Table, Deprecated>, MalformedCodes<Table, Deprecated>> => {
  const space = route.indexOf(" ")
  const method = route.slice(0, space)
  if (!isMethod(method)) throw new TypeError(`Unknown HTTP method in route "${route}"`)
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
  return {
    id: route,
    method,
    path: route.slice(space + 1),
    deprecated,
    errors: declared,
    businessStatus,
    businessOutcomes,
    malformedCodes
  }
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

/**
 * An endpoint that also declares the schemas of its request body and of its
 * success body, so a client can encode the one and decode the other.
 * `I` is `undefined` for an endpoint that takes no body.
 *
 * @category models
 */
export interface WithSchemas<M extends string, I, A, C extends string = never> extends Endpoint<M, C> {
  /** Encodes the request body to JSON; `undefined` when the endpoint takes none. */
  readonly requestBody: Schema.Codec<I, unknown> | undefined
  /** Decodes a 2xx body (`undefined` when the body is empty). */
  readonly successBody: Schema.Codec<A, unknown>
}

/**
 * Adds request and success schemas to a declared endpoint (which is left
 * unchanged).
 *
 * @category constructors
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Endpoint } from "@centrapay-effect/core"
 *
 * const CreateAssetTransfer = Endpoint.withSchemas(
 *   Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"] }),
 *   {
 *     body: Schema.Struct({ amount: Schema.String, recipient: Schema.String, idempotencyKey: Schema.String }),
 *     success: Schema.Struct({ id: Schema.String, status: Schema.String })
 *   }
 * )
 * ```
 */
export const withSchemas = <M extends string, A, I = undefined, C extends string = never>(
  endpoint: Endpoint<M, C>,
  schemas: { readonly body?: Schema.Codec<I, unknown>; readonly success: Schema.Codec<A, unknown> }
): WithSchemas<M, I, A, C> => ({ ...endpoint, requestBody: schemas.body, successBody: schemas.success })

// The class's `message` is a string; this one was built from `M`, which the
// type system cannot see through the constructor.
const narrow = <M extends string>(error: BusinessRuleViolation, message: M): DocumentedViolation<M> =>
  Object.assign(error, { message, documented: true as const })
