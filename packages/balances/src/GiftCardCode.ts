/**
 * Gift card codes: `GIFT-XXXX-YYYY`, where the eight X/Y symbols come from an
 * alphabet without look-alike characters.
 *
 * Codes are read aloud over the phone and typed from printed cards, so the
 * alphabet leaves out 0/O and 1/I/L: `ABCDEFGHJKMNPQRSTUVWXYZ23456789`
 * (31 symbols, ≈ 39.6 bits over eight symbols). Customers type codes in any
 * case and with stray spaces, so input is normalised (trimmed, upper-cased)
 * before it is validated.
 *
 * Invariants:
 * - a `GiftCardCode` value is always canonical: upper case, `GIFT-` prefix,
 *   two groups of four symbols of `alphabet`, nothing else;
 * - `fromRandomBytes` maps bytes to symbols without modulo bias (rejection
 *   sampling), so every code is equally likely when the bytes are uniform.
 *
 * This module never draws randomness itself: the bytes come from the caller
 * (see `GiftCardCodeGenerator`). Uniqueness across issued cards is the
 * repository's job (a unique index and a retry on conflict).
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * The symbols a code is made of, in the order random bytes map onto them.
 *
 * @since 0.1.0
 */
export const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

/**
 * Number of random symbols in a code (two groups of four).
 *
 * @since 0.1.0
 */
export const symbolCount = 8

/**
 * How many random bytes a caller should supply for one code. Each byte is
 * accepted with probability 248/256, so 16 bytes fail to yield eight symbols
 * with probability below 10⁻⁹.
 *
 * @since 0.1.0
 */
export const recommendedByteCount = 16

const group = `[${alphabet}]{4}`
const canonical = new RegExp(`^GIFT-${group}-${group}$`)

/**
 * A canonical gift card code, e.g. `GIFT-7KQM-X4TZ`.
 *
 * @since 0.1.0
 */
export const GiftCardCode = Schema.String.pipe(
  Schema.pattern(canonical, {
    message: () => `Expected a gift card code such as GIFT-7KQM-X4TZ (symbols from ${alphabet})`
  }),
  Schema.brand("GiftCardCode")
).annotations({ identifier: "GiftCardCode" })

/**
 * @since 0.1.0
 */
export type GiftCardCode = typeof GiftCardCode.Type

/**
 * Decodes what a customer typed ("  gift-7kqm-x4tz ") into a canonical code.
 * Encoding gives back the canonical form.
 *
 * @since 0.1.0
 */
export const GiftCardCodeFromInput: Schema.Schema<GiftCardCode, string> = Schema.transformOrFail(
  Schema.String,
  GiftCardCode,
  {
    strict: true,
    decode: (input) => ParseResult.succeed(normalize(input)),
    encode: (code) => ParseResult.succeed(code)
  }
).annotations({ identifier: "GiftCardCodeFromInput" })

/**
 * A string that is not a gift card code, even after normalisation.
 *
 * @since 0.1.0
 */
export class InvalidGiftCardCode extends Data.TaggedError("InvalidGiftCardCode")<{
  readonly input: string
}> {
  override get message(): string {
    return `${JSON.stringify(this.input)} is not a gift card code (expected GIFT-XXXX-YYYY over ${alphabet})`
  }
}

/**
 * The supplied random bytes ran out before eight symbols were accepted. Only
 * happens with fewer than `recommendedByteCount` bytes or a broken source.
 *
 * @since 0.1.0
 */
export class NotEnoughRandomBytes extends Data.TaggedError("NotEnoughRandomBytes")<{
  readonly supplied: number
}> {
  override get message(): string {
    return `${this.supplied} random bytes did not yield ${symbolCount} code symbols; supply ${recommendedByteCount}`
  }
}

/**
 * Trims and upper-cases user input. Does not validate.
 *
 * @since 0.1.0
 */
export const normalize = (input: string): string => input.trim().toUpperCase()

/**
 * Whether `u` is already a canonical code.
 *
 * @since 0.1.0
 */
export const isGiftCardCode: (u: unknown) => u is GiftCardCode = Schema.is(GiftCardCode)

/**
 * Parses user input (any case, surrounding spaces) into a canonical code.
 *
 * @since 0.1.0
 */
export const parse = (input: string): Either.Either<GiftCardCode, InvalidGiftCardCode> => {
  const candidate = normalize(input)
  return isGiftCardCode(candidate) ? Either.right(candidate) : Either.left(new InvalidGiftCardCode({ input }))
}

// The largest multiple of the alphabet size that fits in a byte: bytes at or
// above it are skipped, otherwise the first 256 mod 31 = 8 symbols would be
// drawn more often than the rest.
const acceptBelow = 256 - (256 % alphabet.length)

/**
 * Builds a code from random bytes supplied by the caller (e.g. Node's
 * `crypto.randomBytes(recommendedByteCount)`). Deterministic: the same bytes
 * always give the same code, which is what makes it testable.
 *
 * @since 0.1.0
 */
export const fromRandomBytes = (bytes: Uint8Array): Either.Either<GiftCardCode, NotEnoughRandomBytes> => {
  let symbols = ""
  for (const byte of bytes) {
    if (byte >= acceptBelow) continue
    symbols += alphabet[byte % alphabet.length]
    if (symbols.length === symbolCount) {
      // Only alphabet symbols in the canonical layout: valid by construction.
      return Either.right(`GIFT-${symbols.slice(0, 4)}-${symbols.slice(4)}` as GiftCardCode)
    }
  }
  return Either.left(new NotEnoughRandomBytes({ supplied: bytes.length }))
}
