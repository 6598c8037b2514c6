/**
 * A client's authentication state: the headers of its credentials, and for a
 * refreshable token the token in use with a version number, so that
 * concurrent calls rejected with the same token refresh it only once.
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type * as ApiError from "../ApiError.ts"
import * as Credentials from "../Credentials.ts"

/** The headers one attempt sends, and which token version they carry. */
export interface Auth {
  readonly headers: Readonly<Record<string, string>>
  readonly version: number
}

export interface Session {
  /** The headers for the next attempt (fetching the first token if needed). */
  readonly current: Effect.Effect<Auth, ApiError.Unauthorized>
  /**
   * After a 401 for the token of `version`: a newer token. `undefined` when
   * the credentials cannot be refreshed.
   */
  readonly refresh: ((version: number) => Effect.Effect<void, ApiError.Unauthorized>) | undefined
}

interface Token {
  readonly token: Redacted.Redacted<string>
  readonly version: number
}

export const make = (credentials: Credentials.Credentials, account: string | undefined): Effect.Effect<Session> => {
  const withAccount = (secret: Redacted.Redacted<string>): Readonly<Record<string, string>> => ({
    [Credentials.headerName(credentials)]: Redacted.value(secret),
    ...(account === undefined ? {} : { "x-centrapay-account": account })
  })
  switch (credentials._tag) {
    case "ApiKey":
      return Effect.succeed({
        current: Effect.succeed({ headers: withAccount(credentials.key), version: 0 }),
        refresh: undefined
      })
    case "UserToken":
      return Effect.succeed({
        current: Effect.succeed({ headers: withAccount(credentials.token), version: 0 }),
        refresh: undefined
      })
    case "RefreshableToken":
      return Effect.map(SynchronizedRef.make<Token | undefined>(undefined), (state) => {
        const fetchAfter = (version: number) =>
          Effect.map(credentials.fetch, (token): Token => ({ token, version: version + 1 }))
        return {
          current: SynchronizedRef.modifyEffect(state, (held) =>
            Effect.map(held === undefined ? fetchAfter(0) : Effect.succeed(held), (token): readonly [Token, Token] => [
              token,
              token
            ])
          ).pipe(Effect.map((token) => ({ headers: withAccount(token.token), version: token.version }))),
          refresh: (version) =>
            SynchronizedRef.updateEffect(state, (held) =>
              // Another call already replaced the rejected token: use the new one.
              held !== undefined && held.version !== version
                ? Effect.succeed(held)
                : fetchAfter(held?.version ?? version)
            )
        }
      })
  }
}
