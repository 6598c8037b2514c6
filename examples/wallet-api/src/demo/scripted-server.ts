/**
 * A scripted `node:http` server on 127.0.0.1, for the demo and the tests: each path
 * answers its script in order (the last answer repeats); any other path is a 404.
 * `noAnswer` holds the request open until the server closes: an upstream that hangs.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"

/** A response the server sends. */
export interface Answer {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body: string
}

/** In a script: send nothing, and keep the connection open until the server closes. */
export const noAnswer = "no answer"

/** The answers for each path, in order. */
export type Script = Readonly<Record<string, ReadonlyArray<Answer | typeof noAnswer>>>

/** A running scripted server. */
export interface ScriptedServer {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string
  /** Closes the server and every connection, held ones included. */
  readonly close: () => Promise<void>
}

const notFound: Answer = {
  status: 404,
  headers: { "content-type": "application/json" },
  body: '{"statusCode":404,"error":"Not Found","message":"Not Found"}'
}

/** Starts a server answering `script` on a free port of 127.0.0.1. */
export const listen = (script: Script): Promise<ScriptedServer> => {
  const answers = new Map(Object.entries(script))
  const served = new Map<string, number>()
  const server = http.createServer((req, res) => {
    req.resume()
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname
      const sequence = answers.get(path) ?? [notFound]
      const index = served.get(path) ?? 0
      served.set(path, index + 1)
      const answer = sequence[index] ?? sequence.at(-1) ?? notFound
      if (answer === noAnswer) return
      res.writeHead(answer.status, answer.headers)
      res.end(answer.body)
    })
  })
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address: string | AddressInfo | null = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((closed) => {
            server.closeAllConnections()
            server.close(() => closed())
          })
      })
    })
  })
}
