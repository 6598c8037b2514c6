/**
 * Runs a server program for one request at a time, the way both adapters
 * need it, and whatever happens the result is a contract response — `handle`
 * never rejects:
 *
 * - Each request first passes core's `RequestChecks` (a body or query over
 *   its cap is the contract's 400, before the layer or the program).
 * - The program's layer is built once and reused by every later request. A
 *   layer that fails to build is not kept: that request gets a clean 503 and
 *   the next one builds again. The build counts against the request's
 *   deadline: a request still waiting for it at its deadline gets the same
 *   503 (with `Retry-After`), in time. A build runs while some request waits
 *   for it (concurrent requests share it); once the last one has given up,
 *   it is interrupted and what it acquired released, and the next request
 *   starts a new one — a stuck build never holds up later requests.
 * - Each request gets its own `CurrentRequest` and `ResponseHeaders`; a
 *   deadline interrupts the program and answers 503 with `Retry-After`.
 * - Every response the program produced passes `ResponseChecks` (a status
 *   the contract allows, headers that cannot be forged, the platform's size
 *   limit); one that fails is the generic 500.
 * - Every 500 and 503 it answers is logged (one line, with the request id and
 *   the cause), as is a failed build; `dispose` gives up after
 *   `disposeTimeout` rather than hang on a finalizer that never ends.
 * - Every error response it writes — the program's, a refused request's, a
 *   503, the generic 500 — is in the format `errorFormat` says: the
 *   contract's (default), RFC 9457 problem details, or negotiated from the
 *   request's `Accept` (`ErrorFormat`). A success is the program's own.
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
import type * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as ApiError from "./ApiError.ts"
import * as ErrorFormat from "./ErrorFormat.ts"
import * as RequestChecks from "./RequestChecks.ts"
import * as ResponseChecks from "./ResponseChecks.ts"
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
 * What each request may add: how long it may take and what its platform
 * carries.
 *
 * @category models
 */
export interface RequestOptions {
  /**
   * How long the request may take, waiting for the layer's build included:
   * past it, 503 with `Retry-After`. @default none
   */
  readonly deadline?: Duration.Input | undefined
  /** The platform's limits on the response (`ResponseChecks`). @default none */
  readonly responseLimits?: ResponseChecks.Limits | undefined
}

/**
 * A program, its layer built once, ready to answer requests.
 *
 * @category models
 */
export interface ServerRuntime<X> {
  /**
   * Answers one request. `services` are the per-request services an adapter
   * adds (the Lambda event and context, the Worker's `env` and `ctx`).
   */
  readonly handle: (
    request: ServerRequest,
    services: Context.Context<X>,
    options?: RequestOptions
  ) => Promise<ServerResponse>
  /**
   * `handle`, but a program that finishes without waiting for anything is
   * answered synchronously, without a promise (an adapter then translates
   * the response at once). Never throws; a returned promise never rejects.
   */
  readonly respond: (
    request: ServerRequest,
    services: Context.Context<X>,
    options?: RequestOptions
  ) => ServerResponse | Promise<ServerResponse>
  /**
   * The generic 500 for a failure outside the program (an adapter could not
   * read the platform's request, or translate the response), logged with
   * `requestId` and `error`; in problem+json when the server always answers
   * so (there is no request to negotiate with). Never throws.
   */
  readonly lastResort: (requestId: string, error: unknown) => ServerResponse
  /**
   * Releases what the layer acquired and interrupts a build in progress
   * (call on shutdown). Gives up, logged, after `disposeTimeout`; never
   * rejects. A request after it builds the layer again.
   */
  readonly dispose: () => Promise<void>
}

/**
 * The loggers a runtime logs with unless told otherwise: one JSON line per
 * event (`Logger.consoleJson`, what CloudWatch Logs Insights and Workers Logs
 * read), on both adapters alike.
 *
 * @category constants
 */
export const defaultLoggers: ReadonlyArray<Logger.Logger<unknown, unknown>> = [Logger.consoleJson]

/**
 * How a runtime runs: core's request limits (`maxBodyBytes`), the format of
 * its error responses (`errorFormat`), the loggers for what is logged
 * outside the layer's context, and how long `dispose` waits.
 *
 * @category models
 */
export interface Options extends RequestChecks.Options, ErrorFormat.Options {
  /**
   * The loggers of every log line: the program's (unless its layer installs
   * its own) and those written where no layer is built (a layer that failed
   * to build, `dispose`). @default `defaultLoggers`: one JSON line per event,
   * the same on every runtime (CR/LF in a logged cause cannot forge a line)
   */
  readonly loggers?: ReadonlyArray<Logger.Logger<unknown, unknown>> | undefined
  /**
   * How long `dispose` waits for the layer's resources to be released before
   * it gives up and logs it. @default defaultDisposeTimeout (3 seconds)
   */
  readonly disposeTimeout?: Duration.Input | undefined
}

/**
 * How long `dispose` waits by default.
 *
 * @category constants
 */
export const defaultDisposeTimeout: Duration.Duration = Duration.seconds(3)

const unexpectedMessages: Readonly<Record<Unexpected, string>> = {
  defect: "request failed unexpectedly",
  upstream: "an upstream failure was not handled; answered as a gateway error",
  interrupted: "request interrupted (deadline)"
}

interface Built<R> {
  readonly context: Context.Context<R>
  readonly scope: Scope.Closeable
}

// One attempt at building the layer, and the requests waiting for it.
interface Attempt<R> {
  readonly fiber: Fiber.Fiber<Context.Context<R>, unknown>
  /** What the build gave: the built layer, or `undefined` (it failed, or was abandoned). */
  readonly done: Promise<Built<R> | undefined>
  /** Settles once the build has ended and, unless it became the runtime's layer, its scope is closed. */
  readonly released: Promise<void>
  waiting: number
}

const unavailable = (requestId: string, format: ErrorFormat.Choice): ServerResponse =>
  fromError(
    new ApiError.ServerError({
      status: 503,
      message: "Service Unavailable",
      correlationId: requestId,
      retryAfter: interruptedRetryAfter
    }),
    requestId,
    format
  )

/**
 * Prepares a program to answer requests. The layer is built on the first
 * request, not at import, so a cold start costs only what the first request
 * needs. `X`, the per-request services, is named by the adapter; `options`
 * are the limits `RequestChecks` applies before the program (the body cap),
 * the format of error responses, the loggers and the dispose timeout.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Context, Effect, Layer } from "effect"
 * import { ServerResponse, ServerRuntime } from "@centrapay-effect/core"
 * const runtime = ServerRuntime.make(Effect.succeed(ServerResponse.json({ ok: true })), Layer.empty)
 * const response = await runtime.handle(
 *   { method: "GET", path: "/", query: {}, headers: {}, body: undefined, requestId: "r1" },
 *   Context.empty(),
 *   { deadline: "25 seconds" }
 * )
 * ```
 */
export const make = <R, LE, X = never>(
  program: Effect.Effect<ServerResponse, unknown, R | NoInfer<X> | CurrentRequest | ResponseHeaders>,
  layer: Layer.Layer<R, LE>,
  options?: Options
): ServerRuntime<X> => {
  const limits = RequestChecks.limits(options)
  const loggers = options?.loggers ?? defaultLoggers
  const fallbackLoggers = new Set(loggers)
  const layerWithLoggers = Layer.merge(Logger.layer(loggers), layer)
  const disposeTimeout = Duration.fromInputUnsafe(options?.disposeTimeout ?? defaultDisposeTimeout)
  const errorFormat = options?.errorFormat
  // The format of an error response to `request` (its Accept is read only when negotiating).
  const formatFor = (request: ServerRequest): ErrorFormat.Choice =>
    ErrorFormat.choose(errorFormat, request.headers.accept)
  let attempt: Attempt<R> | undefined
  let ready: Built<R> | undefined

  // One error line, through `context`'s loggers (a request's, the built layer's) or, where
  // there is none, the runtime's. Never throws: a logger that fails loses the line, not the answer.
  const report = <C>(
    context: Context.Context<C> | undefined,
    message: string,
    annotations: Readonly<Record<string, unknown>>
  ): void => {
    try {
      const line = Effect.logError(message).pipe(Effect.annotateLogs(annotations))
      if (context !== undefined) Effect.runForkWith(context)(line)
      else Effect.runFork(Effect.provideService(line, Logger.CurrentLoggers, fallbackLoggers))
    } catch {
      // Nothing left to report to.
    }
  }

  const startBuild = (requestId: string): Attempt<R> => {
    const scope = Effect.runSync(Scope.make())
    const fiber = Effect.runFork(Layer.buildWithScope(layerWithLoggers, scope))
    // Settles in a later microtask, so `attempt` below is set before anything reads it.
    const ended = new Promise<Exit.Exit<Context.Context<R>, LE>>((resolve) => {
      fiber.addObserver(resolve)
    })
    const current: Attempt<R> = {
      fiber,
      waiting: 0,
      done: ended.then((exit) => {
        if (attempt !== current) return undefined // abandoned, or disposed
        attempt = undefined
        if (Exit.isSuccess(exit)) {
          ready = { context: exit.value, scope }
          return ready
        }
        report(undefined, "layer failed to build; the next request tries again", {
          requestId,
          cause: printed(exit.cause)
        })
        return undefined
      }),
      released: ended.then((exit) => (ready?.scope === scope ? undefined : close(scope, exit)))
    }
    attempt = current
    return current
  }

  // Waits for the layer no longer than the deadline, then runs the program in the time left.
  const afterBuild = (
    request: ServerRequest,
    services: Context.Context<X>,
    options: RequestOptions | undefined
  ): Promise<ServerResponse> => {
    const current = attempt ?? startBuild(request.requestId)
    const deadline = millisOf(options?.deadline)
    const startedAt = deadline === undefined ? 0 : Date.now()
    current.waiting++
    return new Promise<ServerResponse>((resolve) => {
      let waiting = true
      let timer: ReturnType<typeof setTimeout> | undefined
      const stopWaiting = (): void => {
        waiting = false
        current.waiting--
        if (timer !== undefined) clearTimeout(timer)
      }
      // Whatever happens in a callback, the request is answered.
      const answer = (response: () => ServerResponse | Promise<ServerResponse>): void => {
        try {
          resolve(response())
        } catch (error) {
          resolve(failed(request.requestId, error, formatFor(request)))
        }
      }
      if (deadline !== undefined) {
        timer = setTimeout(() => {
          if (!waiting) return
          stopWaiting()
          // Nobody waits for this build any more: it is abandoned, and the next request starts again.
          if (current.waiting === 0 && attempt === current) {
            attempt = undefined
            current.fiber.interruptUnsafe()
          }
          report(undefined, "layer not built before the request's deadline; answered 503", {
            ...about(request),
            status: 503
          })
          answer(() => unavailable(request.requestId, formatFor(request)))
        }, deadline)
      }
      void current.done.then((built) => {
        if (!waiting) return
        stopWaiting()
        const left = deadline === undefined ? undefined : Math.max(0, deadline - (Date.now() - startedAt))
        answer(() =>
          built === undefined
            ? unavailable(request.requestId, formatFor(request))
            : run(built.context, request, services, left, options?.responseLimits)
        )
      })
    })
  }

  // The outcome as a response that passes `ResponseChecks`; an unexpected cause or a refused
  // response is logged with the request's services, so a logger from the program's layer writes it.
  const conclude = (
    exit: Exit.Exit<ServerResponse, unknown>,
    context: Context.Context<R | CurrentRequest | ResponseHeaders | X>,
    request: ServerRequest,
    headers: ReadonlyMap<string, ReadonlyArray<string>>,
    responseLimits: ResponseChecks.Limits | undefined
  ): ServerResponse => {
    try {
      const outcome = fromExit(
        exit,
        Exit.isSuccess(exit)
          ? { requestId: request.requestId, headers }
          : { requestId: request.requestId, headers, format: formatFor(request) }
      )
      const refused = ResponseChecks.check(outcome.response, responseLimits)
      if (refused === undefined) {
        if (outcome.unexpected !== undefined) {
          report(context, unexpectedMessages[outcome.unexpected.kind], {
            ...about(request),
            status: outcome.response.status,
            cause: printed(outcome.unexpected.cause)
          })
        }
        return outcome.response
      }
      report(context, "response outside the contract or the platform's limits; answered 500", {
        ...about(request),
        status: 500,
        cause: outcome.unexpected === undefined ? refused : `${refused}\n${printed(outcome.unexpected.cause)}`
      })
      return lastResort(request.requestId, formatFor(request))
    } catch (error) {
      report(context, unexpectedMessages.defect, { ...about(request), status: 500, cause: printed(Cause.die(error)) })
      return lastResort(request.requestId, formatFor(request))
    }
  }

  const run = (
    base: Context.Context<R>,
    request: ServerRequest,
    services: Context.Context<X>,
    deadline: Duration.Input | undefined,
    responseLimits: ResponseChecks.Limits | undefined
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
      if (done !== undefined) return conclude(done, context, request, headers, responseLimits)

      const millis = millisOf(deadline)
      return new Promise<ServerResponse>((resolve) => {
        let timer: ReturnType<typeof setTimeout> | undefined
        let settled = false
        const settle = (exit: Exit.Exit<ServerResponse, unknown>): void => {
          if (settled) return
          settled = true
          if (timer !== undefined) clearTimeout(timer)
          resolve(conclude(exit, context, request, headers, responseLimits))
        }
        if (millis !== undefined) {
          // Interrupt, and answer even if the program is stuck in an uninterruptible region.
          timer = setTimeout(() => {
            fiber.interruptUnsafe()
            settle(Exit.interrupt())
          }, millis)
        }
        fiber.addObserver(settle)
      })
    } catch (error) {
      return failed(request.requestId, error, formatFor(request))
    }
  }

  const failed = (requestId: string, error: unknown, format: ErrorFormat.Choice): ServerResponse => {
    report(ready?.context, "request failed outside the program; answered 500", {
      requestId,
      status: 500,
      cause: printed(Cause.die(error))
    })
    return lastResort(requestId, format)
  }

  const respond: ServerRuntime<X>["respond"] = (request, services, options) => {
    try {
      const refused = RequestChecks.check(request, limits)
      if (refused !== undefined) return fromError(refused, request.requestId, formatFor(request))
      if (ready !== undefined) {
        return run(ready.context, request, services, options?.deadline, options?.responseLimits)
      }
      return afterBuild(request, services, options)
    } catch (error) {
      return failed(request.requestId, error, formatFor(request))
    }
  }

  const dispose = async (): Promise<void> => {
    const current = attempt
    const built = ready
    attempt = undefined
    ready = undefined
    const releases: Array<Promise<void>> = []
    if (current !== undefined) {
      current.fiber.interruptUnsafe()
      releases.push(current.released)
    }
    if (built !== undefined) releases.push(close(built.scope, Exit.void))
    if (releases.length === 0) return
    const released = await Effect.runPromise(
      Effect.promise(() => Promise.all(releases)).pipe(Effect.timeoutOption(disposeTimeout))
    )
    if (Option.isNone(released)) {
      report(built?.context, "dispose gave up: the layer's resources were not released in time", {
        timeout: Duration.format(disposeTimeout)
      })
    }
  }

  return {
    handle: (request, services, options) => Promise.resolve(respond(request, services, options)),
    respond,
    lastResort: (requestId, error) => {
      try {
        return failed(requestId, error, ErrorFormat.withoutRequest(errorFormat))
      } catch {
        return lastResort(requestId)
      }
    },
    dispose: () => dispose().catch(() => undefined)
  }
}

// What a log line says about the request.
const about = (request: ServerRequest) => ({ requestId: request.requestId, method: request.method, path: request.path })

// Closes a scope; a finalizer's defect is the scope's business, not the caller's.
const close = (scope: Scope.Closeable, exit: Exit.Exit<unknown, unknown>): Promise<void> =>
  Effect.runPromiseExit(Scope.close(scope, exit)).then(() => undefined)

// A deadline in milliseconds a timer can wait; `undefined` for none (or an infinite one).
const millisOf = (deadline: Duration.Input | undefined): number | undefined => {
  if (deadline === undefined) return undefined
  const millis = Duration.toMillis(Duration.fromInputUnsafe(deadline))
  return Number.isFinite(millis) ? Math.min(Math.max(0, millis), maxTimerMillis) : undefined
}

// setTimeout fires at once for longer delays.
const maxTimerMillis = 2_147_483_647

// The cause as text for a log line, even when inspecting it throws (a hostile defect value).
const printed = (cause: Cause.Cause<unknown>): string => {
  try {
    return Cause.pretty(cause)
  } catch {
    return "(the cause could not be printed: inspecting it threw)"
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
