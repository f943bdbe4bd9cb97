/**
 * Metafield routes: `/{siteId}/{resourceType}/{resourceId}/metafields[/{metafieldId}]`. The rules
 * the spec cannot state are the service's; here their refusals become API errors.
 */
import type { Metafield as ContractMetafield, Operation } from "@shopvo/contract"
import type { SqlClient } from "@effect/sql"
import type { DatabaseUnavailable, Tenant } from "@shopvo/kernel"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import * as Resources from "./Resources.js"
import {
  type DuplicateKey,
  type InvalidValue,
  type LimitReached,
  type Metafield,
  type MetafieldNotFound,
  Metafields,
  type ResourceNotFound
} from "./Service.js"

/** The resource a metafield path names, in the caller's site and mode. */
const target = (
  tenant: Tenant,
  path: { readonly resourceType: Resources.ResourceType; readonly resourceId: string }
): Resources.Target => ({
  siteId: tenant.siteId,
  livemode: tenant.livemode,
  resourceType: path.resourceType,
  resourceId: path.resourceId
})

const serialize = (m: Metafield): Operation.Immutable<ContractMetafield> => ({
  id: m.id,
  resourceType: m.resourceType,
  resourceId: m.resourceId,
  namespace: m.namespace,
  key: m.key,
  value: m.value,
  valueType: m.valueType,
  createdAt: m.createdAt.toISOString(),
  updatedAt: m.updatedAt.toISOString()
})

/** The metafield aggregate's errors as API errors; an unavailable database is left to the pipeline (503). */
const toApiError = (
  error: InvalidValue | ResourceNotFound | MetafieldNotFound | DuplicateKey | LimitReached | DatabaseUnavailable
) => {
  switch (error._tag) {
    case "InvalidMetafieldValue":
      return ApiError.badRequest(`The value does not read as ${error.valueType}`, [
        { path: error.path, message: error.path === "/value" ? error.reason : `the stored value ${error.reason}` }
      ])
    case "ResourceNotFound":
      return ApiError.notFound(Resources.label[error.resourceType])
    case "MetafieldNotFound":
      return ApiError.notFound("Metafield")
    case "MetafieldExists":
      return ApiError.conflict(
        `This ${error.resourceType} already has a metafield with namespace "${error.namespace}" and key "${error.key}"`,
        "metafield_exists"
      )
    case "MetafieldLimitReached":
      return ApiError.unprocessable(
        `A ${error.resourceType} may have at most ${error.limit} metafields`,
        "metafield_limit_reached"
      )
    case "DatabaseUnavailable":
      return error
  }
}

const list: Handler<"metafields.list", Metafields> = (request) =>
  Metafields.list(target(request.tenant, request.params), request.query.namespace).pipe(
    Effect.map((metafields) => ok(metafields.map(serialize))),
    Effect.mapError(toApiError)
  )

const create: Handler<"metafields.create", Metafields | SqlClient.SqlClient> = (request) =>
  Metafields.create(target(request.tenant, request.params), {
    namespace: request.body.namespace,
    key: request.body.key,
    value: request.body.value,
    valueType: request.body.valueType ?? "string"
  }).pipe(
    Effect.map((metafield) => created(serialize(metafield))),
    Effect.mapError(toApiError)
  )

const update: Handler<"metafields.update", Metafields | SqlClient.SqlClient> = (request) =>
  Metafields.update(target(request.tenant, request.params), request.params.metafieldId, {
    value: request.body.value,
    valueType: request.body.valueType
  }).pipe(
    Effect.map((metafield) => ok(serialize(metafield))),
    Effect.mapError(toApiError)
  )

const remove: Handler<"metafields.delete", Metafields> = (request) =>
  Metafields.remove(target(request.tenant, request.params), request.params.metafieldId).pipe(
    Effect.as(deleted()),
    Effect.mapError(toApiError)
  )

export const handlers = {
  "metafields.list": list,
  "metafields.create": create,
  "metafields.update": update,
  "metafields.delete": remove
}
