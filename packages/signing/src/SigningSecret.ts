/**
 * Request signing secrets: `sks_` followed by 48 base-62 characters
 * (≈ 285 bits of entropy), the HMAC key of `X-Shopvo-Signature` on requests
 * made with an API key that has one.
 *
 * Unlike an API key, the server needs the secret itself to recompute HMACs,
 * so it cannot be stored as a hash: store it encrypted at rest and pass it to
 * `Signature.verify` as a `Redacted`. The HMAC key is the whole string,
 * prefix included, as UTF-8 — as in the reference's snippet.
 */
import { Effect, Either, Schema } from "effect"
import { check, encodeBody, generateBody, MalformedReason, malformedText, tokenPattern } from "./internal/token.js"
import type { InvalidEntropy, RandomBytes } from "./RandomBytes.js"

/** The prefix of every signing secret. */
export const prefix = "sks_"

/** A well-formed signing secret. */
export const SigningSecret = Schema.String.pipe(Schema.pattern(tokenPattern([prefix])), Schema.brand("SigningSecret"))
export type SigningSecret = typeof SigningSecret.Type

/** A presented value is not a well-formed `sks_` secret. */
export class SigningSecretMalformed extends Schema.TaggedError<SigningSecretMalformed>()("SigningSecretMalformed", {
  reason: MalformedReason
}) {
  override get message(): string {
    return `The signing secret is malformed: ${malformedText[this.reason]}`
  }
}

/** Builds a secret from exactly 48 random bytes. */
export const fromEntropy = (bytes: Uint8Array): Either.Either<SigningSecret, InvalidEntropy> =>
  Either.map(encodeBody(bytes), (body) => SigningSecret.make(prefix + body, true))

/** Generates a fresh secret from the `RandomBytes` service. */
export const generate: Effect.Effect<SigningSecret, never, RandomBytes> = Effect.map(generateBody, (body) =>
  SigningSecret.make(prefix + body, true)
)

/** Validates a presented secret, taken as is. */
export const parse = (presented: string): Either.Either<SigningSecret, SigningSecretMalformed> =>
  Either.match(check([prefix], presented), {
    onLeft: (reason) => Either.left(new SigningSecretMalformed({ reason })),
    onRight: () => Either.right(SigningSecret.make(presented, true))
  })
