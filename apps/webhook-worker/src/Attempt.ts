/**
 * One attempt of one delivery: the destination checked again after DNS resolution (every attempt:
 * a name may have been re-pointed inside since the subscription was saved), the spec's payload
 * built from the event, signed with the subscription's secret (and, during a rotation's overlap,
 * the previous one too: two `sha256=` entries), and POSTed with the event id as the idempotency key.
 */
import { Destination } from "@shopvo/kernel"
import { Signature } from "@shopvo/signing"
import { Effect, Either, Redacted } from "effect"
import type { Claimed, Result } from "./Deliveries.js"
import * as Sender from "./Sender.js"

/** The body of the POST: the spec's `WebhookEvent` envelope around the event's `data`. */
export const bodyOf = (delivery: Claimed): string =>
  `{"id":${JSON.stringify(delivery.eventId)},"event":${JSON.stringify(delivery.eventType)},` +
  `"timestamp":${JSON.stringify(delivery.eventCreatedAt.toISOString())},"siteId":${JSON.stringify(delivery.siteId)},` +
  `"livemode":${delivery.livemode},"data":${delivery.payload}}`

export const userAgent = "Shopvo-Webhooks/1.0"

export const attempt = (
  delivery: Claimed,
  options: { readonly timeoutMs: number; readonly allowPrivateDestinations: boolean }
): Effect.Effect<Result> =>
  Effect.gen(function* () {
    const attemptedAt = new Date()
    // Test mode may reach any host; live mode only public ones, unless the deployment allows private ones.
    const checked = yield* Effect.either(
      Destination.resolve(delivery.url, delivery.livemode && !options.allowPrivateDestinations)
    )
    if (Either.isLeft(checked)) {
      const outcome = { ok: false, statusCode: null, error: checked.left.message, durationMs: 0, responseExcerpt: null }
      return { delivery, attemptedAt, outcome }
    }
    const secrets: [Redacted.Redacted<string>, ...Array<Redacted.Redacted<string>>] = [Redacted.make(delivery.secret)]
    if (
      delivery.previousSecret !== null &&
      delivery.previousSecretExpiresAt !== null &&
      delivery.previousSecretExpiresAt.getTime() > attemptedAt.getTime()
    ) {
      secrets.push(Redacted.make(delivery.previousSecret))
    }
    const body = bodyOf(delivery)
    const outcome = yield* Sender.post(
      checked.right,
      {
        "content-type": "application/json",
        "user-agent": userAgent,
        [Signature.headerName]: Signature.sign({ body, secret: secrets, timestamp: Math.floor(Date.now() / 1000) }),
        "idempotency-key": delivery.eventId,
        "x-shopvo-event": delivery.eventType,
        "x-shopvo-delivery": delivery.id
      },
      body,
      options.timeoutMs
    )
    return { delivery, attemptedAt, outcome }
  })
