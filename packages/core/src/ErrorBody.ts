/**
 * Schemas for the documented error bodies of the contract:
 * `{ statusCode, error?, message }` plus the documented extra fields
 * (`quotas` on `QUOTA_EXCEEDED`; `issues` and `problem` on a 400 that says
 * where; `correlationId` on a 5xx), and the same fields as RFC 9457 problem
 * details (`ProblemBody`, a server's opt-in format: see `ErrorFormat`).
 * `ResponseCodec.encode` writes exactly these fields; `ResponseCodec.decode`
 * reads a received body field by field with the `Quota` and `Issue` schemas
 * (an odd optional field is dropped, not fatal), so a body need not match
 * `ErrorBody` as a whole.
 *
 * @module
 */
import * as Schema from "effect/Schema"

/**
 * One account quota, as Centrapay documents it. `limit` and `usage` are
 * BigNumber strings on the wire; numbers are accepted too and kept as sent.
 *
 * @category schemas
 */
export const Quota = Schema.Struct({
  type: Schema.String,
  limit: Schema.Union([Schema.String, Schema.Finite]),
  usage: Schema.Union([Schema.String, Schema.Finite]),
  assetType: Schema.optionalKey(Schema.String),
  period: Schema.optionalKey(Schema.String),
  interval: Schema.optionalKey(Schema.String)
})

/** @category models */
export type Quota = typeof Quota.Type

/**
 * Where a malformed request went wrong: a path whose first element names the
 * part of the request (`body`, `path`, `query`, `header`), and what is wrong.
 *
 * @category schemas
 */
export const Issue = Schema.Struct({
  path: Schema.Array(Schema.Union([Schema.String, Schema.Int])),
  message: Schema.String
})

/** @category models */
export type Issue = typeof Issue.Type

/**
 * The error body as it travels: the shape `ResponseCodec.encode` writes, always
 * with `statusCode` and the reason phrase in `error`. `statusCode` is optional
 * because some documented bodies omit it (the HTTP status wins anyway).
 *
 * @category schemas
 */
export const ErrorBody = Schema.Struct({
  statusCode: Schema.optionalKey(Schema.Int),
  error: Schema.optionalKey(Schema.String),
  message: Schema.String,
  quotas: Schema.optionalKey(Schema.Array(Quota)),
  issues: Schema.optionalKey(Schema.Array(Issue)),
  problem: Schema.optionalKey(Schema.String),
  correlationId: Schema.optionalKey(Schema.String)
})

/** @category models */
export type ErrorBody = typeof ErrorBody.Type

/**
 * The error body as RFC 9457 problem details (`application/problem+json`),
 * the shape `ResponseCodec.encode` writes when asked for that format: the
 * standard members `type`, `title` (the reason phrase), `status` and
 * `detail` (the human message), then the contract's fields as extension
 * members under their own names. A value of it is an Effect
 * `ProblemDetails.ProblemDetails` (`effect/http`); see `ErrorFormat` for
 * what each member holds.
 *
 * @category schemas
 */
export const ProblemBody = Schema.Struct({
  type: Schema.String,
  title: Schema.String,
  status: Schema.Int,
  detail: Schema.String,
  message: Schema.String,
  quotas: Schema.optionalKey(Schema.Array(Quota)),
  issues: Schema.optionalKey(Schema.Array(Issue)),
  problem: Schema.optionalKey(Schema.String),
  correlationId: Schema.optionalKey(Schema.String)
})

/** @category models */
export type ProblemBody = typeof ProblemBody.Type

/**
 * `ErrorBody` from and to a JSON string, for code that wants a whole body
 * validated (`ResponseCodec.decode` is more tolerant: see the module doc).
 *
 * @category schemas
 */
export const ErrorBodyFromJson = Schema.fromJsonString(ErrorBody)
