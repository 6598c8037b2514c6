/**
 * Request bodies: a base64-encoded body (API Gateway and Function URLs encode
 * binary payloads, ALB may encode any) is decoded to bytes once, here, so the
 * program sees what the client sent.
 */
import { Buffer } from "node:buffer"

/** The body as the client sent it: text, decoded bytes, or nothing. */
export const requestBody = (body: unknown, isBase64Encoded: unknown): string | Uint8Array | undefined => {
  if (typeof body !== "string" || body === "") return undefined
  return isBase64Encoded === true ? Buffer.from(body, "base64") : body
}
