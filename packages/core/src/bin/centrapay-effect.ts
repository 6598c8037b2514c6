#!/usr/bin/env node
/**
 * `centrapay-effect`: explains HTTP responses by Centrapay's contract, with
 * the same decode the client uses.
 *
 *   centrapay-effect explain <status> [body | -] [--endpoint "METHOD /path"] [--idempotency-key] [--header "Name: value"]... [--contracts <file>]...
 *   centrapay-effect explain --json [--contracts <file>]... < responses.ndjson
 *   centrapay-effect openapi > centrapay.openapi.json
 *
 * @module
 */
import { createInterface } from "node:readline"
import { text } from "node:stream/consumers"
import { parseArgs, styleText } from "node:util"
import * as Centrapay from "../Centrapay.ts"
import { description } from "../internal/centrapayDocs.ts"
import { type Contracts, centrapay, load } from "../internal/contracts.ts"
import { explain, explainLine, type Request } from "../internal/explain.ts"
import { type Paint, plain, report } from "../internal/report.ts"
import * as OpenApi from "../OpenApi.ts"

const usage = `Usage:
  centrapay-effect explain <status> [body | -] [--endpoint "METHOD /path"] [--idempotency-key] [--header "Name: value"]...
      Explains one response for a person. The body is the raw text as received ("-" reads it from stdin).
      --endpoint         the request, e.g. "POST /api/asset-transfers" or a concrete path; applies its documented errors
      --idempotency-key  the request's body carried an idempotencyKey (a POST may then be sent again)
      --header           a response header, e.g. "Retry-After: 3"; repeatable
      --contracts        your own endpoint contracts instead of Centrapay's catalog: a .json file in the
                         catalog's format, or a .ts/.js module exporting endpoints made with Endpoint.make;
                         repeatable

  centrapay-effect explain --json [--contracts <file>]...
      Reads NDJSON from stdin, one response per line:
        {"method","path","idempotencyKey"?,"status","headers"?,"body"?}
      and writes one JSON line per response, in order:
        {"kind","tag","status","message","documented","description","retryable","decision","retryAfterMs","endpoint","hints"}
      A line that is not a valid response gives {"error","line"}; processing continues.

  centrapay-effect openapi
      Prints the OpenAPI 3.1 document of every Centrapay endpoint: parameters, bodies, and each error
      response with its documented codes and what the docs say they mean.
`

type Command =
  | { readonly _tag: "Help" }
  | { readonly _tag: "OpenApi" }
  | { readonly _tag: "Json"; readonly contracts: ReadonlyArray<string> }
  | {
      readonly _tag: "Explain"
      readonly contracts: ReadonlyArray<string>
      readonly status: number
      readonly body: string | undefined
      readonly request: Request | undefined
      readonly headers: Readonly<Record<string, ReadonlyArray<string>>>
    }

// A command, or what is wrong with the arguments.
const parseCommand = (args: ReadonlyArray<string>): Command | string => {
  const parsed = tryParseArgs(args)
  if (typeof parsed === "string") return parsed
  const { values, positionals } = parsed
  if (values.help === true) return { _tag: "Help" }
  const [command, ...rest] = positionals
  if (command === "openapi") {
    const given = [...rest, ...Object.keys(values).map((option) => `--${option}`)]
    return given[0] === undefined ? { _tag: "OpenApi" } : `openapi takes no arguments, got: ${given[0]}`
  }
  if (command !== "explain") return command === undefined ? "missing command" : `unknown command: ${command}`
  if (values.json === true) {
    return rest.length > 0 ||
      values.endpoint !== undefined ||
      values.header !== undefined ||
      values["idempotency-key"] !== undefined
      ? "--json reads every response from stdin: it takes no status, body, --endpoint, --idempotency-key or --header"
      : { _tag: "Json", contracts: values.contracts ?? [] }
  }
  const [statusText, body, ...extra] = rest
  if (statusText === undefined) return "missing <status>"
  if (extra[0] !== undefined) return `unexpected argument: ${extra[0]} (quote the body)`
  if (!/^[1-5][0-9][0-9]$/.test(statusText)) return `not an HTTP status: ${statusText}`
  const status = Number(statusText)
  const parsedRequest = values.endpoint === undefined ? undefined : parseRequest(values.endpoint)
  if (typeof parsedRequest === "string") return parsedRequest
  if (values["idempotency-key"] === true && parsedRequest === undefined) return "--idempotency-key needs --endpoint"
  const request =
    parsedRequest === undefined ? undefined : { ...parsedRequest, idempotencyKey: values["idempotency-key"] === true }
  // A Map: header names are the user's strings, `constructor` and `__proto__` included.
  const headers = new Map<string, Array<string>>()
  for (const header of values.header ?? []) {
    const colon = header.indexOf(":")
    if (colon <= 0) return `--header takes "Name: value", got: ${header}`
    const name = header.slice(0, colon).trim().toLowerCase()
    headers.set(name, [...(headers.get(name) ?? []), header.slice(colon + 1).trim()])
  }
  return {
    _tag: "Explain",
    contracts: values.contracts ?? [],
    status,
    body,
    request,
    headers: Object.fromEntries(headers)
  }
}

const tryParseArgs = (args: ReadonlyArray<string>) => {
  try {
    return parseArgs({
      args: [...args],
      options: {
        endpoint: { type: "string" },
        "idempotency-key": { type: "boolean" },
        header: { type: "string", multiple: true },
        contracts: { type: "string", multiple: true },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" }
      },
      allowPositionals: true,
      strict: true
    })
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

const parseRequest = (route: string): Request | string => {
  const parts = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(route)
  const [, method, path] = parts ?? []
  return method === undefined || path === undefined
    ? `--endpoint takes "METHOD /path", got: ${route}`
    : { method: method.toUpperCase(), path }
}

// The whole catalog, with what the docs say each documented code means.
const centrapayOpenApi = (): OpenApi.Document =>
  OpenApi.make(Centrapay.endpoints, {
    title: "Centrapay API",
    // The date the catalog was extracted from Centrapay's API reference (see `Centrapay.ts`).
    version: "2026-12-02",
    description: `Centrapay's ${Centrapay.endpoints.length} documented endpoints as centrapay-effect contracts: each error response follows the HTTP status contract, with the codes each endpoint documents.`,
    servers: [{ url: "https://service.centrapay.com", description: "Production" }],
    descriptions: description
  })

const paint: Paint =
  process.stdout.isTTY && process.stdout.hasColors()
    ? (style, text) => styleText(style, text, { validateStream: false })
    : plain

// One JSON line per non-blank input line, in order; a line that cannot be explained never stops the stream.
// The lines of each input chunk are written together, and reading pauses while stdout is full.
const explainStream = (contracts: Contracts): Promise<void> =>
  new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
    let number = 0
    let pending: Array<string> = []
    const flush = () => {
      if (pending.length === 0) return
      const written = process.stdout.write(pending.join(""))
      pending = []
      if (!written) {
        lines.pause()
        process.stdout.once("drain", () => lines.resume())
      }
    }
    lines.on("line", (line) => {
      number += 1
      if (line.trim() === "") return
      if (pending.length === 0) setImmediate(flush)
      pending.push(`${safely(number === 1 ? line.replace(/^\uFEFF/, "") : line, number, contracts)}\n`)
    })
    lines.on("close", () => {
      flush()
      resolve()
    })
  })

const safely = (line: string, number: number, contracts: Contracts): string => {
  try {
    return explainLine(line, number, contracts)
  } catch (error) {
    return JSON.stringify({ error: `internal error: ${error instanceof Error ? error.message : String(error)}`, line })
  }
}

// Centrapay's catalog, or the user's own contracts; `undefined` (the reason written to stderr) when a file is bad.
const contractsOf = async (files: ReadonlyArray<string>): Promise<Contracts | undefined> => {
  if (files.length === 0) return centrapay
  const loaded = await load(files, process.cwd())
  if (loaded._tag === "Success") return loaded.success
  process.stderr.write(`centrapay-effect: --contracts ${loaded.failure}\n`)
  return undefined
}

const main = async (args: ReadonlyArray<string>): Promise<number> => {
  const command = parseCommand(args)
  if (typeof command === "string") {
    process.stderr.write(`centrapay-effect: ${command}\n\n${usage}`)
    return 2
  }
  switch (command._tag) {
    case "Help":
      process.stdout.write(usage)
      return 0
    case "OpenApi":
      process.stdout.write(`${JSON.stringify(centrapayOpenApi(), null, 2)}\n`)
      return 0
    case "Json": {
      const contracts = await contractsOf(command.contracts)
      if (contracts === undefined) return 1
      // No report shows a stack trace, and capturing one for every decoded error halves the throughput.
      Error.stackTraceLimit = 0
      await explainStream(contracts)
      return 0
    }
    case "Explain": {
      const contracts = await contractsOf(command.contracts)
      if (contracts === undefined) return 1
      const body = command.body === "-" ? await text(process.stdin) : command.body
      const explanation = explain(
        command.request,
        { status: command.status, headers: command.headers, body },
        contracts
      )
      process.stdout.write(report(explanation, paint))
      return 0
    }
  }
}

// A reader that stops early (`| head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  process.exit(error.code === "EPIPE" ? 0 : 1)
})

process.exitCode = await main(process.argv.slice(2))
