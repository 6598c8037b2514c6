/**
 * The Lambda invocation context (request id, function name, remaining time)
 * as a service, and the time the invocation has left.
 *
 * @module
 */
import type { Context as InvocationContext } from "aws-lambda"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"

/**
 * The context Lambda passed with the invocation being handled.
 *
 * @category services
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { LambdaContext } from "@centrapay-effect/lambda-adapter"
 *
 * const functionName = LambdaContext.LambdaContext.useSync((context) => context.functionName)
 * ```
 */
export class LambdaContext extends Context.Service<LambdaContext, InvocationContext>()(
  "@centrapay-effect/lambda-adapter/LambdaContext"
) {}

/**
 * Milliseconds the invocation has left, from `getRemainingTimeInMillis()`;
 * `undefined` for a context without it (a hand-made one in a test).
 *
 * @category accessors
 */
export const remainingMillis = (context: InvocationContext): number | undefined => {
  if (typeof context?.getRemainingTimeInMillis !== "function") return undefined
  const remaining = context.getRemainingTimeInMillis()
  return Number.isFinite(remaining) ? Math.max(0, remaining) : undefined
}

/**
 * The time the current invocation has left before Lambda stops it.
 *
 * @category accessors
 */
export const remainingTime: Effect.Effect<Duration.Duration, never, LambdaContext> = LambdaContext.useSync(
  (context) => {
    const remaining = remainingMillis(context)
    return remaining === undefined ? Duration.infinity : Duration.millis(remaining)
  }
)

/**
 * An invocation context for local runs and tests: `getRemainingTimeInMillis`
 * counts down from `timeout`, starting now.
 *
 * @category constructors
 * @example
 * ```ts
 * import { LambdaContext } from "@centrapay-effect/lambda-adapter"
 * const context = LambdaContext.local({ requestId: "req-1", timeout: "3 seconds" })
 * context.getRemainingTimeInMillis() // ≈ 3000
 * ```
 */
export const local = (options?: {
  /** @default a random UUID */
  readonly requestId?: string | undefined
  /** @default "local-function" */
  readonly functionName?: string | undefined
  /** The function's timeout. @default 30 seconds */
  readonly timeout?: Duration.Input | undefined
}): InvocationContext => {
  const functionName = options?.functionName ?? "local-function"
  const endsAt = Date.now() + Duration.toMillis(Duration.fromInputUnsafe(options?.timeout ?? "30 seconds"))
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "128",
    awsRequestId: options?.requestId ?? globalThis.crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined
  }
}
