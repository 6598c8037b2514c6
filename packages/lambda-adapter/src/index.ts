/**
 * `@centrapay-effect/lambda-adapter`: AWS Lambda handlers that answer with
 * the contract, and the client for calling APIs from Lambda. The handler and
 * client land with their own issue; this entry point re-exports the core
 * codec the adapter will translate to and from.
 *
 * @module
 */
export { ResponseCodec } from "@centrapay-effect/core"
