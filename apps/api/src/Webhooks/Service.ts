/**
 * Webhook subscriptions: where a site's events are delivered. A site has at most `maxPerSite` per
 * mode; a live subscription must point at a public host. Deliveries and redelivery arrive with the
 * webhook worker.
 */
import { WebhookSecret } from "@shopvo/signing"
import { Database, Destination, Entropy, type Tenant } from "@shopvo/kernel"
import { Data, Effect, Option } from "effect"
import { DeliveriesRepo, type DeliveryStatus } from "./DeliveriesRepo.js"
import { type EventType, WebhooksRepo } from "./Repo.js"

export { Subscription, type SubscriptionWithSecret } from "./Repo.js"

/** Most subscriptions one site may have per mode. */
export const maxPerSite = 20

export class WebhookNotFound extends Data.TaggedError("WebhookNotFound")<{ readonly id: string }> {}
export class LimitReached extends Data.TaggedError("WebhookLimitReached")<{ readonly limit: number }> {}
export class DeliveryNotFound extends Data.TaggedError("DeliveryNotFound")<{ readonly id: string }> {}
/** An attempt of the delivery is being made right now. */
export class DeliveryInProgress extends Data.TaggedError("DeliveryInProgress")<{ readonly id: string }> {}
/** The subscription is disabled: enable it before sending it anything. */
export class WebhookDisabled extends Data.TaggedError("WebhookDisabled")<{ readonly id: string }> {}

export interface NewWebhook {
  readonly url: string
  readonly events: ReadonlyArray<typeof EventType.Type>
  readonly description: string | null
}

/**
 * Refuses a destination webhooks may not reach. Test mode may target any host, so only the URL's
 * shape is checked. A live name is resolved now, so a name pointing inside is refused at once; one
 * that does not resolve yet is accepted, because the webhook worker runs `Destination.resolve`
 * again before every delivery attempt.
 */
const checkDestination = (url: string, livemode: boolean): Effect.Effect<unknown, Destination.DestinationRefused> =>
  livemode
    ? Destination.resolve(url, true).pipe(Effect.catchTag("ResolutionFailed", () => Effect.void))
    : Destination.check(url, false)

export class Webhooks extends Effect.Service<Webhooks>()("@shopvo/api/Webhooks", {
  accessors: true,
  dependencies: [WebhooksRepo.Default, DeliveriesRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* WebhooksRepo
    const deliveries = yield* DeliveriesRepo
    const orNotFound =
      (id: string) =>
      <A>(found: Option.Option<A>) =>
        Option.match(found, { onNone: () => Effect.fail(new WebhookNotFound({ id })), onSome: Effect.succeed })
    return {
      /** A page of the tenant's subscriptions, oldest first, and their total. */
      list: repo.list,
      get: (tenant: Tenant, id: string) => Effect.flatMap(repo.find(tenant, id), orNotFound(id)),
      /** Creates a subscription with a new signing secret, which only this answer shows. */
      create: (tenant: Tenant, input: NewWebhook) =>
        Effect.gen(function* () {
          yield* checkDestination(input.url, tenant.livemode)
          const secret = yield* Effect.provide(WebhookSecret.generate, Entropy.layer)
          return yield* Database.transaction(
            Effect.gen(function* () {
              yield* repo.lock(tenant)
              if ((yield* repo.count(tenant)) >= maxPerSite) return yield* new LimitReached({ limit: maxPerSite })
              return yield* repo.insert(tenant, { ...input, secret })
            })
          )
        }),
      remove: (tenant: Tenant, id: string) =>
        Effect.flatMap(repo.remove(tenant, id), (found) =>
          found ? Effect.void : Effect.fail(new WebhookNotFound({ id }))
        ),
      /** A page of the subscription's deliveries, newest first. */
      deliveries: (
        tenant: Tenant,
        id: string,
        status: typeof DeliveryStatus.Type | null,
        page: { readonly limit: number; readonly offset: number }
      ) =>
        Effect.flatMap(repo.find(tenant, id), orNotFound(id)).pipe(
          Effect.zipRight(deliveries.deliveries(tenant, id, status, page))
        ),
      /** A page of one delivery's attempts (the delivery log), newest first. */
      attempts: (
        tenant: Tenant,
        id: string,
        deliveryId: string,
        page: { readonly limit: number; readonly offset: number }
      ) =>
        Effect.gen(function* () {
          yield* Effect.flatMap(deliveries.findDelivery(tenant, id, deliveryId), (found) =>
            Option.isSome(found) ? Effect.void : Effect.fail(new DeliveryNotFound({ id: deliveryId }))
          )
          return yield* deliveries.attempts(tenant, deliveryId, page)
        }),
      /** Queues a delivery for an attempt now, with a fresh 24-hour window. */
      redeliver: (tenant: Tenant, id: string, deliveryId: string) =>
        Database.transaction(
          Effect.gen(function* () {
            const subscription = yield* Effect.flatMap(repo.find(tenant, id), orNotFound(id))
            if (subscription.disabledAt !== null) return yield* new WebhookDisabled({ id })
            const queued = yield* deliveries.requeue(tenant, id, deliveryId)
            if (Option.isNone(queued)) {
              const exists = Option.isSome(yield* deliveries.findDelivery(tenant, id, deliveryId))
              return yield* exists
                ? new DeliveryInProgress({ id: deliveryId })
                : new DeliveryNotFound({ id: deliveryId })
            }
            yield* deliveries.notify
            return queued.value
          })
        ),
      /** Sends the subscription every kept event since `since` of its types again; returns how many. */
      replay: (tenant: Tenant, id: string, since: Date) =>
        Database.transaction(
          Effect.gen(function* () {
            const subscription = yield* Effect.flatMap(repo.find(tenant, id), orNotFound(id))
            if (subscription.disabledAt !== null) return yield* new WebhookDisabled({ id })
            const queued = yield* deliveries.replay(tenant, subscription, since)
            if (queued > 0) yield* deliveries.notify
            return queued
          })
        ),
      /** A new secret, shown once; the previous one keeps signing too for `overlapSeconds`. */
      rotateSecret: (tenant: Tenant, id: string, overlapSeconds: number) =>
        Effect.gen(function* () {
          const secret = yield* Effect.provide(WebhookSecret.generate, Entropy.layer)
          return yield* Effect.flatMap(deliveries.rotateSecret(tenant, id, secret, overlapSeconds), orNotFound(id))
        }),
      enable: (tenant: Tenant, id: string) => Effect.flatMap(deliveries.enable(tenant, id), orNotFound(id)),
      retentionDays: (tenant: Tenant) => deliveries.retentionDays(tenant.siteId),
      setRetentionDays: (tenant: Tenant, days: number) =>
        Effect.as(deliveries.setRetentionDays(tenant.siteId, days), days)
    }
  })
}) {}
