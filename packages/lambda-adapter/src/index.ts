/**
 * `@centrapay-effect/lambda-adapter`: serve the contract from AWS Lambda
 * (API Gateway REST and HTTP APIs, ALB, Function URLs) with Effect, and call
 * APIs from Lambda with per-call timeouts capped by the invocation's
 * remaining time.
 *
 * @module
 */

/** The authorizer's claims (JWT, Cognito, Lambda authorizer, IAM) as a service. */
export * as Authorizer from "./Authorizer.ts"
/** A local HTTP server that feeds a handler API Gateway v2 events, for `curl` and examples. */
export * as LambdaBridge from "./LambdaBridge.ts"
/** Core's client in Lambda: connections reused across invocations, calls bounded by the remaining time. */
export * as LambdaClient from "./LambdaClient.ts"
/** The Lambda invocation context as a service, and the time left. */
export * as LambdaContext from "./LambdaContext.ts"
/** The HTTP event sources, their detection, and the raw event as a service. */
export * as LambdaEvent from "./LambdaEvent.ts"
/** Turns an Effect program and its layer into a Lambda handler. */
export * as LambdaHandler from "./LambdaHandler.ts"
/** Serves an Effect HTTP app (`HttpApi`, `HttpRouter`) from Lambda, the contract at the edge. */
export * as LambdaHttpApp from "./LambdaHttpApp.ts"
