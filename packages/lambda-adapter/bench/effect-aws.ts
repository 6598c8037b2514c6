/**
 * `@effect-aws/lambda` needs Effect 3, which cannot share this workspace
 * (Effect 4 here). This prepares a workspace of its own in the system's temp
 * directory (`npm install` of pinned versions, once; kept for later runs),
 * copies `effect-aws-run.ts`, `route.ts` and `core/bench/stats.ts` into it and runs it
 * there, printing its JSON tables; `report.ts` marks their rows as measured
 * in that separate process, against its own hand-written row. Prints
 * nothing (and `report.ts` says so) when npm cannot install the packages.
 */
import { execFileSync } from "node:child_process"
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** The versions measured: `@effect-aws/lambda` (newest on 2026-12-02) and the Effect 3 it runs on. */
const versions = {
  "@effect-aws/lambda": "1.5.1",
  effect: "3.22.4",
  "@effect/platform": "0.97.2",
  "@effect/platform-node-shared": "0.61.1"
}

const workspace = join(tmpdir(), "centrapay-effect-bench-effect3")
mkdirSync(workspace, { recursive: true })
const manifest = JSON.stringify({ name: "effect3-bench", private: true, type: "module", dependencies: versions })
const manifestPath = join(workspace, "package.json")
if (!existsSync(manifestPath) || readFileSync(manifestPath, "utf8") !== manifest) {
  writeFileSync(manifestPath, manifest)
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: workspace, stdio: "ignore" })
}
mkdirSync(join(workspace, "core", "bench"), { recursive: true })
mkdirSync(join(workspace, "lambda-adapter", "bench"), { recursive: true })
copyFileSync(new URL("../../core/bench/stats.ts", import.meta.url), join(workspace, "core", "bench", "stats.ts"))
const runner = join(workspace, "lambda-adapter", "bench", "effect-aws-run.ts")
copyFileSync(new URL("./effect-aws-run.ts", import.meta.url), runner)
copyFileSync(new URL("./route.ts", import.meta.url), join(workspace, "lambda-adapter", "bench", "route.ts"))
const label = `@effect-aws/lambda ${versions["@effect-aws/lambda"]} (effect ${versions.effect})`
process.stdout.write(
  execFileSync(process.execPath, [runner], {
    cwd: workspace,
    encoding: "utf8",
    env: { ...process.env, BENCH_LABEL: label }
  })
)
