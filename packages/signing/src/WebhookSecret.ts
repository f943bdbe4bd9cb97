/**
 * Webhook endpoint secrets: `whsec_` followed by 48 base-62 characters
 * (≈ 285 bits of entropy): the HMAC key with which Shopvo signs the
 * `X-Shopvo-Signature` of webhook deliveries to one endpoint.
 *
 * The sender needs the secret itself to compute HMACs, and the receiver to
 * verify them, so it cannot be stored as a hash: store it encrypted at rest and
 * pass it to `Signature` as a `Redacted`. The HMAC key is the whole string,
 * prefix included, as UTF-8 — as in the reference's snippet.
 */
import { Effect, Either, Schema } from "effect"
import { check, encodeBody, generateBody, MalformedReason, malformedText, tokenPattern } from "./internal/token.js"
import type { InvalidEntropy, RandomBytes } from "./RandomBytes.js"

/** The prefix of every webhook secret. */
export const prefix = "whsec_"

/** A well-formed webhook secret. */
export const WebhookSecret = Schema.String.pipe(Schema.pattern(tokenPattern([prefix])), Schema.brand("WebhookSecret"))
export type WebhookSecret = typeof WebhookSecret.Type

/** A presented value is not a well-formed `whsec_` secret. */
export class WebhookSecretMalformed extends Schema.TaggedError<WebhookSecretMalformed>()("WebhookSecretMalformed", {
  reason: MalformedReason
}) {
  override get message(): string {
    return `The webhook secret is malformed: ${malformedText[this.reason]}`
  }
}

/** Builds a secret from exactly 48 random bytes. */
export const fromEntropy = (bytes: Uint8Array): Either.Either<WebhookSecret, InvalidEntropy> =>
  Either.map(encodeBody(bytes), (body) => WebhookSecret.make(prefix + body, true))

/** Generates a fresh secret from the `RandomBytes` service. */
export const generate: Effect.Effect<WebhookSecret, never, RandomBytes> = Effect.map(generateBody, (body) =>
  WebhookSecret.make(prefix + body, true)
)

/** Validates a presented secret, taken as is. */
export const parse = (presented: string): Either.Either<WebhookSecret, WebhookSecretMalformed> =>
  Either.match(check([prefix], presented), {
    onLeft: (reason) => Either.left(new WebhookSecretMalformed({ reason })),
    onRight: () => Either.right(WebhookSecret.make(presented, true))
  })
