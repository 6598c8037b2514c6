/**
 * The fuzzer's judge. Its rules are written out here as data — the contract's
 * statuses and reason phrases, the wire error body, the headers an answer may
 * carry, what counts as a leak, which Lambda events are HTTP events and the
 * result each source accepts — never read from the code under test. Plain
 * functions without Node or Workers APIs: the Lambda run judges in Node, the
 * Workers run judges inside workerd, next to the handler.
 *
 * Each input gets a verdict: a **crash** (no answer: a rejection or throw
 * for an HTTP event, a hang, an answer after the platform's deadline, the
 * Workers error page; or the generic 500 of a last resort for a request
 * whose handler does not die), answers that are **invalid** (outside the
 * contract or the platform's result format), **leaks** (a secret, an AWS
 * key, a stack trace or a defect's message in the body or headers) and
 * **injected headers** (CR/LF in a header, a header name that is no token,
 * or a header that came from the input).
 */
import { defectMessages, inputMarker, marker } from "./Secrets.ts"

/** The contract, written out. */
export const contract = {
  /** Any 2xx is the handler's choice. */
  successes: { min: 200, max: 299 },
  /** The client errors the contract uses (`409`, `413`, `415`, `422` are not among them). */
  clientErrors: [400, 401, 403, 404, 429],
  /** Every 5xx is a server error. */
  serverErrors: { min: 500, max: 599 },
  /** The `error` field of a wire body, when present, for the statuses answered here. */
  reasonPhrases: {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout"
  } satisfies Readonly<Record<number, string>>,
  /**
   * The status of the generic answer to a defect: only a request whose
   * handler dies may get it (anything else means the adapter or core threw).
   */
  defectStatus: 500,
  /** Statuses that must say when to come back. */
  retryAfterRequired: [429],
  /** `Retry-After` as delay-seconds, at least 1. */
  retryAfter: /^[1-9][0-9]*$/,
  /** The headers an answer may carry: the contract's own and the ones the fuzz program sets. */
  responseHeaders: [
    "content-type",
    "x-request-id",
    "retry-after",
    "www-authenticate",
    "set-cookie",
    "location",
    "x-note",
    "x-trace"
  ],
  /** A header name (RFC 9110 token). */
  headerName: /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/,
  /** What a header must never hold. */
  headerBreak: /[\r\n\0]/,
  /** A correlation id fit for a header: 1 to 256 visible ASCII characters. */
  requestId: /^[\x21-\x7e]{1,256}$/
} as const

const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** What must never reach a caller, in a body or a header (a defect's message as sent, and escaped in JSON). */
export const leakPatterns: ReadonlyArray<readonly [name: string, pattern: RegExp]> = [
  ["marker secret", new RegExp(marker)],
  ["AWS access key", /AKIA[0-9A-Z]{16}/],
  ["stack trace", / {4}at /],
  ...defectMessages.flatMap(
    (message, index): Array<readonly [string, RegExp]> => [
      [`defect message ${index + 1}`, new RegExp(literal(message))],
      [`defect message ${index + 1}`, new RegExp(literal(JSON.stringify(message).slice(1, -1)))]
    ]
  )
]

/** An answer as the caller would get it: status, every header (names as sent), body text. */
export interface Answer {
  readonly status: number
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>
  readonly body: string
}

/** What was wrong with one input's answer. */
export interface Verdict {
  readonly crash: string | undefined
  readonly invalid: ReadonlyArray<string>
  readonly leaks: ReadonlyArray<string>
  readonly injected: ReadonlyArray<string>
}

/** The verdict for an input that got no answer. */
export const crashed = (why: string): Verdict => ({ crash: why, invalid: [], leaks: [], injected: [] })

const isInteger = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value)

const inContract = (status: number): boolean =>
  (status >= contract.successes.min && status <= contract.successes.max) ||
  contract.clientErrors.some((allowed) => allowed === status) ||
  (status >= contract.serverErrors.min && status <= contract.serverErrors.max)

const phraseOf = (status: number): string | undefined =>
  Object.entries(contract.reasonPhrases).find(([code]) => Number(code) === status)?.[1]

const headerValues = (answer: Answer, name: string): Array<string> =>
  answer.headers.filter(([each]) => each.toLowerCase() === name).map(([, value]) => value)

const parseJson = (text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

const fieldOf = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null && Object.hasOwn(value, name)
    ? Object.getOwnPropertyDescriptor(value, name)?.value
    : undefined

/**
 * Judges an answer against the contract: its status, its error body (the
 * wire JSON naming the status), `Retry-After`, the correlation id, leaks and
 * headers. `method` is the request's (a HEAD answer may have no body);
 * `platformHeaders` are added by the transport (workerd's HTTP front).
 */
export const judgeAnswer = (
  answer: Answer,
  options: { readonly method: string; readonly platformHeaders?: ReadonlyArray<string> }
): Omit<Verdict, "crash"> => {
  const invalid: Array<string> = []
  const leaks: Array<string> = []
  const injected: Array<string> = []
  const { status } = answer
  if (!isInteger(status) || !inContract(status)) invalid.push(`status ${status} is outside the contract`)
  const contentType = headerValues(answer, "content-type")[0]
  const bodiless = answer.body === "" && options.method.toUpperCase() === "HEAD"
  if (isInteger(status) && status >= 400 && status <= 599) {
    if (contentType === undefined || !contentType.toLowerCase().startsWith("application/json"))
      invalid.push(`an error answer's content-type is ${contentType ?? "missing"}`)
    if (!bodiless) invalid.push(...errorBodyProblems(answer))
  } else if (status === 204 && answer.body !== "") invalid.push("a 204 has a body")
  else if (contentType?.toLowerCase().startsWith("application/json") && !bodiless && answer.body !== "") {
    if (!parseJson(answer.body).ok) invalid.push("a JSON success body does not parse")
  }
  const retryAfter = headerValues(answer, "retry-after")
  if (contract.retryAfterRequired.some((each) => each === status) && retryAfter.length === 0)
    invalid.push(`a ${status} has no Retry-After`)
  for (const value of retryAfter)
    if (!contract.retryAfter.test(value)) invalid.push(`Retry-After ${JSON.stringify(value)} is not whole seconds ≥ 1`)

  for (const [name, pattern] of leakPatterns) {
    if (pattern.test(answer.body)) leaks.push(`${name} in the body`)
    if (answer.headers.some(([header, value]) => pattern.test(header) || pattern.test(value)))
      leaks.push(`${name} in a header`)
  }

  const allowed = [...contract.responseHeaders, ...(options.platformHeaders ?? [])]
  for (const [name, value] of answer.headers) {
    const lower = name.toLowerCase()
    if (!contract.headerName.test(name)) injected.push(`header name ${JSON.stringify(name)} is not a token`)
    if (contract.headerBreak.test(name) || contract.headerBreak.test(value))
      injected.push(`header ${JSON.stringify(lower)} holds CR, LF or NUL`)
    if (name.includes(inputMarker) || value.includes(inputMarker))
      injected.push(`header ${JSON.stringify(lower)} carries the input's marker`)
    if (!allowed.includes(lower))
      injected.push(`header ${JSON.stringify(lower)} is not one the program or contract sets`)
    if (lower === "x-request-id" && !contract.requestId.test(value))
      injected.push("x-request-id is not a clean id (1-256 visible ASCII characters)")
  }
  return { invalid: [...new Set(invalid)], leaks: [...new Set(leaks)], injected: [...new Set(injected)] }
}

const errorBodyProblems = (answer: Answer): Array<string> => {
  const parsed = parseJson(answer.body)
  if (!parsed.ok) return ["an error body is not JSON"]
  const body = parsed.value
  if (typeof body !== "object" || body === null || Array.isArray(body)) return ["an error body is not a JSON object"]
  const problems: Array<string> = []
  const statusCode = fieldOf(body, "statusCode")
  if (statusCode !== answer.status) problems.push(`an error body's statusCode ${statusCode} is not the status`)
  if (typeof fieldOf(body, "message") !== "string") problems.push("an error body has no message")
  const error = fieldOf(body, "error")
  const phrase = phraseOf(answer.status)
  if (error !== undefined && (typeof error !== "string" || (phrase !== undefined && error !== phrase)))
    problems.push(`an error body's error ${JSON.stringify(error)} is not the reason phrase`)
  if (answer.status >= 500) {
    const correlationId = fieldOf(body, "correlationId")
    const requestId = headerValues(answer, "x-request-id")[0]
    if (typeof correlationId !== "string" || correlationId !== requestId)
      problems.push("a 5xx body's correlationId is not its x-request-id")
  }
  return problems
}

// ---------------------------------------------------------------------------
// Lambda: which events are HTTP events, and what each source accepts back.

/** The HTTP event sources of the Lambda adapter. */
export type Source = "api-gateway-v1" | "api-gateway-v2" | "alb" | "function-url"

type Path = ReadonlyArray<string>
type Requirement = readonly [path: Path, kind: "string" | "record"]

/**
 * Where each source puts what identifies it (the adapter's documented
 * detection): an ALB event has `requestContext.elb` and a top-level
 * `httpMethod`; payload 2.0 has `requestContext.http.method` (a Function URL
 * when `requestContext.domainName` is a `.lambda-url.` one); REST v1 has a
 * top-level `httpMethod`. Tried in this order when no source is configured.
 */
export const detection: ReadonlyArray<readonly [Source | "payload-2.0", ReadonlyArray<Requirement>]> = [
  [
    "alb",
    [
      [["requestContext", "elb"], "record"],
      [["httpMethod"], "string"]
    ]
  ],
  ["payload-2.0", [[["requestContext", "http", "method"], "string"]]],
  ["api-gateway-v1", [[["httpMethod"], "string"]]]
]

/** With a configured source, the event is read as that source when it has the method where the source puts it. */
export const configuredDetection: Readonly<Record<Source, ReadonlyArray<Requirement>>> = {
  "api-gateway-v1": [[["httpMethod"], "string"]],
  "api-gateway-v2": [[["requestContext", "http", "method"], "string"]],
  "function-url": [[["requestContext", "http", "method"], "string"]],
  alb: [
    [["requestContext", "elb"], "record"],
    [["httpMethod"], "string"]
  ]
}

/**
 * The result each source accepts (anything else API Gateway or the ALB turns
 * into a 502): field kinds (`?` optional), and the size limit — 6 MB for a
 * synchronous invocation's response, 1 MB for an ALB target's body.
 */
export const resultFormats: Readonly<
  Record<
    Source,
    { readonly fields: Readonly<Record<string, FieldKind>>; readonly maxBytes: number; readonly maxBodyBytes?: number }
  >
> = {
  "api-gateway-v1": {
    fields: {
      statusCode: "integer",
      headers: "string-map?",
      multiValueHeaders: "string-list-map?",
      body: "string?",
      isBase64Encoded: "boolean?"
    },
    maxBytes: 6_291_456
  },
  "api-gateway-v2": {
    fields: {
      statusCode: "integer",
      headers: "string-map?",
      cookies: "string-list?",
      body: "string?",
      isBase64Encoded: "boolean?"
    },
    maxBytes: 6_291_456
  },
  "function-url": {
    fields: {
      statusCode: "integer",
      headers: "string-map?",
      cookies: "string-list?",
      body: "string?",
      isBase64Encoded: "boolean?"
    },
    maxBytes: 6_291_456
  },
  alb: {
    fields: {
      statusCode: "integer",
      statusDescription: "string",
      headers: "string-map?",
      multiValueHeaders: "string-list-map?",
      body: "string?",
      isBase64Encoded: "boolean?"
    },
    maxBytes: 6_291_456,
    maxBodyBytes: 1_048_576
  }
}

type FieldKind = "integer" | "string" | "string?" | "boolean?" | "string-map?" | "string-list?" | "string-list-map?"

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const at = (value: unknown, path: Path): unknown =>
  path.reduce<unknown>((current, name) => (isRecord(current) ? fieldOf(current, name) : undefined), value)

const meets = (event: unknown, requirements: ReadonlyArray<Requirement>): boolean =>
  isRecord(event) &&
  requirements.every(([path, kind]) => {
    const value = at(event, path)
    return kind === "string" ? typeof value === "string" : isRecord(value)
  })

/** The source an event is served as, or `undefined` for an event that is not an HTTP event. */
export const sourceOf = (event: unknown, configured: Source | undefined): Source | undefined => {
  if (configured !== undefined) return meets(event, configuredDetection[configured]) ? configured : undefined
  for (const [source, requirements] of detection) {
    if (!meets(event, requirements)) continue
    if (source !== "payload-2.0") return source
    const domain = at(event, ["requestContext", "domainName"])
    return typeof domain === "string" && domain.includes(".lambda-url.") ? "function-url" : "api-gateway-v2"
  }
  return undefined
}

const kindProblem = (value: unknown, kind: FieldKind): string | undefined => {
  const optional = kind.endsWith("?")
  if (value === undefined) return optional ? undefined : "is missing"
  switch (kind) {
    case "integer":
      return isInteger(value) ? undefined : `is ${String(value)}, not an integer`
    case "string":
    case "string?":
      return typeof value === "string" ? undefined : "is not a string"
    case "boolean?":
      return typeof value === "boolean" ? undefined : "is not a boolean"
    case "string-map?":
      return isRecord(value) && Object.values(value).every((each) => typeof each === "string")
        ? undefined
        : "is not a map of strings"
    case "string-list?":
      return Array.isArray(value) && value.every((each) => typeof each === "string")
        ? undefined
        : "is not a list of strings"
    case "string-list-map?":
      return isRecord(value) &&
        Object.values(value).every((each) => Array.isArray(each) && each.every((item) => typeof item === "string"))
        ? undefined
        : "is not a map of string lists"
  }
}

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).byteLength

/**
 * Reads a Lambda result as the platform would: the problems that make it
 * unusable (a 502 at API Gateway or the ALB), and the answer the caller gets.
 */
export const lambdaAnswer = (
  result: unknown,
  source: Source,
  event: unknown
): { readonly invalid: ReadonlyArray<string>; readonly answer: Answer | undefined } => {
  if (!isRecord(result)) return { invalid: ["the result is not an object"], answer: undefined }
  const format = resultFormats[source]
  const invalid: Array<string> = []
  for (const [name, kind] of Object.entries(format.fields)) {
    const problem = kindProblem(fieldOf(result, name), kind)
    if (problem !== undefined) invalid.push(`result.${name} ${problem}`)
  }
  let serialised: string | undefined
  try {
    serialised = JSON.stringify(result)
  } catch {
    invalid.push("the result is not JSON-serialisable")
  }
  if (serialised !== undefined && utf8Bytes(serialised) > format.maxBytes)
    invalid.push(`the result is over ${format.maxBytes} bytes`)
  const body = fieldOf(result, "body")
  const text = typeof body === "string" ? body : ""
  if (format.maxBodyBytes !== undefined && utf8Bytes(text) > format.maxBodyBytes)
    invalid.push(`the body is over ${format.maxBodyBytes} bytes`)
  const status = fieldOf(result, "statusCode")
  if (source === "alb") {
    const description = fieldOf(result, "statusDescription")
    if (typeof description === "string" && !description.startsWith(`${String(status)} `))
      invalid.push("statusDescription does not start with the status")
    if (isRecord(fieldOf(event, "multiValueHeaders")) && !isRecord(fieldOf(result, "multiValueHeaders")))
      invalid.push("a multi-value ALB event was answered without multiValueHeaders")
  }
  if (fieldOf(result, "isBase64Encoded") === true) invalid.push("a text answer is marked isBase64Encoded")
  if (invalid.length > 0 || !isInteger(status)) return { invalid, answer: undefined }
  const headers: Array<readonly [string, string]> = []
  for (const [name, value] of Object.entries(fieldOf(result, "headers") ?? {})) headers.push([name, String(value)])
  const multi = fieldOf(result, "multiValueHeaders")
  if (isRecord(multi))
    for (const [name, values] of Object.entries(multi))
      if (Array.isArray(values)) for (const value of values) headers.push([name, String(value)])
  const cookies = fieldOf(result, "cookies")
  if (Array.isArray(cookies)) for (const cookie of cookies) headers.push(["set-cookie", String(cookie)])
  return { invalid, answer: { status, headers, body: text } }
}

/** How a Lambda invocation ended. */
export type LambdaOutcome =
  | { readonly kind: "resolved"; readonly value: unknown; readonly ms: number }
  | { readonly kind: "rejected"; readonly error: unknown; readonly ms: number }
  | { readonly kind: "threw"; readonly error: unknown }
  | { readonly kind: "hung"; readonly after: number }

/**
 * Judges one invocation. An HTTP event (by `sourceOf`) must be answered with
 * a valid result of its source's format within the invocation's time
 * (`timeoutMs`), and with the generic 500 only when `mayDie`; any other event
 * must be rejected with `UnsupportedEvent`.
 */
export const judgeLambda = (
  input: {
    readonly event: unknown
    readonly source: Source | undefined
    readonly method: string
    readonly timeoutMs: number
    readonly mayDie: boolean
  },
  outcome: LambdaOutcome
): Verdict => {
  const served = sourceOf(input.event, input.source)
  if (outcome.kind === "threw") return crashed(`the handler threw: ${describeError(outcome.error)}`)
  if (outcome.kind === "hung") return crashed(`no answer within ${outcome.after} ms`)
  if (served === undefined) {
    if (outcome.kind === "rejected" && fieldOf(outcome.error, "_tag") === "UnsupportedEvent")
      return { crash: undefined, invalid: [], leaks: [], injected: [] }
    return {
      crash: undefined,
      invalid: [
        outcome.kind === "rejected"
          ? `a non-HTTP event was rejected with ${describeError(outcome.error)}, not UnsupportedEvent`
          : "a non-HTTP event was answered as HTTP"
      ],
      leaks: [],
      injected: []
    }
  }
  if (outcome.kind === "rejected")
    return crashed(`an HTTP event (${served}) was rejected: ${describeError(outcome.error)}`)
  if (outcome.ms > input.timeoutMs) return crashed(`answered after the invocation's timeout (${input.timeoutMs} ms)`)
  const read = lambdaAnswer(outcome.value, served, input.event)
  if (read.answer === undefined) return { crash: undefined, invalid: read.invalid, leaks: [], injected: [] }
  const judged = judgeAnswer(read.answer, { method: input.method })
  return {
    crash: unexpectedDefect(read.answer, input.mayDie),
    ...judged,
    invalid: [...read.invalid, ...judged.invalid]
  }
}

// A last resort answered a request whose handler does not die: the adapter or core threw on the way.
const unexpectedDefect = (answer: Answer, mayDie: boolean): string | undefined =>
  answer.status === contract.defectStatus && !mayDie
    ? "a generic 500 for a request whose handler does not die"
    : undefined

/** A short, safe description of a thrown value (the value itself may throw when read). */
export const describeError = (error: unknown): string => {
  try {
    const tag = fieldOf(error, "_tag") ?? fieldOf(error, "name") ?? (error instanceof Error ? error.name : typeof error)
    const message = error instanceof Error ? error.message : fieldOf(error, "message")
    return `${String(tag)}${typeof message === "string" ? `: ${message.slice(0, 120)}` : ""}`
  } catch {
    return "an unreadable value"
  }
}

// ---------------------------------------------------------------------------
// Workers

/** How a Worker request ended. */
export type WorkerOutcome =
  | { readonly kind: "answered"; readonly answer: Answer; readonly ms: number }
  | { readonly kind: "threw"; readonly error: unknown }
  | { readonly kind: "hung"; readonly after: number }

/** Headers workerd's HTTP front adds to what the Worker answered. */
export const workerdHeaders: ReadonlyArray<string> = ["content-length", "transfer-encoding"]

/**
 * Judges one Worker request. `deadlineMs`, for a request that waits on the
 * handler's deadline (a slow program, a stuck or slow layer), is the latest
 * acceptable answer; `overHttp` when the request went through workerd's HTTP
 * front, where an uncaught exception becomes workerd's own error page;
 * `mayDie` when its handler dies (the generic 500 is then its answer).
 */
export const judgeWorker = (
  input: {
    readonly method: string
    readonly deadlineMs: number | undefined
    readonly overHttp: boolean
    readonly mayDie: boolean
  },
  outcome: WorkerOutcome
): Verdict => {
  if (outcome.kind === "threw") return crashed(`the handler threw: ${describeError(outcome.error)}`)
  if (outcome.kind === "hung") return crashed(`no answer within ${outcome.after} ms`)
  if (input.deadlineMs !== undefined && outcome.ms > input.deadlineMs)
    return crashed(`answered after ${input.deadlineMs} ms, past its deadline`)
  const { answer } = outcome
  if (input.overHttp && answer.status === 500 && !parseJson(answer.body).ok)
    return crashed("workerd's error page (an uncaught exception)")
  return {
    crash: unexpectedDefect(answer, input.mayDie),
    ...judgeAnswer(answer, { method: input.method, platformHeaders: input.overHttp ? workerdHeaders : [] })
  }
}
