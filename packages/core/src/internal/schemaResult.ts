/**
 * Schema decoding that reports every issue of a rejected value without
 * paying for it on accepted ones. Effect's parser takes a slower, generator
 * based path for `{ errors: "all" }` (a struct's fast path only runs under
 * the default options): about 0.5 µs more per decode of a small struct on
 * every request. The value is parsed with the defaults first and, only when
 * that fails, again with `errors: "all"`, so a 400 still names every field.
 */
import * as Result from "effect/Result"
import type * as SchemaAST from "effect/SchemaAST"

const everyIssue: SchemaAST.ParseOptions = { errors: "all" }

/**
 * `parse` (a `Schema.decodeUnknownResult` or `encodeUnknownResult`) taking
 * the fast path for a value it accepts, and reporting every issue of one it
 * rejects.
 */
export const everyIssueOnFailure =
  <A, E>(parse: (input: unknown, options?: SchemaAST.ParseOptions) => Result.Result<A, E>) =>
  (input: unknown): Result.Result<A, E> => {
    const first = parse(input)
    return Result.isSuccess(first) ? first : parse(input, everyIssue)
  }
