/**
 * Checking a presented API key against the configured ones, on the server
 * side, without hand-rolling it: `make` builds the set once (keys as strings
 * or `Redacted`, each with what it identifies, say an account), `lookup`
 * finds what a presented key identifies, and `authenticate` reads
 * `X-Api-Key` from the request and fails with the contract's 401.
 *
 * How a lookup avoids telling an attacker anything through its timing:
 *
 * - **No object lookups.** Keys are never property names, so `toString`,
 *   `constructor` or `__proto__` are ordinary strings that match nothing
 *   unless configured.
 * - **Every key, every time.** The presented key is compared with every
 *   configured key, each over its whole buffer (`Mac.timingSafeEqual` from
 *   `effect/crypto`), with no early exit; the match is picked arithmetically
 *   after the loop. Which key matched, and how many characters of any key
 *   matched, do not change how long it takes.
 * - **One width for all lengths.** Keys of different lengths are not
 *   compared by length first (that would return early and reveal the length
 *   of a valid key). Every key, and the presented one, is copied into a
 *   zero-padded buffer of one width fixed by `make`: the longest configured
 *   key rounded up to a multiple of 32 UTF-16 code units, and at least 128.
 *   The lengths are compared alongside, folded into the result with the
 *   bytes. A lookup costs the same for any presented key up to that width,
 *   whatever the valid keys' lengths; a longer one matches nothing, and only
 *   its first `width` code units are read, so a huge header costs no more.
 *   (Fixed-size digests would hide lengths too, but Web Crypto's digests are
 *   asynchronous and core runs on Workers, where `node:crypto` is not a
 *   given: padding keeps `lookup` synchronous and dependency-free.)
 * - **Code units, not bytes.** The buffers hold UTF-16 code units, so the
 *   comparison is exact JavaScript string equality; a UTF-8 encoding would
 *   turn every lone surrogate into U+FFFD and make distinct strings equal.
 *
 * JavaScript engines promise no constant-time execution; this removes the
 * data-dependent exits a `===`, `Map.get` or object lookup has. Keep a rate
 * limit in front of it all the same. A lookup reads every key, so it is made
 * for the handful of keys a service is configured with (about 0.3 µs per key
 * in Node 24, 2–5 µs for ten), not for a table of thousands of customers' keys.
 *
 * @module
 */

import * as Mac from "effect/crypto/Mac"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { Unauthorized } from "./ApiError.ts"
import * as Credentials from "./Credentials.ts"
import * as ServerRequest from "./ServerRequest.ts"

/**
 * A configured key and what it identifies. The key is a string or, read with
 * `Config.Redacted`, a `Redacted<string>`.
 *
 * @category models
 */
export type Entry<A> = readonly [key: string | Redacted.Redacted<string>, value: A]

/**
 * A set of API keys, each identifying a value.
 *
 * @category models
 */
export interface ApiKeys<A> {
  /**
   * What `presented` identifies, or `undefined` when it is missing, empty,
   * or not one of the keys. Compares with every key in constant time.
   */
  readonly lookup: (presented: string | undefined) => A | undefined
}

/**
 * The set of `entries`. As with `new Map(entries)`, a later entry for the
 * same key replaces an earlier one. An empty key is left out: it never
 * matches (an empty `X-Api-Key` is missing authentication).
 *
 * @category constructors
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { ApiKeys } from "@centrapay-effect/core"
 *
 * const keys = ApiKeys.make([
 *   ["k_live_3LKQhvGU", { accountId: "acc_1" }],
 *   [Redacted.make("k_live_9XbT2mQa"), { accountId: "acc_2" }]
 * ])
 * keys.lookup("k_live_3LKQhvGU") // { accountId: "acc_1" }
 * keys.lookup("toString")        // undefined
 * keys.lookup(undefined)         // undefined
 * ```
 */
export const make = <A>(entries: Iterable<Entry<A>>): ApiKeys<A> => {
  const byKey = new Map<string, A>()
  for (const [key, value] of entries) {
    const text = Redacted.isRedacted(key) ? Redacted.value(key) : key
    if (text !== "") byKey.set(text, value)
  }
  const longest = Array.from(byKey.keys()).reduce((max, key) => Math.max(max, key.length), 0)
  const width = Math.max(minimumWidth, Math.ceil(longest / widthStep) * widthStep)
  const keys = Array.from(byKey, ([key, value]) => ({ units: padded(key, width), length: key.length, value }))
  return {
    lookup: (presented) => {
      if (presented === undefined || presented === "") return undefined
      const candidate = padded(presented, width)
      // 1 + the index of the matching key, 0 for none: keys are distinct, so at most one matches.
      let found = 0
      for (const [index, key] of keys.entries()) {
        const same = Number(Mac.timingSafeEqual(key.units, candidate)) & Number(key.length === presented.length)
        found |= same * (index + 1)
      }
      return found === 0 ? undefined : keys[found - 1]?.value
    }
  }
}

/**
 * Authenticates the request by its `X-Api-Key` header: what the key
 * identifies, or the contract's 401 — `Missing authentication` without the
 * header (or with an empty one), `Invalid API key` for any other key. Encoded,
 * the 401 carries a `WWW-Authenticate` challenge:
 *
 * ```
 * 401 {"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}
 * 401 {"statusCode":401,"error":"Unauthorized","message":"Invalid API key"}
 * ```
 *
 * @category authentication
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ApiKeys, ServerResponse } from "@centrapay-effect/core"
 *
 * const keys = ApiKeys.make([["k_live_3LKQhvGU", { accountId: "acc_1" }]])
 * const program = Effect.gen(function* () {
 *   const account = yield* ApiKeys.authenticate(keys) // 401 unless X-Api-Key is a configured key
 *   return ServerResponse.json({ accountId: account.accountId })
 * })
 * ```
 */
export const authenticate = <A>(keys: ApiKeys<A>): Effect.Effect<A, Unauthorized, ServerRequest.CurrentRequest> =>
  Effect.flatMap(ServerRequest.header(Credentials.headers.apiKey), (presented) => {
    if (presented === undefined || presented === "") return Effect.fail(missingAuthentication)
    const found = keys.lookup(presented)
    return found === undefined ? Effect.fail(invalidApiKey) : Effect.succeed(found)
  })

// Errors are immutable values: built once.
const missingAuthentication = new Unauthorized({ message: "Missing authentication" })
const invalidApiKey = new Unauthorized({ message: "Invalid API key" })

/** The narrowest comparison width, in UTF-16 code units: wider than any usual API key. */
const minimumWidth = 128
/** Wider keys round the width up to a multiple of this, so it tells little of the longest key. */
const widthStep = 32

/** The first `width` code units of `text`, zero-padded to `width`, as bytes. */
const padded = (text: string, width: number): Uint8Array => {
  const units = new Uint16Array(width)
  const copied = Math.min(text.length, width)
  for (let i = 0; i < copied; i++) units[i] = text.charCodeAt(i)
  return new Uint8Array(units.buffer)
}
