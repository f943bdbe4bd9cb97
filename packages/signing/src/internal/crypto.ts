/**
 * The one place this package touches a Node built-in: `node:crypto` (and
 * `node:buffer` for hex).
 *
 * HMAC-SHA256 and SHA-256 are pure functions of their inputs, not I/O, so
 * calling them synchronously keeps the package pure in the sense that matters
 * (same inputs, same outputs, no clock, no randomness). `node:crypto` is used
 * rather than WebCrypto because `subtle.sign` is asynchronous and measured
 * ≈ 15× slower per 1 KiB request on our machines. Consequence: the package
 * targets Node ≥ 20.19, and Bun/Deno through their `node:crypto` support — not
 * browsers.
 */
import { Buffer } from "node:buffer"
import { createHash, createHmac, timingSafeEqual } from "node:crypto"

/** HMAC-SHA256 over `<timestamp>.<body>` keyed with the UTF-8 bytes of `secret`. */
export const hmacSha256 = (secret: string, timestamp: string, body: string | Uint8Array): Uint8Array => {
  const mac = createHmac("sha256", secret)
  // Two updates equal one over the concatenation; "." is ASCII, so no UTF-8
  // sequence can straddle the boundary and the bytes match the reference's
  // single `update(`${t}.${body}`, "utf8")`.
  mac.update(`${timestamp}.`, "utf8")
  if (typeof body === "string") mac.update(body, "utf8")
  else mac.update(body)
  return mac.digest()
}

/** Lowercase hex of a digest. */
export const toHex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")

/** Bytes of a hex string whose shape the caller has already validated. */
export const fromHex = (hex: string): Uint8Array => Buffer.from(hex, "hex")

/** SHA-256 of the UTF-8 bytes of `input`, lowercase hex. */
export const sha256Hex = (input: string): string => createHash("sha256").update(input, "utf8").digest("hex")

/**
 * Constant-time equality of two 32-byte digests. Both sides always have the
 * digest's fixed length (the header parser only admits 64 hex characters), so
 * `timingSafeEqual` never sees unequal lengths; the guard below turns a broken
 * caller into a plain `false` rather than an exception, and costs no secret
 * information because lengths are public.
 */
export const digestsEqual = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b)
