/**
 * `npm run check:packages`: the packages as an npm user gets them, after `npm run build`.
 *
 * 1. `npm pack` the three published packages: a `LICENSE` in each, one peer range on
 *    `effect` for all, and no `scripts` entry naming a file the tarball does not ship.
 * 2. `publint --strict` and `@arethetypeswrong/cli` (ESM-only profile, every module
 *    subpath) on each tarball.
 * 3. Two consumer projects outside the workspace (under the OS temp directory), as a
 *    Lambda user and a Workers user would set them up: the tarballs, `effect` and the
 *    types the README tells them to install, from the registry (npm's cache first). No
 *    optional peer they did not ask for may be installed.
 * 4. The README quick starts — the first ```ts block under `## Quick start` in each
 *    package README — are those projects' program. Each project is type-checked under
 *    `moduleResolution` `nodenext` and `bundler`. The core quick start (against a local
 *    stand-in for Centrapay) and the Lambda one (its handler called with an API Gateway
 *    v2 event by a small driver) run from tsc's nodenext output and from an esbuild
 *    bundle; the Worker one is bundled as wrangler bundles it and runs in real workerd.
 *    Their output is compared with the answers written out below; `npx centrapay-effect`
 *    runs too.
 * 5. 3–4 for the lowest and the highest `effect` version the packages' peer range
 *    allows, as the registry lists them at each run (once when they are the same).
 *    Without the registry, outside CI, 3–5 are skipped with a note.
 *
 * Exits 1 on the first failing step, printing its output; the last line says what ran.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { delimiter, dirname, join } from "node:path"

const root = join(import.meta.dirname, "..")
const bin = (name: string): string => join(root, "node_modules", ".bin", name)
const tsc = join(root, "node_modules", "typescript", "bin", "tsc")
const started = performance.now()

interface Run {
  readonly code: number
  readonly output: string
}

const run = (command: string, args: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
    })
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code: code ?? 1, output }))
  })

class CheckFailed extends Error {}

/** Runs a step that must exit 0; its output is printed when it does not. */
const must = async (
  step: string,
  command: string,
  args: ReadonlyArray<string>,
  cwd: string,
  env?: NodeJS.ProcessEnv
) => {
  const result = await run(command, args, cwd, env)
  if (result.code !== 0) throw new CheckFailed(`${step} failed (exit ${result.code}):\n${result.output.trim()}`)
  return result.output
}

const expectOutput = (step: string, actual: string, expected: string): void => {
  if (actual.trim() !== expected.trim())
    throw new CheckFailed(`${step}: unexpected output\n--- expected\n${expected.trim()}\n--- actual\n${actual.trim()}`)
}

// ---------------------------------------------------------------------------------------------
// The packages

const packages = ["core", "lambda-adapter", "worker-adapter"] as const
type Package = (typeof packages)[number]

interface Packed {
  readonly name: string
  readonly filename: string
  readonly files: ReadonlyArray<{ readonly path: string }>
}

interface Manifest {
  readonly name: string
  readonly scripts?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
  readonly peerDependenciesMeta?: Record<string, { readonly optional?: boolean }>
}

const missingDist = packages.filter((name) => !existsSync(join(root, "packages", name, "dist", "index.js")))
if (missingDist.length > 0) {
  console.error(`packages/{${missingDist.join(",")}}/dist missing: run npm run build first`)
  process.exit(1)
}

const work = mkdtempSync(join(tmpdir(), "centrapay-effect-packages-"))
const tarballDir = join(work, "tarballs")
mkdirSync(tarballDir)

// A quick start: the first ```ts block under "## Quick start" of a package README.
const quickStart = (name: Package): string => {
  const readme = readFileSync(join(root, "packages", name, "README.md"), "utf8")
  const section = readme.split(/^## Quick start\s*$/m)[1]?.split(/^## /m)[0]
  const block = section === undefined ? null : /^```ts\n([\s\S]*?)^```/m.exec(section)
  if (block?.[1] === undefined)
    throw new CheckFailed(`packages/${name}/README.md has no \`\`\`ts block under ## Quick start`)
  return block[1]
}

// The files a package script names must ship (a script may name a file by a relative path).
const unshippedScriptFiles = (manifest: Manifest, shipped: ReadonlySet<string>): Array<string> =>
  Object.entries(manifest.scripts ?? {}).flatMap(([script, line]) =>
    line
      .split(/\s+/)
      .filter((word) => /^\.{0,2}\/?[\w.-]+\/[\w./-]+$/.test(word) || /\.[cm]?[jt]s$/.test(word))
      .map((word) => word.replace(/^\.\//, ""))
      .filter((path) => !shipped.has(path))
      .map((path) => `${manifest.name}: script "${script}" names ${path}, which is not in the tarball`)
  )

const manifestOf = (name: Package): Manifest =>
  JSON.parse(readFileSync(join(root, "packages", name, "package.json"), "utf8"))

const effectRange = (name: Package): string => manifestOf(name).peerDependencies?.effect ?? "(none)"

interface Tarball {
  readonly path: string
  /** Every module as a subpath (`./Client`): each top-level `dist/*.js` but the barrel. */
  readonly modules: ReadonlyArray<string>
}

const pack = async (): Promise<Record<Package, Tarball>> => {
  const workspaces = packages.flatMap((name) => ["-w", `packages/${name}`])
  const json = await must(
    "npm pack",
    "npm",
    ["pack", ...workspaces, "--pack-destination", tarballDir, "--json", "--loglevel=error"],
    root
  )
  const packed: ReadonlyArray<Packed> = JSON.parse(json)
  const problems: Array<string> = []
  const tarball = (name: Package): Tarball => {
    const manifest = manifestOf(name)
    const entry = packed.find((candidate) => candidate.name === manifest.name)
    const files = (entry?.files ?? []).map((file) => file.path)
    const shipped = new Set(files)
    if (!shipped.has("LICENSE")) problems.push(`${manifest.name}: no LICENSE in the tarball`)
    problems.push(...unshippedScriptFiles(manifest, shipped))
    const modules = files.flatMap((file) => {
      const module = /^dist\/(\w+)\.js$/.exec(file)?.[1]
      return module === undefined || module === "index" ? [] : [`./${module}`]
    })
    return { path: join(tarballDir, entry?.filename ?? `${name}.tgz`), modules }
  }
  const tarballs = {
    core: tarball("core"),
    "lambda-adapter": tarball("lambda-adapter"),
    "worker-adapter": tarball("worker-adapter")
  }
  // One range on effect for all three: the one the consumers below are tested against.
  const ranges = new Set(packages.map((name) => effectRange(name)))
  if (ranges.size !== 1) problems.push(`the packages' peer ranges on effect differ: ${[...ranges].join(", ")}`)
  if (problems.length > 0) throw new CheckFailed(problems.join("\n"))
  return tarballs
}

const lint = async (name: Package, tarball: Tarball): Promise<void> => {
  await must(`publint ${name}`, bin("publint"), ["run", tarball.path, "--strict"], work)
  await must(
    `attw ${name}`,
    bin("attw"),
    [
      tarball.path,
      "--profile",
      "esm-only",
      "--format",
      "ascii",
      "--no-color",
      "--include-entrypoints",
      ...tarball.modules
    ],
    work
  )
}

// ---------------------------------------------------------------------------------------------
// The consumer projects

/** The version of a package the workspace has installed (so npm's cache holds it). */
const installed = (name: string): string =>
  JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version

/**
 * The lowest and highest versions of `effect` the packages' peer range allows, per the
 * registry; `undefined` when the registry does not answer (the consumers need it).
 */
const effectVersions = async (): Promise<ReadonlyArray<string> | undefined> => {
  const range = effectRange("core")
  const view = await run(
    "npm",
    ["view", `effect@${range}`, "version", "--json", "--fetch-retries=1", "--fetch-timeout=20000", "--loglevel=error"],
    root
  )
  if (view.code !== 0) return undefined
  const listed: string | ReadonlyArray<string> = JSON.parse(view.output)
  const versions = typeof listed === "string" ? [listed] : listed
  const lowest = versions[0]
  const highest = versions.at(-1)
  if (lowest === undefined || highest === undefined) throw new CheckFailed(`no effect version matches ${range}`)
  return lowest === highest ? [lowest] : [lowest, highest]
}

interface Consumer {
  readonly name: string
  readonly packages: ReadonlyArray<Package>
  /** What the package README tells its users to install besides the packages and `effect`. */
  readonly devDependencies: ReadonlyArray<string>
  readonly types: ReadonlyArray<string>
  /** The programs Node runs (tsc's nodenext output, and a bundle), by source file, and what each must print. */
  readonly programs: ReadonlyArray<{ readonly source: string; readonly expected: string }>
  /** Commands the packages install (`npx <command>`), and the first line each must print. */
  readonly commands: ReadonlyArray<{ readonly args: ReadonlyArray<string>; readonly firstLine: string }>
  /** The Workers workerd runs, bundled as wrangler bundles them, and their answers to two transfers. */
  readonly workers: ReadonlyArray<{ readonly source: string; readonly expected: string }>
  readonly files: Record<string, string>
}

// The drivers call what the quick starts export, as the platform would.
const lambdaDriver = `import * as LambdaContext from "@centrapay-effect/lambda-adapter/LambdaContext"
import { handler } from "./lambda.js"

const event = (amount: number) => ({
  version: "2.0",
  routeKey: "$default",
  rawPath: "/api/asset-transfers",
  rawQueryString: "",
  headers: { "content-type": "application/json", host: "wallet.example.com" },
  requestContext: {
    accountId: "123456789012",
    apiId: "api",
    domainName: "wallet.example.com",
    domainPrefix: "wallet",
    http: { method: "POST", path: "/api/asset-transfers", protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "check" },
    requestId: \`request-\${amount}\`,
    routeKey: "$default",
    stage: "$default",
    time: "02/Dec/2026:10:00:00 +0000",
    timeEpoch: 1795000000000,
    authorizer: { jwt: { claims: { sub: "acc_42" }, scopes: [] } }
  },
  body: JSON.stringify({ amount, recipient: "mc_3LKQhvGUcADgqoEM3bh6pslE" }),
  isBase64Encoded: false
})

for (const amount of [5, 150]) {
  const result = await handler(event(amount), LambdaContext.local())
  console.log(typeof result === "string" ? result : \`\${result.statusCode} \${result.body}\`)
}
await handler.dispose()
`

// A function: reading the quick starts may fail, inside the check.
const consumersOf = (): ReadonlyArray<Consumer> => [
  {
    name: "node",
    packages: ["core", "lambda-adapter"],
    devDependencies: ["@types/aws-lambda", "@types/node"],
    types: ["node"],
    programs: [
      { source: "core", expected: "refused: INSUFFICIENT_WALLET_BALANCE" },
      {
        source: "lambda-main",
        expected: [
          '200 {"account":"acc_42","transferred":5}',
          '403 {"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
        ].join("\n")
      }
    ],
    commands: [
      {
        args: [
          "centrapay-effect",
          "explain",
          "403",
          '{"message":"QUOTA_EXCEEDED"}',
          "--endpoint",
          "POST /api/asset-transfers"
        ],
        firstLine: "BusinessRuleViolation (403): QUOTA_EXCEEDED"
      }
    ],
    workers: [],
    files: { "core.ts": quickStart("core"), "lambda.ts": quickStart("lambda-adapter"), "lambda-main.ts": lambdaDriver }
  },
  {
    name: "worker",
    packages: ["core", "worker-adapter"],
    devDependencies: ["@cloudflare/workers-types"],
    types: ["@cloudflare/workers-types"],
    programs: [],
    commands: [],
    workers: [
      {
        source: "worker",
        expected: [
          '200 {"transferred":5}',
          '403 {"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
        ].join("\n")
      }
    ],
    files: { "worker.ts": quickStart("worker-adapter") }
  }
]

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`

const compilerOptions = (consumer: Consumer) => ({
  strict: true,
  target: "ES2022",
  lib: ["ES2023"],
  types: consumer.types,
  // As `tsc --init` and the Lambda and Workers templates set it: effect's own declarations name
  // DOM types (`Storage`) that a Node or Workers project without the DOM library lacks.
  skipLibCheck: true,
  rootDir: "src"
})

const setUp = (consumer: Consumer, tarballs: Record<Package, Tarball>, effect: string): string => {
  const dir = join(work, consumer.name)
  mkdirSync(join(dir, "src"), { recursive: true })
  const dependencies = Object.fromEntries([
    ...consumer.packages.map((name) => [`@centrapay-effect/${name}`, `file:${tarballs[name].path}`]),
    ["effect", effect]
  ])
  const devDependencies = Object.fromEntries(consumer.devDependencies.map((name) => [name, installed(name)]))
  writeFileSync(
    join(dir, "package.json"),
    json({ name: `consumer-${consumer.name}`, private: true, type: "module", dependencies, devDependencies })
  )
  writeFileSync(
    join(dir, "tsconfig.nodenext.json"),
    json({
      compilerOptions: {
        ...compilerOptions(consumer),
        module: "nodenext",
        moduleResolution: "nodenext",
        outDir: "out/nodenext"
      },
      include: ["src"]
    })
  )
  writeFileSync(
    join(dir, "tsconfig.bundler.json"),
    json({
      compilerOptions: { ...compilerOptions(consumer), module: "preserve", moduleResolution: "bundler", noEmit: true },
      include: ["src"]
    })
  )
  for (const [file, text] of Object.entries(consumer.files)) writeFileSync(join(dir, "src", file), text)
  return dir
}

const install = async (consumer: Consumer, dir: string): Promise<void> => {
  await must(
    `npm install (${consumer.name} consumer)`,
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
    dir
  )
  // An optional peer the project did not ask for must not be installed (a Lambda user gets no
  // Redis client, a Workers user no miniflare).
  const unwanted = consumer.packages.flatMap((name) => {
    const manifest = manifestOf(name)
    return Object.entries(manifest.peerDependenciesMeta ?? {})
      .filter(([peer, meta]) => meta.optional === true && !consumer.devDependencies.includes(peer))
      .map(([peer]) => peer)
  })
  const present = unwanted.filter((name) => existsSync(join(dir, "node_modules", name)))
  if (present.length > 0)
    throw new CheckFailed(`${consumer.name} consumer: installing the packages also installed ${present.join(", ")}`)
}

// The core quick start calls Centrapay: here, a local stand-in that refuses the transfer.
const centrapay = createServer((request, response) => {
  const known = request.method === "POST" && request.url === "/api/asset-transfers"
  const authenticated = request.headers["x-api-key"] === "ak_test"
  response.writeHead(known && authenticated ? 403 : 400, { "content-type": "application/json" })
  response.end(
    known && authenticated
      ? '{"statusCode":403,"error":"Forbidden","message":"INSUFFICIENT_WALLET_BALANCE"}'
      : '{"statusCode":400,"error":"Bad Request","message":"not what the quick start sends"}'
  )
})

const exercise = async (consumer: Consumer, dir: string, effect: string, baseUrl: string): Promise<void> => {
  const label = `${consumer.name} consumer, effect ${effect}`
  const env = { CENTRAPAY_BASE_URL: baseUrl, CENTRAPAY_API_KEY: "ak_test" }
  await must(
    `tsc nodenext (${label})`,
    process.execPath,
    [tsc, "-p", "tsconfig.nodenext.json", "--pretty", "false"],
    dir
  )
  await must(`tsc bundler (${label})`, process.execPath, [tsc, "-p", "tsconfig.bundler.json", "--pretty", "false"], dir)
  const esbuild = await import("esbuild")
  const bundle = (sources: ReadonlyArray<string>, target: "node" | "workerd") =>
    esbuild.build({
      absWorkingDir: dir,
      entryPoints: sources.map((source) => `src/${source}.ts`),
      outdir: "out/bundler",
      bundle: true,
      format: "esm",
      logLevel: "error",
      // As wrangler bundles a Worker.
      ...(target === "node"
        ? { platform: "node" }
        : { platform: "neutral", conditions: ["workerd", "worker", "browser"], mainFields: ["module", "main"] })
    })
  await bundle(
    consumer.programs.map((program) => program.source),
    "node"
  )
  await bundle(
    consumer.workers.map((worker) => worker.source),
    "workerd"
  )
  for (const program of consumer.programs) {
    for (const mode of ["nodenext", "bundler"]) {
      const step = `${program.source} (${label}, ${mode})`
      const output = await must(step, process.execPath, [`out/${mode}/${program.source}.js`], dir, env)
      expectOutput(step, output, program.expected)
    }
  }
  for (const command of consumer.commands) {
    const [name = "", ...args] = command.args
    const step = `npx ${name} (${label})`
    // The bin's `#!/usr/bin/env node` finds this Node first.
    const path = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`
    const output = await must(step, join(dir, "node_modules", ".bin", name), args, dir, { PATH: path })
    expectOutput(step, output.split("\n")[0] ?? "", command.firstLine)
  }
  for (const worker of consumer.workers) {
    const step = `${worker.source} (${label}, bundled, in workerd)`
    expectOutput(step, await inWorkerd(join(dir, "out", "bundler", `${worker.source}.js`)), worker.expected)
  }
}

// The Worker quick start's answers to two transfers, from real workerd (the workspace's miniflare,
// through the tests' typed facade: miniflare's own declarations do not compile).
const inWorkerd = async (script: string): Promise<string> => {
  const { Miniflare } = await import("../packages/worker-adapter/test/support/miniflare.js")
  const worker = new Miniflare({
    modules: true,
    script: readFileSync(script, "utf8"),
    compatibilityDate: "2026-01-01",
    bindings: { CENTRAPAY_API_KEY: "ak_test" }
  })
  try {
    const answers: Array<string> = []
    for (const amount of [5, 150]) {
      const response = await worker.dispatchFetch("https://wallet.example.com/api/asset-transfers", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ amount, recipient: "alice" })
      })
      answers.push(`${response.status} ${await response.text()}`)
    }
    return answers.join("\n")
  } finally {
    await worker.dispose()
  }
}

/** Waits for every step (no child process outlives the check), then fails with the first failure. */
const settled = async (steps: ReadonlyArray<Promise<void>>): Promise<void> => {
  const failed = (await Promise.allSettled(steps)).find((result) => result.status === "rejected")
  if (failed !== undefined) throw failed.reason
}

const main = async (): Promise<void> => {
  const [tarballs, versions] = await Promise.all([pack(), effectVersions()])
  await settled(packages.map((name) => lint(name, tarballs[name])))
  if (versions === undefined) {
    // Offline: the consumer projects need the registry's metadata for effect and the types.
    const message = "the npm registry did not answer, so no consumer project was installed"
    if (process.env.CI !== undefined) throw new CheckFailed(message)
    console.log(
      `check:packages: ${packages.length} packages packed, publint and attw clean; ${message} (it fails in CI)`
    )
    return
  }
  await new Promise<void>((resolve) => centrapay.listen(0, "127.0.0.1", resolve))
  const address = centrapay.address()
  if (address === null || typeof address === "string") throw new CheckFailed("the local server has no port")
  const baseUrl = `http://127.0.0.1:${address.port}`
  const consumers = consumersOf()
  for (const effect of versions) {
    await settled(
      consumers.map(async (consumer) => {
        const dir = setUp(consumer, tarballs, effect)
        await install(consumer, dir)
        await exercise(consumer, dir, effect, baseUrl)
      })
    )
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(
    `check:packages: ${packages.length} packages packed, publint and attw clean; quick starts type-checked and run ` +
      `under nodenext and bundler, and the CLI run, in ${consumers.length} consumer projects with effect ` +
      `${versions.join(" and ")} in ${seconds} s`
  )
}

try {
  await main()
} catch (error) {
  console.error(error instanceof CheckFailed ? `check:packages: ${error.message}` : error)
  process.exitCode = 1
} finally {
  centrapay.close()
  rmSync(work, { recursive: true, force: true })
}
