/**
 * The contract's errors as `HttpApi` error schemas (`effect/http-api`): add
 * them to an `HttpApiEndpoint`, `HttpApiGroup` or `HttpApi` with `error:` /
 * `addError`, and a handler fails with core's own error values.
 *
 * - Each schema carries its status (`HttpApiSchema.status`) and encodes to
 *   the contract's wire body and headers exactly as a core server answers
 *   them (`ServerResponse.fromError`, hence `ResponseCodec.encode`: one rule,
 *   one place) — `{statusCode, error, message, …}`, `WWW-Authenticate` on a
 *   401, `Retry-After` on a 429, the correlation id on a 5xx (the request's,
 *   when served by an adapter) — never a `_tag` object.
 * - `forEndpoint(endpoint)` gives an endpoint contract's whole set: the
 *   general classes and its documented business codes, which stay literal
 *   types (a handler failing with another endpoint's code does not compile).
 * - `HttpApiClient` decodes the answers back, through `ResponseCodec.decode`,
 *   into the same typed errors core's `Client` gives; `OpenApi.fromApi` lists
 *   each status and each documented code.
 *
 * @module
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as HttpApiMiddleware from "effect/http-api/HttpApiMiddleware"
import * as HttpApiSchema from "effect/http-api/HttpApiSchema"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as SchemaTransformation from "effect/SchemaTransformation"
import * as ApiError from "./ApiError.ts"
import { RetryBudgetExhausted } from "./ClientError.ts"
import type * as Endpoint from "./Endpoint.ts"
import { Issue, Quota } from "./ErrorBody.ts"
import * as HttpApp from "./HttpApp.ts"
import * as ResponseCodec from "./ResponseCodec.ts"
import { CurrentRequest } from "./ServerRequest.ts"
import * as ServerResponse from "./ServerResponse.ts"

/**
 * An error schema for `HttpApi`: its type is the error values a handler may
 * fail with, its encoded side the contract's wire body.
 *
 * @category models
 */
export interface ErrorSchema<T> extends Schema.Codec<T, unknown> {}

/**
 * What `forEndpoint` reads of an endpoint contract: its id and documented
 * business outcomes (with `M` their literal union).
 *
 * @category models
 */
export type Documented<M extends string> = Pick<
  Endpoint.Endpoint<M, string>,
  "id" | "businessStatus" | "businessOutcomes" | "~messages"
>

const upstream: ApiError.Upstream = {}

// The correlation id of the request being answered: the adapter's, read from the fiber that
// encodes (HttpApi encodes error headers synchronously); a fresh one outside an adapter.
const requestId = (): string => {
  const fiber = Fiber.getCurrent()
  const request = fiber === undefined ? undefined : Context.getOrUndefined(fiber.context, CurrentRequest)
  return request?.requestId ?? globalThis.crypto.randomUUID()
}

// The response a core server answers an error with.
const answerOf = (error: ApiError.ApiError | RetryBudgetExhausted) => ServerResponse.fromError(error, requestId())

// The contract's wire body, as a schema for one status (see `ErrorBody`).
interface WireBody {
  readonly statusCode: number
  readonly error: string
  readonly message: string
  readonly quotas?: ReadonlyArray<Quota>
  readonly issues?: ReadonlyArray<Issue>
  readonly problem?: string
  readonly correlationId?: string
}

type Body = Schema.Codec<WireBody, unknown>

// The header fields a status carries: required, or optional ones.
type HeaderFields = Readonly<Record<string, typeof Schema.String | Schema.optionalKey<typeof Schema.String>>>

const wireBody = <F extends Schema.Struct.Fields>(status: number, fields: F) =>
  Schema.Struct({
    statusCode: Schema.Int,
    error: Schema.String,
    ...fields
  }).pipe(HttpApiSchema.status(status))

// Errors decoded a moment ago, each passing its schema's type check once more (Schema checks the
// decoded value): a decoded error names its upstream, so a server never answers it as it is
// (`answeredWith`), while a client must be able to decode it.
const decodedNow = new WeakSet<object>()

const passOnce = (u: unknown): boolean => typeof u === "object" && u !== null && decodedNow.delete(u)

// Reads a received body as core's client does (`ResponseCodec.decode`) and keeps it when it is
// this schema's kind of error.
const decodeWith =
  <T>(status: number, is: (u: unknown) => u is T, refine?: (error: ApiError.StatusError) => unknown) =>
  (body: unknown, headers: Readonly<Record<string, string | undefined>>): Result.Result<T, SchemaIssue.Issue> => {
    const decoded = ResponseCodec.decode({ status, headers, body: JSON.stringify(body) })
    if (Result.isSuccess(decoded)) return Result.fail(new SchemaIssue.InvalidValue({ message: "Not an error" }, body))
    const error = refine === undefined ? decoded.failure : refine(decoded.failure)
    const token = typeof error === "object" && error !== null ? error : undefined
    if (token !== undefined) decodedNow.add(token)
    if (!is(error)) return Result.fail(new SchemaIssue.InvalidValue({ message: "Another error" }, body))
    if (token !== undefined) decodedNow.add(token)
    return Result.succeed(error)
  }

// The answer's body as the body schema's value (it always is one: both follow `ErrorBody`).
// Checked with the schema's guard (no copy); an answer that did not fit would be a bug in core.
const bodyReader = (body: Body) => {
  const is = Schema.is(Schema.toType(body))
  return (text: string): WireBody => {
    const parsed: unknown = JSON.parse(text)
    if (is(parsed)) return parsed
    throw new TypeError("The contract's answer does not fit its error schema")
  }
}

// A schema without contract headers (400, 403, 404): encoded through core's answer, decoded
// through core's decoder.
const plain = <T>(
  status: number,
  is: (u: unknown) => u is T,
  body: Body,
  refine?: (error: ApiError.StatusError) => unknown
): ErrorSchema<T> => {
  const decode = decodeWith(status, is, refine)
  const read = bodyReader(body)
  return body.pipe(
    Schema.decodeTo(
      Schema.declare(is),
      SchemaTransformation.transformEffect({
        decode: (value) => Effect.fromResult(decode(value, {})),
        encode: (error) => Effect.sync(() => read(answerOf(guarded(error)).body))
      })
    ),
    HttpApiSchema.status(status)
  )
}

// A schema with the headers the contract requires for its status (401, 429, 5xx).
const withHeaders = <T>(
  status: number,
  is: (u: unknown) => u is T,
  body: Body,
  headers: HeaderFields
): ErrorSchema<T> => {
  const decode = decodeWith(status, is)
  const read = bodyReader(body)
  const readHeaders = Schema.decodeUnknownSync(Schema.toType(Schema.Struct(headers)))
  const names = Object.keys(headers)
  return Schema.declare(is).pipe(
    HttpApiSchema.encodeToWithHeaders(
      { body, headers },
      {
        decode: (pair) => {
          const received: Record<string, string | undefined> = {}
          for (const name of names) received[name] = stringAt(pair.headers, name)
          const decoded = decode(pair.body, received)
          if (Result.isSuccess(decoded)) return decoded.success
          throw new TypeError(`Status ${status} decoded to another error`)
        },
        encode: (error) => {
          const answer = answerOf(guarded(error))
          const picked: Record<string, string> = {}
          for (const name of names) {
            const value = answer.headers[name]
            if (typeof value === "string") picked[name] = value
          }
          return { body: read(answer.body), headers: readHeaders(picked) }
        }
      }
    )
  )
}

const stringAt = (record: unknown, name: string): string | undefined => {
  if (typeof record !== "object" || record === null) return undefined
  const value: unknown = Object.getOwnPropertyDescriptor(record, name)?.value
  return typeof value === "string" ? value : undefined
}

// The schemas' types are subsets of what `fromError` answers.
const guarded = (error: unknown): ApiError.ApiError | RetryBudgetExhausted => {
  if (error instanceof RetryBudgetExhausted || ApiError.isApiError(error)) return error
  throw new TypeError("Not an error of the contract")
}

// Whether an error is answered with `status` (a received one with 502/504, never its own).
const answeredWith = (error: ApiError.ApiError | RetryBudgetExhausted, status: number): boolean =>
  ServerResponse.statusFor(error) === status

const raised =
  <C extends abstract new (...args: never) => ApiError.ApiError>(Class: C, status: number) =>
  (u: unknown): u is InstanceType<C> =>
    u instanceof Class && (passOnce(u) || answeredWith(u, status))

const issues = { issues: Schema.optionalKey(Schema.Array(Issue)), problem: Schema.optionalKey(Schema.String) }
const quotas = { quotas: Schema.optionalKey(Schema.Array(Quota)) }
const correlation = { correlationId: Schema.optionalKey(Schema.String) }

/**
 * 400 Malformed Request, with `issues` naming each bad field.
 *
 * @category schemas
 */
export const MalformedRequest: ErrorSchema<ApiError.MalformedRequest> = plain(
  400,
  raised(ApiError.MalformedRequest, 400),
  wireBody(400, { message: Schema.String, ...issues })
)

/**
 * 401 Unauthorized, with the `WWW-Authenticate` challenge.
 *
 * @category schemas
 */
export const Unauthorized: ErrorSchema<ApiError.Unauthorized> = withHeaders(
  401,
  raised(ApiError.Unauthorized, 401),
  wireBody(401, { message: Schema.String }),
  { "www-authenticate": Schema.String }
)

/**
 * 403 for a missing resource or a permission denied (`Forbidden`).
 *
 * @category schemas
 */
export const ResourceForbidden: ErrorSchema<ApiError.ResourceForbidden> = plain(
  403,
  raised(ApiError.ResourceForbidden, 403),
  wireBody(403, { message: Schema.String })
)

/**
 * 404 Route Not Found.
 *
 * @category schemas
 */
export const RouteNotFound: ErrorSchema<ApiError.RouteNotFound> = plain(
  404,
  raised(ApiError.RouteNotFound, 404),
  wireBody(404, { message: Schema.String })
)

/**
 * 429 Too Many Requests, with `Retry-After`.
 *
 * @category schemas
 */
export const TooManyRequests: ErrorSchema<ApiError.TooManyRequests> = withHeaders(
  429,
  raised(ApiError.TooManyRequests, 429),
  wireBody(429, { message: Schema.String, ...quotas }),
  { "retry-after": Schema.String }
)

/**
 * A 5xx with its status: a `ServerError` the handler raised, and, for 502
 * and 504, whatever its client received from an upstream and let through
 * (answered as a gateway error, never forwarded). The body carries the
 * correlation id, as does `x-request-id`; a 503 or 504 may carry
 * `Retry-After`.
 *
 * @category schemas
 */
export const ServerError = <const S extends number>(
  status: S
): ErrorSchema<S extends 502 | 504 ? ApiError.ServerError | ServerResponse.UpstreamError : ApiError.ServerError> =>
  withHeaders(
    status,
    (
      u: unknown
    ): u is S extends 502 | 504 ? ApiError.ServerError | ServerResponse.UpstreamError : ApiError.ServerError =>
      (u instanceof RetryBudgetExhausted || ApiError.isApiError(u)) &&
      (u instanceof ApiError.ServerError || status === 502 || status === 504) &&
      (passOnce(u) || answeredWith(u, status)),
    wireBody(status, { message: Schema.String, ...correlation }),
    { "x-request-id": Schema.String, "retry-after": Schema.optionalKey(Schema.String) }
  )

/**
 * The 5xx statuses `forEndpoint` declares: 500 (a defect or a raised 500),
 * 502 and 504 (an upstream's failure let through), 503 (unavailable).
 *
 * @category schemas
 */
export const serverErrors = [ServerError(500), ServerError(502), ServerError(503), ServerError(504)] as const

/**
 * The business codes an endpoint contract documents, as error schemas: one
 * per documented status (403; a legacy endpoint's 400 or 404 too), the
 * message a literal union. A handler may fail only with
 * `Endpoint.violation(endpoint, code)` for one of them.
 *
 * @category schemas
 */
export const violations = <M extends string>(
  endpoint: Documented<M>
): ReadonlyArray<ErrorSchema<Endpoint.DocumentedViolation<M>>> => {
  const byStatus = new Map<number, Array<string>>()
  for (const [code, status] of endpoint.businessStatus) byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  return [...byStatus].flatMap(([status, codes]) => {
    const [first, ...rest] = codes
    if (first === undefined) return []
    const is = (u: unknown): u is Endpoint.DocumentedViolation<M> =>
      u instanceof ApiError.BusinessRuleViolation &&
      u.documented &&
      u.status === status &&
      endpoint.businessOutcomes.has(`${status} ${u.message}`) &&
      (passOnce(u) || !ApiError.isReceived(u))
    // Decoded as core's client decodes it for this endpoint: a documented code, marked so.
    const documented = (error: ApiError.StatusError): unknown =>
      error instanceof ApiError.BusinessRuleViolation && endpoint.businessOutcomes.has(`${status} ${error.message}`)
        ? new ApiError.BusinessRuleViolation({
            status,
            message: error.message,
            documented: true,
            endpoint: endpoint.id,
            upstream,
            ...(error.quotas === undefined ? {} : { quotas: error.quotas })
          })
        : error
    return [plain(status, is, wireBody(status, { message: Schema.Literals([first, ...rest]), ...quotas }), documented)]
  })
}

/**
 * Every error an `HttpApi` endpoint implementing `endpoint` may answer: the
 * general classes (400, 401, 403 `Forbidden`, 404, 429), the endpoint's
 * documented business codes as literal types, and the 5xx of
 * `serverErrors`. Pass it as the endpoint's `error`.
 *
 * @category schemas
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { HttpApiEndpoint } from "effect/http-api"
 * import { Endpoint, HttpApiErrors } from "@centrapay-effect/core"
 *
 * const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", { 403: ["INSUFFICIENT_WALLET_BALANCE"] })
 * const create = HttpApiEndpoint.post("createAssetTransfer", "/api/asset-transfers", {
 *   payload: Schema.Struct({ amount: Schema.Int }),
 *   success: Schema.Struct({ id: Schema.String }),
 *   error: HttpApiErrors.forEndpoint(CreateAssetTransfer)
 * })
 * ```
 */
export const forEndpoint = <M extends string>(endpoint: Documented<M>) =>
  [
    MalformedRequest,
    Unauthorized,
    ResourceForbidden,
    ...violations(endpoint),
    RouteNotFound,
    TooManyRequests,
    ...serverErrors
  ] as const

/**
 * The middleware that answers the contract's errors as a core server does,
 * before `HttpApi` encodes them through the endpoint's error schemas: the
 * same bytes and headers, the same logging, without the schema union's
 * encode per error response (measured apart on a Lambda error path: 39 →
 * 21 µs). The endpoints still declare their errors (`forEndpoint`), which
 * types the handlers and documents the API. Add it to the API or a group
 * (`.middleware(HttpApiErrors.AnswerErrors)`) and provide
 * `layerAnswerErrors`; serve the app with `HttpApp.toProgram` (both
 * adapters' `…HttpApp.make` do).
 *
 * @category services
 * @example
 * ```ts
 * import { HttpApi, HttpApiGroup } from "effect/http-api"
 * import { HttpApiErrors } from "@centrapay-effect/core"
 *
 * class Wallet extends HttpApiGroup.make("wallet").middleware(HttpApiErrors.AnswerErrors) {}
 * class WalletApi extends HttpApi.make("wallet-api").add(Wallet) {}
 * // …and HttpApiErrors.layerAnswerErrors among the layers the handlers are built with.
 * ```
 */
export class AnswerErrors extends HttpApiMiddleware.Service<AnswerErrors>()(
  "@centrapay-effect/core/HttpApiErrors/AnswerErrors"
) {}

/**
 * The implementation of `AnswerErrors`.
 *
 * @category layers
 */
export const layerAnswerErrors: Layer.Layer<AnswerErrors> = Layer.succeed(AnswerErrors, (httpEffect) =>
  Effect.catch(httpEffect, (error) => {
    const standIn = HttpApp.answerLater(error)
    return standIn === undefined ? Effect.fail(error) : Effect.succeed(standIn)
  })
)
