#!/usr/bin/env node
// The `centrapay-effect` command. The CLI is compiled to ../dist/bin; this launcher is
// committed so that it exists when a fresh clone runs `npm install` (npm links no bin
// whose file is missing, and the build runs after the install).
const cli = new URL("../dist/bin/centrapay-effect.js", import.meta.url)

await import(cli.href).catch((error) => {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || error.url !== cli.href) throw error
  process.stderr.write("centrapay-effect: not built yet: run `npm run build` first\n")
  process.exitCode = 1
})
