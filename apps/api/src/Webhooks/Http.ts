/**
 * Webhook subscription routes. Deliveries and redelivery arrive with the webhook worker.
 */
import { RandomBytes, WebhookSecret } from "@shopvo/signing"
import type { SqlClient } from "@effect/sql"
import { randomBytes } from "node:crypto"
import { Effect, Option } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import { Destination } from "@shopvo/kernel"
import * as Repo from "./Repo.js"

const serialize = (s: Repo.Subscription) => ({
  id: s.id,
  url: s.url,
  events: s.events,
  description: s.description,
  livemode: s.livemode,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString()
})

/**
 * Refuses a destination webhooks may not reach (422 `invalid_webhook_url`, naming why). Test mode
 * may target any host, so only the URL's shape is checked. A live name is resolved now, so a name
 * pointing inside is refused at once; one that does not resolve yet is accepted, because the webhook
 * worker runs `Destination.resolve` again before every delivery attempt.
 */
const checkDestination = (url: string, livemode: boolean) => {
  const guard: Effect.Effect<unknown, Destination.DestinationRefused> = livemode
    ? Destination.resolve(url, true).pipe(Effect.catchTag("ResolutionFailed", () => Effect.void))
    : Destination.check(url, false)
  return Effect.mapError(guard, (refused) => ApiError.unprocessable(refused.message, "invalid_webhook_url"))
}

type R = SqlClient.SqlClient

const list: Handler<"webhooks.list", R> = (request) =>
  Effect.gen(function* () {
    const page = Pagination.offset(request.query)
    const { items, total } = yield* Repo.list(request.tenant, page)
    return Pagination.offsetPage(items.map(serialize), page, total)
  })

const get: Handler<"webhooks.get", R> = (request) =>
  Effect.flatMap(
    Repo.find(request.tenant, request.params.webhookId),
    Option.match({
      onNone: () => Effect.fail(ApiError.notFound("Webhook subscription")),
      onSome: (s) => Effect.succeed(ok(serialize(s)))
    })
  )

const create: Handler<"webhooks.create", R> = (request) =>
  Effect.gen(function* () {
    const body = request.body
    yield* checkDestination(body.url, request.livemode)
    const secret = yield* WebhookSecret.generate.pipe(
      Effect.provide(RandomBytes.layer((n) => new Uint8Array(randomBytes(n))))
    )
    const made = yield* Repo.create(request.tenant, {
      url: body.url,
      events: body.events,
      description: body.description ?? null,
      secret
    })
    if (Option.isNone(made)) {
      return yield* ApiError.unprocessable(
        `A site may have at most ${Repo.maxPerSite} webhook subscriptions per mode`,
        "webhook_limit_reached"
      )
    }
    return created({ ...serialize(made.value), secret: made.value.secret })
  })

const remove: Handler<"webhooks.delete", R> = (request) =>
  Effect.flatMap(Repo.remove(request.tenant, request.params.webhookId), (found) =>
    found ? Effect.succeed(deleted()) : Effect.fail(ApiError.notFound("Webhook subscription"))
  )

export const handlers = {
  "webhooks.list": list,
  "webhooks.get": get,
  "webhooks.create": create,
  "webhooks.delete": remove
}
