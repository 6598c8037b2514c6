/**
 * Runs a server program for one request at a time, the way both adapters
 * need it: each request first passes core's `RequestChecks` (a body over the
 * cap is the contract's 400, before the layer or the program), the program's
 * layer is built once and reused by every later request (a layer that fails
 * to build is not kept: that request gets a clean 503 and the next one builds
 * again), each request gets its own `CurrentRequest` and `ResponseHeaders`, a
 * deadline interrupts the program and answers 503 with `Retry-After`, and
 * whatever happens the result is a contract response — `handle` never rejects.
 *
 * A request runs on one fiber started with the request's context; a program
 * that finishes without waiting for anything is answered on the spot, with no
 * timer, and only one that suspends arms its deadline.
 *
 * @module
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as ApiError from "./ApiError.ts"
import * as RequestChecks from "./RequestChecks.ts"
import { CurrentRequest, type ServerRequest } from "./ServerRequest.ts"
import {
  fromError,
  fromExit,
  interruptedRetryAfter,
  lastResort,
  ResponseHeaders,
  type ServerResponse,
  type Unexpected
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
  /**
   * `handle`, but a program that finishes without waiting for anything is
   * answered synchronously, without a promise (an adapter then translates
   * the response at once). Never throws; a returned promise never rejects.
   */
  readonly respond: (
    request: ServerRequest,
    services: Context.Context<X>,
    options?: { readonly deadline?: Duration.Input | undefined }
  ) => ServerResponse | Promise<ServerResponse>
  /** Releases what the layer acquired (call on shutdown). */
  readonly dispose: () => Promise<void>
}

const unexpectedMessages: Readonly<Record<Unexpected, string>> = {
  defect: "request failed unexpectedly",
  upstream: "an upstream failure was not handled; answered as a gateway error",
  interrupted: "request interrupted (deadline)"
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
 * needs. `X`, the per-request services, is named by the adapter; `options`
 * are the limits `RequestChecks` applies before the program (the body cap).
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
  layer: Layer.Layer<R, LE>,
  options?: RequestChecks.Options
): ServerRuntime<X> => {
  const limits = RequestChecks.limits(options)
  let building: Promise<Built<R> | undefined> | undefined
  let ready: Built<R> | undefined

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
        if (building !== attempt) return
        if (result === undefined) building = undefined
        else ready = result
      })
    }
    return building
  }

  // The outcome as a response; an unexpected cause is logged with the request's
  // services, so a logger from the program's layer writes the line.
  const conclude = (
    exit: Exit.Exit<ServerResponse, unknown>,
    context: Context.Context<R | CurrentRequest | ResponseHeaders | X>,
    request: ServerRequest,
    headers: ReadonlyMap<string, ReadonlyArray<string>>
  ): ServerResponse => {
    try {
      const outcome = fromExit(exit, { requestId: request.requestId, headers })
      if (outcome.unexpected === undefined) return outcome.response
      const message = unexpectedMessages[outcome.unexpected.kind]
      Effect.runForkWith(context)(
        Effect.logError(message).pipe(
          Effect.annotateLogs({
            requestId: request.requestId,
            method: request.method,
            path: request.path,
            status: outcome.response.status,
            cause: Cause.pretty(outcome.unexpected.cause)
          })
        )
      )
      return outcome.response
    } catch {
      return lastResort(request.requestId)
    }
  }

  const run = (
    base: Context.Context<R>,
    request: ServerRequest,
    services: Context.Context<X>,
    deadline: Duration.Input | undefined
  ): ServerResponse | Promise<ServerResponse> => {
    // A throw while starting (a broken service, an invalid deadline) still ends as a contract response.
    try {
      const headers = new Map<string, Array<string>>()
      const context = overlay(
        Context.add(Context.add(base, CurrentRequest, request), ResponseHeaders, headers),
        services
      )
      const fiber = Effect.runForkWith(context)(program)
      const done = fiber.pollUnsafe()
      if (done !== undefined) return conclude(done, context, request, headers)

      return new Promise<ServerResponse>((resolve) => {
        let timer: ReturnType<typeof setTimeout> | undefined
        let settled = false
        const settle = (exit: Exit.Exit<ServerResponse, unknown>): void => {
          if (settled) return
          settled = true
          if (timer !== undefined) clearTimeout(timer)
          resolve(conclude(exit, context, request, headers))
        }
        if (deadline !== undefined) {
          // Interrupt, and answer even if the program is stuck in an uninterruptible region.
          timer = setTimeout(
            () => {
              fiber.interruptUnsafe()
              settle(Exit.interrupt())
            },
            Duration.toMillis(Duration.fromInputUnsafe(deadline))
          )
        }
        fiber.addObserver(settle)
      })
    } catch {
      return lastResort(request.requestId)
    }
  }

  const respond: ServerRuntime<X>["respond"] = (request, services, options) => {
    try {
      const refused = RequestChecks.check(request, limits)
      if (refused !== undefined) return fromError(refused, request.requestId)
      if (ready !== undefined) return run(ready.context, request, services, options?.deadline)
      return built(request.requestId).then(
        (current) =>
          current === undefined
            ? unavailable(request.requestId)
            : run(current.context, request, services, options?.deadline),
        () => lastResort(request.requestId)
      )
    } catch {
      return lastResort(request.requestId)
    }
  }

  return {
    handle: (request, services, options) => Promise.resolve(respond(request, services, options)),
    respond,
    dispose: async () => {
      const current = building
      building = undefined
      ready = undefined
      const disposed = current === undefined ? undefined : await current
      if (disposed !== undefined) await Effect.runPromise(Scope.close(disposed.scope, Exit.void))
    }
  }
}

// `base` with every service of `services` laid over it, without copying `base`
// (Context.merge would copy it for every request).
const overlay = <A, B>(base: Context.Context<A>, services: Context.Context<B>): Context.Context<A | B> => {
  let context: Context.Context<A | B> | undefined
  for (const [key, service] of services.mapUnsafe) {
    context = Context.addUnsafe<A, B, unknown>(context ?? base, key, service)
  }
  return context ?? Context.merge(base, services)
}
