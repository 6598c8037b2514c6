/**
 * A retry budget shared by every call of one client: a token bucket in the
 * style of the AWS SDK's retry quota. A retry costs tokens (more after a
 * timeout); a successful call puts tokens back. While an outage makes many
 * calls fail, the bucket empties and the client stops retrying instead of
 * multiplying the load (a retry storm); as calls succeed again, it refills.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type * as ApiError from "./ApiError.ts"

/**
 * The bucket's size and prices.
 *
 * @category models
 */
export interface Options {
  /** Tokens in a full bucket (and at the start). @default 500 */
  readonly capacity: number
  /** What a retry after any failure but a timeout costs. @default 5 */
  readonly retryCost: number
  /** What a retry after a timeout costs. @default 10 */
  readonly timeoutCost: number
  /** What a call that succeeded at its first attempt puts back. @default 1 */
  readonly successRefund: number
}

/**
 * The AWS SDK's numbers: 500 tokens, 5 per retry, 10 per retry after a
 * timeout, 1 back per first-time success. With them, 100 retries in a row
 * without a success empty the bucket.
 *
 * @category constructors
 */
export const defaults: Options = { capacity: 500, retryCost: 5, timeoutCost: 10, successRefund: 1 }

/**
 * A bucket. `withdraw` is atomic, so concurrent fibers never overdraw it.
 *
 * @category models
 */
export interface RetryBudget {
  readonly options: Options
  /** Tokens left. */
  readonly available: Effect.Effect<number>
  /** Takes `cost` tokens and answers `true`, or takes nothing and answers `false` when fewer are left. */
  readonly withdraw: (cost: number) => Effect.Effect<boolean>
  /** Puts tokens back, never above the capacity. */
  readonly deposit: (amount: number) => Effect.Effect<void>
}

/**
 * A full bucket, from the defaults and any overrides.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { RetryBudget } from "@centrapay-effect/core"
 *
 * const program = Effect.gen(function*() {
 *   const budget = yield* RetryBudget.make({ capacity: 10 })
 *   yield* budget.withdraw(5) // true
 *   yield* budget.withdraw(10) // false: 5 left
 *   return yield* budget.available // 5
 * })
 * ```
 */
export const make = (overrides: Partial<Options> = {}): Effect.Effect<RetryBudget> =>
  Effect.map(Ref.make(overrides.capacity ?? defaults.capacity), (tokens) => {
    const options: Options = { ...defaults, ...overrides }
    return {
      options,
      available: Ref.get(tokens),
      withdraw: (cost) => Ref.modify(tokens, (left) => (left >= cost ? [true, left - cost] : [false, left])),
      deposit: (amount) => Ref.update(tokens, (left) => Math.min(options.capacity, left + amount))
    }
  })

/**
 * What retrying after this error costs: `timeoutCost` after a timeout,
 * `retryCost` otherwise.
 *
 * @category pricing
 */
export const costOf = (options: Options, error: ApiError.ApiError): number =>
  error._tag === "Timeout" ? options.timeoutCost : options.retryCost
