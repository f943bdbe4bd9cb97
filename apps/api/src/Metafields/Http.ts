/**
 * Metafield routes: `/{siteId}/{resourceType}/{resourceId}/metafields[/{metafieldId}]`.
 *
 * The spec validates each field; here are the rules it cannot state: the value must read as its
 * value type (checked on the pair after every change), the resource must exist in the caller's
 * site and mode, `namespace` + `key` is unique per resource and a resource holds at most
 * `Repo.maxPerResource` metafields.
 */
import { SqlClient } from "@effect/sql"
import { Effect, Either, Option } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import type { Tenant } from "@shopvo/kernel"
import * as Repo from "./Repo.js"
import * as Resources from "./Resources.js"
import { problem, type ValueType } from "./ValueType.js"

type R = SqlClient.SqlClient

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

const serialize = (m: Repo.Metafield) => ({
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

/** The pair must agree; the detail points at the field the caller sent (`/value` unless only the type changed). */
const checkPair = (valueType: ValueType, value: string, path: "/value" | "/valueType" = "/value") => {
  const why = problem(valueType, value)
  return why === undefined
    ? Either.right({ value, valueType })
    : Either.left(
        ApiError.badRequest(`The value does not read as ${valueType}`, [
          { path, message: path === "/value" ? why : `the stored value ${why}` }
        ])
      )
}

const metafieldId = /^mf_[A-Za-z0-9]{1,60}$/

const metafieldNotFound = () => ApiError.notFound("Metafield")

/**
 * Whether the path can name a metafield at all: a well-formed id on a resource that can exist.
 * Anything else is 404 without a query (and no unstorable byte reaches PostgreSQL).
 */
const addressable = (id: string, t: Resources.Target) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    metafieldId.test(id) && Option.isSome(Resources.row(sql, t)) ? Effect.void : Effect.fail(metafieldNotFound())
  )

const list: Handler<"metafields.list", R> = (request) =>
  Effect.gen(function* () {
    const t = target(request.tenant, request.params)
    const found = yield* Repo.list(t, request.query.namespace)
    if (Option.isNone(found)) return yield* ApiError.notFound(Resources.label[t.resourceType])
    return ok(found.value.map(serialize))
  })

const create: Handler<"metafields.create", R> = (request) =>
  Effect.gen(function* () {
    const t = target(request.tenant, request.params)
    const body = request.body
    const pair = yield* checkPair(body.valueType ?? "string", body.value)
    const outcome = yield* Repo.create(t, { namespace: body.namespace, key: body.key, ...pair })
    switch (outcome._tag) {
      case "Created":
        return created(serialize(outcome.metafield))
      case "ResourceNotFound":
        return yield* ApiError.notFound(Resources.label[t.resourceType])
      case "Duplicate":
        return yield* ApiError.conflict(
          `This ${t.resourceType} already has a metafield with namespace "${body.namespace}" and key "${body.key}"`,
          "metafield_exists"
        )
      case "LimitReached":
        return yield* ApiError.unprocessable(
          `A ${t.resourceType} may have at most ${Repo.maxPerResource} metafields`,
          "metafield_limit_reached"
        )
    }
  })

const update: Handler<"metafields.update", R> = (request) =>
  Effect.gen(function* () {
    const t = target(request.tenant, request.params)
    const id = request.params.metafieldId
    yield* addressable(id, t)
    const body = request.body
    const updated =
      body.value !== undefined && body.valueType !== undefined
        ? yield* Effect.flatMap(checkPair(body.valueType, body.value), (pair) =>
            Repo.replace(t, id, pair.value, pair.valueType)
          )
        : yield* Repo.modify(t, id, (current) =>
            body.value !== undefined
              ? checkPair(current.valueType, body.value)
              : checkPair(body.valueType ?? current.valueType, current.value, "/valueType")
          )
    if (Option.isNone(updated)) return yield* metafieldNotFound()
    return ok(serialize(updated.value))
  })

const remove: Handler<"metafields.delete", R> = (request) =>
  Effect.gen(function* () {
    const t = target(request.tenant, request.params)
    yield* addressable(request.params.metafieldId, t)
    const found = yield* Repo.remove(t, request.params.metafieldId)
    if (!found) return yield* metafieldNotFound()
    return deleted()
  })

export const handlers = {
  "metafields.list": list,
  "metafields.create": create,
  "metafields.update": update,
  "metafields.delete": remove
}
