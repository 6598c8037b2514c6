/**
 * vitest global setup: one real redis-server for the whole test run
 * (installed with apt-get when missing), its URL given to the tests as
 * `inject("redisUrl")`, stopped at the end. Tests that share it use their
 * own keys; a test that stops or freezes Redis starts its own with
 * `RedisServer.start`.
 */
import type { TestProject } from "vitest/node"
import * as RedisServer from "./RedisServer.ts"

declare module "vitest" {
  export interface ProvidedContext {
    readonly redisUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await RedisServer.start()
  project.provide("redisUrl", redis.url)
  return () => redis.stop()
}
