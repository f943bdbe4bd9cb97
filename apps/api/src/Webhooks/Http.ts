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

const privateHost = /^(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|0\.0\.0\.0|\[::1\]|\[f[cd])/i

/** Live deliveries go only to public https endpoints; test mode may use http and local hosts. */
const checkUrl = (url: string, livemode: boolean) => {
  if (!livemode) return Effect.void
  const parsed = new URL(url)
  if (parsed.protocol !== "https:" || privateHost.test(parsed.hostname) || parsed.hostname.endsWith(".localhost")) {
    return Effect.fail(
      ApiError.unprocessable("Live-mode webhook URLs must be https and on a public host", "invalid_webhook_url")
    )
  }
  return Effect.void
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
    yield* checkUrl(body.url, request.livemode)
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
