/**
 * The four peers as plain `Request → Response` handlers, for the benchmark
 * loops. In Node there is no `ExecutionContext`: this adapter gets a stand-in
 * whose `waitUntil` does nothing (the route never uses it); inside workerd
 * it gets the real one.
 */
import type { Handler } from "../loop.ts"
import effect from "./effect.ts"
import hono from "./hono.ts"
import ours from "./ours.ts"
import oursGen from "./ours-gen.ts"
import plain from "./plain.ts"

/** The peers' names, in the order of the README's table. */
export const peers = ["plain", "hono", "effect", "ours", "oursGen"] as const
export type Peer = (typeof peers)[number]

export const isPeer = (name: string | undefined): name is Peer => peers.some((peer) => peer === name)

// Only what the route could use: a partial ExecutionContext on purpose (bench/ runs by type stripping).
const standIn = { waitUntil: (_: Promise<unknown>) => undefined, passThroughOnException: () => undefined }

/** Each peer, given the platform's `ctx` inside workerd (the stand-in in Node). */
export const handlers = (
  ctx: Parameters<typeof ours.fetch>[2] | typeof standIn = standIn
): Readonly<Record<Peer, Handler>> => ({
  plain: (request) => plain.fetch(request),
  hono: (request) => hono.fetch(request),
  effect: (request) => effect.fetch(request),
  ours: (request) => ours.fetch(request, {}, ctx),
  oursGen: (request) => oursGen.fetch(request, {}, ctx)
})
