/**
 * Serves an Effect HTTP app — `HttpApi` (`effect/http-api`), `HttpRouter`
 * (`effect/http`), any `Effect<HttpServerResponse, E, HttpServerRequest | …>`
 * — from Cloudflare Workers, as `WorkerHandler.make` serves core's programs:
 * the platform's `Request` is read as it comes (body within core's cap,
 * `cf-ray` as the correlation id), the app reads it as an
 * `HttpServerRequest` (core's `HttpApp`, the same one the Lambda adapter
 * gives), and the contract holds at the edge (an unmatched route is the
 * contract's 404 body, a defect the 500 with the correlation id). A module of
 * its own, so a Worker that does not use it does not bundle Effect's HTTP
 * app modules.
 *
 * @module
 */
import * as HttpApp from "@centrapay-effect/core/HttpApp"
import type * as ServerRequest from "@centrapay-effect/core/ServerRequest"
import type * as Layer from "effect/Layer"
import * as WorkerHandler from "./WorkerHandler.ts"

/**
 * Turns an Effect HTTP app and its layer (or a function of `env` returning
 * one) into a Workers module handler, with `WorkerHandler.make`'s options.
 * For `HttpRouter` routes or an `HttpApi`, pass `HttpApp.routed` and
 * `HttpApp.router(HttpRouter.toHttpEffect(layer))`.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HttpRouter, HttpServerResponse } from "effect/http"
 * import { HttpApp } from "@centrapay-effect/core"
 * import { WorkerHttpApp } from "@centrapay-effect/worker-adapter"
 *
 * const routes = HttpRouter.add("GET", "/health", Effect.succeed(HttpServerResponse.jsonUnsafe({ ok: true })))
 * export default WorkerHttpApp.make(HttpApp.routed, HttpApp.router(HttpRouter.toHttpEffect(routes)))
 * ```
 */
export const make = <Env extends object, E, R, LE = never>(
  app: HttpApp.HttpApp<E, R | WorkerHandler.Services | ServerRequest.CurrentRequest>,
  layer: Layer.Layer<R, LE> | ((env: Env) => Layer.Layer<R, LE>),
  options?: WorkerHandler.Options
): WorkerHandler.WorkerHandler<Env> => WorkerHandler.make<Env, R, LE>(HttpApp.toProgram(app), layer, options)
