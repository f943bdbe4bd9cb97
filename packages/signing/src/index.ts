/**
 * @shopvo/signing — HMAC-SHA256 request and webhook signing
 * (`X-Shopvo-Signature`), signed download links and the formats of API keys and secrets.
 * Depends on `effect` and Node's built-in `node:crypto` (see
 * `internal/crypto.ts`), so it targets Node ≥ 20.19 and Bun/Deno.
 */
export * as ApiKey from "./ApiKey.js"
export * as RandomBytes from "./RandomBytes.js"
export * as DownloadLink from "./DownloadLink.js"
export * as Signature from "./Signature.js"
export * as SignatureError from "./SignatureError.js"
export * as SigningSecret from "./SigningSecret.js"
export * as WebhookSecret from "./WebhookSecret.js"
