/**
 * Request signing: when a key has a signing secret, every request must carry a valid
 * `X-Shopvo-Signature` over its exact raw body (empty for GET and DELETE) within the tolerance
 * window, and a signature is accepted once: a second request with the same one is a replay.
 */
import { Signature, type SignatureError } from "@shopvo/signing"
import { SqlClient } from "@effect/sql"
import { createHash } from "node:crypto"
import { Clock, Duration, Effect, Either, Match, type Redacted } from "effect"
import * as ApiError from "./ApiError.js"

const reason = Match.type<SignatureError.SignatureError>().pipe(
  Match.tagsExhaustive({
    SignatureMissing: () => ({ code: "signature_missing", message: "This key requires an X-Shopvo-Signature header" }),
    SignatureMalformed: (e) => ({
      code: "signature_malformed",
      message: `X-Shopvo-Signature is malformed: ${e.message}`
    }),
    SignatureTimestampOutOfTolerance: (e) => ({
      code: "signature_expired",
      message: `X-Shopvo-Signature timestamp is outside the ${e.toleranceSeconds}s tolerance`
    }),
    SignatureMismatch: () => ({
      code: "signature_mismatch",
      message: "X-Shopvo-Signature does not match the request body"
    })
  })
)

/**
 * Verifies the signature and records it so it is accepted once within the window.
 *
 * The signed payload is `<t>.<body>` and does not name the URL, so two different reads in the same
 * second carry the same signature. Replays are therefore judged per `replayScope`: the pipeline
 * passes "" for writes (a write's signature is single-use everywhere) and the method and URL for
 * reads (the same read cannot be replayed; different reads in the same second still work).
 */
export const verify = (options: {
  readonly header: string | undefined
  readonly body: string
  readonly secret: Redacted.Redacted<string>
  readonly tolerance: Duration.Duration
  readonly siteId: string
  readonly replayScope: string
}) =>
  Effect.gen(function* () {
    const now = (yield* Clock.currentTimeMillis) / 1000
    const toleranceSeconds = Duration.toSeconds(options.tolerance)
    const verified = Signature.verify({
      body: options.body,
      header: options.header,
      secrets: options.secret,
      now,
      toleranceSeconds
    })
    if (Either.isLeft(verified)) {
      const { code, message } = reason(verified.left)
      return yield* ApiError.unauthorized(message, code)
    }
    const sql = yield* SqlClient.SqlClient
    const fingerprint = createHash("sha256")
      .update(options.siteId)
      .update("\n")
      .update(options.replayScope)
      .update("\n")
      // The verified (timestamp, signature) pair, not the header text: the same signature
      // spelled differently (case, spacing, extra entries) must still count as a replay.
      .update(`${verified.right.timestamp}:${verified.right.signature}`)
      .digest("hex")
    // Kept until the timestamp can no longer pass the tolerance check; after that it is refused anyway.
    const fresh = yield* sql`
      insert into signature_replays (signature_hash, expires_at)
      values (${fingerprint}, to_timestamp(${verified.right.timestamp + toleranceSeconds}))
      on conflict (signature_hash) do nothing
      returning signature_hash`
    if (fresh.length === 0) {
      return yield* ApiError.unauthorized("This X-Shopvo-Signature was already used (replay)", "signature_replayed")
    }
  })
