/**
 * `@centrapay-effect/core`: Centrapay's HTTP status contract as typed Effect
 * errors. One definition of each error drives decode, encode, retry and the
 * adapters.
 *
 * @module
 */

/** The error classes, their union, guards and classification. */
export * as ApiError from "./ApiError.ts"
/** Checking a presented API key against the configured ones, in constant time; `X-Api-Key` → 401. */
export * as ApiKeys from "./ApiKeys.ts"
/** What the client did, attempt by attempt (read from its spans). */
export * as AttemptLog from "./AttemptLog.ts"
/** Centrapay's documented endpoints as typed contracts, generated from its error catalog. */
export * as Centrapay from "./Centrapay.ts"
/** The client: call endpoint contracts with typed errors and retries. */
export * as Client from "./Client.ts"
/** Errors only the client produces (retry budget exhausted). */
export * as ClientError from "./ClientError.ts"
/** Client credentials: API key, user token, refreshable token. */
export * as Credentials from "./Credentials.ts"
/** Debugging checklists attached to errors. */
export * as DebugHint from "./DebugHint.ts"
/** Endpoint contracts: documented business codes as literal types. */
export * as Endpoint from "./Endpoint.ts"
/** Finds the endpoint contract a concrete request path belongs to. */
export * as EndpointMatcher from "./EndpointMatcher.ts"
/** Wire schemas of the documented error bodies. */
export * as ErrorBody from "./ErrorBody.ts"
/** Which wire format a server answers errors in: the contract's or RFC 9457 problem details, negotiated from `Accept`. */
export * as ErrorFormat from "./ErrorFormat.ts"
/** The contract's errors as `HttpApi` error schemas: status, wire body and headers, documented codes as literals. */
export * as HttpApiErrors from "./HttpApiErrors.ts"
/** Effect HTTP apps (`HttpRouter`, `HttpApiBuilder`) as server programs, the contract held at the edge. */
export * as HttpApp from "./HttpApp.ts"
/** Prefixed object-ID schemas (`mc_…`, `c_…`). */
export * as ObjectId from "./ObjectId.ts"
/** An OpenAPI 3.1 document from a list of endpoint contracts, error responses and documented codes included. */
export * as OpenApi from "./OpenApi.ts"
/** Query parameters: one linear, prototype-safe, bounded parser for every platform's form. */
export * as QueryString from "./QueryString.ts"
/** Client-side limiter for the documented 200 requests per minute. */
export * as RateLimiter from "./RateLimiter.ts"
/** The checks every request passes before the program (the body and query caps), in order. */
export * as RequestChecks from "./RequestChecks.ts"
/** Request body/path/query decoding into the contract's 400. */
export * as RequestDecoding from "./RequestDecoding.ts"
/** What a response must be before it is sent: a contract status, safe headers, the platform's size limit. */
export * as ResponseChecks from "./ResponseChecks.ts"
/** Decode (response → typed error) and encode (typed error → response). */
export * as ResponseCodec from "./ResponseCodec.ts"
/** The client's shared retry budget (token bucket). */
export * as RetryBudget from "./RetryBudget.ts"
/** The retry policy as data and Schedules. */
export * as RetryPolicy from "./RetryPolicy.ts"
/** Which statuses and failures are retryable, as data. */
export * as RetryTable from "./RetryTable.ts"
/** Routing requests to handlers by endpoint contract; unknown routes are 404s. */
export * as Router from "./Router.ts"
/** The neutral request a server handler sees, and its decoders. */
export * as ServerRequest from "./ServerRequest.ts"
/** The neutral response, response headers, and the mapping of a whole outcome to a response. */
export * as ServerResponse from "./ServerResponse.ts"
/** Runs a server program per request: layer built once, deadline, never rejects. */
export * as ServerRuntime from "./ServerRuntime.ts"
/** A Web body stream read to its end, never past a cap. */
export * as WebBody from "./WebBody.ts"
/** The neutral response form decode reads and encode writes. */
export * as WireResponse from "./WireResponse.ts"
