/**
 * Where the wallet API keeps its state, behind a service interface so a real
 * database could replace the in-memory layer. A transfer is atomic and
 * idempotent: the same idempotency key returns the saved outcome and moves
 * no money twice.
 */

import * as ApiKeys from "@centrapay-effect/core/ApiKeys"
import type * as ErrorBody from "@centrapay-effect/core/ErrorBody"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Semaphore from "effect/Semaphore"

/** An account an API key acts for. */
export interface Account {
  readonly id: string
  /** Requests per minute this key may make (the contract's general limit is 200). */
  readonly requestsPerMinute: number
}

/** A transfer as requested. */
export interface TransferRequest {
  readonly recipient: string
  readonly assetType: string
  readonly amount: number
  readonly idempotencyKey?: string
}

/** A completed transfer. */
export interface Transfer {
  readonly id: string
  readonly recipient: string
  readonly assetType: string
  readonly amount: number
  readonly balance: number
}

/** What a transfer attempt came to; a replay returns the first attempt's outcome. */
export type TransferOutcome =
  | { readonly _tag: "Done"; readonly transfer: Transfer }
  | { readonly _tag: "InsufficientBalance" }
  | { readonly _tag: "QuotaExceeded"; readonly quotas: ReadonlyArray<ErrorBody.Quota> }

/** The store's operations. */
export interface WalletStoreShape {
  /** The API keys and the account each acts for, checked in constant time (`ApiKeys.authenticate`). */
  readonly apiKeys: ApiKeys.ApiKeys<Account>
  readonly recipientExists: (recipient: string) => Effect.Effect<boolean>
  readonly transfer: (accountId: string, request: TransferRequest) => Effect.Effect<TransferOutcome>
  readonly merchantConfig: (id: string) => Effect.Effect<{ readonly id: string; readonly name: string } | undefined>
  /** How many transfers actually moved money: replays do not count. */
  readonly transfersMade: Effect.Effect<number>
  /** Counts calls by key (the flaky exchange-rate route uses it). */
  readonly nextCall: (key: string) => Effect.Effect<number>
}

/** The wallet store service. */
export class WalletStore extends Context.Service<WalletStore, WalletStoreShape>()("wallet-api/WalletStore") {}

/**
 * The demo's fixed data: two API keys, a few recipients, one merchant config. Whatever a
 * request names (a key, a recipient, an id) is looked up in a `Set`, a `Map` or `ApiKeys`,
 * never as a property of a plain object, where `toString` or `__proto__` would be found.
 */
export const seed = {
  keys: [
    ["demo-key", { id: "acc_demo", requestsPerMinute: 200 }],
    ["limited-key", { id: "acc_limited", requestsPerMinute: 2 }]
  ] satisfies ReadonlyArray<ApiKeys.Entry<Account>>,
  balance: 1_000,
  monthlySpendLimit: 5_000,
  recipients: new Set(["alice", "bob"]),
  merchantConfigs: new Map([["mc_3LKQhvGUcADgqoEM3bh6pslE", "Coffee Cart"]])
}

const quota = (limit: number, usage: number): ErrorBody.Quota => ({
  type: "spend",
  limit: String(limit),
  usage: String(usage),
  assetType: "centrapay.nzd.main",
  period: "monthly",
  interval: "2026-11"
})

/** An in-memory store, fresh per layer build (one per Lambda container or Worker isolate). */
export const layerMemory = Layer.effect(
  WalletStore,
  Effect.gen(function* () {
    const lock = yield* Semaphore.make(1)
    const balances = new Map<string, number>()
    const spent = new Map<string, number>()
    const saved = new Map<string, TransferOutcome>()
    const calls = new Map<string, number>()
    let transfers = 0

    const attempt = (accountId: string, request: TransferRequest): TransferOutcome => {
      const balance = balances.get(accountId) ?? seed.balance
      const usage = (spent.get(accountId) ?? 0) + request.amount
      if (usage > seed.monthlySpendLimit)
        return { _tag: "QuotaExceeded", quotas: [quota(seed.monthlySpendLimit, usage)] }
      if (request.amount > balance) return { _tag: "InsufficientBalance" }
      balances.set(accountId, balance - request.amount)
      spent.set(accountId, usage)
      transfers++
      return {
        _tag: "Done",
        transfer: {
          id: `at_${transfers.toString().padStart(6, "0")}`,
          recipient: request.recipient,
          assetType: request.assetType,
          amount: request.amount,
          balance: balance - request.amount
        }
      }
    }

    return WalletStore.of({
      apiKeys: ApiKeys.make(seed.keys),
      recipientExists: (recipient) => Effect.sync(() => seed.recipients.has(recipient)),
      transfer: (accountId, request) =>
        lock.withPermits(1)(
          Effect.sync(() => {
            const key = request.idempotencyKey === undefined ? undefined : `${accountId}:${request.idempotencyKey}`
            const earlier = key === undefined ? undefined : saved.get(key)
            if (earlier !== undefined) return earlier
            const outcome = attempt(accountId, request)
            if (key !== undefined) saved.set(key, outcome)
            return outcome
          })
        ),
      merchantConfig: (id) =>
        Effect.sync(() => {
          const name = seed.merchantConfigs.get(id)
          return name === undefined ? undefined : { id, name }
        }),
      transfersMade: Effect.sync(() => transfers),
      nextCall: (key) =>
        Effect.sync(() => {
          const n = (calls.get(key) ?? 0) + 1
          calls.set(key, n)
          return n
        })
    })
  })
)
