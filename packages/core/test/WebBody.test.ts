/**
 * `WebBody.read` on real Web streams: the whole body, a read refused at the
 * cap (the stream cancelled, nothing kept), a failing stream, and a read the
 * caller gives up on. The client's and the Workers adapter's end-to-end tests
 * (loopback servers, workerd) run it too.
 */
import { WebBody } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"

const bytes = (text: string) => new TextEncoder().encode(text)

/** A stream of the given chunks that records whether it was cancelled (and stays open after them unless `end`). */
const source = (chunks: ReadonlyArray<string>, end = true) => {
  const seen = { cancelled: false, pulled: 0 }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[seen.pulled]
      seen.pulled += 1
      if (next !== undefined) controller.enqueue(bytes(next))
      else if (end) controller.close()
    },
    cancel() {
      seen.cancelled = true
    }
  })
  return { stream, seen }
}

describe("WebBody.read", () => {
  it("reads every chunk into one array of bytes", async () => {
    const { stream, seen } = source(['{"amount":', "10,", '"to":"é"}'])
    const read = await WebBody.read(stream, () => undefined).result
    expect(Result.isSuccess(read) && new TextDecoder().decode(read.success)).toBe('{"amount":10,"to":"é"}')
    expect(seen.cancelled).toBe(false)
  })

  it("an empty stream is zero bytes", async () => {
    const read = await WebBody.read(source([]).stream, () => undefined).result
    expect(Result.isSuccess(read) && read.success.byteLength).toBe(0)
  })

  it("stops when refused: the stream is cancelled, the caller's error returned, the rest never pulled", async () => {
    const { stream, seen } = source(["0123", "4567", "89", "never read"])
    const asked: Array<number> = []
    const read = await WebBody.read(stream, (received) => {
      asked.push(received)
      return received > 8 ? "over 8 bytes" : undefined
    }).result
    expect(read).toEqual(Result.fail({ _tag: "Refused", error: "over 8 bytes" }))
    expect(asked).toEqual([4, 8, 10])
    expect(seen.cancelled).toBe(true)
    expect(seen.pulled).toBeLessThan(4)
  })

  it("a stream that fails is Unreadable with its cause", async () => {
    const cut = new Error("connection reset")
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes("part"))
        controller.error(cut)
      }
    })
    const read = await WebBody.read(stream, () => undefined).result
    expect(read).toEqual(Result.fail({ _tag: "Unreadable", cause: cut }))
  })

  it("a read given up on cancels the stream and ends Unreadable, not as a short body", async () => {
    const { stream, seen } = source(["first"], false)
    const reading = WebBody.read(stream, () => undefined)
    await reading.cancel()
    expect(seen.cancelled).toBe(true)
    expect(await reading.result).toEqual(Result.fail({ _tag: "Unreadable", cause: "cancelled" }))
  })

  it("a stream already being read elsewhere is Unreadable, not a throw", async () => {
    const { stream } = source(["x"])
    stream.getReader()
    const read = await WebBody.read(stream, () => undefined).result
    expect(Result.isFailure(read) && read.failure._tag).toBe("Unreadable")
  })
})
