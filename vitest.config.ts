import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    // A real redis-server (installed with apt-get when missing) for the shared rate limiter's tests.
    globalSetup: ["scripts/fleet/redis.globalSetup.ts"],
    // One worker per file: tests start real servers and workerd, and must not share module state.
    isolate: true
  }
})
