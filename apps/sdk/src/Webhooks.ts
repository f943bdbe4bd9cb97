/**
 * Verifying the `X-Shopvo-Signature` of an incoming webhook: `t=<unix seconds>,sha256=<hex>`, the
 * HMAC-SHA256 of `<t>.<raw body>` with the endpoint's secret. Several `sha256=` entries may be
 * present (secret rotation); one match is enough.
 */
import { constantTimeEqual, signPayload, utf8 } from "./Crypto.js"

export interface VerifyOptions {
  /** Largest accepted distance between the signed timestamp and now, in seconds (default 300). */
  readonly tolerance?: number
  /** The current time in Unix seconds (default: the clock). */
  readonly now?: number
}

export const defaultToleranceSeconds = 300

interface Parsed {
  readonly timestamp: number
  readonly signatures: ReadonlyArray<string>
}

const timestampPattern = /^\d{1,15}$/
const hexPattern = /^[0-9a-fA-F]{64}$/

const parse = (header: string): Parsed | undefined => {
  let timestamp: number | undefined
  const signatures: Array<string> = []
  for (const raw of header.split(",")) {
    const part = raw.trim()
    if (part === "") continue
    const eq = part.indexOf("=")
    if (eq <= 0) return undefined
    const key = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (key === "t") {
      if (timestamp !== undefined || !timestampPattern.test(value)) return undefined
      timestamp = Number(value)
    } else if (key === "sha256") {
      if (!hexPattern.test(value)) return undefined
      signatures.push(value.toLowerCase())
    }
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures }
}

/**
 * Whether `signatureHeader` is a valid signature of `rawBody` (the exact bytes received, before any
 * JSON parsing) with `secret`, made within the tolerance. Never throws: a missing, malformed or
 * expired header, a wrong secret or a non-string argument is `false`. Digests are compared in
 * constant time.
 */
export const verify = async (
  rawBody: string | Uint8Array,
  signatureHeader: string | null | undefined,
  secret: string,
  options: VerifyOptions = {}
): Promise<boolean> => {
  try {
    if (typeof signatureHeader !== "string" || typeof secret !== "string" || secret === "") return false
    const body = typeof rawBody === "string" ? utf8(rawBody) : rawBody
    if (!(body instanceof Uint8Array)) return false
    const parsed = parse(signatureHeader)
    if (parsed === undefined) return false
    const tolerance = options.tolerance ?? defaultToleranceSeconds
    const now = options.now ?? Date.now() / 1000
    if (!(Math.abs(now - parsed.timestamp) <= tolerance)) return false
    const expected = await signPayload(secret, parsed.timestamp, body)
    let matched = false
    // Every entry is compared (no early exit), so timing does not reveal which one matched.
    for (const signature of parsed.signatures) matched = constantTimeEqual(signature, expected) || matched
    return matched
  } catch {
    return false
  }
}

/** Webhook helpers, also available as `client.webhooks.verify`. */
export const webhooks = { verify } as const
