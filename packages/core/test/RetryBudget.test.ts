import { ApiError, RetryBudget } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"

describe("RetryBudget", () => {
  it.effect("starts full with the AWS SDK's numbers", () =>
    Effect.gen(function* () {
      const budget = yield* RetryBudget.make()
      expect(budget.options).toEqual({ capacity: 500, retryCost: 5, timeoutCost: 10, successRefund: 1 })
      expect(yield* budget.available).toBe(500)
    })
  )

  it.effect("a withdrawal it cannot afford takes nothing", () =>
    Effect.gen(function* () {
      const budget = yield* RetryBudget.make({ capacity: 12 })
      expect(yield* budget.withdraw(5)).toBe(true)
      expect(yield* budget.withdraw(5)).toBe(true)
      expect(yield* budget.withdraw(5)).toBe(false)
      expect(yield* budget.available).toBe(2)
    })
  )

  it.effect("deposits refill it, never above capacity", () =>
    Effect.gen(function* () {
      const budget = yield* RetryBudget.make({ capacity: 10 })
      yield* budget.withdraw(10)
      yield* budget.deposit(4)
      expect(yield* budget.available).toBe(4)
      yield* budget.deposit(100)
      expect(yield* budget.available).toBe(10)
    })
  )

  it.effect("concurrent fibers never overdraw it", () =>
    Effect.gen(function* () {
      const budget = yield* RetryBudget.make({ capacity: 50 })
      const granted = yield* Effect.all(
        Array.from({ length: 100 }, () => budget.withdraw(5)),
        { concurrency: "unbounded" }
      )
      expect(granted.filter(Boolean)).toHaveLength(10)
      expect(yield* budget.available).toBe(0)
    })
  )

  it("a retry after a timeout costs more than after any other failure", () => {
    const timeout = new ApiError.Timeout({ method: "GET", url: "/", after: Duration.seconds(1), attempts: 1 })
    const down = new ApiError.ServerError({ status: 503, message: "down" })
    expect(RetryBudget.costOf(RetryBudget.defaults, timeout)).toBe(10)
    expect(RetryBudget.costOf(RetryBudget.defaults, down)).toBe(5)
  })
})
