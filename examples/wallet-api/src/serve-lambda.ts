/**
 * Serves the wallet API's Lambda handler alone on http://127.0.0.1:3000
 * (override with PORT) until Ctrl-C. Each HTTP request becomes an API
 * Gateway v2 event.
 */
import { serveAlone, startLambda } from "./runtimes.ts"

await serveAlone(startLambda, Number(process.env.PORT ?? 3000))
