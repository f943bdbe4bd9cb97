/**
 * The `X-Shopvo-Signature` scheme, for signed API requests and outgoing webhooks.
 *
 *     X-Shopvo-Signature: t=<unix seconds>,sha256=<hex>[,sha256=<hex>…]
 *
 * where `<hex>` is the lowercase hex HMAC-SHA256 of the bytes `<t>.<raw body>`,
 * keyed with the UTF-8 bytes of the secret — exactly what the public
 * reference's Node snippet computes (the interop test runs that snippet).
 *
 * Invariants:
 * - `verify(sign(x))` succeeds for every body, secret and timestamp within the
 *   tolerance; changing any byte of the body, the timestamp or the secret makes
 *   it fail with `SignatureMismatch` (HMAC's own key padding aside: a secret of
 *   at most 64 bytes and the same secret with NUL bytes appended are one key).
 * - Digests are compared in constant time over fixed-length (32-byte) buffers;
 *   a received signature of any other length is refused by the parser before
 *   any comparison, so nothing ever compares buffers of unequal length.
 * - Several `sha256=` entries are accepted (secret rotation: the sender signs
 *   with old and new secret, the receiver holds one or both); one match is enough.
 * - Time is an argument (`timestamp`, `now`); nothing here reads a clock.
 *   A number means Unix seconds; a `DateTime` is floored to whole seconds for
 *   signing, as the reference does with `Math.floor(Date.now() / 1000)`.
 */
import { DateTime, Either, Redacted, Schema } from "effect"
import type { NonEmptyReadonlyArray } from "effect/Array"
import { digestsEqual, fromHex, hmacSha256, toHex } from "./internal/crypto.js"
import {
  SignatureMalformed,
  SignatureMismatch,
  SignatureMissing,
  SignatureTimestampOutOfTolerance
} from "./SignatureError.js"
import type { MalformedReason, SignatureError } from "./SignatureError.js"

/** The HTTP header carrying the signature. */
export const headerName = "X-Shopvo-Signature"

/** Default replay window: a signature more than 300 s from `now`, either way, is refused. */
export const defaultToleranceSeconds = 300

/** The exact bytes that were (or will be) sent: a string is encoded as UTF-8. */
export type Body = string | Uint8Array

/** A signing secret; `Redacted` keeps it out of logs until the HMAC needs it. */
export type Secret = string | Redacted.Redacted<string>

/** An instant: Unix seconds, or a `DateTime`. */
export type Instant = number | DateTime.DateTime

/** A SHA-256 signature as it appears in the header: 64 lowercase hex characters. */
export const Sha256Hex = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/), Schema.brand("Sha256Hex"))
export type Sha256Hex = typeof Sha256Hex.Type

/** A header, parsed: the signed timestamp and every `sha256=` entry (lowercased), in order. */
export class ParsedSignature extends Schema.Class<ParsedSignature>("ParsedSignature")({
  timestamp: Schema.NonNegativeInt,
  signatures: Schema.NonEmptyArray(Sha256Hex)
}) {}

/**
 * A successful verification: which timestamp, which entry (lowercase hex) and
 * which secret (by index) matched. Key a replay cache on `timestamp` and
 * `signature`, never on the raw header: the parser accepts many spellings of
 * one signature (whitespace, upper-case hex, extra or reordered entries), so
 * a raw-header key lets a replay through by re-spelling it.
 */
export class VerifiedSignature extends Schema.Class<VerifiedSignature>("VerifiedSignature")({
  timestamp: Schema.NonNegativeInt,
  signature: Sha256Hex,
  secretIndex: Schema.NonNegativeInt
}) {}

const reveal = (secret: Secret): string => (Redacted.isRedacted(secret) ? Redacted.value(secret) : secret)

/** Unix seconds of an instant, floored like the reference's `Math.floor(Date.now() / 1000)`. */
export const toUnixSeconds = (instant: Instant): number =>
  typeof instant === "number" ? Math.floor(instant) : Math.floor(DateTime.toEpochMillis(instant) / 1000)

// `now` keeps its sub-second part, as in the reference's `Date.now() / 1000`.
const nowSeconds = (instant: Instant): number =>
  typeof instant === "number" ? instant : DateTime.toEpochMillis(instant) / 1000

/**
 * The lowercase hex HMAC-SHA256 of `<timestamp>.<body>`: the value of one
 * `sha256=` entry. Timestamps must be at or after the Unix epoch.
 */
export const digest = (options: {
  readonly body: Body
  readonly secret: Secret
  readonly timestamp: Instant
}): Sha256Hex =>
  toHex(hmacSha256(reveal(options.secret), String(toUnixSeconds(options.timestamp)), options.body)) as Sha256Hex

/**
 * The `X-Shopvo-Signature` header value for `body` at `timestamp`. With several
 * secrets (rotation), one `sha256=` entry per secret, in the order given.
 */
export const sign = (options: {
  readonly body: Body
  readonly secret: Secret | NonEmptyReadonlyArray<Secret>
  readonly timestamp: Instant
}): string => {
  const t = String(toUnixSeconds(options.timestamp))
  const secrets: ReadonlyArray<Secret> = Array.isArray(options.secret) ? options.secret : [options.secret as Secret]
  let header = `t=${t}`
  for (const secret of secrets) {
    header += `,sha256=${toHex(hmacSha256(reveal(secret), t, options.body))}`
  }
  return header
}

const timestampPattern = /^\d{1,15}$/ // 15 digits stay within Number.MAX_SAFE_INTEGER
const hexPattern = /^[0-9a-fA-F]{64}$/

const malformed = (reason: MalformedReason) => Either.left(new SignatureMalformed({ reason }))

/**
 * Parses a header value. Whitespace around parts, keys and values is ignored,
 * as are empty parts and parts with other keys (room for future schemes such
 * as `sha512=`); hex is accepted in either case and lowercased. A blank or
 * absent header is `SignatureMissing`; anything else that is not a valid
 * header is `SignatureMalformed` with the reason.
 */
export const parse = (
  header: string | null | undefined
): Either.Either<ParsedSignature, SignatureMissing | SignatureMalformed> => {
  if (header == null || header.trim() === "") return Either.left(new SignatureMissing())
  let timestamp: number | undefined
  const signatures: Array<Sha256Hex> = []
  for (const raw of header.split(",")) {
    const part = raw.trim()
    if (part === "") continue
    const eq = part.indexOf("=")
    if (eq < 0) return malformed("invalid_part")
    const key = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (key === "") return malformed("invalid_part")
    if (key === "t") {
      if (timestamp !== undefined) return malformed("duplicate_timestamp")
      if (!timestampPattern.test(value)) return malformed("invalid_timestamp")
      timestamp = Number(value)
    } else if (key === "sha256") {
      if (!hexPattern.test(value)) return malformed("invalid_signature")
      signatures.push(value.toLowerCase() as Sha256Hex)
    }
  }
  if (timestamp === undefined) return malformed("missing_timestamp")
  const [first, ...rest] = signatures
  if (first === undefined) return malformed("missing_signature")
  // Validated above; skip the Schema re-check on this hot path.
  return Either.right(new ParsedSignature({ timestamp, signatures: [first, ...rest] }, true))
}

/** Options of `verify`. */
export interface VerifyOptions {
  /** The exact bytes received, before any JSON parsing. */
  readonly body: Body
  /** The header value as received; absent or blank is `SignatureMissing`. */
  readonly header: string | null | undefined
  /** One secret, or several during rotation; a signature matching any of them is accepted. */
  readonly secrets: Secret | ReadonlyArray<Secret>
  /** The receiver's current time. */
  readonly now: Instant
  /** Largest accepted `|now - t|`, in seconds; default 300. `Infinity` disables the check. */
  readonly toleranceSeconds?: number
}

/**
 * Verifies a header against the received body. Order: parse, then the replay
 * window (cheap and public, so a stale request costs no HMAC), then the HMAC
 * under each secret against every `sha256=` entry in constant time.
 *
 * The result is an `Either`, which is also an `Effect`: `yield*` it inside
 * `Effect.gen` to fail with the typed `SignatureError`.
 */
export const verify = (options: VerifyOptions): Either.Either<VerifiedSignature, SignatureError> => {
  const parsed = parse(options.header)
  if (Either.isLeft(parsed)) return Either.left(parsed.left)
  const { signatures, timestamp } = parsed.right

  const tolerance = options.toleranceSeconds ?? defaultToleranceSeconds
  const ageSeconds = nowSeconds(options.now) - timestamp
  // Written as `!(… <= …)` so that a NaN `now` or tolerance fails closed.
  if (!(Math.abs(ageSeconds) <= tolerance)) {
    return Either.left(
      new SignatureTimestampOutOfTolerance({ timestamp, ageSeconds, toleranceSeconds: tolerance }, true)
    )
  }

  const secrets: ReadonlyArray<Secret> = Array.isArray(options.secrets) ? options.secrets : [options.secrets as Secret]
  const received = signatures.map(fromHex)
  const t = String(timestamp)
  let match: VerifiedSignature | undefined
  for (let s = 0; s < secrets.length; s++) {
    const expected = hmacSha256(reveal(secrets[s]!), t, options.body)
    // No early exit: every entry is compared, so timing does not depend on
    // which entry (if any) matched.
    for (let i = 0; i < received.length; i++) {
      if (digestsEqual(received[i]!, expected) && match === undefined) {
        match = new VerifiedSignature({ timestamp, signature: signatures[i]!, secretIndex: s }, true)
      }
    }
  }
  return match === undefined ? Either.left(new SignatureMismatch({ timestamp }, true)) : Either.right(match)
}
