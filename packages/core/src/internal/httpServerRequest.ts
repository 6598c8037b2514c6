/**
 * Effect's `HttpServerRequest` over core's neutral `ServerRequest`: what an
 * Effect HTTP app (`HttpRouter`, `HttpApiBuilder`) reads, built without a Web
 * `Request`. The body is the one the adapter read (already within core's
 * cap); the headers are the neutral ones, lower case, wrapped lazily.
 */
import * as Effect from "effect/Effect"
import * as Cookies from "effect/http/Cookies"
import * as Headers from "effect/http/Headers"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import * as HttpServerError from "effect/http/HttpServerError"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as Multipart from "effect/http/Multipart"
import * as UrlParams from "effect/http/UrlParams"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { ServerRequest } from "../ServerRequest.ts"
import { bodyText } from "../WireResponse.ts"

const encoder = new TextEncoder()

/** The path and query of a neutral request as one URL path (`/a/b?x=1`). */
export const urlOf = (request: ServerRequest): string => {
  let search = ""
  for (const name of Object.keys(request.query)) {
    const value = request.query[name]
    const values: ReadonlyArray<string> = typeof value === "string" ? [value] : (value ?? [])
    for (const each of values) {
      search += `${search === "" ? "?" : "&"}${encodeURIComponent(name)}=${encodeURIComponent(each)}`
    }
  }
  return `${request.path}${search}`
}

const unsupported = (what: string) => Multipart.MultipartError.fromReason("Parse", new Error(`${what} not supported`))

/** An `HttpServerRequest` reading a neutral request. */
export class NeutralHttpServerRequest extends Inspectable.Class implements HttpServerRequest.HttpServerRequest {
  readonly [HttpServerRequest.TypeId] = HttpServerRequest.TypeId
  readonly [HttpIncomingMessage.TypeId] = HttpIncomingMessage.TypeId
  readonly source: object
  readonly request: ServerRequest
  readonly url: string
  readonly protocol: "http" | "https" | undefined
  private headersOverride: Headers.Headers | undefined
  private readonly remoteAddressOverride: Option.Option<string> | undefined
  private readonly peerAddressOverride: Option.Option<string> | undefined
  private cachedCookies: Readonly<Record<string, string>> | undefined
  private cachedText: string | undefined

  constructor(
    request: ServerRequest,
    source: object,
    overrides?: {
      readonly url?: string | undefined
      readonly headers?: Headers.Headers | undefined
      readonly remoteAddress?: Option.Option<string> | undefined
      readonly peerAddress?: Option.Option<string> | undefined
      readonly protocol?: "http" | "https" | undefined
    }
  ) {
    super()
    this.request = request
    this.source = source
    this.url = overrides?.url ?? urlOf(request)
    this.headersOverride = overrides?.headers
    this.remoteAddressOverride = overrides?.remoteAddress
    this.peerAddressOverride = overrides?.peerAddress
    this.protocol = overrides?.protocol
  }

  get method(): string {
    return this.request.method
  }

  get originalUrl(): string {
    const host = this.request.headers.host
    return host === undefined ? this.url : `https://${host}${this.url}`
  }

  get headers(): Headers.Headers {
    this.headersOverride ??= Headers.fromRecordUnsafe({ ...this.request.headers })
    return this.headersOverride
  }

  get cookies(): Readonly<Record<string, string>> {
    this.cachedCookies ??= Cookies.parseHeader(this.request.headers.cookie ?? "")
    return this.cachedCookies
  }

  get remoteAddress(): Option.Option<string> {
    return this.remoteAddressOverride ?? Option.none()
  }

  get peerAddress(): Option.Option<string> {
    return this.peerAddressOverride ?? this.remoteAddress
  }

  /** The body as text; a leading byte-order mark is dropped, as decoding bytes drops it. */
  private textOf(): string {
    if (this.cachedText === undefined) {
      const text = bodyText(this.request.body)
      this.cachedText = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
    }
    return this.cachedText
  }

  private bytesOf(): Uint8Array {
    const body = this.request.body
    return body === undefined ? new Uint8Array(0) : typeof body === "string" ? encoder.encode(body) : body
  }

  private parseError(cause: unknown): HttpServerError.HttpServerError {
    return new HttpServerError.HttpServerError({
      reason: new HttpServerError.RequestParseError({ request: this, cause })
    })
  }

  get text(): Effect.Effect<string, HttpServerError.HttpServerError> {
    return Effect.sync(() => this.textOf())
  }

  get json(): Effect.Effect<Schema.Json, HttpServerError.HttpServerError> {
    return Effect.try({ try: (): Schema.Json => JSON.parse(this.textOf()), catch: (cause) => this.parseError(cause) })
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpServerError.HttpServerError> {
    return Effect.sync(() => UrlParams.fromInput(new URLSearchParams(this.textOf())))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpServerError.HttpServerError> {
    return Effect.sync(() => {
      const bytes = this.bytesOf()
      const copy = new ArrayBuffer(bytes.byteLength)
      new Uint8Array(copy).set(bytes)
      return copy
    })
  }

  get stream(): Stream.Stream<Uint8Array, HttpServerError.HttpServerError> {
    return this.request.body === undefined ? Stream.empty : Stream.make(this.bytesOf())
  }

  get multipart(): Effect.Effect<Multipart.Persisted, Multipart.MultipartError> {
    return Effect.fail(unsupported("multipart bodies are"))
  }

  get multipartStream(): Stream.Stream<Multipart.Part, Multipart.MultipartError> {
    return Stream.fail(unsupported("multipart bodies are"))
  }

  get upgrade(): Effect.Effect<never, HttpServerError.HttpServerError> {
    return this.upgradeWith()
  }

  upgradeWith(): Effect.Effect<never, HttpServerError.HttpServerError> {
    return Effect.fail(
      new HttpServerError.HttpServerError({
        reason: new HttpServerError.RequestParseError({ request: this, description: "Not an upgradeable request" })
      })
    )
  }

  modify(options: {
    readonly url?: string
    readonly headers?: Headers.Headers
    readonly remoteAddress?: Option.Option<string>
    readonly peerAddress?: Option.Option<string>
    readonly protocol?: "http" | "https"
  }): HttpServerRequest.HttpServerRequest {
    return new NeutralHttpServerRequest(this.request, this.source, {
      url: options.url ?? this.url,
      headers: options.headers ?? this.headersOverride,
      remoteAddress: "remoteAddress" in options ? options.remoteAddress : this.remoteAddressOverride,
      peerAddress: options.peerAddress ?? this.peerAddressOverride,
      protocol: options.protocol ?? this.protocol
    })
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, { _id: "HttpServerRequest", method: this.method, url: this.url })
  }
}
