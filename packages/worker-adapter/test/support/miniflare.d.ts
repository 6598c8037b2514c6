/**
 * The part of miniflare's API the tests use, typed by hand: miniflare's own
 * declarations do not compile with `skipLibCheck: false`.
 */
export interface MiniflareOptions {
  readonly compatibilityDate?: string
  readonly compatibilityFlags?: ReadonlyArray<string>
  readonly modules?: boolean
  readonly script?: string
  readonly bindings?: Readonly<Record<string, string>>
  /** Serves the worker's outgoing `fetch` calls. */
  readonly outboundService?: (request: Request) => Promise<Response>
  /** Durable Object bindings: a class this script exports, or one of another worker (`scriptName`). */
  readonly durableObjects?: Readonly<
    Record<string, string | { readonly className: string; readonly scriptName: string }>
  >
  /** Several workers (one isolate each) in one workerd, each with the options above and a `name`. */
  readonly workers?: ReadonlyArray<MiniflareOptions & { readonly name: string }>
}

/** A worker of a multi-worker instance, reached directly. */
export interface WorkerFetcher {
  fetch(input: string, init?: RequestInit): Promise<Response>
}

export declare class Miniflare {
  constructor(options: MiniflareOptions)
  /** Resolves with the worker's local URL once workerd listens. */
  readonly ready: Promise<URL>
  dispatchFetch(input: URL | string, init?: RequestInit): Promise<Response>
  /** One of `workers`, by name. */
  getWorker(name: string): Promise<WorkerFetcher>
  dispose(): Promise<void>
}
