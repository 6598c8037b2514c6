/**
 * The Lambda fuzzer's inputs: hostile events, the handler each goes to and
 * the context it gets. Input `i` of a seed is the same every time.
 *
 * Each input starts from one of the real AWS sample events in
 * `packages/lambda-adapter/test/fixtures` (REST v1, HTTP API v2, Function
 * URL, ALB), carries a hostile request (`Requests.request`) in that source's
 * shape, then gets what only a hand-made or broken event can carry: fields
 * of the wrong type or missing, lying base64, invalid UTF-8, CR/LF and NUL
 * in header values, non-string header values, mixed-case duplicate headers,
 * header names that are no token, 10,000 headers and query values, a hostile
 * request id, odd cookies and authorizers. Some inputs are not HTTP events
 * at all (SQS, S3, EventBridge samples, `null`, numbers, arrays, near
 * misses): those must be rejected with `UnsupportedEvent`.
 *
 * Handlers: source detected (most inputs), each configured source, and the
 * program on a layer that fails to build, never finishes building or builds
 * late. Contexts: a normal one, one without a request id (the event's is
 * used), one whose remaining-time call throws or lies, and a tight one (50 ms
 * before the margin) for inputs that answer only by the deadline.
 */
import { Buffer } from "node:buffer"
import { LambdaContext } from "@centrapay-effect/lambda-adapter"
import { Duration } from "effect"
import * as Fixtures from "../../packages/lambda-adapter/test/support/fixtures.ts"
import type { Source } from "./Judge.ts"
import { type Draw, forInput } from "./Random.ts"
import { abbreviate } from "./Report.ts"
import * as Requests from "./Requests.ts"
import { defectMessage, inputMarker } from "./Secrets.ts"

type Mutable = Record<string, unknown>

/** A Lambda invocation context, as `LambdaContext.local` makes one. */
export type InvocationContext = ReturnType<typeof LambdaContext.local>

/** Which handler an input goes to. */
export type HandlerKind = "detected" | Source | "failing layer" | "stuck layer" | "slow layer"

/** Which context it gets. */
export type ContextKind = "normal" | "no request id" | "remaining time throws" | "remaining time NaN" | "tight"

/** One generated input. */
export interface LambdaInput {
  readonly index: number
  readonly event: unknown
  readonly method: string
  readonly handler: HandlerKind
  readonly context: ContextKind
  /** Answers only by the deadline: timed with the others that do, not in turn. */
  readonly waits: boolean
  /** A generic 500 is a valid answer: the route's handler dies, or the context cannot say the time left. */
  readonly mayDie: boolean
  readonly labels: ReadonlyArray<string>
}

/**
 * How long before the Lambda timeout the handlers answer 503 (the adapter's
 * documented default): an answer may come this late after the deadline
 * before Lambda would have killed the invocation.
 */
export const margin = 500
/** The time a tight context leaves the program: its timeout is `margin + tightBudget`. */
const tightBudget = 50
const normalTimeout = 30_000

const samples: ReadonlyArray<readonly [Source, string, string]> = (
  [
    ["api-gateway-v1", Fixtures.v1Fixtures],
    ["api-gateway-v2", Fixtures.v2Fixtures],
    ["function-url", Fixtures.functionUrlFixtures],
    ["alb", Fixtures.albFixtures]
  ] as const
).flatMap(([source, names]) => names.map((name) => [source, name, JSON.stringify(Fixtures.anyEvent(name))] as const))

const nonHttpSamples: ReadonlyArray<readonly [string, string]> = Fixtures.nonHttpFixtures.map((name) => [
  name,
  JSON.stringify(Fixtures.anyEvent(name))
])

const isRecord = (value: unknown): value is Mutable =>
  typeof value === "object" && value !== null && !Array.isArray(value)

// Sets a key as JSON.parse would: `__proto__` becomes an own property, not the prototype.
const put = (record: Mutable, key: string, value: unknown): void => {
  if (key === "__proto__")
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
  else record[key] = value
}

const recordOf = (value: unknown): Mutable => (isRecord(value) ? value : {})

const single = (pairs: ReadonlyArray<readonly [string, string]>, join?: string): Mutable => {
  const values = new Map<string, string>()
  for (const [name, value] of pairs) {
    const earlier = values.get(name)
    values.set(name, join !== undefined && earlier !== undefined ? `${earlier}${join}${value}` : value)
  }
  const map: Mutable = {}
  for (const [name, value] of values) put(map, name, value)
  return map
}

const multi = (pairs: ReadonlyArray<readonly [string, string]>): Mutable => {
  const lists = new Map<string, Array<string>>()
  for (const [name, value] of pairs) {
    const list = lists.get(name)
    if (list === undefined) lists.set(name, [value])
    else list.push(value)
  }
  const map: Mutable = {}
  for (const [name, list] of lists) put(map, name, list)
  return map
}

const decodedPairs = (pairs: ReadonlyArray<readonly [string, string]>) =>
  pairs.map(([name, value]) => [Requests.decoded(name), Requests.decoded(value)] as const)

const setBody = (event: Mutable, body: Requests.Body | undefined): void => {
  if (body === undefined) {
    event.body = null
    event.isBase64Encoded = false
    return
  }
  const text = Requests.bodyText(body)
  event.body = text ?? Buffer.from(Requests.bodyBytes(body)).toString("base64")
  event.isBase64Encoded = text === undefined
}

/** The request in the shape of `source`, over the sample `event`. */
const encode = (source: Source, event: Mutable, request: Requests.FuzzRequest): void => {
  const context = recordOf(event.requestContext)
  event.requestContext = context
  const query = request.query
  switch (source) {
    case "api-gateway-v1": {
      event.httpMethod = request.method
      event.path = request.path
      event.resource = "/{proxy+}"
      context.httpMethod = request.method
      context.path = request.path
      event.headers = single(request.headers)
      event.multiValueHeaders = multi(request.headers)
      event.queryStringParameters = query.length === 0 ? null : single(decodedPairs(query))
      event.multiValueQueryStringParameters = query.length === 0 ? null : multi(decodedPairs(query))
      break
    }
    case "api-gateway-v2":
    case "function-url": {
      event.rawPath = request.path
      event.rawQueryString = Requests.queryString(query)
      const http = recordOf(context.http)
      context.http = http
      http.method = request.method
      http.path = Requests.decoded(request.path)
      if (query.length === 0) delete event.queryStringParameters
      else event.queryStringParameters = single(decodedPairs(query), ",")
      const cookies = request.headers.filter(([name]) => name === "cookie").flatMap(([, value]) => value.split("; "))
      event.headers = single(
        request.headers.filter(([name]) => name !== "cookie"),
        ","
      )
      if (cookies.length === 0) delete event.cookies
      else event.cookies = cookies
      break
    }
    case "alb": {
      event.httpMethod = request.method
      event.path = request.path
      if (isRecord(event.multiValueHeaders)) {
        event.multiValueHeaders = multi(request.headers)
        event.multiValueQueryStringParameters = multi(query)
        if (isRecord(event.headers)) event.headers = single(request.headers, ",")
      } else {
        event.headers = single(request.headers, ",")
        event.queryStringParameters = single(query)
      }
      break
    }
  }
  setBody(event, request.body)
}

const wrongValues: ReadonlyArray<unknown> = [null, 0, 42, -1, true, "", "x", [], [1, "a"], {}, { a: { b: [] } }]

// Fields a mutation may break, by where they are.
const fields: ReadonlyArray<ReadonlyArray<string>> = [
  ["httpMethod"],
  ["path"],
  ["rawPath"],
  ["rawQueryString"],
  ["headers"],
  ["multiValueHeaders"],
  ["queryStringParameters"],
  ["multiValueQueryStringParameters"],
  ["body"],
  ["isBase64Encoded"],
  ["cookies"],
  ["pathParameters"],
  ["stageVariables"],
  ["requestContext"],
  ["requestContext", "http"],
  ["requestContext", "http", "method"],
  ["requestContext", "http", "path"],
  ["requestContext", "requestId"],
  ["requestContext", "stage"],
  ["requestContext", "domainName"],
  ["requestContext", "authorizer"],
  ["requestContext", "elb"]
]

const parentOf = (event: Mutable, path: ReadonlyArray<string>): Mutable | undefined => {
  let current: unknown = event
  for (const name of path.slice(0, -1)) current = isRecord(current) ? current[name] : undefined
  return isRecord(current) ? current : undefined
}

const headerMaps = (event: Mutable): Array<Mutable> => [event.headers, event.multiValueHeaders].filter(isRecord)

const addHeader = (event: Mutable, name: string, value: unknown): void => {
  if (isRecord(event.headers)) put(event.headers, name, value)
  if (isRecord(event.multiValueHeaders)) put(event.multiValueHeaders, name, [value])
  if (!isRecord(event.headers) && !isRecord(event.multiValueHeaders)) event.headers = single([[name, String(value)]])
}

/** What only an event can carry, beyond what any HTTP client sends. */
const mutations: ReadonlyArray<readonly [weight: number, name: string, mutate: (event: Mutable, draw: Draw) => void]> =
  [
    [
      6,
      "wrong type",
      (event, draw) => {
        const path = draw.pick(fields)
        const parent = parentOf(event, path)
        const last = path[path.length - 1]
        if (parent !== undefined && last !== undefined) put(parent, last, draw.pick(wrongValues))
      }
    ],
    [
      3,
      "missing field",
      (event, draw) => {
        const path = draw.pick(fields)
        const parent = parentOf(event, path)
        const last = path[path.length - 1]
        if (parent !== undefined && last !== undefined) delete parent[last]
      }
    ],
    [
      3,
      "lying base64",
      (event, draw) => {
        event.isBase64Encoded = draw.pick([true, "true", 1])
        event.body = draw.pick([
          '{"amount":5,"recipient":"mc_known"}',
          "!!!not base64$$",
          "eyJh",
          "=====",
          "a".repeat(8192)
        ])
      }
    ],
    [
      2,
      "invalid UTF-8 in base64",
      (event, draw) => {
        event.isBase64Encoded = true
        event.body = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, draw.int(0x80, 0xff)]).toString(
          "base64"
        )
      }
    ],
    [
      0.2,
      "6 MB base64 body",
      (event) => {
        event.isBase64Encoded = true
        event.body = "QUFB".repeat(2 * 1024 * 1024)
      }
    ],
    [
      3,
      "header with CR/LF or NUL",
      (event, draw) =>
        addHeader(
          event,
          draw.pick(["x-fuzz", "content-type", "x-api-key", "cookie"]),
          draw.pick([`a\r\nx-injected: ${inputMarker}`, "a\nb", "a\0b", "\r\n\r\n"])
        )
    ],
    [
      2,
      "non-string header value",
      (event, draw) => addHeader(event, draw.pick(["x-api-key", "content-type", "x-fuzz"]), draw.pick(wrongValues))
    ],
    [
      2,
      "header name no token",
      (event, draw) => addHeader(event, draw.pick(["x bad", "x:y", "", "ü-name", "a\r\nb", "\u0000"]), inputMarker)
    ],
    [
      3,
      "mixed-case duplicate headers",
      (event, draw) => {
        const [lower, upper] = draw.pick([
          ["x-api-key", "X-Api-Key"],
          ["content-type", "Content-Type"],
          ["cookie", "Cookie"]
        ] as const)
        for (const map of headerMaps(event)) {
          const list = map === event.multiValueHeaders
          put(map, lower, list ? ["key-live-1"] : "key-live-1")
          put(map, upper, list ? [`${inputMarker}-upper`] : `${inputMarker}-upper`)
        }
        if (headerMaps(event).length === 0)
          event.headers = single([
            [lower, "key-live-1"],
            [upper, inputMarker]
          ])
      }
    ],
    [
      2,
      "prototype-named keys in every map",
      (event, draw) => {
        const name = draw.pick(Requests.prototypeNames)
        for (const key of ["headers", "queryStringParameters", "pathParameters", "stageVariables"])
          put(event, key, single([[name, inputMarker]]))
        for (const key of ["multiValueHeaders", "multiValueQueryStringParameters"])
          put(event, key, multi([[name, inputMarker]]))
      }
    ],
    [0.5, "giant header", (event) => addHeader(event, "x-fuzz", "g".repeat(1_048_576))],
    [
      0.3,
      "10,000 header names",
      (event) => {
        const pairs = Array.from({ length: 10_000 }, (_, k) => [`x-h${k}`, "1"] as const)
        event.headers = single(pairs)
        if (isRecord(event.multiValueHeaders)) event.multiValueHeaders = multi(pairs)
      }
    ],
    [
      0.3,
      "10,000 values of one header",
      (event) => {
        event.multiValueHeaders = { "x-api-key": Array.from({ length: 10_000 }, (_, k) => `${inputMarker}-${k}`) }
      }
    ],
    [
      0.3,
      "10,000 values of one query name (maps)",
      (event) => {
        const values = Array.from({ length: 10_000 }, (_, k) => String(k))
        event.multiValueQueryStringParameters = multi(values.map((value) => ["order", value] as const))
        event.queryStringParameters = { order: "asc" }
      }
    ],
    [
      3,
      "hostile request id",
      (event, draw) => {
        const context = recordOf(event.requestContext)
        event.requestContext = context
        context.requestId = draw.pick([
          "\r\nx-injected: 1",
          "a b c",
          "x".repeat(5000),
          "",
          "é",
          "\u0000",
          12345,
          null,
          'id"}'
        ])
      }
    ],
    [
      1,
      "odd cookies",
      (event, draw) => {
        event.cookies = draw.pick([[123, null, "a=b\r\nc: d", "__proto__=1"], "a=1", [{}], [`${inputMarker}=1`]])
      }
    ],
    [
      1,
      "odd authorizer",
      (event, draw) => {
        const context = recordOf(event.requestContext)
        event.requestContext = context
        context.authorizer = draw.pick([
          {
            jwt: {
              claims: single([
                ["__proto__", "x"],
                ["sub", "u"]
              ]),
              scopes: "nope"
            }
          },
          { lambda: null },
          { iam: 5 },
          JSON.parse('{"constructor":{"prototype":{}},"principalId":7,"__proto__":{"admin":true}}'),
          "toString"
        ])
      }
    ],
    [
      1,
      "odd stage",
      (event, draw) => {
        const context = recordOf(event.requestContext)
        event.requestContext = context
        context.stage = draw.pick(["__proto__", "", "ok", "/", "transfers", 5])
      }
    ],
    [
      1,
      "Function URL domain",
      (event) => {
        const context = recordOf(event.requestContext)
        event.requestContext = context
        context.domainName = "abc.lambda-url.us-east-1.on.aws"
      }
    ],
    [
      1,
      "ALB marker on another source",
      (event) => {
        const context = recordOf(event.requestContext)
        event.requestContext = context
        context.elb = { targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/y" }
        if (typeof event.httpMethod !== "string") event.httpMethod = "GET"
      }
    ],
    [
      2,
      "odd method",
      (event, draw) => {
        const method = draw.pick(["get", "", "G\r\nET", "__proto__", "CONNECT", "TRACE", "x".repeat(1000), "GET "])
        if (typeof event.httpMethod === "string") event.httpMethod = method
        const http = recordOf(recordOf(event.requestContext).http)
        if (typeof http.method === "string") http.method = method
      }
    ],
    [
      2,
      "odd path",
      (event, draw) => {
        const path = draw.pick(["", "ok", "\u0000", "//", "/ok\r\n", "/%", "/".repeat(5000), `/${inputMarker}`])
        if ("rawPath" in event) event.rawPath = path
        else event.path = path
      }
    ],
    [
      0.2,
      "raw query with 20,000 pairs",
      (event) => {
        event.rawQueryString = Array.from({ length: 20_000 }, (_, k) => `a=${k}`).join("&")
      }
    ]
  ]

// Mutations that make the handler work for milliseconds (base64-decoding 6 MB, 10,000 headers).
const heavy: ReadonlyArray<string> = [
  "6 MB base64 body",
  "giant header",
  "10,000 header names",
  "10,000 values of one header",
  "10,000 values of one query name (maps)",
  "raw query with 20,000 pairs"
]

const nonHttpEvents: ReadonlyArray<(draw: Draw) => unknown> = [
  (draw) => JSON.parse(draw.pick(nonHttpSamples)[1]),
  () => null,
  () => undefined,
  (draw) => draw.pick([0, 42, -1, 1e308, Number.NaN]),
  (draw) => draw.pick(["GET /ok", "", "{}"]),
  () => true,
  () => [],
  (draw) => [JSON.parse(draw.pick(samples)[2])],
  () => ({}),
  () => ({ Records: 5 }),
  () => ({ Records: [{}] }),
  () => ({ "detail-type": "Scheduled Event", source: "aws.events" }),
  () => ({ requestContext: { connectionId: "abc=", routeKey: "$connect" } }),
  () => ({ version: "2.0", rawPath: "/ok", requestContext: { http: {} } }),
  () => ({ httpMethod: 5, path: "/ok" }),
  () => JSON.parse('{"__proto__":{"httpMethod":"GET","path":"/ok"}}'),
  () => ({ requestContext: { elb: {} }, path: "/ok" })
]

/** The context of an input of that kind: a fresh one, its time counted from now. */
export const contextOf = (kind: ContextKind, index: number): InvocationContext => {
  const requestId = `fuzz-${index}`
  switch (kind) {
    case "normal":
      return LambdaContext.local({ requestId, timeout: Duration.millis(normalTimeout) })
    case "tight":
      return LambdaContext.local({ requestId, timeout: Duration.millis(margin + tightBudget) })
    case "no request id":
      return { ...LambdaContext.local({ timeout: Duration.millis(normalTimeout) }), awsRequestId: "" }
    case "remaining time throws":
      return {
        ...LambdaContext.local({ requestId }),
        getRemainingTimeInMillis: () => {
          throw new Error(defectMessage)
        }
      }
    case "remaining time NaN":
      return { ...LambdaContext.local({ requestId }), getRemainingTimeInMillis: () => Number.NaN }
  }
}

/** The Lambda timeout of a context of that kind, in ms. */
export const timeoutOf = (kind: ContextKind): number => (kind === "tight" ? margin + tightBudget : normalTimeout)

/** Input `index` of `seed`: the same event, handler and context every time. */
export const generate = (seed: number, index: number): LambdaInput => {
  const draw = forInput(seed, index)
  const handler = draw.weighted<HandlerKind>([
    [86, "detected"],
    [2, "api-gateway-v1"],
    [2, "api-gateway-v2"],
    [2, "function-url"],
    [2, "alb"],
    [2, "failing layer"],
    [2, "stuck layer"],
    [2, "slow layer"]
  ])
  if (draw.chance(0.05)) {
    return {
      index,
      event: draw.pick(nonHttpEvents)(draw),
      method: "GET",
      handler,
      context: "normal",
      waits: false,
      mayDie: false,
      labels: ["not an HTTP event"]
    }
  }
  const layerWaits = handler === "stuck layer" || handler === "slow layer"
  const request = Requests.request(draw, layerWaits ? Requests.overHttp : Requests.inProcess)
  const waits = request.waits || layerWaits
  const [source, name, sample] = draw.pick(samples)
  const event: Mutable = JSON.parse(sample)
  encode(source, event, request)
  const applied: Array<string> = []
  const count = draw.weighted([
    [50, 0],
    [30, 1],
    [15, 2],
    [5, 4]
  ])
  // Inputs that wait on a deadline are timed together: they get no mutation heavy enough to hold up the others.
  const allowed = mutations.filter(([, name]) => !(waits && heavy.includes(name)))
  for (let n = 0; n < count; n++) {
    const [, mutation, mutate] = draw.weighted(allowed.map((entry) => [entry[0], entry] as const))
    mutate(event, draw)
    applied.push(mutation)
  }
  const context = waits
    ? "tight"
    : draw.weighted<ContextKind>([
        [83, "normal"],
        [12, "no request id"],
        [3, "remaining time throws"],
        [2, "remaining time NaN"]
      ])
  return {
    index,
    event,
    method: request.method,
    handler,
    context,
    waits,
    mayDie: request.dies || context === "remaining time throws",
    labels: [`${source} sample ${name}`, ...request.labels, ...applied]
  }
}

/** One line saying what an input is, for the report. */
export const describe = (input: LambdaInput): string =>
  `#${input.index} [${input.handler} handler, ${input.context} context] ${input.labels.join("; ")}: ${abbreviate(input.event)}`
