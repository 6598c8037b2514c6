/**
 * `@centrapay-effect/worker-adapter`: serve the contract from Cloudflare
 * Workers (a module `fetch` handler built from an Effect program and its
 * layer) and call APIs from a Worker within the platform's subrequest
 * limits. The adapter only translates between the platform and core's
 * neutral request/response form; every status decision lives in core.
 *
 * @module
 */

/** The shared rate limit on a Durable Object: the object class and the client's store. */
export * as RateLimiterObject from "./RateLimiterObject.ts"
/** Subrequest limits per incoming request, and the typed error past them. */
export * as Subrequests from "./Subrequests.ts"
/** Core's client and an `HttpClient` on the Workers `fetch`, within the subrequest limits. */
export * as WorkerClient from "./WorkerClient.ts"
/** `env`, `ctx` and `request.cf` as services, and `waitUntil` for work after the response. */
export * as WorkerContext from "./WorkerContext.ts"
/** Turns an Effect program and its layer into a Workers module handler. */
export * as WorkerHandler from "./WorkerHandler.ts"
/** Serves an Effect HTTP app (`HttpApi`, `HttpRouter`) from Workers, the contract at the edge. */
export * as WorkerHttpApp from "./WorkerHttpApp.ts"
/** A Workers `Request` in core's neutral form, body capped. */
export * as WorkerRequest from "./WorkerRequest.ts"
/** Core's neutral response as a Workers `Response`. */
export * as WorkerResponse from "./WorkerResponse.ts"
