/**
 * A stand-in for the rates provider the live exchange-rate route calls, scripted per
 * currency with what real upstreams answer: a rate, its documented business code, a
 * rejected API key, a 404, a proxy's HTML error page naming an internal host, and no
 * answer at all. The demo, the `serve:*` scripts and the tests run against it.
 */
import { type Answer, listen, noAnswer, type Script, type ScriptedServer } from "./scripted-server.ts"

const json = (status: number, body: string): Answer => ({
  status,
  headers: { "content-type": "application/json" },
  body
})

/** The provider's answer for each currency. */
const ratesScript: Script = {
  "/rates/USD": [json(200, '{"currency":"USD","rate":0.5912}')],
  "/rates/XAU": [json(403, '{"statusCode":403,"error":"Forbidden","message":"UNSUPPORTED_CURRENCY"}')],
  "/rates/AUD": [json(401, '{"statusCode":401,"error":"Unauthorized","message":"Invalid API key"}')],
  "/rates/GBP": [json(404, '{"statusCode":404,"error":"Not Found","message":"Not Found"}')],
  "/rates/JPY": [
    {
      status: 502,
      headers: { "content-type": "text/html" },
      body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center><p>upstream rates-internal.prod.svc.cluster.local:8443</p></body></html>"
    }
  ],
  "/rates/CHF": [noAnswer]
}

/** Starts the stand-in on a free port of 127.0.0.1. */
export const startRatesApi = (): Promise<ScriptedServer> => listen(ratesScript)

/**
 * The wallet API's configuration for a rates provider at `url` (see `ratesApiConfig`):
 * one attempt of at most 300 ms, so a provider that never answers costs 300 ms (our own
 * callers retry our 502 and 504).
 */
export const ratesApiEnv = (url: string): Readonly<Record<string, string>> => ({
  RATES_API_URL: url,
  RATES_API_KEY: "demo-rates-key",
  RATES_API_ATTEMPT_TIMEOUT: "300 millis",
  RATES_API_MAX_ATTEMPTS: "1"
})
