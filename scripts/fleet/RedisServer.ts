/**
 * A real Redis for tests and `npm run fleet`: Debian's `redis-server`,
 * installed with apt-get when it is missing (CI runs as root on a fresh
 * machine), started on a free loopback port with no persistence, stopped
 * after. Also freezes and thaws a server (SIGSTOP / SIGCONT) to make it a
 * slow store for real.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import * as net from "node:net"

/** A running redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** Stops answering (SIGSTOP): connections stay open, commands wait. */
  readonly freeze: () => void
  /** Answers again (SIGCONT). */
  readonly thaw: () => void
  /** Stops the server and waits for it to exit. */
  readonly stop: () => Promise<void>
}

const installed = (): boolean => spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0

/** Installs Debian's redis-server when it is not on the PATH (needs root, as in CI). */
export const ensureInstalled = (): void => {
  if (installed()) return
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  for (const args of [
    ["update", "-qq"],
    ["install", "-y", "-qq", "redis-server"]
  ]) {
    const result = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env })
    if (result.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed (exit ${result.status})`)
  }
  if (!installed()) throw new Error("redis-server is still missing after apt-get install")
}

/** A port nobody listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const ping = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1")
    let answer = ""
    socket.setTimeout(200, () => {
      socket.destroy()
      resolve(false)
    })
    socket.on("error", () => resolve(false))
    socket.on("connect", () => socket.write("PING\r\n"))
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1")
      if (answer.includes("\r\n")) {
        socket.end()
        resolve(answer.startsWith("+PONG"))
      }
    })
  })

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()))

/** Installs redis-server if needed and starts one on a free loopback port. */
export const start = async (): Promise<RedisServer> => {
  ensureInstalled()
  const port = await freePort()
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
    { stdio: "ignore" }
  )
  for (let tries = 0; !(await ping(port)); tries++) {
    if (tries > 100 || child.exitCode !== null) {
      child.kill("SIGKILL")
      throw new Error(`redis-server did not start on port ${port}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    freeze: () => child.kill("SIGSTOP"),
    thaw: () => child.kill("SIGCONT"),
    stop: async () => {
      child.kill("SIGCONT")
      child.kill("SIGTERM")
      await exited(child)
    }
  }
}
