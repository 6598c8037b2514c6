/**
 * Finds the endpoint contract a concrete request belongs to:
 * `POST /api/bank-authorities/ba_123/verify` →
 * `POST /api/bank-authorities/{bankAccountId}/verify`.
 *
 * The templates are compiled once into a segment trie per method. A lookup
 * walks the request's path segments, trying the literal segment before a
 * `{param}` and backing up only when a literal branch dead-ends, so it costs
 * a few map lookups per segment whatever the number of endpoints. A path
 * with no `{param}` is also kept whole, so a request for it is one lookup.
 *
 * @module
 */
import type * as Endpoint from "./Endpoint.ts"

/**
 * A compiled set of endpoints. Build one with `make`, query it with `match`.
 *
 * @category models
 */
export interface EndpointMatcher<E extends Endpoint.Endpoint<string>> {
  /** The trie of each method (upper case). */
  readonly methods: ReadonlyMap<string, Node<E>>
  /** Each method's templates without parameters, by path: the trie's answer for them, found in one lookup. */
  readonly literals: ReadonlyMap<string, ReadonlyMap<string, Match<E>>>
}

/**
 * One trie node: the path segments seen so far. `literal` continues with an
 * exact segment, `param` with any non-empty segment, and `route` ends here.
 *
 * @category models
 */
export interface Node<E extends Endpoint.Endpoint<string>> {
  readonly literal: ReadonlyMap<string, Node<E>>
  readonly param: Node<E> | undefined
  readonly route: Route<E> | undefined
}

/**
 * An endpoint at the end of its template, with the names of its path
 * parameters by segment index.
 *
 * @category models
 */
export interface Route<E extends Endpoint.Endpoint<string>> {
  readonly endpoint: E
  readonly params: ReadonlyArray<readonly [index: number, name: string]>
}

/**
 * A successful lookup: the endpoint and the raw (not percent-decoded)
 * values of its path parameters.
 *
 * @category models
 */
export interface Match<E extends Endpoint.Endpoint<string>> {
  readonly endpoint: E
  readonly params: Readonly<Record<string, string>>
}

/**
 * Compiles endpoints into a matcher. A template segment that is exactly
 * `{name}` is a path parameter; any other segment is literal. Templates of
 * the same method and shape (`/a/{x}` and `/a/{y}`) are one route: the later
 * endpoint replaces the earlier, so a user's own contract can override a
 * catalog entry.
 *
 * @category constructors
 * @example
 * ```ts
 * import { Centrapay, EndpointMatcher } from "@centrapay-effect/core"
 * const matcher = EndpointMatcher.make(Centrapay.endpoints)
 * EndpointMatcher.match(matcher, "POST", "/api/bank-authorities/ba_123/verify")?.endpoint.id
 * // "POST /api/bank-authorities/{bankAccountId}/verify"
 * ```
 */
export const make = <E extends Endpoint.Endpoint<string>>(endpoints: Iterable<E>): EndpointMatcher<E> => {
  const methods = new Map<string, MutableNode<E>>()
  const literals = new Map<string, Map<string, Match<E>>>()
  for (const endpoint of endpoints) {
    let node = methods.get(endpoint.method) ?? emptyNode<E>()
    methods.set(endpoint.method, node)
    const params: Array<readonly [number, string]> = []
    segmentsOf(endpoint.path).forEach((segment, index) => {
      const name = paramName(segment)
      if (name === undefined) {
        const next = node.literal.get(segment) ?? emptyNode<E>()
        node.literal.set(segment, next)
        node = next
      } else {
        params.push([index, name])
        node.param ??= emptyNode<E>()
        node = node.param
      }
    })
    node.route = { endpoint, params }
    if (params.length === 0) {
      const exact = literals.get(endpoint.method) ?? new Map<string, Match<E>>()
      literals.set(endpoint.method, exact)
      exact.set(endpoint.path, Object.freeze({ endpoint, params: noParams }))
    }
  }
  return { methods, literals }
}

const noParams: Readonly<Record<string, string>> = Object.freeze({})

/**
 * The endpoint a request goes to, or `undefined` when none matches. `method`
 * is case-insensitive; `target` is a path (`/api/x/1`), optionally with a
 * query string or fragment, or an absolute URL. Paths compare exactly:
 * segments are case-sensitive, and a trailing slash or an empty segment
 * matches no parameter.
 *
 * @category matching
 * @example
 * ```ts
 * import { Centrapay, EndpointMatcher } from "@centrapay-effect/core"
 * const matcher = EndpointMatcher.make(Centrapay.endpoints)
 * EndpointMatcher.match(matcher, "get", "/api/withdrawals/WRhAxxWpTKb5U7pXyxQjjY?expand=1")
 * // { endpoint: Centrapay.GetWithdrawalsByWithdrawalId, params: { withdrawalId: "WRhAxxWpTKb5U7pXyxQjjY" } }
 * ```
 */
export const match = <E extends Endpoint.Endpoint<string>>(
  matcher: EndpointMatcher<E>,
  method: string,
  target: string
): Match<E> | undefined => {
  const upper = method.toUpperCase()
  const root = matcher.methods.get(upper)
  const path = pathOf(target)
  if (root === undefined || !path.startsWith("/")) return undefined
  const literal = matcher.literals.get(upper)?.get(path)
  if (literal !== undefined) return literal
  const segments = segmentsOf(path)
  const route = walk(root, segments, 0)
  if (route === undefined) return undefined
  const params: Record<string, string> = {}
  for (const [index, name] of route.params) params[name] = segments[index] ?? ""
  return { endpoint: route.endpoint, params }
}

interface MutableNode<E extends Endpoint.Endpoint<string>> {
  readonly literal: Map<string, MutableNode<E>>
  param: MutableNode<E> | undefined
  route: Route<E> | undefined
}

const emptyNode = <E extends Endpoint.Endpoint<string>>(): MutableNode<E> => ({
  literal: new Map(),
  param: undefined,
  route: undefined
})

const paramPattern = /^\{([^{}/]+)\}$/

const paramName = (segment: string): string | undefined => paramPattern.exec(segment)?.[1]

// "/api/x/1" → ["api", "x", "1"]
const segmentsOf = (path: string): ReadonlyArray<string> => path.slice(1).split("/")

const absoluteUrl = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//

// The path of a target: an absolute URL loses its origin; any target loses its query and fragment.
// A server's path (it starts with "/") skips the scheme test, and indexOf finds the end: the same
// answer as `search(/[?#]/)` without two regular expressions per request.
const pathOf = (target: string): string => {
  const path = !target.startsWith("/") && absoluteUrl.test(target) ? (URL.parse(target)?.pathname ?? "") : target
  const query = path.indexOf("?")
  const fragment = path.indexOf("#")
  const end = query === -1 ? fragment : fragment === -1 ? query : Math.min(query, fragment)
  return end === -1 ? path : path.slice(0, end)
}

const walk = <E extends Endpoint.Endpoint<string>>(
  node: Node<E>,
  segments: ReadonlyArray<string>,
  index: number
): Route<E> | undefined => {
  const segment = segments[index]
  if (segment === undefined) return node.route
  const literal = node.literal.get(segment)
  const viaLiteral = literal === undefined ? undefined : walk(literal, segments, index + 1)
  if (viaLiteral !== undefined || node.param === undefined || segment === "") return viaLiteral
  return walk(node.param, segments, index + 1)
}
