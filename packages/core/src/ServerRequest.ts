/**
 * The framework-neutral request a server handler sees. The Lambda and
 * Workers adapters translate their platform's request into this form and
 * provide it as the `CurrentRequest` service; handlers read the body, query
 * and headers through the decoders here, which fail with the contract's 400.
 *
 * @module
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type { MalformedRequest } from "./ApiError.ts"
import type { Query } from "./QueryString.ts"
import * as RequestDecoding from "./RequestDecoding.ts"
import { bodyText } from "./WireResponse.ts"

/**
 * An incoming request, already translated from the platform's shape.
 *
 * @category models
 */
export interface ServerRequest {
  /** Upper-case HTTP method. */
  readonly method: string
  /** The path as received (percent-encoded), without the query string. */
  readonly path: string
  /** Query parameters (`QueryString` reads them); a repeated parameter keeps every value. */
  readonly query: Query
  /** Lower-case header names; repeated headers joined with `", "` (`"; "` for `cookie`). */
  readonly headers: Readonly<Record<string, string>>
  /** The raw body, already base64-decoded by the adapter. */
  readonly body: string | Uint8Array | undefined
  /**
   * The correlation id of every error response (body and `x-request-id`):
   * the platform's request id (Lambda request id, `cf-ray`…) when
   * `safeRequestId` accepts it, else a generated one.
   */
  readonly requestId: string
}

/**
 * The request being handled, as a service.
 *
 * @category services
 */
export class CurrentRequest extends Context.Service<CurrentRequest, ServerRequest>()(
  "@centrapay-effect/core/ServerRequest/CurrentRequest"
) {}

/**
 * Decodes the JSON body with a schema: 400 for a non-JSON content type,
 * unparseable JSON, or a body that fails the schema (naming each field).
 *
 * @category decoding
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ServerRequest } from "@centrapay-effect/core"
 * const transfer = ServerRequest.jsonBody(Schema.Struct({ amount: Schema.Int }))
 * ```
 */
export const jsonBody = <A, I>(schema: Schema.Codec<A, I>) => {
  const decode = RequestDecoding.decodeJsonBody(schema)
  return CurrentRequest.use((request) => decode(bodyText(request.body), request.headers["content-type"]))
}

/**
 * Decodes the query parameters with a schema; failures are 400s whose issues
 * start with `query`.
 *
 * @category decoding
 */
export const query = <A, I>(schema: Schema.Codec<A, I>): Effect.Effect<A, MalformedRequest, CurrentRequest> => {
  const decode = RequestDecoding.decode(schema, "query")
  return CurrentRequest.use((request) => decode(request.query))
}

/**
 * A request header by (case-insensitive) name: one the request sent, never
 * a member of `Object.prototype` (`header("constructor")` is `undefined`
 * unless the request has a `constructor` header).
 *
 * @category accessors
 */
export const header = (name: string): Effect.Effect<string | undefined, never, CurrentRequest> => {
  const key = name.toLowerCase()
  return CurrentRequest.use((request) =>
    Effect.succeed(Object.hasOwn(request.headers, key) ? request.headers[key] : undefined)
  )
}

/**
 * A request id from the platform, when it is safe to echo back
 * (`x-request-id`, `correlationId`, log lines): a string of 1 to 128
 * letters, digits and `.` `_` `:` `-` `=` `+` `/` — Lambda request ids
 * (UUIDs), API Gateway's (`YuSJQjZfoAMESbg=`) and `cf-ray` fit; nothing
 * that could end a header line or a JSON string does. `undefined` otherwise, and the adapter
 * generates one. Both adapters take their correlation id through it.
 *
 * @category accessors
 * @example
 * ```ts
 * import { ServerRequest } from "@centrapay-effect/core"
 * ServerRequest.safeRequestId("8f1e2d3c4b5a6978-SYD") // "8f1e2d3c4b5a6978-SYD"
 * ServerRequest.safeRequestId("r1\r\nset-cookie: x=1") // undefined
 * ServerRequest.safeRequestId(42) // undefined: not a string
 * ```
 */
export const safeRequestId = (candidate: unknown): string | undefined =>
  typeof candidate === "string" && safeRequestIdPattern.test(candidate) ? candidate : undefined

const safeRequestIdPattern = /^[A-Za-z0-9._:=+/-]{1,128}$/
