/**
 * The test's `TestClock`, wrapped so a test can see each sleep the client
 * asks for (retry delays, limiter waits, timeouts) the moment it starts.
 * Give `clock` to the client (`Effect.provideService(Clock.Clock, probe.clock)`)
 * and keep advancing time with `TestClock.adjust` in the test.
 */
import { type Clock, Duration, Effect } from "effect"
import { TestClock } from "effect/testing"

export interface ClockProbe {
  readonly clock: Clock.Clock
  /** Every sleep requested so far, in milliseconds. */
  readonly sleeps: ReadonlyArray<number>
  /**
   * The next sleep not yet returned by `nextSleep`, once the client is
   * sleeping: a `TestClock.adjust` after it moves that sleep.
   */
  readonly nextSleep: Effect.Effect<number>
  /** The clock's time now. */
  readonly now: () => number
}

export const make: Effect.Effect<ClockProbe> = TestClock.testClockWith((testClock) =>
  Effect.sync(() => {
    const sleeps: Array<number> = []
    const waiters: Array<{ readonly index: number; readonly done: (millis: number) => void }> = []
    let handedOut = 0
    const clock: Clock.Clock = {
      currentTimeMillisUnsafe: () => testClock.currentTimeMillisUnsafe(),
      currentTimeMillis: testClock.currentTimeMillis,
      currentTimeNanosUnsafe: () => testClock.currentTimeNanosUnsafe(),
      currentTimeNanos: testClock.currentTimeNanos,
      monotonicTimeNanosUnsafe: () => testClock.monotonicTimeNanosUnsafe(),
      monotonicTimeNanos: testClock.monotonicTimeNanos,
      sleep: (duration) =>
        Effect.suspend(() => {
          const millis = Duration.toMillis(duration)
          sleeps.push(millis)
          for (const waiter of waiters.filter((w) => w.index < sleeps.length)) {
            waiters.splice(waiters.indexOf(waiter), 1)
            waiter.done(millis)
          }
          // The waiter resumes on a later scheduler turn, after this fiber
          // has registered the sleep with the TestClock below.
          return testClock.sleep(duration)
        })
    }
    const nextSleep = Effect.callback<number>((done) => {
      const index = handedOut++
      const seen = sleeps[index]
      if (seen !== undefined) return done(Effect.succeed(seen))
      waiters.push({ index, done: (millis) => done(Effect.succeed(millis)) })
    }).pipe(Effect.tap(() => Effect.yieldNow))
    return { clock, sleeps, nextSleep, now: () => testClock.currentTimeMillisUnsafe() }
  })
)
