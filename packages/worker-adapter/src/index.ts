/**
 * `@centrapay-effect/worker-adapter`: Cloudflare Workers fetch handlers that
 * answer with the contract, and the client for calling APIs from a Worker.
 * The handler and client land with their own issue; this entry point
 * re-exports the core codec the adapter will translate to and from.
 *
 * @module
 */
export { ResponseCodec } from "@centrapay-effect/core"
