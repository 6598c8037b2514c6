/**
 * Serves an Effect HTTP app — `HttpApi` (`effect/http-api`), `HttpRouter`
 * (`effect/http`), any `Effect<HttpServerResponse, E, HttpServerRequest | …>`
 * — from AWS Lambda, as `LambdaHandler.make` serves core's programs: the
 * `HttpServerRequest` is built straight from the event (core's `HttpApp`,
 * over the neutral request; no Web `Request`), the `HttpServerResponse`
 * becomes the result of the event's source, and the contract holds at the
 * edge (core's `HttpApp`: an unmatched route is the contract's 404 body, a
 * defect the 500 with the correlation id). A module of its own, so a handler
 * that does not use it does not bundle Effect's HTTP app modules.
 *
 * @module
 */
import * as HttpApp from "@centrapay-effect/core/HttpApp"
import type * as ServerRequest from "@centrapay-effect/core/ServerRequest"
import type * as Layer from "effect/Layer"
import type * as Translate from "./internal/translate.ts"
import type * as LambdaEvent from "./LambdaEvent.ts"
import * as LambdaHandler from "./LambdaHandler.ts"

/**
 * Turns an Effect HTTP app and its layer into a Lambda handler, with
 * `LambdaHandler.make`'s options. For `HttpRouter` routes or an `HttpApi`,
 * pass `HttpApp.routed` and `HttpApp.router(HttpRouter.toHttpEffect(layer))`.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HttpRouter, HttpServerResponse } from "effect/http"
 * import { HttpApp } from "@centrapay-effect/core"
 * import { LambdaHttpApp } from "@centrapay-effect/lambda-adapter"
 *
 * const routes = HttpRouter.add("GET", "/health", Effect.succeed(HttpServerResponse.jsonUnsafe({ ok: true })))
 * export const handler = LambdaHttpApp.make(HttpApp.routed, HttpApp.router(HttpRouter.toHttpEffect(routes)))
 * ```
 */
export function make<E, R, LE, const S extends LambdaEvent.Source>(
  app: HttpApp.HttpApp<E, R | LambdaHandler.Services | ServerRequest.CurrentRequest>,
  layer: Layer.Layer<R, LE>,
  options: LambdaHandler.Options & { readonly source: S }
): LambdaHandler.LambdaHandler<LambdaEvent.EventOf<S>, LambdaEvent.ResultOf<S>>
export function make<E, R, LE>(
  app: HttpApp.HttpApp<E, R | LambdaHandler.Services | ServerRequest.CurrentRequest>,
  layer: Layer.Layer<R, LE>,
  options?: LambdaHandler.Options
): LambdaHandler.LambdaHandler<unknown, LambdaEvent.ResultOf<LambdaEvent.Source>>
export function make<E, R, LE>(
  app: HttpApp.HttpApp<E, R | LambdaHandler.Services | ServerRequest.CurrentRequest>,
  layer: Layer.Layer<R, LE>,
  options?: LambdaHandler.Options
): LambdaHandler.LambdaHandler<unknown, Translate.AnyResult> {
  return LambdaHandler.make<R, LE>(HttpApp.toProgram(app), layer, options)
}
