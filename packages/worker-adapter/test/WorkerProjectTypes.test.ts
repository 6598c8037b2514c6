/**
 * The handler's types in a Worker project (Workers types as globals, no
 * DOM), checked by the TypeScript compiler: `WorkerHandler.make` must
 * satisfy `ExportedHandler<Env>` there.
 */
import { execFile } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "@effect/vitest"

const here = path.dirname(fileURLToPath(import.meta.url))
const tsc = path.join(here, "..", "..", "..", "node_modules", "typescript", "bin", "tsc")

describe("in a Worker project", () => {
  it("WorkerHandler.make satisfies ExportedHandler<Env>, with env and request.cf typed", async () => {
    const project = path.join(here, "types", "worker-project", "tsconfig.json")
    const result = await promisify(execFile)(process.execPath, [tsc, "-p", project]).then(
      () => "",
      (error: { readonly stdout?: string }) => error.stdout ?? String(error)
    )
    expect(result).toBe("")
  })
})
