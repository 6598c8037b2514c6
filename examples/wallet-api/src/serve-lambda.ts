/**
 * Serves the wallet API's Lambda handler alone on http://127.0.0.1:3000
 * (override with PORT) until Ctrl-C. Each HTTP request becomes an API
 * Gateway v2 event.
 */
import { startLambda } from "./runtimes.ts"

const running = await startLambda(Number(process.env.PORT ?? 3000))
console.log(`${running.name} listening on ${running.url}`)
console.log(`try: curl -i ${running.url}/api/merchant-configs/mc_3LKQhvGUcADgqoEM3bh6pslE -H 'X-Api-Key: demo-key'`)
process.once("SIGINT", () => void running.stop())
process.once("SIGTERM", () => void running.stop())
