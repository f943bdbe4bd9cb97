/**
 * Webhook subscription routes. Deliveries and redelivery arrive with the webhook worker.
 */
import type { Operation, WebhookSubscription } from "@shopvo/contract"
import type { SqlClient } from "@effect/sql"
import type { DatabaseUnavailable, Destination } from "@shopvo/kernel"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import { type LimitReached, type Subscription, type WebhookNotFound, Webhooks } from "./Service.js"

const serialize = (s: Subscription): Operation.Immutable<WebhookSubscription> => ({
  id: s.id,
  url: s.url,
  events: s.events,
  description: s.description,
  livemode: s.livemode,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString()
})

/** The webhook aggregate's errors as API errors; an unavailable database is left to the pipeline (503). */
const toApiError = (error: WebhookNotFound | LimitReached | Destination.DestinationRefused | DatabaseUnavailable) => {
  switch (error._tag) {
    case "WebhookNotFound":
      return ApiError.notFound("Webhook subscription")
    case "WebhookLimitReached":
      return ApiError.unprocessable(
        `A site may have at most ${error.limit} webhook subscriptions per mode`,
        "webhook_limit_reached"
      )
    case "DestinationRefused":
      return ApiError.unprocessable(error.message, "invalid_webhook_url")
    case "DatabaseUnavailable":
      return error
  }
}

const list: Handler<"webhooks.list", Webhooks> = (request) => {
  const page = Pagination.offset(request.query)
  return Effect.map(Webhooks.list(request.tenant, page), ({ items, total }) =>
    Pagination.offsetPage(items.map(serialize), page, total)
  )
}

const get: Handler<"webhooks.get", Webhooks> = (request) =>
  Webhooks.get(request.tenant, request.params.webhookId).pipe(
    Effect.map((s) => ok(serialize(s))),
    Effect.mapError(toApiError)
  )

const create: Handler<"webhooks.create", Webhooks | SqlClient.SqlClient> = (request) =>
  Webhooks.create(request.tenant, {
    url: request.body.url,
    events: request.body.events,
    description: request.body.description ?? null
  }).pipe(
    Effect.map((made) => created({ ...serialize(made), secret: made.secret })),
    Effect.mapError(toApiError)
  )

const remove: Handler<"webhooks.delete", Webhooks> = (request) =>
  Webhooks.remove(request.tenant, request.params.webhookId).pipe(Effect.as(deleted()), Effect.mapError(toApiError))

export const handlers = {
  "webhooks.list": list,
  "webhooks.get": get,
  "webhooks.create": create,
  "webhooks.delete": remove
}
