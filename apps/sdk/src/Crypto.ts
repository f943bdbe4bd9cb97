/**
 * HMAC-SHA256 with Web Crypto (`crypto.subtle`), available on Node 20+, Deno, Bun, browsers and
 * edge runtimes, so the SDK never needs `node:crypto`.
 */
const encoder = new TextEncoder()

export const utf8 = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text)

const keys = new Map<string, Promise<CryptoKey>>()

/** The HMAC key for a secret, imported once per secret. */
const hmacKey = (secret: string): Promise<CryptoKey> => {
  let key = keys.get(secret)
  if (key === undefined) {
    key = crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
    keys.set(secret, key)
  }
  return key
}

const hex = (bytes: Uint8Array): string => {
  let out = ""
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0")
  return out
}

/** Lowercase hex HMAC-SHA256 of `<timestamp>.<body>`: the payload of the `X-Shopvo-Signature` scheme. */
export const signPayload = async (secret: string, timestamp: number, body: Uint8Array): Promise<string> => {
  const prefix = utf8(`${timestamp}.`)
  const payload = new Uint8Array(prefix.length + body.length)
  payload.set(prefix)
  payload.set(body, prefix.length)
  return hex(new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), payload)))
}

/**
 * Compares two strings in time that depends only on their length, never on where they differ.
 * Callers compare fixed-length (64-character) hex digests, so the length itself reveals nothing.
 */
export const constantTimeEqual = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}
