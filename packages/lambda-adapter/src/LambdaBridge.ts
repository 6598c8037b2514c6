/**
 * A local HTTP server in front of a Lambda handler: each request becomes an
 * API Gateway HTTP API (payload 2.0) event, the handler's result becomes the
 * HTTP response — so `curl` works against a handler on localhost, the way API
 * Gateway would call it. For development and examples, not production.
 *
 * @module
 */
import { Buffer } from "node:buffer"
import type { IncomingMessage, ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import type { APIGatewayProxyEventV2, Context as InvocationContext } from "aws-lambda"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { field, isRecord, put, stringOf, stringsOf } from "./internal/values.ts"
import * as LambdaContext from "./LambdaContext.ts"

/**
 * A handler the bridge can call: any handler that accepts payload 2.0 events
 * (one made by `LambdaHandler.make`, detecting or named `api-gateway-v2`).
 *
 * @category models
 */
export type Handler = (event: APIGatewayProxyEventV2, context: InvocationContext) => Promise<unknown>

/**
 * Where the bridge listens and how it shapes invocations.
 *
 * @category models
 */
export interface Options {
  /** @default 3000; `0` picks a free port */
  readonly port?: number | undefined
  /** @default "127.0.0.1" */
  readonly host?: string | undefined
  /** The function timeout each invocation's context counts down from. @default 30 seconds */
  readonly timeout?: Duration.Input | undefined
  /** @default "local-function" */
  readonly functionName?: string | undefined
}

/**
 * A running bridge.
 *
 * @category models
 */
export interface Bridge {
  /** e.g. `http://127.0.0.1:3000` */
  readonly url: string
  readonly port: number
  /** Stops listening and closes open connections. */
  readonly close: () => Promise<void>
}

/**
 * Serves a handler on localhost.
 *
 * @category constructors
 * @example
 * ```ts
 * import { LambdaBridge, LambdaHandler } from "@centrapay-effect/lambda-adapter"
 * declare const handler: LambdaBridge.Handler
 *
 * const bridge = await LambdaBridge.serve(handler, { port: 3000 })
 * // curl -i http://127.0.0.1:3000/health
 * await bridge.close()
 * ```
 */
export const serve = async (handler: Handler, options?: Options): Promise<Bridge> => {
  // Loaded on use: importing node:http costs a handler ~50 ms of cold start.
  const { createServer } = await import("node:http")
  const timeout = options?.timeout
  const functionName = options?.functionName
  const server = createServer((incoming, outgoing) => {
    const chunks: Array<Buffer> = []
    incoming.on("error", () => outgoing.destroy())
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
    incoming.on("end", () => {
      const requestId = globalThis.crypto.randomUUID()
      const event = toEvent(incoming, Buffer.concat(chunks), requestId)
      invoke(handler, event, LambdaContext.local({ requestId, functionName, timeout })).then((result) =>
        send(outgoing, result)
      )
    })
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(options?.port ?? 3000, options?.host ?? "127.0.0.1", () => {
      const { address, port } = addressOf(server.address())
      resolve({
        url: `http://${address.includes(":") ? `[${address}]` : address}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })
}

const addressOf = (address: AddressInfo | string | null): { address: string; port: number } =>
  address !== null && typeof address === "object" ? address : { address: "127.0.0.1", port: 0 }

// Bodies of these types travel as text; anything else base64-encoded, as API Gateway does.
const isTextual = (contentType: string | undefined): boolean => {
  if (contentType === undefined) return true
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? ""
  return (
    mediaType.startsWith("text/") ||
    mediaType.endsWith("json") ||
    mediaType.endsWith("xml") ||
    mediaType === "application/x-www-form-urlencoded"
  )
}

/**
 * The payload 2.0 event API Gateway's HTTP API would send for a request.
 *
 * @category converting
 */
export const toEvent = (incoming: IncomingMessage, body: Uint8Array, requestId: string): APIGatewayProxyEventV2 => {
  const target = incoming.url ?? "/"
  const queryAt = target.indexOf("?")
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt)
  const rawQueryString = queryAt === -1 ? "" : target.slice(queryAt + 1)
  const headers: Record<string, string> = {}
  let cookies: Array<string> | undefined
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue
    if (name === "cookie") {
      cookies = stringsOf(value)
        .flatMap((line) => line.split(";"))
        .map((cookie) => cookie.trim())
        .filter((cookie) => cookie !== "")
    } else put(headers, name, typeof value === "string" ? value : value.join(", "))
  }
  // A Map: query names are the caller's strings, `constructor` and `__proto__` included.
  const query = new Map<string, string>()
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    const earlier = query.get(name)
    query.set(name, earlier === undefined ? value : `${earlier},${value}`)
  }
  const queryStringParameters = Object.fromEntries(query)
  const host = headers.host ?? "localhost"
  const now = new Date()
  const textual = isTextual(headers["content-type"])
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    ...(cookies === undefined ? {} : { cookies }),
    headers,
    ...(rawQueryString === "" ? {} : { queryStringParameters }),
    requestContext: {
      accountId: "anonymous",
      apiId: "local",
      domainName: host,
      domainPrefix: host.split(".")[0] ?? host,
      http: {
        method: incoming.method ?? "GET",
        path: rawPath,
        protocol: `HTTP/${incoming.httpVersion}`,
        sourceIp: incoming.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? ""
      },
      requestId,
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime()
    },
    ...(body.length === 0 ? {} : { body: Buffer.from(body).toString(textual ? "utf8" : "base64") }),
    isBase64Encoded: body.length > 0 && !textual
  }
}

interface Reply {
  readonly status: number
  readonly headers: Record<string, string | Array<string>>
  readonly body: Buffer
}

// What API Gateway's HTTP API answers when the function itself fails.
const invocationFailed: Reply = {
  status: 500,
  headers: { "content-type": "application/json" },
  body: Buffer.from('{"message":"Internal Server Error"}')
}

const invoke = (handler: Handler, event: APIGatewayProxyEventV2, context: InvocationContext): Promise<Reply> => {
  const failed = (cause: unknown): Reply => {
    Effect.runFork(Effect.logError("the handler failed").pipe(Effect.annotateLogs({ cause: String(cause) })))
    return invocationFailed
  }
  try {
    return handler(event, context).then(replyOf, failed)
  } catch (cause) {
    return Promise.resolve(failed(cause))
  }
}

/**
 * Reads a handler's result the way API Gateway does: a string is a 200 JSON
 * body; an object gives `statusCode`, `headers`, `multiValueHeaders`,
 * `cookies` and a (possibly base64) `body`.
 */
const replyOf = (result: unknown): Reply => {
  if (typeof result === "string") {
    return { status: 200, headers: { "content-type": "application/json" }, body: Buffer.from(result) }
  }
  if (!isRecord(result)) return invocationFailed
  const headers: Record<string, string | Array<string>> = {}
  const single = result.headers
  if (isRecord(single)) {
    for (const name of Object.keys(single)) {
      const value = stringOf(single[name])
      if (value !== undefined) headers[name.toLowerCase()] = value
    }
  }
  const multi = result.multiValueHeaders
  if (isRecord(multi)) {
    for (const name of Object.keys(multi)) headers[name.toLowerCase()] = stringsOf(multi[name])
  }
  const cookies = stringsOf(result.cookies)
  if (cookies.length > 0) headers["set-cookie"] = [...stringsOf(headers["set-cookie"]), ...cookies]
  const body = stringOf(result.body) ?? ""
  const status = typeof result.statusCode === "number" ? result.statusCode : 200
  return {
    status,
    headers,
    body: Buffer.from(body, field(result, "isBase64Encoded") === true ? "base64" : "utf8")
  }
}

// A result Node cannot write (a status outside 100–999, a header with a line
// break) is answered as a failed invocation.
const send = (outgoing: ServerResponse, reply: Reply): void => {
  try {
    outgoing.writeHead(reply.status, reply.headers)
    outgoing.end(reply.body)
  } catch {
    if (!outgoing.headersSent) outgoing.writeHead(invocationFailed.status, invocationFailed.headers)
    outgoing.end(invocationFailed.body)
  }
}
