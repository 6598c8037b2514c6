/**
 * How the client authenticates, in the contract's three ways: an API key
 * (`X-Api-Key`, enduring access to one account), a user access token
 * (`Authorization: <jwt>`), or a user token from a provider the client can
 * ask again after a 401. Secrets are kept `Redacted`, so they never print.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as ApiError from "./ApiError.ts"

/**
 * An API key, sent as `X-Api-Key`.
 *
 * @category models
 */
export interface ApiKey {
  readonly _tag: "ApiKey"
  readonly key: Redacted.Redacted<string>
}

/**
 * A fixed user access token (a JWT), sent as `Authorization`. A 401 is final:
 * the client cannot get a new one.
 *
 * @category models
 */
export interface UserToken {
  readonly _tag: "UserToken"
  readonly token: Redacted.Redacted<string>
}

/**
 * A user access token from a provider (an OIDC refresh, a cache…). The client
 * runs `fetch` for its first call and again, once per call, after a 401.
 * A provider that cannot produce a token fails with `Unauthorized`.
 *
 * @category models
 */
export interface RefreshableToken {
  readonly _tag: "RefreshableToken"
  readonly fetch: Effect.Effect<Redacted.Redacted<string>, ApiError.Unauthorized>
}

/**
 * Any of the three.
 *
 * @category models
 */
export type Credentials = ApiKey | UserToken | RefreshableToken

/**
 * Credentials from an API key.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Credentials } from "@centrapay-effect/core"
 * const credentials = Credentials.apiKey(Redacted.make("ak_live_…"))
 * ```
 */
export const apiKey = (key: string | Redacted.Redacted<string>): Credentials => ({
  _tag: "ApiKey",
  key: redact(key)
})

/**
 * Credentials from a fixed user access token.
 *
 * @category constructors
 */
export const userToken = (token: string | Redacted.Redacted<string>): Credentials => ({
  _tag: "UserToken",
  token: redact(token)
})

/**
 * Credentials from a token provider: an Effect that yields a fresh user
 * access token each time it runs.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ApiError, Credentials } from "@centrapay-effect/core"
 *
 * declare const refreshWithOidc: Effect.Effect<string, Error>
 * const credentials = Credentials.refreshableToken(
 *   refreshWithOidc.pipe(Effect.mapError((e) => new ApiError.Unauthorized({ message: e.message })))
 * )
 * ```
 */
export const refreshableToken = (
  fetch: Effect.Effect<string | Redacted.Redacted<string>, ApiError.Unauthorized>
): Credentials => ({
  _tag: "RefreshableToken",
  fetch: Effect.map(fetch, redact)
})

/**
 * The header each kind of credentials is sent in (lower case): an API key in
 * `x-api-key`, a user access token, as it is, in `authorization`.
 *
 * @category constants
 */
export const headers = { apiKey: "x-api-key", userToken: "authorization" } as const

/**
 * The header carrying a secret: `x-api-key` for an API key, `authorization`
 * for a user token.
 *
 * @category accessors
 */
export const headerName = (credentials: Credentials): "x-api-key" | "authorization" =>
  credentials._tag === "ApiKey" ? headers.apiKey : headers.userToken

const redact = (secret: string | Redacted.Redacted<string>): Redacted.Redacted<string> =>
  Redacted.isRedacted(secret) ? secret : Redacted.make(secret)
