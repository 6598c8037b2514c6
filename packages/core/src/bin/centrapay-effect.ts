#!/usr/bin/env node
/**
 * `centrapay-effect`: explains HTTP responses by Centrapay's contract, with
 * the same decode the client uses.
 *
 *   centrapay-effect explain <status> [body | -] [--endpoint "METHOD /path"] [--idempotency-key] [--header "Name: value"]...
 *   centrapay-effect explain --json < responses.ndjson
 *
 * @module
 */
import { createInterface } from "node:readline"
import { text } from "node:stream/consumers"
import { parseArgs, styleText } from "node:util"
import { explain, explainLine, type Request } from "../internal/explain.ts"
import { type Paint, plain, report } from "../internal/report.ts"

const usage = `Usage:
  centrapay-effect explain <status> [body | -] [--endpoint "METHOD /path"] [--idempotency-key] [--header "Name: value"]...
      Explains one response for a person. The body is the raw text as received ("-" reads it from stdin).
      --endpoint         the request, e.g. "POST /api/asset-transfers" or a concrete path; applies its documented errors
      --idempotency-key  the request's body carried an idempotencyKey (a POST may then be sent again)
      --header           a response header, e.g. "Retry-After: 3"; repeatable

  centrapay-effect explain --json
      Reads NDJSON from stdin, one response per line:
        {"method","path","idempotencyKey"?,"status","headers"?,"body"?}
      and writes one JSON line per response, in order:
        {"kind","tag","status","message","documented","description","retryable","decision","retryAfterMs","endpoint","hints"}
      A line that is not a valid response gives {"error","line"}; processing continues.
`

type Command =
  | { readonly _tag: "Help" }
  | { readonly _tag: "Json" }
  | {
      readonly _tag: "Explain"
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
  if (command !== "explain") return command === undefined ? "missing command" : `unknown command: ${command}`
  if (values.json === true) {
    return rest.length > 0 ||
      values.endpoint !== undefined ||
      values.header !== undefined ||
      values["idempotency-key"] !== undefined
      ? "--json reads every response from stdin: it takes no status, body, --endpoint, --idempotency-key or --header"
      : { _tag: "Json" }
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
  return { _tag: "Explain", status, body, request, headers: Object.fromEntries(headers) }
}

const tryParseArgs = (args: ReadonlyArray<string>) => {
  try {
    return parseArgs({
      args: [...args],
      options: {
        endpoint: { type: "string" },
        "idempotency-key": { type: "boolean" },
        header: { type: "string", multiple: true },
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

const paint: Paint =
  process.stdout.isTTY && process.stdout.hasColors()
    ? (style, text) => styleText(style, text, { validateStream: false })
    : plain

// One JSON line per non-blank input line, in order; a line that cannot be explained never stops the stream.
// The lines of each input chunk are written together, and reading pauses while stdout is full.
const explainStream = (): Promise<void> =>
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
      pending.push(`${safely(number === 1 ? line.replace(/^\uFEFF/, "") : line, number)}\n`)
    })
    lines.on("close", () => {
      flush()
      resolve()
    })
  })

const safely = (line: string, number: number): string => {
  try {
    return explainLine(line, number)
  } catch (error) {
    return JSON.stringify({ error: `internal error: ${error instanceof Error ? error.message : String(error)}`, line })
  }
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
    case "Json":
      // No report shows a stack trace, and capturing one for every decoded error halves the throughput.
      Error.stackTraceLimit = 0
      await explainStream()
      return 0
    case "Explain": {
      const body = command.body === "-" ? await text(process.stdin) : command.body
      const explanation = explain(command.request, { status: command.status, headers: command.headers, body })
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
