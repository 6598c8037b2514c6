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
}

export declare class Miniflare {
  constructor(options: MiniflareOptions)
  /** Resolves with the worker's local URL once workerd listens. */
  readonly ready: Promise<URL>
  dispatchFetch(input: URL | string, init?: RequestInit): Promise<Response>
  dispose(): Promise<void>
}
