/**
 * Signed, expiring download links: the HMAC-SHA256 of a link's site, mode,
 * resource and expiry, so a link can be followed without an API key and
 * neither part of it can be changed.
 *
 *     signature = hex(HMAC-SHA256(secret, "<expires>.<siteId>|<live|test>|<resourceId>"))
 *
 * Invariants (property-tested):
 * - `verify(sign(link))` succeeds for every link until its expiry (inclusive);
 * - changing the site, the mode, the resource, the expiry or the secret makes
 *   it fail with `invalid`; a signature of any other shape too;
 * - the signature is checked first, in constant time over fixed-length
 *   digests, so an expired link says `expired` only when it is genuine;
 * - time is an argument; nothing here reads a clock.
 */
import { Either, Redacted } from "effect"
import { digestsEqual, fromHex, hmacSha256, toHex } from "./internal/crypto.js"

/** What a link names. `expires` is Unix seconds. */
export interface Link {
  readonly siteId: string
  readonly livemode: boolean
  readonly resourceId: string
  readonly expires: number
}

/** Why a link is refused. */
export type Refusal = "invalid" | "expired"

export type Secret = string | Redacted.Redacted<string>

const reveal = (secret: Secret): string => (Redacted.isRedacted(secret) ? Redacted.value(secret) : secret)

// `|` separates the parts: ids never contain it, so no two links share a message.
const message = (link: Link) => `${link.siteId}|${link.livemode ? "live" : "test"}|${link.resourceId}`

/** The lowercase hex signature of `link`. */
export const sign = (link: Link, secret: Secret): string =>
  toHex(hmacSha256(reveal(secret), String(Math.floor(link.expires)), message(link)))

const hex64 = /^[0-9a-f]{64}$/

/** Accepts `signature` for `link` at `now` (Unix seconds), or says why not. */
export const verify = (link: Link, signature: string, secret: Secret, now: number): Either.Either<void, Refusal> => {
  if (!Number.isSafeInteger(link.expires) || link.expires < 0 || !hex64.test(signature)) return Either.left("invalid")
  const expected = hmacSha256(reveal(secret), String(link.expires), message(link))
  if (!digestsEqual(fromHex(signature), expected)) return Either.left("invalid")
  // Written as `!(… <= …)` so that a NaN `now` fails closed.
  if (!(now <= link.expires)) return Either.left("expired")
  return Either.void
}
