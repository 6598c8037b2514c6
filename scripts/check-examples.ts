/**
 * `npm run check:examples`: type-checks every TypeScript example in the docs,
 * after `npm run build` (examples import the packages by name, which resolves
 * to their built `dist`). An example is
 *
 * - a ```ts / ```typescript fenced block in README.md, ARCHITECTURE.md,
 *   CONTRIBUTING.md, packages/*\/README.md or examples/*\/README.md;
 * - such a block under an `@example` tag of a doc comment in packages/*\/src.
 *
 * Each example is written as a module of its own (an `export {}` is appended)
 * to `node_modules/.cache/examples/`, and one `tsc` run checks them all with
 * the packages' options (tsconfig.base.json) but the unused-locals checks:
 * examples are fragments, which take what they assume as `declare const …`.
 * A line that must not compile goes after `// @ts-expect-error`; a block that
 * cannot be checked starts with `// not type-checked: <reason>`.
 *
 * Errors are printed as `<source file>:<line>: <message>`, at the line of the
 * doc; the exit code is 1 when any example fails.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, relative, resolve } from "node:path"

/** One example: where it comes from, its code, and the source line of each code line (1-based). */
interface Example {
  readonly source: string
  readonly code: ReadonlyArray<string>
  readonly lines: ReadonlyArray<number>
}

const root = join(import.meta.dirname, "..")
const outDir = join(root, "node_modules", ".cache", "examples")
const tsc = join(root, "node_modules", "typescript", "bin", "tsc")
const workspaceDirs = ["packages", "examples"].flatMap((group) =>
  readdirSync(join(root, group), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${group}/${entry.name}`)
)
const optOut = /^\s*\/\/\s*not type-checked:\s*\S/
const fenceOpen = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/
const diagnostic = /^(.+?)\((\d+),\d+\): (.*)$/

// The ts fences of `lines`, as examples whose line `i` is source line `firstLine + i`; a fence
// indented (in a Markdown list item) loses that indentation. `wanted` tells whether a fence opening
// at a given index counts.
const fencedExamples = (
  source: string,
  lines: ReadonlyArray<string>,
  firstLine: number,
  wanted: (at: number) => boolean = () => true
): Array<Example> => {
  const examples: Array<Example> = []
  for (let at = 0; at < lines.length; at++) {
    const open = fenceOpen.exec(lines[at] ?? "")
    if (open === null) continue
    const [, indent = "", fence = "", info = ""] = open
    const closing = new RegExp(`^\\s*${fence.charAt(0)}{${fence.length},}\\s*$`)
    const close = lines.findIndex((line, index) => index > at && closing.test(line))
    const end = close === -1 ? lines.length : close
    if (isTypeScript(info) && wanted(at)) {
      const body = lines.slice(at + 1, end)
      examples.push({
        source,
        code: body.map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart())),
        lines: body.map((_, offset) => firstLine + at + 1 + offset)
      })
    }
    at = end
  }
  return examples
}

// The ts fences under an `@example` tag of the `/** … */` comments of a source file.
const docCommentExamples = (source: string, text: string): Array<Example> => {
  const lines = text.split("\n")
  const examples: Array<Example> = []
  for (let at = 0; at < lines.length; at++) {
    if (!lines[at]?.trimStart().startsWith("/**") || lines[at]?.includes("*/")) continue
    const close = lines.findIndex((line, index) => index > at && line.includes("*/"))
    const end = close === -1 ? lines.length : close
    const contents = lines.slice(at + 1, end).map((line) => line.replace(/^\s*\*( |$)/, ""))
    // A fence counts when the last `@tag` line before it is `@example`.
    const underExample = (fence: number): boolean =>
      contents
        .slice(0, fence)
        .findLast((line) => line.startsWith("@"))
        ?.startsWith("@example") === true
    examples.push(...fencedExamples(source, contents, at + 2, underExample))
    at = end
  }
  return examples
}

const isTypeScript = (info: string): boolean => ["ts", "typescript"].includes(info.toLowerCase())

const read = (path: string): string => readFileSync(join(root, path), "utf8")

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .sort()
    .map((name) => `${dir}/${name}`)

const started = performance.now()
const missing = workspaceDirs
  .filter((dir) => dir.startsWith("packages/") && !existsSync(join(root, dir, "dist", "index.d.ts")))
  .map((dir) => `${dir}/dist`)
if (missing.length > 0) {
  console.error(`${missing.join(", ")} missing: run npm run build first`)
  process.exit(1)
}

const markdown = ["README.md", "ARCHITECTURE.md", "CONTRIBUTING.md", ...workspaceDirs.map((dir) => `${dir}/README.md`)]
  .filter((path) => existsSync(join(root, path)))
  .flatMap((path) => fencedExamples(path, read(path).split("\n"), 1))
const docComments = workspaceDirs
  .filter((dir) => dir.startsWith("packages/") && existsSync(join(root, dir, "src")))
  .flatMap((dir) => sourceFiles(`${dir}/src`))
  .flatMap((path) => docCommentExamples(path, read(path)))
const all = [...markdown, ...docComments]
const skipped = all.filter((example) => optOut.test(example.code[0] ?? ""))
const checked = all.filter((example) => !skipped.includes(example))

rmSync(outDir, { recursive: true, force: true })
mkdirSync(outDir, { recursive: true })
const byFile = new Map<string, Example>()
checked.forEach((example, index) => {
  const name = `${String(index).padStart(3, "0")}-${example.source.replace(/[^\w.-]+/g, "-")}-${example.lines[0] ?? 0}.ts`
  writeFileSync(join(outDir, name), `${[...example.code, "export {}"].join("\n")}\n`)
  byFile.set(join(outDir, name), example)
})
writeFileSync(join(outDir, "package.json"), `${JSON.stringify({ type: "module" })}\n`)
writeFileSync(
  join(outDir, "tsconfig.json"),
  `${JSON.stringify(
    {
      extends: relative(outDir, join(root, "tsconfig.base.json")),
      compilerOptions: {
        noEmit: true,
        // The build checks the packages' declarations; here only the examples are checked (3× faster).
        skipLibCheck: true,
        composite: false,
        declaration: false,
        declarationMap: false,
        sourceMap: false,
        noUnusedLocals: false,
        noUnusedParameters: false
      },
      files: [...byFile.keys()].map((path) => relative(outDir, path))
    },
    null,
    2
  )}\n`
)

const result = spawnSync(process.execPath, [tsc, "-p", join(outDir, "tsconfig.json"), "--pretty", "false"], {
  cwd: root,
  encoding: "utf8"
})
if (result.error !== undefined) throw result.error
const failing = new Set<Example>()
const report = (result.stdout + result.stderr)
  .split("\n")
  .filter((line) => line !== "")
  .map((line) => {
    const match = diagnostic.exec(line)
    const example = match === null ? undefined : byFile.get(resolve(root, match[1] ?? ""))
    if (match === null || example === undefined) return line
    failing.add(example)
    // A line past the example's own (the appended `export {}`) is reported at its last line.
    const at = Math.min(Number(match[2]) - 1, example.lines.length - 1)
    return `${example.source}:${example.lines[at] ?? 0}: ${match[3]}`
  })
for (const line of report) console.log(line)
for (const example of skipped) console.log(`${example.source}:${example.lines[0]}: skipped, ${example.code[0]?.trim()}`)
const seconds = ((performance.now() - started) / 1000).toFixed(1)
const files = new Set(all.map((example) => example.source)).size
console.log(
  `${checked.length} examples from ${files} files type-checked in ${seconds} s` +
    (result.status === 0 ? "" : `: ${failing.size} failing`)
)
process.exitCode = result.status === 0 ? 0 : 1
