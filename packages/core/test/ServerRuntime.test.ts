import {
  ApiError,
  Endpoint,
  ObjectId,
  Router,
  ServerRequest,
  ServerResponse,
  ServerRuntime
} from "@centrapay-effect/core"
import { describe, expect, it, vi } from "@effect/vitest"
import { Context, Duration, Effect, Layer, Logger, References, Schema } from "effect"

const CreateAssetTransfer = Endpoint.make("POST /api/asset-transfers", {
  403: ["INSUFFICIENT_WALLET_BALANCE", "QUOTA_EXCEEDED"]
})
const GetMerchantConfig = Endpoint.make(
  "GET /api/merchant-configs/{merchantConfigId}",
  {},
  { path: Schema.Struct({ merchantConfigId: ObjectId.MerchantConfigId }) }
)
const Boom = Endpoint.make("GET /boom", {})
const Slow = Endpoint.make("GET /slow", {})
const Busy = Endpoint.make("GET /busy", {})

class Wallets extends Context.Service<Wallets, { readonly balance: number }>()("test/Wallets") {}

let builds = 0
const WalletsLive = Layer.effect(
  Wallets,
  Effect.sync(() => {
    builds++
    return { balance: 10 }
  })
)

const Transfer = Schema.Struct({ amount: Schema.Int })

const app = Router.toHandler(
  Router.empty.pipe(
    Router.add(CreateAssetTransfer, () =>
      Effect.gen(function* () {
        yield* ServerResponse.appendHeader("set-cookie", "seen=1")
        const { amount } = yield* ServerRequest.jsonBody(Transfer)
        const wallets = yield* Wallets
        if (amount > wallets.balance)
          return yield* Effect.fail(Endpoint.violation(CreateAssetTransfer, "INSUFFICIENT_WALLET_BALANCE"))
        return ServerResponse.json({ transferred: amount }, { status: 200 })
      })
    ),
    Router.add(GetMerchantConfig, ({ path: { merchantConfigId } }) =>
      merchantConfigId === "mc_known"
        ? Effect.succeed(ServerResponse.json({ id: merchantConfigId }))
        : Effect.fail(new ApiError.ResourceForbidden({ message: "Forbidden" }))
    ),
    Router.add(Boom, () => Effect.die(new Error("database password is hunter2"))),
    Router.add(Slow, () => Effect.never),
    Router.add(Busy, () =>
      Effect.fail(
        new ApiError.ServerError({ status: 503, message: "Service Unavailable", retryAfter: Duration.seconds(5) })
      )
    )
  )
)

const request = (
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {}
): ServerRequest.ServerRequest => ({
  method,
  path,
  query: {},
  headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
  body: body === undefined ? undefined : JSON.stringify(body),
  requestId: "req-42"
})

describe("ServerRuntime with a router", () => {
  const runtime = ServerRuntime.make(app, WalletsLive)
  const handle = (r: ServerRequest.ServerRequest, deadline?: number) =>
    runtime.handle(r, Context.empty(), deadline === undefined ? undefined : { deadline: `${deadline} millis` })

  it("answers success, documented business errors and 400s in the wire format, keeping headers set before a failure", async () => {
    const ok = await handle(request("POST", "/api/asset-transfers", { amount: 5 }))
    expect(ok).toMatchObject({ status: 200, body: '{"transferred":5}' })
    expect(ok.headers["set-cookie"]).toBe("seen=1")

    const short = await handle(request("POST", "/api/asset-transfers", { amount: 50 }))
    expect(short.status).toBe(403)
    expect(JSON.parse(short.body)).toEqual({
      statusCode: 403,
      error: "Forbidden",
      message: "INSUFFICIENT_WALLET_BALANCE"
    })
    expect(short.headers["set-cookie"]).toBe("seen=1")

    const bad = await handle(request("POST", "/api/asset-transfers", { amount: "5" }))
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body)).toMatchObject({ problem: "schema-mismatch", issues: [{ path: ["body", "amount"] }] })
  })

  it("unknown routes and wrong methods are 404; a wrong ID prefix is a 400 naming the parameter", async () => {
    expect((await handle(request("GET", "/api/asset-transfer"))).status).toBe(404)
    expect((await handle(request("DELETE", "/api/asset-transfers"))).status).toBe(404)
    const wrongPrefix = await handle(request("GET", "/api/merchant-configs/c_123"))
    expect(wrongPrefix.status).toBe(400)
    expect(JSON.parse(wrongPrefix.body).issues).toEqual([
      { path: ["path", "merchantConfigId"], message: 'Expected a merchant config ID starting with "mc_"' }
    ])
    expect((await handle(request("GET", "/api/merchant-configs/mc_unknown"))).status).toBe(403)
    expect((await handle(request("GET", "/api/merchant-configs/mc_%E0%A4%A"))).status).toBe(400)
  })

  it("a defect is a generic 500 with the correlation id; the cause stays in the log", async () => {
    const response = await handle(request("GET", "/boom"))
    expect(response.status).toBe(500)
    expect(response.headers["x-request-id"]).toBe("req-42")
    expect(JSON.parse(response.body)).toEqual({
      statusCode: 500,
      error: "Internal Server Error",
      message: "Internal Server Error",
      correlationId: "req-42"
    })
    expect(response.body).not.toMatch(/hunter2|Error:|at /)
  })

  it("a typed 5xx keeps its status and Retry-After and gets the request id as correlation id", async () => {
    const response = await handle(request("GET", "/busy"))
    expect(response.status).toBe(503)
    expect(response.headers["retry-after"]).toBe("5")
    expect(response.headers["x-request-id"]).toBe("req-42")
    expect(JSON.parse(response.body)).toMatchObject({ message: "Service Unavailable", correlationId: "req-42" })
  })

  it("a deadline interrupts the program and answers 503 with Retry-After", async () => {
    const response = await handle(request("GET", "/slow"), 20)
    expect(response.status).toBe(503)
    expect(response.headers["retry-after"]).toBe("1")
  })

  it("builds the layer once for every request", async () => {
    await handle(request("POST", "/api/asset-transfers", { amount: 1 }))
    await handle(request("POST", "/api/asset-transfers", { amount: 1 }))
    expect(builds).toBe(1)
  })
})

describe("a layer that fails to build", () => {
  it("answers a clean 503 and is built again by the next request", async () => {
    let attempts = 0
    const Flaky = Layer.effect(
      Wallets,
      Effect.suspend(() => (++attempts === 1 ? Effect.fail("config missing") : Effect.succeed({ balance: 100 })))
    )
    const runtime = ServerRuntime.make(app, Flaky)
    const first = await runtime.handle(request("POST", "/api/asset-transfers", { amount: 1 }), Context.empty())
    expect(first.status).toBe(503)
    expect(first.body).not.toMatch(/config missing/)
    const second = await runtime.handle(request("POST", "/api/asset-transfers", { amount: 1 }), Context.empty())
    expect(second.status).toBe(200)
    expect(attempts).toBe(2)
    await runtime.dispose()
  })
})

/** Log lines, as a logger sees them. */
const logged: Array<{ readonly message: unknown; readonly annotations: Readonly<Record<string, unknown>> }> = []
const capture = Logger.make((options) => {
  logged.push({ message: options.message, annotations: options.fiber.getRef(References.CurrentLogAnnotations) })
})
const linesSaying = (message: string) => logged.filter((line) => String(line.message) === message)

const transferRequest = () => request("POST", "/api/asset-transfers", { amount: 1 })
const unavailable = {
  status: 503,
  headers: { "content-type": "application/json", "x-request-id": "req-42", "retry-after": "1" },
  body: '{"statusCode":503,"error":"Service Unavailable","message":"Service Unavailable","correlationId":"req-42"}'
}
const internalError = {
  status: 500,
  headers: { "content-type": "application/json", "x-request-id": "req-42" },
  body: '{"statusCode":500,"error":"Internal Server Error","message":"Internal Server Error","correlationId":"req-42"}'
}

describe("a layer that does not finish building", () => {
  it("answers 503 with Retry-After at the request's deadline, releases what it acquired, and a later request builds again", async () => {
    logged.length = 0
    let attempts = 0
    const released: Array<number> = []
    const StuckOnce = Layer.effect(
      Wallets,
      Effect.suspend(() => {
        const attempt = ++attempts
        return attempt === 1
          ? Effect.acquireRelease(Effect.void, () => Effect.sync(() => released.push(attempt))).pipe(
              Effect.andThen(Effect.never)
            )
          : Effect.succeed({ balance: 100 })
      })
    )
    const runtime = ServerRuntime.make(app, StuckOnce, { loggers: [capture] })
    expect(await runtime.handle(transferRequest(), Context.empty(), { deadline: "30 millis" })).toEqual(unavailable)
    await vi.waitFor(() => expect(released).toEqual([1]))
    const second = await runtime.handle(transferRequest(), Context.empty(), { deadline: "5 seconds" })
    expect(second).toMatchObject({ status: 200, body: '{"transferred":1}' })
    expect(attempts).toBe(2)
    expect(linesSaying("layer not built before the request's deadline; answered 503")).toEqual([
      {
        message: ["layer not built before the request's deadline; answered 503"],
        annotations: { requestId: "req-42", method: "POST", path: "/api/asset-transfers", status: 503 }
      }
    ])
    await runtime.dispose()
  })

  it("concurrent requests share one build, which goes on while any of them still waits", async () => {
    let attempts = 0
    const Slow = Layer.effect(
      Wallets,
      Effect.suspend(() => {
        attempts++
        return Effect.as(Effect.sleep("100 millis"), { balance: 100 })
      })
    )
    const runtime = ServerRuntime.make(app, Slow, { loggers: [capture] })
    const [impatient, patient] = await Promise.all([
      runtime.handle(transferRequest(), Context.empty(), { deadline: "10 millis" }),
      runtime.handle(transferRequest(), Context.empty(), { deadline: "10 seconds" })
    ])
    expect(impatient).toEqual(unavailable)
    expect(patient).toMatchObject({ status: 200, body: '{"transferred":1}' })
    expect(attempts).toBe(1)
    await runtime.dispose()
  })

  it("the build counts against the deadline: what is left of it bounds the program", async () => {
    // The build takes at least 40 ms of a 60 ms deadline; the program then needs 40 ms more.
    const program = Effect.as(Effect.sleep("40 millis"), ServerResponse.json({ ok: true }))
    const building = Layer.effectDiscard(Effect.sleep("40 millis"))
    const tight = ServerRuntime.make(program, building, { loggers: [capture] })
    expect(await tight.handle(transferRequest(), Context.empty(), { deadline: "60 millis" })).toEqual(unavailable)
    const roomy = ServerRuntime.make(program, building, { loggers: [capture] })
    expect(await roomy.handle(transferRequest(), Context.empty(), { deadline: "10 seconds" })).toMatchObject({
      status: 200,
      body: '{"ok":true}'
    })
    await Promise.all([tight.dispose(), roomy.dispose()])
  })

  it("a failed build is logged as one JSON line with the runtime's loggers", async () => {
    const lines: Array<string> = []
    const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)))
    const failing = Layer.effect(Wallets, Effect.fail("config missing"))
    const runtime = ServerRuntime.make(app, failing, { loggers: [Logger.consoleJson] })
    try {
      expect(await runtime.handle(transferRequest(), Context.empty())).toEqual(unavailable)
      await vi.waitFor(() => expect(lines).toHaveLength(1))
    } finally {
      spy.mockRestore()
      await runtime.dispose()
    }
    const line = JSON.parse(lines[0] ?? "")
    expect(line).toMatchObject({
      message: "layer failed to build; the next request tries again",
      level: "ERROR",
      annotations: { requestId: "req-42" }
    })
    expect(line.annotations.cause).toContain("config missing")
  })
})

describe("dispose", () => {
  it("gives up, logged, when a finalizer never ends", async () => {
    logged.length = 0
    const Hanging = Layer.effectDiscard(Effect.acquireRelease(Effect.void, () => Effect.never))
    const runtime = ServerRuntime.make(Effect.succeed(ServerResponse.json({ ok: true })), Hanging, {
      loggers: [capture],
      disposeTimeout: "50 millis"
    })
    expect((await runtime.handle(transferRequest(), Context.empty())).status).toBe(200)
    await runtime.dispose()
    await vi.waitFor(() =>
      expect(linesSaying("dispose gave up: the layer's resources were not released in time")).toEqual([
        {
          message: ["dispose gave up: the layer's resources were not released in time"],
          annotations: { timeout: "50ms" }
        }
      ])
    )
  })

  it("interrupts a build in progress: a request waiting for it without a deadline gets the 503", async () => {
    const runtime = ServerRuntime.make(app, Layer.effect(Wallets, Effect.never), { loggers: [capture] })
    const waiting = runtime.handle(transferRequest(), Context.empty())
    await runtime.dispose()
    expect(await waiting).toEqual(unavailable)
  })
})

describe("every 500 is logged, and nothing unsent escapes", () => {
  const hostile = new Proxy(
    {},
    {
      get: () => {
        throw new Error("inspecting me throws")
      }
    }
  )

  it.each([
    ["a defect", Effect.die(hostile)],
    ["a failure", Effect.fail(hostile)]
  ])("%s whose value throws when inspected is the generic 500, logged", async (_, program) => {
    logged.length = 0
    const runtime = ServerRuntime.make(program, Layer.empty, { loggers: [capture] })
    expect(await runtime.handle(transferRequest(), Context.empty())).toEqual(internalError)
    expect(linesSaying("request failed unexpectedly")).toEqual([
      {
        message: ["request failed unexpectedly"],
        annotations: {
          requestId: "req-42",
          method: "POST",
          path: "/api/asset-transfers",
          status: 500,
          cause: "(the cause could not be printed: inspecting it threw)"
        }
      }
    ])
    await runtime.dispose()
  })

  it("lastResort, for a failure outside the program, is the generic 500, logged", async () => {
    logged.length = 0
    const runtime = ServerRuntime.make(Effect.succeed(ServerResponse.json({ ok: true })), Layer.empty, {
      loggers: [capture]
    })
    expect(runtime.lastResort("req-42", new Error("event unreadable"))).toEqual(internalError)
    await vi.waitFor(() => expect(linesSaying("request failed outside the program; answered 500")).toHaveLength(1))
    expect(String(linesSaying("request failed outside the program; answered 500")[0]?.annotations.cause)).toContain(
      "event unreadable"
    )
  })
})

describe("responses are checked before they are sent", () => {
  const respondWith = (response: ServerResponse.ServerResponse) =>
    ServerRuntime.make(Effect.succeed(response), Layer.empty, { loggers: [capture] })

  it.each([
    ["a redirect", ServerResponse.json({}, { status: 302, headers: { location: "https://elsewhere.example" } })],
    ["status 1000", ServerResponse.json({}, { status: 1000 })],
    ["status NaN", ServerResponse.json({}, { status: Number.NaN })],
    ["a CR/LF in a header value", ServerResponse.json({}, { headers: { "x-note": "a\r\nset-cookie: admin=1" } })],
    ["a CR/LF in a header name", ServerResponse.json({}, { headers: { "x-a\r\nx-b": "1" } })]
  ])("%s is the generic 500, logged with the reason", async (_, response) => {
    logged.length = 0
    const runtime = respondWith(response)
    expect(await runtime.handle(transferRequest(), Context.empty())).toEqual(internalError)
    const [line] = linesSaying("response outside the contract or the platform's limits; answered 500")
    expect(line?.annotations).toMatchObject({ requestId: "req-42", status: 500 })
    expect(line?.annotations.cause).toMatch(/^(Status|Header) /)
    await runtime.dispose()
  })

  it("a header set before a typed failure is checked too", async () => {
    const program = ServerResponse.appendHeader("x-bad", "line\nbreak").pipe(
      Effect.andThen(Effect.fail(new ApiError.ResourceForbidden({ message: "Forbidden" })))
    )
    const runtime = ServerRuntime.make(program, Layer.empty, { loggers: [capture] })
    expect(await runtime.handle(transferRequest(), Context.empty())).toEqual(internalError)
    await runtime.dispose()
  })

  it("a response over the platform's limit is the generic 500; without a limit it goes out", async () => {
    const runtime = respondWith(ServerResponse.json({ note: "x".repeat(2048) }))
    const limited = await runtime.handle(transferRequest(), Context.empty(), { responseLimits: { maxJsonBytes: 2048 } })
    expect(limited).toEqual(internalError)
    expect((await runtime.handle(transferRequest(), Context.empty())).status).toBe(200)
    await runtime.dispose()
  })
})

describe("Retry-After", () => {
  it.each([
    [Duration.zero, "1"],
    [Duration.seconds(30), "30"]
  ])("a 503 with retryAfter %s is sent with Retry-After: %s (never 0)", async (retryAfter, header) => {
    const program = Effect.fail(new ApiError.ServerError({ status: 503, message: "Service Unavailable", retryAfter }))
    const runtime = ServerRuntime.make(program, Layer.empty)
    expect((await runtime.handle(transferRequest(), Context.empty())).headers["retry-after"]).toBe(header)
    await runtime.dispose()
  })

  it("a 429 with retryAfter 0 is sent with Retry-After: 1", async () => {
    const program = Effect.fail(
      new ApiError.TooManyRequests({ message: "RATE_LIMIT_EXCEEDED", retryAfter: Duration.zero })
    )
    const runtime = ServerRuntime.make(program, Layer.empty)
    expect(await runtime.handle(transferRequest(), Context.empty())).toEqual({
      status: 429,
      headers: { "content-type": "application/json", "retry-after": "1" },
      body: '{"statusCode":429,"error":"Too Many Requests","message":"RATE_LIMIT_EXCEEDED"}'
    })
    await runtime.dispose()
  })
})
