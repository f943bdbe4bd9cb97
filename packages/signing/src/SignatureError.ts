/**
 * Why an `X-Shopvo-Signature` was refused.
 *
 * Four failures a caller can branch on by `_tag`; an HTTP server answers all
 * of them with 401 but logs (and may tell the client) which one it was. None
 * of them carries a secret, a signature or the expected digest, so they are
 * safe to log and to return in an error body.
 */
import { Schema } from "effect"

/** The header is absent or blank. */
export class SignatureMissing extends Schema.TaggedError<SignatureMissing>()("SignatureMissing", {}) {
  override get message(): string {
    return "The X-Shopvo-Signature header is missing"
  }
}

/** What made a present header unparseable. */
export const MalformedReason = Schema.Literal(
  "invalid_part", // a comma-separated part without `key=value`
  "missing_timestamp", // no `t=` part
  "duplicate_timestamp", // more than one `t=` part: ambiguous, so refused
  "invalid_timestamp", // `t` is not a non-negative integer of at most 15 digits
  "missing_signature", // no `sha256=` part
  "invalid_signature" // a `sha256=` value that is not 64 hexadecimal characters
)
export type MalformedReason = typeof MalformedReason.Type

const malformedText: Record<MalformedReason, string> = {
  invalid_part: "a part is not of the form key=value",
  missing_timestamp: "the t= timestamp is missing",
  duplicate_timestamp: "the t= timestamp appears more than once",
  invalid_timestamp: "the t= timestamp is not a whole number of seconds",
  missing_signature: "no sha256= signature is present",
  invalid_signature: "a sha256= signature is not 64 hexadecimal characters"
}

/** The header is present but does not follow `t=<unix>,sha256=<hex>[,sha256=<hex>…]`. */
export class SignatureMalformed extends Schema.TaggedError<SignatureMalformed>()("SignatureMalformed", {
  reason: MalformedReason
}) {
  override get message(): string {
    return `The X-Shopvo-Signature header is malformed: ${malformedText[this.reason]}`
  }
}

/**
 * The signed timestamp is further from `now` than the tolerance allows (replay
 * protection). `ageSeconds` is `now - timestamp`: positive for a signature from
 * the past, negative for one dated in the future (clock skew or forgery).
 */
export class SignatureTimestampOutOfTolerance extends Schema.TaggedError<SignatureTimestampOutOfTolerance>()(
  "SignatureTimestampOutOfTolerance",
  {
    timestamp: Schema.NonNegativeInt,
    ageSeconds: Schema.Number,
    toleranceSeconds: Schema.Number
  }
) {
  override get message(): string {
    const age = Math.abs(this.ageSeconds)
    const when = this.ageSeconds >= 0 ? `${age}s old` : `dated ${age}s in the future`
    return `The X-Shopvo-Signature timestamp ${this.timestamp} is ${when}, outside the tolerance of ${this.toleranceSeconds}s`
  }
}

/** No `sha256=` entry matches the HMAC of `<t>.<body>` under any of the secrets. */
export class SignatureMismatch extends Schema.TaggedError<SignatureMismatch>()("SignatureMismatch", {
  timestamp: Schema.NonNegativeInt
}) {
  override get message(): string {
    return "The X-Shopvo-Signature does not match the request body"
  }
}

/** Every way verification can fail. */
export type SignatureError =
  | SignatureMissing
  | SignatureMalformed
  | SignatureTimestampOutOfTolerance
  | SignatureMismatch

/** Schema of the union, for encoding failures into logs or across process boundaries. */
export const SignatureError: Schema.Union<
  [
    typeof SignatureMissing,
    typeof SignatureMalformed,
    typeof SignatureTimestampOutOfTolerance,
    typeof SignatureMismatch
  ]
> = Schema.Union(SignatureMissing, SignatureMalformed, SignatureTimestampOutOfTolerance, SignatureMismatch)
