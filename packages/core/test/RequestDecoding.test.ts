import { ObjectId, RequestDecoding, ResponseCodec } from "@centrapay-effect/core"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Option, Result, Schema } from "effect"
import fc from "fast-check"

const PathParams = Schema.Struct({ merchantConfigId: ObjectId.MerchantConfigId })
const decodePath = RequestDecoding.decode(PathParams, "path")
const Transfer = Schema.Struct({ amount: Schema.Int, collectionId: ObjectId.CollectionId })
const decodeTransfer = RequestDecoding.decodeJsonBody(Transfer)

describe("object IDs", () => {
  it("accept their prefix and reject a wrong or missing one, naming the expected prefix", () => {
    expect(Schema.is(ObjectId.MerchantConfigId)("mc_3LKQhvGUcADgqoEM3bh6pslE")).toBe(true)
    for (const bad of ["c_3LKQ", "3LKQhvGU", "mc_", "mc_with-dash", "MC_abc"])
      expect(Schema.is(ObjectId.MerchantConfigId)(bad)).toBe(false)
  })

  it.effect("a wrong prefix in a path parameter is a 400 naming the parameter and the prefix", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decodePath({ merchantConfigId: "c_3LKQhvGUcADgqoEM3bh6pslE" }))
      expect(error.issues).toEqual([
        { path: ["path", "merchantConfigId"], message: 'Expected a merchant config ID starting with "mc_"' }
      ])
      expect(error.message).toBe('path.merchantConfigId: Expected a merchant config ID starting with "mc_"')
      expect(error.problem).toBe("schema-mismatch")
      expect(ResponseCodec.encode(error).status).toBe(400)
    })
  )
})

describe("JSON bodies", () => {
  it.effect("decode when the content type is JSON and the body matches", () =>
    Effect.gen(function* () {
      const ok = yield* decodeTransfer('{"amount":5,"collectionId":"c_1"}', "application/json; charset=utf-8")
      expect(ok).toEqual({ amount: 5, collectionId: "c_1" })
    })
  )

  it.effect("tell apart a non-JSON content type, unparseable JSON and a schema mismatch", () =>
    Effect.gen(function* () {
      const wrongType = yield* Effect.flip(decodeTransfer('{"amount":5}', "text/plain"))
      expect(wrongType.problem).toBe("unsupported-content-type")
      const broken = yield* Effect.flip(decodeTransfer('{"amount":', "application/json"))
      expect(broken.problem).toBe("invalid-json")
      const mismatch = yield* Effect.flip(decodeTransfer('{"amount":1.5,"collectionId":"mc_1"}', "application/json"))
      expect(mismatch.problem).toBe("schema-mismatch")
      expect(mismatch.issues?.map((i) => i.path)).toEqual([
        ["body", "amount"],
        ["body", "collectionId"]
      ])
    })
  )
})

describe("JSON parsing", () => {
  // decodeJsonBody parses with JSON.parse itself; Effect's own JSON string schema is the reference.
  const reference = Schema.decodeUnknownResult(Schema.fromJsonString(Schema.Unknown))
  const decodeAny = RequestDecoding.decodeJsonBody(Schema.Unknown)
  const text = fc.oneof(
    fc.json(),
    fc.string(),
    fc.json().map((json) => `\uFEFF${json}`),
    fc.json().map((json) => ` \n${json}\t`),
    fc.constantFrom("", " ", "undefined", "NaN", "{'a':1}", '{"a":1,}', "[1,]", '"\\u12"', "01", "1e400")
  )

  it("accepts and rejects exactly the texts Schema.fromJsonString does, with the same value, after a byte-order mark", () => {
    fc.assert(
      fc.property(text, (body) => {
        // A leading U+FEFF is skipped (RFC 8259 §8.1; a body read from bytes loses it anyway).
        const expected = reference(body.startsWith("\uFEFF") ? body.slice(1) : body)
        const exit = Effect.runSyncExit(decodeAny(body, "application/json"))
        if (Result.isSuccess(expected)) {
          expect(exit).toEqual(Exit.succeed(expected.success))
        } else {
          const failure = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : Option.none()
          expect(Option.getOrUndefined(failure)?.problem).toBe("invalid-json")
        }
      }),
      { numRuns: 500 }
    )
  })
})
