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
  /** Query parameters; a repeated parameter keeps every value. */
  readonly query: Readonly<Record<string, string | ReadonlyArray<string>>>
  /** Lower-case header names; repeated headers joined with `", "`. */
  readonly headers: Readonly<Record<string, string>>
  /** The raw body, already base64-decoded by the adapter. */
  readonly body: string | Uint8Array | undefined
  /** The platform's request id (Lambda request id, `cf-ray`…): the correlation id of every error response. */
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
 * A request header by (case-insensitive) name.
 *
 * @category accessors
 */
export const header = (name: string): Effect.Effect<string | undefined, never, CurrentRequest> =>
  CurrentRequest.use((request) => Effect.succeed(request.headers[name.toLowerCase()]))
