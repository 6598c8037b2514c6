/**
 * The platform's limits on outgoing requests (subrequests) made while
 * handling one incoming request: how many in total (Workers Free 50, Paid
 * 10,000; retries count) and how many open at once (6). `WorkerClient`
 * enforces them on the budget of the request being handled, which
 * `WorkerHandler` opens for every request; going past the total is the
 * typed `SubrequestLimitReached`, never a runtime exception.
 *
 * @module
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Semaphore from "effect/Semaphore"

/**
 * The limits a client keeps to.
 *
 * @category models
 */
export interface Limits {
  /** Outgoing requests per incoming request, retries included. */
  readonly subrequests: number
  /** Outgoing requests open at once; more wait for one to finish. */
  readonly connections: number
}

/**
 * The Workers Free plan: 50 subrequests, 6 open connections.
 *
 * @category constants
 */
export const free: Limits = { subrequests: 50, connections: 6 }

/**
 * The Workers Paid plan: 10,000 subrequests, 6 open connections.
 *
 * @category constants
 */
export const paid: Limits = { subrequests: 10_000, connections: 6 }

/**
 * The `code` a `SubrequestLimitReached` carries, which core's client reads
 * to report a non-retryable `TransportFailure` with reason
 * `subrequest-limit`.
 *
 * @category constants
 */
export const code = "ERR_SUBREQUEST_LIMIT"

/**
 * The request being handled has used all its subrequests: this outgoing
 * request was not sent. Retrying cannot help within the same request.
 *
 * @category errors
 */
export class SubrequestLimitReached extends Schema.TaggedError<SubrequestLimitReached>()("SubrequestLimitReached", {
  method: Schema.String,
  url: Schema.String,
  limit: Schema.Int
}) {
  /** Read by core's client to classify the failure. */
  get code(): typeof code {
    return code
  }
  override get message(): string {
    return `${this.method} ${this.url} not sent: the limit of ${this.limit} subrequests per request is reached`
  }
}

/**
 * What one incoming request has used: subrequests sent, and the gate of its
 * open connections (created by the first client that sends).
 *
 * @category models
 */
export interface Budget {
  used: number
  gate: Semaphore.Semaphore | undefined
}

/**
 * The budget of the request being handled. Outside any request (no budget
 * opened) clients send without limits.
 *
 * @category services
 */
export const CurrentBudget = Context.Reference<Budget | undefined>(
  "@centrapay-effect/worker-adapter/Subrequests/CurrentBudget",
  { defaultValue: () => undefined }
)

/**
 * A new, unused budget.
 *
 * @category constructors
 */
export const makeBudget = (): Budget => ({ used: 0, gate: undefined })

/**
 * Runs an effect on a budget of its own: for work outside the fetch handler
 * (a `scheduled` or `queue` handler) that the platform limits the same way.
 *
 * @category combinators
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Subrequests } from "@centrapay-effect/worker-adapter"
 *
 * declare const syncAccounts: Effect.Effect<void>
 * const scheduled = Subrequests.withBudget(syncAccounts)
 * ```
 */
export const withBudget = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.suspend(() => Effect.provideService(effect, CurrentBudget, makeBudget()))
