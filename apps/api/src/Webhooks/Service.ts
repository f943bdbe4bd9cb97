/**
 * Webhook subscriptions: where a site's events are delivered. A site has at most `maxPerSite` per
 * mode; a live subscription must point at a public host. Deliveries and redelivery arrive with the
 * webhook worker.
 */
import { WebhookSecret } from "@shopvo/signing"
import { Database, Destination, Entropy, type Tenant } from "@shopvo/kernel"
import { Data, Effect, Option } from "effect"
import { type EventType, WebhooksRepo } from "./Repo.js"

export { Subscription, type SubscriptionWithSecret } from "./Repo.js"

/** Most subscriptions one site may have per mode. */
export const maxPerSite = 20

export class WebhookNotFound extends Data.TaggedError("WebhookNotFound")<{ readonly id: string }> {}
export class LimitReached extends Data.TaggedError("WebhookLimitReached")<{ readonly limit: number }> {}

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
  dependencies: [WebhooksRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* WebhooksRepo
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
        )
    }
  })
}) {}
