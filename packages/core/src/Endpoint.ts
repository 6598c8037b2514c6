/**
 * Endpoint contracts: an endpoint's documented errors declared once.
 *
 * On the client the business `message` of a decoded error becomes a literal
 * union (an exhaustive `switch` compiles); on the server, failing with a
 * message the endpoint does not document does not compile. Legacy endpoints
 * can document business outcomes under 400 or 404, which then decode as
 * business outcomes for that endpoint only.
 *
 * @module
 */
import type * as Schema from "effect/Schema"
import type { BusinessRuleViolation } from "./ApiError.ts"
import * as ApiError from "./ApiError.ts"
import type { Quota } from "./ErrorBody.ts"

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

/**
 * The business codes in a table: documented messages that are UPPER_SNAKE_CASE
 * (plain phrases such as `Bad Request` document the general table instead).
 *
 * @category models
 */
export type BusinessCodes<T extends ErrorTable> = {
  [S in keyof T]: T[S] extends ReadonlyArray<infer M extends string> ? (M extends Uppercase<M> ? M : never) : never
}[keyof T]

/**
 * A declared endpoint. `M` is the union of its documented business codes.
 *
 * @category models
 */
export interface Endpoint<M extends string = string> {
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
  /** Phantom: the literal union of documented business codes. */
  readonly "~messages"?: M
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
 * What a response from an endpoint documenting codes `M` decodes to: every status error,
 * with business violations narrowed to `E`'s documented codes.
 *
 * @category models
 */
export type DecodedError<M extends string> =
  | Exclude<ApiError.StatusError, BusinessRuleViolation>
  | DocumentedViolation<M>
  | UndocumentedViolation

/**
 * What a server handler for endpoint `E` may fail with: the general status
 * errors, and business violations documented for `E` only.
 *
 * @category models
 */
export type HandlerError<E extends Endpoint<string>> =
  | ApiError.MalformedRequest
  | ApiError.Unauthorized
  | ApiError.ResourceForbidden
  | ApiError.RouteNotFound
  | ApiError.TooManyRequests
  | ApiError.ServerError
  | (E extends Endpoint<infer M> ? DocumentedViolation<M> : never)

/**
 * The codes of an endpoint, for `switch` statements and type tests.
 *
 * @category models
 */
export type Messages<E> = E extends Endpoint<infer M> ? M : never

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
export const make = <const Route extends `${Method} /${string}`, const Table extends ErrorTable>(
  route: Route,
  errors: Table,
  options?: { readonly deprecated?: boolean }
): Endpoint<BusinessCodes<Table>> => {
  const space = route.indexOf(" ")
  const method = route.slice(0, space)
  if (!isMethod(method)) throw new TypeError(`Unknown HTTP method in route "${route}"`)
  const declared = Object.entries(errors).flatMap(([status, messages]) =>
    messages.map((message) => ({ status: Number(status), message }))
  )
  const businessStatus = new Map<string, number>()
  const businessOutcomes = new Set<string>()
  for (const { status, message } of declared) {
    if (!ApiError.isBusinessCode(message) || status < 400 || status > 499) continue
    if (!businessStatus.has(message)) businessStatus.set(message, status)
    businessOutcomes.add(`${status} ${message}`)
  }
  return {
    id: route,
    method,
    path: route.slice(space + 1),
    deprecated: options?.deprecated ?? false,
    errors: declared,
    businessStatus,
    businessOutcomes
  }
}

/**
 * Whether the endpoint documents this (status, message) pair as a business
 * outcome.
 *
 * @category predicates
 */
export const documents = <M extends string>(endpoint: Endpoint<M>, status: number, message: string): message is M =>
  endpoint.businessOutcomes.has(`${status} ${message}`)

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
  endpoint: Endpoint<M>,
  message: NoInfer<M>,
  extra?: { readonly quotas?: ReadonlyArray<Quota> }
): DocumentedViolation<M> => {
  const error = new ApiError.BusinessRuleViolation({
    status: endpoint.businessStatus.get(message) ?? 403,
    message,
    documented: true,
    endpoint: endpoint.id,
    ...(extra?.quotas === undefined ? {} : { quotas: extra.quotas })
  })
  return narrow(error, message)
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
  extra?: { readonly endpoint?: string; readonly quotas?: ReadonlyArray<Quota> }
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
export interface WithSchemas<M extends string, I, A> extends Endpoint<M> {
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
export const withSchemas = <M extends string, A, I = undefined>(
  endpoint: Endpoint<M>,
  schemas: { readonly body?: Schema.Codec<I, unknown>; readonly success: Schema.Codec<A, unknown> }
): WithSchemas<M, I, A> => ({ ...endpoint, requestBody: schemas.body, successBody: schemas.success })

// The class's `message` is a string; this one was built from `M`, which the
// type system cannot see through the constructor.
const narrow = <M extends string>(error: BusinessRuleViolation, message: M): DocumentedViolation<M> =>
  Object.assign(error, { message, documented: true as const })
