/**
 * Webhook subscription routes. Deliveries and redelivery arrive with the webhook worker.
 */
import type { Operation, WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription } from "@shopvo/contract"
import type { SqlClient } from "@effect/sql"
import type { DatabaseUnavailable, Destination } from "@shopvo/kernel"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import type { Attempt, Delivery } from "./DeliveriesRepo.js"
import {
  type DeliveryInProgress,
  type DeliveryNotFound,
  type LimitReached,
  type Subscription,
  type WebhookDisabled,
  type WebhookNotFound,
  Webhooks
} from "./Service.js"

const serialize = (s: Subscription): Operation.Immutable<WebhookSubscription> => ({
  id: s.id,
  url: s.url,
  events: s.events,
  description: s.description,
  livemode: s.livemode,
  status: s.disabledAt === null ? "enabled" : "disabled",
  disabledAt: s.disabledAt?.toISOString() ?? null,
  // A lapsed overlap is over even before the next rotation clears it.
  previousSecretExpiresAt:
    s.previousSecretExpiresAt !== null && s.previousSecretExpiresAt.getTime() > Date.now()
      ? s.previousSecretExpiresAt.toISOString()
      : null,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString()
})

const serializeDelivery = (d: Delivery): Operation.Immutable<WebhookDelivery> => ({
  id: d.id,
  webhookId: d.webhookId,
  eventId: d.eventId,
  event: d.event,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
  nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString()
})

const serializeAttempt = (a: Attempt): Operation.Immutable<WebhookDeliveryAttempt> => ({
  id: a.id,
  deliveryId: a.deliveryId,
  attemptedAt: a.attemptedAt.toISOString(),
  statusCode: a.statusCode,
  error: a.error,
  durationMs: a.durationMs,
  responseExcerpt: a.responseExcerpt
})

/** The webhook aggregate's errors as API errors; an unavailable database is left to the pipeline (503). */
const toApiError = (
  error:
    | WebhookNotFound
    | LimitReached
    | DeliveryNotFound
    | DeliveryInProgress
    | WebhookDisabled
    | Destination.DestinationRefused
    | DatabaseUnavailable
) => {
  switch (error._tag) {
    case "WebhookNotFound":
      return ApiError.notFound("Webhook subscription")
    case "DeliveryNotFound":
      return ApiError.notFound("Webhook delivery")
    case "DeliveryInProgress":
      return ApiError.conflict("An attempt of this delivery is in progress; try again in a moment")
    case "WebhookDisabled":
      return ApiError.conflict("The subscription is disabled; enable it first (webhooks.enable)")
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

const listDeliveries: Handler<"webhooks.listDeliveries", Webhooks> = (request) => {
  const page = Pagination.offset(request.query)
  return Webhooks.deliveries(request.tenant, request.params.webhookId, request.query.status ?? null, page).pipe(
    Effect.map(({ items, total }) => Pagination.offsetPage(items.map(serializeDelivery), page, total)),
    Effect.mapError(toApiError)
  )
}

const listDeliveryAttempts: Handler<"webhooks.listDeliveryAttempts", Webhooks> = (request) => {
  const page = Pagination.offset(request.query)
  return Webhooks.attempts(request.tenant, request.params.webhookId, request.params.deliveryId, page).pipe(
    Effect.map(({ items, total }) => Pagination.offsetPage(items.map(serializeAttempt), page, total)),
    Effect.mapError(toApiError)
  )
}

const redeliver: Handler<"webhooks.redeliver", Webhooks | SqlClient.SqlClient> = (request) =>
  Webhooks.redeliver(request.tenant, request.params.webhookId, request.params.deliveryId).pipe(
    Effect.map((delivery) => ({
      status: 202 as const,
      body: { success: true as const, data: serializeDelivery(delivery) }
    })),
    Effect.mapError(toApiError)
  )

const replay: Handler<"webhooks.replay", Webhooks | SqlClient.SqlClient> = (request) =>
  Webhooks.replay(request.tenant, request.params.webhookId, new Date(request.body.since)).pipe(
    Effect.map((queued) => ({ status: 202 as const, body: { success: true as const, data: { queued } } })),
    Effect.mapError(toApiError)
  )

const rotateSecret: Handler<"webhooks.rotateSecret", Webhooks> = (request) =>
  Webhooks.rotateSecret(request.tenant, request.params.webhookId, request.body.overlapSeconds ?? 86_400).pipe(
    Effect.map((s) => ok({ ...serialize(s), secret: s.secret })),
    Effect.mapError(toApiError)
  )

const enable: Handler<"webhooks.enable", Webhooks> = (request) =>
  Webhooks.enable(request.tenant, request.params.webhookId).pipe(
    Effect.map((s) => ok(serialize(s))),
    Effect.mapError(toApiError)
  )

const getSettings: Handler<"webhooks.getSettings", Webhooks> = (request) =>
  Effect.map(Webhooks.retentionDays(request.tenant), (days) => ok({ eventRetentionDays: days }))

const updateSettings: Handler<"webhooks.updateSettings", Webhooks> = (request) =>
  Effect.map(Webhooks.setRetentionDays(request.tenant, request.body.eventRetentionDays), (days) =>
    ok({ eventRetentionDays: days })
  )

export const handlers = {
  "webhooks.list": list,
  "webhooks.get": get,
  "webhooks.create": create,
  "webhooks.delete": remove,
  "webhooks.listDeliveries": listDeliveries,
  "webhooks.listDeliveryAttempts": listDeliveryAttempts,
  "webhooks.redeliver": redeliver,
  "webhooks.replay": replay,
  "webhooks.rotateSecret": rotateSecret,
  "webhooks.enable": enable,
  "webhooks.getSettings": getSettings,
  "webhooks.updateSettings": updateSettings
}
