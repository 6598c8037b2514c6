/**
 * A Web body (a `ReadableStream` of bytes) read to its end, but never past a
 * cap: how the client reads a response body (`Client`, `maxResponseBytes`)
 * and how the Workers adapter reads a request body of unknown length
 * (`RequestChecks.checkBodySize`). After each chunk the caller's `refuse` is
 * asked about the bytes received so far; an answer stops the read, cancels
 * the stream (which closes its connection) and keeps nothing of the body.
 *
 * @module
 */
import * as Result from "effect/Result"

/**
 * Why a read stopped short: `refuse` refused the bytes received so far
 * (`Refused`, with its error), or the stream failed or was cancelled
 * (`Unreadable`, with the cause).
 *
 * @category models
 */
export type Stopped<E> =
  | { readonly _tag: "Refused"; readonly error: E }
  | { readonly _tag: "Unreadable"; readonly cause: unknown }

/**
 * A read in progress.
 *
 * @category models
 */
export interface Read<E> {
  /**
   * The whole body (the one chunk itself when it came in one), or why it
   * stopped. Never rejects.
   */
  readonly result: Promise<Result.Result<Uint8Array, Stopped<E>>>
  /**
   * Gives up: cancels the stream (`result` is then `Unreadable`); settles
   * once the stream is cancelled. Never rejects.
   */
  readonly cancel: () => Promise<void>
}

/**
 * Starts reading `stream`. `refuse(received)` is asked after every chunk
 * with the byte count so far: `undefined` reads on, an error stops the read
 * (the stream is cancelled before `result` settles).
 *
 * @category constructors
 * @example
 * ```ts
 * import { WebBody } from "@centrapay-effect/core"
 * const stream = new Response("0123456789").body
 * if (stream !== null) {
 *   const read = WebBody.read(stream, (received) => (received > 4 ? "over 4 bytes" : undefined))
 *   await read.result // a failure: { _tag: "Refused", error: "over 4 bytes" }
 * }
 * ```
 */
export const read = <E>(stream: ReadableStream<Uint8Array>, refuse: (received: number) => E | undefined): Read<E> => {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  let cancelled = false
  const cancel = (): Promise<void> => {
    cancelled = true
    return reader === undefined ? Promise.resolve() : reader.cancel().catch(() => undefined)
  }
  const readAll = async (): Promise<Result.Result<Uint8Array, Stopped<E>>> => {
    const chunks: Array<Uint8Array> = []
    let received = 0
    try {
      reader = stream.getReader()
      while (true) {
        const chunk = await reader.read()
        // A cancelled stream ends its pending read as if it were done: that is not the body's end.
        if (cancelled) return Result.fail({ _tag: "Unreadable", cause: "cancelled" })
        if (chunk.done) return Result.succeed(concat(chunks, received))
        received += chunk.value.byteLength
        const refused = refuse(received)
        if (refused !== undefined) {
          await cancel()
          return Result.fail({ _tag: "Refused", error: refused })
        }
        chunks.push(chunk.value)
      }
    } catch (cause) {
      return Result.fail({ _tag: "Unreadable", cause: cancelled ? "cancelled" : cause })
    }
  }
  return { result: readAll(), cancel }
}

// The chunks as one array of `length` bytes (the one chunk itself when there is one).
const concat = (chunks: ReadonlyArray<Uint8Array>, length: number): Uint8Array => {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0]
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}
