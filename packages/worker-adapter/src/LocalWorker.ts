/**
 * Runs a Worker on this machine in real workerd, for local development and
 * demos: bundles the entry module with esbuild and serves it through
 * miniflare on a localhost port, so `curl` and any HTTP client can reach it.
 * Development only — import it by its own path
 * (`@centrapay-effect/worker-adapter/LocalWorker`); it needs the optional
 * peer dependencies `esbuild` and `miniflare`.
 *
 * @module
 */

/**
 * Where and how to serve.
 *
 * @category models
 */
export interface Options {
  /** @default 8787; `0` picks a free port */
  readonly port?: number | undefined
  /** Plain-text bindings, seen by the worker as `env`. */
  readonly bindings?: Readonly<Record<string, string>> | undefined
  /**
   * Durable Object bindings: the binding's name in `env` → the class the entry
   * module exports, e.g. `{ RATE_LIMITER: "RateLimiterObject" }`.
   */
  readonly durableObjects?: Readonly<Record<string, string>> | undefined
  /** @default "2026-01-01" */
  readonly compatibilityDate?: string | undefined
}

/**
 * A worker running in workerd.
 *
 * @category models
 */
export interface LocalWorker {
  /** e.g. `http://127.0.0.1:8787` */
  readonly url: string
  /** Stops workerd. */
  readonly dispose: () => Promise<void>
}

// The two tools, reached through the narrow shapes used here. miniflare's own
// declarations do not type-check in this repository (skipLibCheck: false),
// so both are loaded by name at run time and checked before use.
interface Bundler {
  readonly build: (options: {
    readonly entryPoints: ReadonlyArray<string>
    readonly bundle: true
    readonly write: false
    readonly format: "esm"
    readonly platform: "neutral"
    readonly target: string
    readonly conditions: ReadonlyArray<string>
    readonly mainFields: ReadonlyArray<string>
    readonly minify: boolean
    readonly logLevel: "silent"
  }) => Promise<{ readonly outputFiles: ReadonlyArray<{ readonly text: string }> }>
}

interface MiniflareInstance {
  readonly ready: Promise<URL>
  readonly dispose: () => Promise<void>
}

type MiniflareConstructor = new (options: {
  readonly modules: true
  readonly script: string
  readonly compatibilityDate: string
  readonly compatibilityFlags: ReadonlyArray<string>
  readonly bindings: Readonly<Record<string, string>>
  readonly durableObjects: Readonly<Record<string, string>>
  readonly port: number
  readonly host: string
}) => MiniflareInstance

const load = (name: string): Promise<unknown> => import(name)

const hasFunction = <K extends string>(value: unknown, key: K): value is Record<K, unknown> =>
  typeof value === "object" && value !== null && key in value && typeof Reflect.get(value, key) === "function"

const isBundler = (value: unknown): value is Bundler => hasFunction(value, "build")

const isMiniflareModule = (value: unknown): value is { readonly Miniflare: MiniflareConstructor } =>
  hasFunction(value, "Miniflare")

/**
 * Bundles a Worker module into one ES module for workerd, the way wrangler
 * would (Workers conditions, neutral platform).
 *
 * @category constructors
 */
export const bundle = async (entry: string, options?: { readonly minify?: boolean }): Promise<string> => {
  const esbuild = await load("esbuild")
  if (!isBundler(esbuild)) throw new Error("LocalWorker needs the esbuild package: npm install -D esbuild")
  const bundled = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    minify: options?.minify ?? false,
    logLevel: "silent"
  })
  const script = bundled.outputFiles[0]?.text
  if (script === undefined) throw new Error(`esbuild produced nothing for ${entry}`)
  return script
}

/**
 * Bundles `entry` (a path to the worker's module, e.g. `src/worker.ts`) and
 * serves it in workerd on localhost.
 *
 * @category constructors
 * @example
 * ```ts
 * import * as LocalWorker from "@centrapay-effect/worker-adapter/LocalWorker"
 * const worker = await LocalWorker.serve("examples/wallet-api/src/worker.ts", { port: 8787 })
 * // curl -i http://127.0.0.1:8787/api/merchant-configs/mc_3LKQhvGUcADgqoEM3bh6pslE -H 'X-Api-Key: demo-key'
 * await worker.dispose()
 * ```
 */
export const serve = async (entry: string, options?: Options): Promise<LocalWorker> => {
  const [script, miniflare] = await Promise.all([bundle(entry), load("miniflare")])
  if (!isMiniflareModule(miniflare)) {
    throw new Error("LocalWorker needs the miniflare package: npm install -D miniflare")
  }
  const instance = new miniflare.Miniflare({
    modules: true,
    script,
    compatibilityDate: options?.compatibilityDate ?? "2026-01-01",
    compatibilityFlags: ["nodejs_compat"],
    bindings: options?.bindings ?? {},
    durableObjects: options?.durableObjects ?? {},
    port: options?.port ?? 8787,
    host: "127.0.0.1"
  })
  const url = await instance.ready
  return { url: url.origin, dispose: () => instance.dispose() }
}
