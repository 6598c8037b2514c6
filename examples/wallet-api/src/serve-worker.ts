/**
 * Serves the wallet API's Worker alone, in workerd, on
 * http://127.0.0.1:8787 (override with PORT) until Ctrl-C.
 */
import { startWorker } from "./runtimes.ts"

const running = await startWorker(Number(process.env.PORT ?? 8787))
console.log(`${running.name} listening on ${running.url}`)
console.log(`try: curl -i ${running.url}/api/merchant-configs/mc_3LKQhvGUcADgqoEM3bh6pslE -H 'X-Api-Key: demo-key'`)
process.once("SIGINT", () => void running.stop())
process.once("SIGTERM", () => void running.stop())
