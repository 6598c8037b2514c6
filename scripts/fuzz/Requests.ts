/**
 * Hostile HTTP requests, before any platform shape: a method, a path, query
 * pairs and headers as they travel (percent-encoded, header values that an
 * HTTP client can send), and a body described as segments, so a 6 MB body is
 * a line of JSON until a runner builds it. Each adapter's fuzzer turns one
 * into its platform's input (Lambda events of every source, Workers
 * `Request`s) and adds what only that platform can carry.
 *
 * What is generated: every route of the fuzz program and wrong ones; every
 * method; prototype-named (`__proto__`, `constructor`, `toString`, …) path
 * segments, query names, header names and JSON keys; repeated and giant
 * query names and headers; malformed percent-escapes; JSON bodies valid,
 * invalid, deep (10,000 nested arrays), prototype-keyed, after a BOM, with
 * invalid UTF-8; bodies at, over and far over the 1 MiB cap (6 MB).
 */
import { targets } from "./app.ts"
import type { Draw } from "./Random.ts"
import { inputMarker } from "./Secrets.ts"

/** Part of a body: a text repeated `times` (UTF-8), or raw bytes. */
export type Segment = { readonly text: string; readonly times: number } | { readonly bytes: ReadonlyArray<number> }

/** A body as segments, with what it is. */
export interface Body {
  readonly label: string
  readonly segments: ReadonlyArray<Segment>
}

/** A request before any platform shape. */
export interface FuzzRequest {
  readonly method: string
  /** Percent-encoded, as sent. */
  readonly path: string
  /** Names and values percent-encoded, as in the URL. */
  readonly query: ReadonlyArray<readonly [string, string]>
  /** Values any HTTP client can send: no CR, LF or NUL, nothing above U+00FF, no edge whitespace. */
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: Body | undefined
  /** The route answers only when the deadline interrupts it. */
  readonly waits: boolean
  /** The route's handler dies (or builds a response outside the contract): a generic 500 is its answer. */
  readonly dies: boolean
  /** What was generated, for the report. */
  readonly labels: ReadonlyArray<string>
}

/** How big the generated parts may get: requests over HTTP stay within what a front end lets through. */
export interface Sizes {
  readonly maxHeaders: number
  readonly maxHeaderValue: number
  readonly maxQueryPairs: number
}

/** Sizes for requests handed to a handler directly (a Lambda event, a `Request` inside workerd). */
export const inProcess: Sizes = { maxHeaders: 10_000, maxHeaderValue: 1_048_576, maxQueryPairs: 20_000 }

/** Sizes for requests through workerd's HTTP front (which refuses oversized header sections itself). */
export const overHttp: Sizes = { maxHeaders: 60, maxHeaderValue: 4_096, maxQueryPairs: 2_000 }

/** Names that are `Object.prototype` members, or special to JavaScript. */
export const prototypeNames: ReadonlyArray<string> = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__defineGetter__",
  "__lookupSetter__",
  "then",
  "toJSON"
]

/** The cap both adapters apply by default (`RequestChecks.defaultMaxBodyBytes`), written out. */
export const bodyCap = 1_048_576

const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "MKCOL", "PURGE", "SEARCH"]

const malformedEscapes = ["%", "%E0%A4%A", "%ZZ", "%00", "%ff%fe", "%C0%AF", "%uD800", "%%", "%2", "%F0%9F%98"]

const segmentPieces = [
  ...prototypeNames.map(encodeURIComponent),
  ...malformedEscapes,
  "..",
  ".",
  "%2e%2e",
  "%2F",
  "mc_%F0%9F%98%80",
  "mc_",
  "%E2%80%AE",
  "OK",
  "%6Fk",
  inputMarker
]

/** A hostile text any HTTP client can send as a header value (U+0020–U+00FF, not starting or ending with a space). */
export const wireText = (draw: Draw, maxLength: number): string => {
  const kind = draw.weighted<() => string>([
    [4, () => draw.pick(prototypeNames)],
    [3, () => `${inputMarker}-${draw.int(0, 999)}`],
    [2, () => draw.pick(["", "0", "-1", "1e400", "NaN", "null", "true", "[]", "{}", '{"a":1}', "\"'`<>"])],
    [2, () => String.fromCharCode(...Array.from({ length: draw.int(1, 24) }, () => draw.int(0x80, 0xff)))],
    [2, () => `a\tb ${draw.pick(malformedEscapes)} c`],
    [
      1,
      () =>
        "v".repeat(
          Math.min(
            maxLength,
            draw.weighted([
              [4, 1024],
              [3, 8192],
              [2, 65_536],
              [1, 1_048_576]
            ])
          )
        )
    ]
  ])()
  return kind.trim() === kind ? kind : kind.trim()
}

const pathOf = (draw: Draw, base: string): { readonly path: string; readonly label: string } =>
  draw.weighted<() => { path: string; label: string }>([
    [14, () => ({ path: base, label: "route" })],
    [
      2,
      () => {
        const segments = base.split("/")
        const at = draw.int(1, Math.max(1, segments.length - 1))
        segments[at] = draw.pick(segmentPieces)
        return { path: segments.join("/"), label: "hostile segment" }
      }
    ],
    [
      1,
      () => ({ path: `${base}${draw.pick(["/", "//", "/..", "%00", "?", ";x=1", "/%2e%2e/ok"])}`, label: "odd suffix" })
    ],
    [1, () => ({ path: `/${draw.pick(segmentPieces)}/${draw.pick(segmentPieces)}`, label: "hostile path" })],
    [1, () => ({ path: `/${draw.pick(["dev", "prod", "$default", "__proto__"])}${base}`, label: "stage prefix" })],
    [
      1,
      () => ({
        path: draw.chance(0.5) ? `/ok/${"a".repeat(draw.pick([1024, 8192]))}` : `/${"s/".repeat(draw.int(100, 2000))}`,
        label: "long path"
      })
    ]
  ])()

const queryOf = (
  draw: Draw,
  sizes: Sizes
): { readonly query: Array<readonly [string, string]>; readonly label: string } =>
  draw.weighted<() => { query: Array<readonly [string, string]>; label: string }>([
    [6, () => ({ query: [], label: "no query" })],
    [
      6,
      () => ({
        query: [
          ["order", draw.pick(["asc", "desc", "ASC", "", "toString", "asc%00"])],
          ...(draw.chance(0.5) ? [["page", draw.pick(["2", "abc", "1e400", "-0", "0x10"])] as const] : [])
        ],
        label: "search query"
      })
    ],
    [
      4,
      () => ({
        query: Array.from(
          { length: draw.int(1, 4) },
          () => [draw.pick(prototypeNames), draw.pick(["1", "", "x", inputMarker])] as const
        ),
        label: "prototype-named query"
      })
    ],
    [
      2,
      () => {
        const times = Math.min(
          sizes.maxQueryPairs,
          draw.weighted([
            [20, 2],
            [6, 50],
            [3, 1000],
            [1, 5000],
            [0.15, 20_000]
          ])
        )
        const name = draw.pick(["a", "order", "__proto__", "constructor"])
        return {
          query: Array.from({ length: times }, (_, k) => [name, String(k)] as const),
          label: `query name repeated ${times}×`
        }
      }
    ],
    [
      1,
      () => {
        const count = Math.min(sizes.maxQueryPairs, draw.pick([100, 1000, 3000]))
        return {
          query: Array.from({ length: count }, (_, k) => [`q${k}`, "1"] as const),
          label: `${count} query names`
        }
      }
    ],
    [
      2,
      () => ({
        query: [
          [draw.pick(malformedEscapes), draw.pick(malformedEscapes)],
          ["a+b", "c+d%2B"],
          ["", "=x"]
        ],
        label: "malformed escapes"
      })
    ],
    [1, () => ({ query: [["big", "q".repeat(Math.min(sizes.maxHeaderValue, 65_536))]], label: "giant query value" })]
  ])()

const jsonHeaders = ["application/json", "application/json; charset=utf-8", "application/merge-patch+json"]

const contentTypeOf = (draw: Draw): string =>
  draw.weighted([
    [8, () => draw.pick(jsonHeaders)],
    [2, () => draw.pick(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "*/*"])],
    [1, () => draw.pick(prototypeNames)],
    [1, () => wireText(draw, 256)]
  ])()

const headersOf = (
  draw: Draw,
  sizes: Sizes
): { readonly headers: Array<readonly [string, string]>; readonly labels: Array<string> } => {
  const headers: Array<readonly [string, string]> = []
  const labels: Array<string> = []
  if (draw.chance(0.5)) {
    headers.push([
      "x-api-key",
      draw.weighted([
        [3, "key-live-1"],
        [3, draw.pick(prototypeNames)],
        [1, inputMarker],
        [1, ""]
      ])
    ])
    labels.push("api key")
  }
  const extras = draw.int(0, 3)
  for (let n = 0; n < extras; n++) {
    draw.weighted<() => void>([
      [
        3,
        () => {
          headers.push([draw.pick(prototypeNames).toLowerCase(), wireText(draw, sizes.maxHeaderValue)])
          labels.push("prototype-named header")
        }
      ],
      [
        3,
        () => {
          headers.push([
            draw.pick(["x-fuzz", "x-request-id", "x-correlation-id", "x-forwarded-for", "cookie", "accept"]),
            wireText(draw, sizes.maxHeaderValue)
          ])
          labels.push("hostile header value")
        }
      ],
      [
        0.3,
        () => {
          const count = Math.min(
            sizes.maxHeaders,
            draw.weighted([
              [5, 100],
              [3, 1000],
              [1, 10_000]
            ])
          )
          for (let k = 0; k < count; k++) headers.push([`x-h${k}`, "1"])
          labels.push(`${count} headers`)
        }
      ],
      [
        0.5,
        () => {
          const count = Math.min(
            sizes.maxHeaders,
            draw.weighted([
              [5, 2],
              [3, 50],
              [1, 1000]
            ])
          )
          const name = draw.pick(["x-api-key", "x-fuzz", "cookie", "constructor"])
          for (let k = 0; k < count; k++) headers.push([name, `${inputMarker}-${k}`])
          labels.push(`header repeated ${count}×`)
        }
      ],
      [
        1,
        () => {
          headers.push(["cookie", `a=1; __proto__=x; constructor=y; ${inputMarker}=1; toString=`])
          labels.push("hostile cookie")
        }
      ]
    ])()
  }
  return { headers, labels }
}

const text = (value: string): Segment => ({ text: value, times: 1 })

const transfer = (draw: Draw): Body =>
  draw.weighted<() => Body>([
    [
      4,
      () => ({
        label: "transfer",
        segments: [text(JSON.stringify({ amount: draw.int(1, 200), recipient: "mc_known" }))]
      })
    ],
    [
      2,
      () => ({
        label: "transfer of wrong types",
        segments: [
          text(
            draw.pick([
              '{"amount":"5"}',
              '{"amount":1.5,"recipient":"mc_x"}',
              '{"amount":1e400}',
              '{"recipient":null}',
              "[]",
              "0",
              '"x"',
              "null"
            ])
          )
        ]
      })
    ],
    [
      2,
      () => ({
        label: "prototype-keyed JSON",
        segments: [
          text(
            draw.pick([
              '{"__proto__":{"amount":1,"recipient":"mc_known"}}',
              '{"constructor":{"prototype":{"amount":1}}}',
              '{"amount":5,"recipient":"mc_known","__proto__":{"isAdmin":true}}',
              '{"amount":5,"recipient":"toString"}',
              `{"toString":1,"valueOf":"${inputMarker}","then":{}}`
            ])
          )
        ]
      })
    ]
  ])()

/** A hostile body of any kind. */
export const bodyOf = (draw: Draw): Body =>
  draw.weighted<() => Body>([
    [6, () => transfer(draw)],
    [
      2,
      () => ({
        label: "invalid JSON",
        segments: [text(draw.pick(["{", "nul", '{"a":', "{'a':1}", "\u0000", "[1,]", "}{"]))]
      })
    ],
    [
      1,
      () => ({
        label: "deep arrays",
        segments: [
          { text: "[", times: 10_000 },
          { text: "]", times: 10_000 }
        ]
      })
    ],
    [
      1,
      () => ({
        label: "deep objects",
        segments: [{ text: '{"a":', times: 5_000 }, text("1"), { text: "}", times: 5_000 }]
      })
    ],
    [
      1,
      () => ({
        label: "JSON after a BOM",
        segments: [{ bytes: [0xef, 0xbb, 0xbf] }, text('{"amount":5,"recipient":"mc_known"}')]
      })
    ],
    [
      2,
      () => ({
        label: "invalid UTF-8",
        segments: [
          text('{"amount":5,"recipient":"mc_'),
          { bytes: [0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf8] },
          text('"}')
        ]
      })
    ],
    [
      1,
      () => ({
        label: "random bytes",
        segments: [{ bytes: Array.from({ length: draw.int(1, 512) }, () => draw.int(0, 255)) }]
      })
    ],
    [1, () => ({ label: "lone surrogate", segments: [text('{"amount":5,"recipient":"\uD800"}')] })],
    [1, () => ({ label: "20,000 keys", segments: [text("{"), { text: '"k":0,', times: 20_000 }, text('"z":1}')] })],
    [0.5, () => ({ label: "body at the cap", segments: [text('"'), { text: "x", times: bodyCap - 2 }, text('"')] })],
    [0.5, () => ({ label: "body one byte over the cap", segments: [{ text: "x", times: bodyCap + 1 }] })],
    [
      0.3,
      () => ({ label: "6 MB body", segments: [text('{"amount":"'), { text: "x", times: 6 * 1024 * 1024 }, text('"}')] })
    ]
  ])()

/**
 * A request: a route of the fuzz program (or a wrong one), then hostile
 * parts. A request to a route that answers only by the deadline gets the
 * small `overHttp` sizes: runners time those together, and a heavy one
 * would hold up the others' timers.
 */
export const request = (draw: Draw, maxSizes: Sizes): FuzzRequest => {
  const target = draw.weighted(targets.map((each) => [each.weight ?? 1, each] as const))
  const sizes = target.waits === true ? overHttp : maxSizes
  const method = draw.chance(0.85) ? target.method : draw.pick(methods)
  const { path, label: pathLabel } = pathOf(draw, target.path)
  const { query, label: queryLabel } = queryOf(draw, sizes)
  const { headers, labels: headerLabels } = headersOf(draw, sizes)
  const mayHaveBody = method !== "GET" && method !== "HEAD"
  const body = mayHaveBody && (target.body !== undefined || draw.chance(0.3)) ? bodyOf(draw) : undefined
  const allHeaders =
    body === undefined || draw.chance(0.05) ? headers : [...headers, ["content-type", contentTypeOf(draw)] as const]
  return {
    method,
    path,
    query,
    headers: allHeaders,
    body,
    waits: target.waits === true && method === target.method,
    dies: target.dies === true,
    labels: [
      `${method} ${target.path}`,
      pathLabel,
      queryLabel,
      ...headerLabels,
      ...(body === undefined ? [] : [body.label])
    ]
  }
}

/** The body's bytes. */
export const bodyBytes = (body: Body): Uint8Array<ArrayBuffer> => {
  const encoder = new TextEncoder()
  const parts = body.segments.map((segment) =>
    "bytes" in segment ? Uint8Array.from(segment.bytes) : encoder.encode(segment.text.repeat(segment.times))
  )
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0))
  let offset = 0
  for (const part of parts) {
    bytes.set(part, offset)
    offset += part.byteLength
  }
  return bytes
}

/** The body's size in bytes, without building it (text counted as UTF-16 units: exact for the ASCII the large segments hold). */
export const bodySize = (body: Body): number =>
  body.segments.reduce(
    (sum, segment) => sum + ("bytes" in segment ? segment.bytes.length : segment.text.length * segment.times),
    0
  )

/** The body as text, when it has no raw bytes. */
export const bodyText = (body: Body): string | undefined =>
  body.segments.every((segment) => "text" in segment)
    ? body.segments.map((segment) => ("text" in segment ? segment.text.repeat(segment.times) : "")).join("")
    : undefined

/** The query string, as in the URL. */
export const queryString = (query: ReadonlyArray<readonly [string, string]>): string =>
  query.map(([name, value]) => `${name}=${value}`).join("&")

/** A percent-decoded component (`+` is a space); a malformed escape stays as sent. */
export const decoded = (component: string): string => {
  const spaced = component.replaceAll("+", " ")
  try {
    return decodeURIComponent(spaced)
  } catch {
    return spaced
  }
}
