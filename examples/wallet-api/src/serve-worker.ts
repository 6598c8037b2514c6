/**
 * Serves the wallet API's Worker alone, in workerd, on
 * http://127.0.0.1:8787 (override with PORT) until Ctrl-C.
 */
import { serveAlone, startWorker } from "./runtimes.ts"

await serveAlone(startWorker, Number(process.env.PORT ?? 8787))
