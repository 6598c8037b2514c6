/**
 * What the API Gateway or Function URL authorizer established about the
 * caller — JWT claims and scopes, a Lambda authorizer's context, a Cognito
 * user pool's claims, an IAM caller — in one shape, as a service.
 *
 * @module
 */
import * as ApiError from "@centrapay-effect/core/ApiError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { field, isRecord, put, stringOf, stringsOf } from "./internal/values.ts"
import type { HttpEvent } from "./LambdaEvent.ts"

/**
 * The authorizer's verdict on the caller.
 *
 * - `jwt`: an HTTP API JWT authorizer (`claims`, `scopes`);
 * - `cognito`: a REST API Cognito user pool authorizer (`claims`);
 * - `lambda`: a Lambda authorizer's context (`claims` holds its entries,
 *   `principalId` the principal of a REST API authorizer);
 * - `iam`: IAM authorization (`claims` holds the caller's `userArn`,
 *   `accountId`, `accessKey`…);
 * - `none`: no authorizer ran (and always for ALB).
 *
 * Claims are as the authorizer wrote them: strings, and for JWTs also
 * numbers, booleans or lists.
 *
 * @category models
 */
export interface Authorization {
  readonly kind: "jwt" | "cognito" | "lambda" | "iam" | "none"
  readonly principalId: string | undefined
  readonly claims: Readonly<Record<string, unknown>>
  readonly scopes: ReadonlyArray<string>
}

/**
 * The current invocation's authorization, as a service.
 *
 * @category services
 */
export class Authorizer extends Context.Service<Authorizer, Authorization>()(
  "@centrapay-effect/lambda-adapter/Authorizer"
) {}

/**
 * No authorizer ran.
 *
 * @category constants
 */
export const none: Authorization = { kind: "none", principalId: undefined, claims: {}, scopes: [] }

/**
 * A claim by name, `undefined` when absent.
 *
 * @category accessors
 * @example
 * ```ts
 * import { Authorizer } from "@centrapay-effect/lambda-adapter"
 * const subject = Authorizer.claim("sub")
 * ```
 */
export const claim = (name: string): Effect.Effect<unknown, never, Authorizer> =>
  Authorizer.useSync((authorization) =>
    Object.hasOwn(authorization.claims, name) ? authorization.claims[name] : undefined
  )

/**
 * A claim that must be present as a string (or number), failing with the
 * contract's 401 otherwise.
 *
 * @category accessors
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Authorizer } from "@centrapay-effect/lambda-adapter"
 * const account = Effect.map(Authorizer.requireClaim("custom:account"), (id) => id.toUpperCase())
 * ```
 */
export const requireClaim = (name: string): Effect.Effect<string, ApiError.Unauthorized, Authorizer> =>
  Effect.flatMap(claim(name), (value) => {
    const text = stringOf(value)
    return text === undefined || text === ""
      ? Effect.fail(new ApiError.Unauthorized({ message: "Missing authentication" }))
      : Effect.succeed(text)
  })

/**
 * Reads the authorization from an event's `requestContext`.
 *
 * @category constructors
 */
export const fromEvent = (http: HttpEvent): Authorization => {
  if (http.source === "alb") return none
  const context: unknown = http.event.requestContext
  const authorizer = field(context, "authorizer")
  if (isRecord(authorizer)) {
    const principalId = stringOf(authorizer.principalId)
    const jwt = authorizer.jwt
    if (isRecord(jwt) && isRecord(jwt.claims)) {
      return { kind: "jwt", principalId, claims: jwt.claims, scopes: stringsOf(jwt.scopes) }
    }
    if (isRecord(authorizer.claims)) {
      return { kind: "cognito", principalId, claims: authorizer.claims, scopes: stringsOf(authorizer.scopes) }
    }
    if (isRecord(authorizer.lambda)) return { kind: "lambda", principalId, claims: authorizer.lambda, scopes: [] }
    if (isRecord(authorizer.iam)) return { kind: "iam", principalId, claims: authorizer.iam, scopes: [] }
    const entries = contextEntries(authorizer)
    if (principalId !== undefined || entries !== undefined) {
      return { kind: "lambda", principalId, claims: entries ?? {}, scopes: [] }
    }
  }
  return http.source === "api-gateway-v1" ? iamCaller(field(context, "identity")) : none
}

// A REST API Lambda authorizer's context entries sit beside `principalId`.
const reserved = new Set(["principalId", "integrationLatency", "claims", "scopes"])
const contextEntries = (authorizer: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined => {
  let entries: Record<string, unknown> | undefined
  for (const name of Object.keys(authorizer)) {
    const value = authorizer[name]
    if (reserved.has(name) || value === null || value === undefined) continue
    entries ??= {}
    put(entries, name, value)
  }
  return entries
}

// A REST API method with IAM authorization names the signed caller in `identity`.
const iamCaller = (identity: unknown): Authorization => {
  if (!isRecord(identity) || stringOf(identity.userArn) === undefined || stringOf(identity.accessKey) === undefined) {
    return none
  }
  const claims: Record<string, unknown> = {}
  for (const name of ["accessKey", "accountId", "caller", "user", "userArn", "principalOrgId"]) {
    const value = stringOf(identity[name])
    if (value !== undefined) claims[name] = value
  }
  return { kind: "iam", principalId: stringOf(identity.caller), claims, scopes: [] }
}
