/**
 * Decoding what a request carries (body, path and query parameters,
 * headers) into typed values, failing with the contract's 400: an
 * unsupported content type, a body that is not JSON, or a value that fails
 * its schema, each told apart by `problem` and located by `issues`.
 * The adapters call these; so can any server.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { MalformedRequest } from "./ApiError.ts"
import type { Issue } from "./ErrorBody.ts"
import { everyIssueOnFailure } from "./internal/schemaResult.ts"
import { issuesOf } from "./ResponseCodec.ts"

/**
 * Where in the request a value came from; the first element of each issue's
 * path.
 *
 * @category models
 */
export type Location = "body" | "path" | "query" | "header"

const sentence = (issues: ReadonlyArray<Issue>): string =>
  issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")

/**
 * The 400 for a Schema failure at a location: its message names each path
 * (`path.merchantConfigId: Expected a merchant config ID starting with "mc_"`).
 *
 * @category converting
 */
export const fromSchemaError = (error: Schema.SchemaError, location: Location): MalformedRequest => {
  const issues = issuesOf(error, location)
  const [first, ...rest] = issues
  return new MalformedRequest({
    message: issues.length > 0 ? sentence(issues) : `Invalid ${location}`,
    problem: "schema-mismatch",
    ...(first === undefined ? {} : { issues: [first, ...rest] })
  })
}

/**
 * Decodes a value from one part of the request with a schema; a failure is
 * the 400 naming each bad field.
 *
 * @category decoding
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ObjectId, RequestDecoding } from "@centrapay-effect/core"
 * const params = RequestDecoding.decode(Schema.Struct({ merchantConfigId: ObjectId.MerchantConfigId }), "path")
 * params({ merchantConfigId: "c_1" }) // fails: MalformedRequest naming path.merchantConfigId and "mc_"
 * ```
 */
export const decode = <A, I>(schema: Schema.Codec<A, I>, location: Location) => {
  const decodeResult = everyIssueOnFailure(Schema.decodeUnknownResult(schema))
  return (input: unknown): Effect.Effect<A, MalformedRequest> => {
    const result = decodeResult(input)
    return Result.isSuccess(result)
      ? Effect.succeed(result.success)
      : Effect.fail(fromSchemaError(result.failure, location))
  }
}

const isJsonContentType = (contentType: string | undefined): boolean => {
  if (contentType === undefined) return false
  if (contentType === "application/json") return true
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? ""
  return mediaType === "application/json" || (mediaType.startsWith("application/") && mediaType.endsWith("+json"))
}

/**
 * Parses a JSON request body: the content type must be JSON
 * (`application/json` or `application/*+json`) and the text must parse (a
 * leading byte-order mark is skipped). Each failure is a 400 with its own
 * `problem`.
 *
 * @category decoding
 */
export const parseJsonBody = (
  text: string,
  contentType: string | undefined
): Result.Result<unknown, MalformedRequest> => {
  if (!isJsonContentType(contentType)) {
    return Result.fail(
      new MalformedRequest({
        message: `Expected Content-Type: application/json, got ${contentType === undefined ? "none" : JSON.stringify(contentType)}`,
        problem: "unsupported-content-type",
        issues: [{ path: ["header", "content-type"], message: "Expected application/json" }]
      })
    )
  }
  // JSON.parse by hand, as `Schema.fromJsonString(Schema.Unknown)` calls it (a test holds the two
  // in step): Schema runs that effectful transformation on a fiber of its own, 1.24 µs per body
  // in Node against 0.19 µs, about 4 % of a whole request in workerd (the worker-adapter
  // benchmark's profile).
  try {
    // A UTF-8 byte-order mark before the JSON is allowed (RFC 8259 §8.1), as decoding bytes drops it.
    return Result.succeed(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text))
  } catch {
    return Result.fail(
      new MalformedRequest({
        message: "The request body is not valid JSON",
        problem: "invalid-json",
        issues: [{ path: ["body"], message: "Expected valid JSON" }]
      })
    )
  }
}

/**
 * Decodes a JSON request body: `parseJsonBody`, then the schema. Each
 * failure is a 400 with its own `problem`.
 *
 * @category decoding
 */
export const decodeJsonBody = <A, I>(schema: Schema.Codec<A, I>) => {
  const decodeValue = decode(schema, "body")
  return (text: string, contentType: string | undefined): Effect.Effect<A, MalformedRequest> => {
    const json = parseJsonBody(text, contentType)
    return Result.isSuccess(json) ? decodeValue(json.success) : Effect.fail(json.failure)
  }
}
