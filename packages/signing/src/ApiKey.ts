/**
 * Secret API keys: `sk_live_…` for production data, `sk_test_…` for the
 * sandbox, each followed by 48 base-62 characters (≈ 285 bits of entropy).
 *
 * Invariants:
 * - A key's mode is its prefix; nothing else decides whether a request sees
 *   live or test data.
 * - Keys are stored only as `hash(key)`: SHA-256, hex. A fast hash is the right
 *   tool here, and bcrypt/scrypt/argon2 the wrong one: slow, salted hashes exist
 *   to make guessing low-entropy passwords expensive, but a random 285-bit key
 *   cannot be guessed at any hash speed, while an unsalted deterministic hash
 *   lets the server find the key by an indexed lookup on every request (a
 *   salted hash would force a scan, a slow one would cost ~100 ms of CPU per
 *   request).
 * - Generation takes its randomness from the `RandomBytes` service.
 * - Failures never contain the presented value: a near-miss may still be a secret.
 */
import { Effect, Either, Redacted, Schema } from "effect"
import { sha256Hex } from "./internal/crypto.js"
import { check, encodeBody, generateBody, MalformedReason, malformedText, tokenPattern } from "./internal/token.js"
import type { InvalidEntropy, RandomBytes } from "./RandomBytes.js"

/** Which data a key sees. */
export const Mode = Schema.Literal("live", "test")
export type Mode = typeof Mode.Type

/** The prefix of each mode. */
export const prefixes: { readonly [M in Mode]: `sk_${M}_` } = { live: "sk_live_", test: "sk_test_" }

const modeOfPrefix = { sk_live_: "live", sk_test_: "test" } as const

/** A well-formed secret API key. */
export const ApiKey = Schema.String.pipe(
  Schema.pattern(tokenPattern([prefixes.live, prefixes.test])),
  Schema.brand("ApiKey")
)
export type ApiKey = typeof ApiKey.Type

/** The storage form of a key: SHA-256 of the key, 64 lowercase hex characters. */
export const ApiKeyHash = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/), Schema.brand("ApiKeyHash"))
export type ApiKeyHash = typeof ApiKeyHash.Type

/** Length of the display prefix: `sk_live_` plus 4 characters of the body (≈ 24 of its 285 bits). */
export const displayPrefixLength = 12

/** A presented key, validated: the key itself (redacted, so logging this is safe), its mode and display prefix. */
export class ParsedApiKey extends Schema.Class<ParsedApiKey>("ParsedApiKey")({
  key: Schema.Redacted(ApiKey),
  mode: Mode,
  displayPrefix: Schema.String
}) {
  /** `true` for a live key: the value of the `livemode` column of the data it may see. */
  get livemode(): boolean {
    return this.mode === "live"
  }
}

/** A presented value is not a well-formed `sk_live_`/`sk_test_` key. */
export class ApiKeyMalformed extends Schema.TaggedError<ApiKeyMalformed>()("ApiKeyMalformed", {
  reason: MalformedReason
}) {
  override get message(): string {
    return `The API key is malformed: ${malformedText[this.reason]}`
  }
}

/** Builds a key from exactly 48 random bytes. */
export const fromEntropy = (mode: Mode, bytes: Uint8Array): Either.Either<ApiKey, InvalidEntropy> =>
  Either.map(encodeBody(bytes), (body) => ApiKey.make(prefixes[mode] + body, true))

/** Generates a fresh key of the given mode from the `RandomBytes` service. */
export const generate = (mode: Mode): Effect.Effect<ApiKey, never, RandomBytes> =>
  Effect.map(generateBody, (body) => ApiKey.make(prefixes[mode] + body, true))

/** The first 12 characters, e.g. `sk_live_4eC3`: enough to tell keys apart in a list, useless to an attacker. */
export const displayPrefix = (key: ApiKey | Redacted.Redacted<ApiKey>): string =>
  (Redacted.isRedacted(key) ? Redacted.value(key) : key).slice(0, displayPrefixLength)

/**
 * Validates a presented key (e.g. the token of `Authorization: Bearer …`) and
 * reads its mode. The value is taken as is: no trimming, no case folding.
 */
export const parse = (presented: string): Either.Either<ParsedApiKey, ApiKeyMalformed> =>
  Either.match(check([prefixes.live, prefixes.test], presented), {
    onLeft: (reason) => Either.left(new ApiKeyMalformed({ reason })),
    onRight: (prefix) => {
      const key = ApiKey.make(presented, true)
      return Either.right(
        new ParsedApiKey(
          { key: Redacted.make(key), mode: modeOfPrefix[prefix], displayPrefix: displayPrefix(key) },
          true
        )
      )
    }
  })

/** The storage form of a key (SHA-256 hex); look keys up by this, never store the key. */
export const hash = (key: ApiKey | Redacted.Redacted<ApiKey>): ApiKeyHash =>
  sha256Hex(Redacted.isRedacted(key) ? Redacted.value(key) : key) as ApiKeyHash
