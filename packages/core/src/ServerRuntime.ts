/**
 * Runs a server program for one request at a time, the way both adapters
 * need it: the program's layer is built once and reused by every later
 * request (a layer that fails to build is not kept: that request gets a clean
 * 503 and the next one builds again), each request gets its own
 * `CurrentRequest` and `ResponseHeaders`, a deadline interrupts the program
 * and answers 503 with `Retry-After`, and whatever happens the result is a
 * contract response — `handle` never rejects.
 *
 * @module
 */
import { Cause, Context, type Duration, Effect, Exit, Layer, Scope } from "effect"
import * as ApiError from "./ApiError.ts"
import { CurrentRequest, type ServerRequest } from "./ServerRequest.ts"
import {
  fromError,
  fromExit,
  interruptedRetryAfter,
  lastResort,
  ResponseHeaders,
  type ServerResponse
} from "./ServerResponse.ts"

/**
 * A program, its layer built once, ready to answer requests.
 *
 * @category models
 */
export interface ServerRuntime<X> {
  /**
   * Answers one request. `services` are the per-request services an adapter
   * adds (the Lambda event and context, the Worker's `env` and `ctx`);
   * `deadline` is how long the program may run.
   */
  readonly handle: (
    request: ServerRequest,
    services: Context.Context<X>,
    options?: { readonly deadline?: Duration.Input | undefined }
  ) => Promise<ServerResponse>
  /** Releases what the layer acquired (call on shutdown). */
  readonly dispose: () => Promise<void>
}

interface Built<R> {
  readonly context: Context.Context<R>
  readonly scope: Scope.Closeable
}

const unavailable = (requestId: string): ServerResponse =>
  fromError(
    new ApiError.ServerError({
      status: 503,
      message: "Service Unavailable",
      correlationId: requestId,
      retryAfter: interruptedRetryAfter
    }),
    requestId
  )

/**
 * Prepares a program to answer requests. The layer is built on the first
 * request, not at import, so a cold start costs only what the first request
 * needs. `X`, the per-request services, is named by the adapter.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Context, Effect, Layer } from "effect"
 * import { ServerResponse, ServerRuntime } from "@centrapay-effect/core"
 * const runtime = ServerRuntime.make(Effect.succeed(ServerResponse.json({ ok: true })), Layer.empty)
 * const response = await runtime.handle(
 *   { method: "GET", path: "/", query: {}, headers: {}, body: undefined, requestId: "r1" },
 *   Context.empty()
 * )
 * ```
 */
export const make = <R, LE, X = never>(
  program: Effect.Effect<ServerResponse, unknown, R | NoInfer<X> | CurrentRequest | ResponseHeaders>,
  layer: Layer.Layer<R, LE>
): ServerRuntime<X> => {
  let building: Promise<Built<R> | undefined> | undefined

  const build = async (requestId: string): Promise<Built<R> | undefined> => {
    const scope = Effect.runSync(Scope.make())
    const exit = await Effect.runPromiseExit(Layer.buildWithScope(layer, scope))
    if (Exit.isSuccess(exit)) return { context: exit.value, scope }
    await Effect.runPromise(
      Scope.close(scope, exit).pipe(
        Effect.andThen(Effect.logError("layer failed to build; the next request tries again")),
        Effect.annotateLogs({ requestId, cause: Cause.pretty(exit.cause) })
      )
    )
    return undefined
  }

  const built = (requestId: string): Promise<Built<R> | undefined> => {
    if (building === undefined) {
      const attempt = build(requestId)
      building = attempt
      void attempt.then((result) => {
        if (result === undefined && building === attempt) building = undefined
      })
    }
    return building
  }

  const run = (
    context: Context.Context<R>,
    request: ServerRequest,
    services: Context.Context<X>,
    deadline: Duration.Input | undefined
  ): Promise<ServerResponse> => {
    const headers = new Map<string, Array<string>>()
    const limited =
      deadline === undefined
        ? program
        : Effect.timeoutOrElse(program, { duration: deadline, orElse: () => Effect.interrupt })
    const answered = limited.pipe(
      Effect.provideContext(Context.merge(context, services)),
      Effect.provideService(CurrentRequest, request),
      Effect.provideService(ResponseHeaders, headers),
      Effect.exit,
      Effect.flatMap((exit) => {
        const outcome = fromExit(exit, { requestId: request.requestId, headers })
        if (outcome.unexpected === undefined) return Effect.succeed(outcome.response)
        return Effect.logError(
          Cause.hasInterruptsOnly(outcome.unexpected) ? "request interrupted (deadline)" : "request failed unexpectedly"
        ).pipe(
          Effect.annotateLogs({
            requestId: request.requestId,
            method: request.method,
            path: request.path,
            status: outcome.response.status,
            cause: Cause.pretty(outcome.unexpected)
          }),
          Effect.as(outcome.response)
        )
      })
    )
    return Effect.runPromise(answered)
  }

  return {
    handle: async (request, services, options) => {
      try {
        const ready = await built(request.requestId)
        if (ready === undefined) return unavailable(request.requestId)
        return await run(ready.context, request, services, options?.deadline)
      } catch {
        return lastResort(request.requestId)
      }
    },
    dispose: async () => {
      const current = building
      building = undefined
      const ready = current === undefined ? undefined : await current
      if (ready !== undefined) await Effect.runPromise(Scope.close(ready.scope, Exit.void))
    }
  }
}
