/**
 * Metafields: key-value data on a resource (a product, the site; customers and orders once they
 * exist). The spec validates each field; here are the rules it cannot state: the value must read
 * as its value type (checked on the pair after every change), the resource must exist in the
 * caller's site and mode, `namespace` + `key` is unique per resource and a resource holds at most
 * `maxPerResource` metafields.
 *
 * Creation holds the resource's row lock for its transaction, which does two things at once:
 * concurrent creates on one resource take turns, so the count checked against `maxPerResource` is
 * exact; and the resource cannot be deleted between the existence check and the insert, so no
 * metafield outlives its product (the 0005 trigger deletes them with it).
 */
import { Database } from "@shopvo/kernel"
import { Data, Effect, Either, Option } from "effect"
import { type Metafield, MetafieldsRepo, type NewMetafield, type Pair } from "./Repo.js"
import * as Resources from "./Resources.js"
import { problem, type ValueType } from "./ValueType.js"

export { Metafield } from "./Repo.js"

/** Most metafields one resource may have (per mode). */
export const maxPerResource = 250

/** The value does not read as its value type; `path` is the field the caller sent. */
export class InvalidValue extends Data.TaggedError("InvalidMetafieldValue")<{
  readonly valueType: ValueType
  readonly path: "/value" | "/valueType"
  /** Why the value does not read as the type (`ValueType.problem`). */
  readonly reason: string
}> {}

export class ResourceNotFound extends Data.TaggedError("ResourceNotFound")<{
  readonly resourceType: Resources.ResourceType
}> {}

export class MetafieldNotFound extends Data.TaggedError("MetafieldNotFound")<{ readonly id: string }> {}

export class DuplicateKey extends Data.TaggedError("MetafieldExists")<{
  readonly resourceType: Resources.ResourceType
  readonly namespace: string
  readonly key: string
}> {}

export class LimitReached extends Data.TaggedError("MetafieldLimitReached")<{
  readonly resourceType: Resources.ResourceType
  readonly limit: number
}> {}

/** A change to an existing metafield: either half of the pair, or both. */
export interface MetafieldChange {
  readonly value?: string | undefined
  readonly valueType?: ValueType | undefined
}

/** The pair must agree; `path` names the field the caller sent (`/value` unless only the type changed). */
const checkPair = (valueType: ValueType, value: string, path: "/value" | "/valueType" = "/value") => {
  const reason = problem(valueType, value)
  return reason === undefined
    ? Either.right<Pair>({ value, valueType })
    : Either.left(new InvalidValue({ valueType, path, reason }))
}

const metafieldId = /^mf_[A-Za-z0-9]{1,60}$/

/**
 * Whether the path can name a metafield at all: a well-formed id on a resource that can exist.
 * Anything else is not found without a query (and no unstorable byte reaches PostgreSQL).
 */
const addressable = (target: Resources.Target, id: string) =>
  metafieldId.test(id) && Resources.canExist(target) ? Effect.void : Effect.fail(new MetafieldNotFound({ id }))

export class Metafields extends Effect.Service<Metafields>()("@shopvo/api/Metafields", {
  accessors: true,
  dependencies: [MetafieldsRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* MetafieldsRepo
    const resourceNotFound = (target: Resources.Target) => new ResourceNotFound({ resourceType: target.resourceType })
    const orNotFound =
      (id: string) =>
      <A>(found: Option.Option<A>) =>
        Option.match(found, { onNone: () => Effect.fail(new MetafieldNotFound({ id })), onSome: Effect.succeed })

    return {
      /** The resource's metafields ordered by namespace then key, optionally of one namespace. */
      list: (target: Resources.Target, namespace: string | undefined) =>
        Resources.canExist(target)
          ? Effect.flatMap(
              repo.list(target, namespace),
              Option.match({ onNone: () => Effect.fail(resourceNotFound(target)), onSome: Effect.succeed })
            )
          : Effect.fail(resourceNotFound(target)),

      create: (target: Resources.Target, input: NewMetafield) =>
        Effect.gen(function* () {
          const pair = yield* checkPair(input.valueType, input.value)
          if (!Resources.canExist(target)) return yield* resourceNotFound(target)
          return yield* Database.transaction(
            Effect.gen(function* () {
              if (!(yield* repo.lock(target))) return yield* resourceNotFound(target)
              // A statement after the lock: its snapshot sees every create that committed before us.
              const outcome = yield* repo.insert(target, { ...input, ...pair }, maxPerResource)
              if (Option.isSome(outcome.inserted)) return outcome.inserted.value
              if (outcome.total >= maxPerResource && outcome.same === 0)
                return yield* new LimitReached({ resourceType: target.resourceType, limit: maxPerResource })
              return yield* new DuplicateKey({
                resourceType: target.resourceType,
                namespace: input.namespace,
                key: input.key
              })
            })
          )
        }),

      /**
       * Changes the value, its type or both, re-checking the pair. Changing one half reads the
       * current metafield locked, so a concurrent update cannot slip between the check and the write.
       */
      update: (target: Resources.Target, id: string, change: MetafieldChange) =>
        Effect.gen(function* () {
          yield* addressable(target, id)
          if (change.value !== undefined && change.valueType !== undefined) {
            const pair = yield* checkPair(change.valueType, change.value)
            return yield* Effect.flatMap(repo.update(target, id, pair), orNotFound(id))
          }
          return yield* Database.transaction(
            Effect.gen(function* () {
              const current: Metafield = yield* Effect.flatMap(repo.findForUpdate(target, id), orNotFound(id))
              const pair = yield* change.value !== undefined
                ? checkPair(current.valueType, change.value)
                : checkPair(change.valueType ?? current.valueType, current.value, "/valueType")
              return yield* Effect.flatMap(repo.update(target, id, pair), orNotFound(id))
            })
          )
        }),

      remove: (target: Resources.Target, id: string) =>
        Effect.gen(function* () {
          yield* addressable(target, id)
          if (!(yield* repo.remove(target, id))) return yield* new MetafieldNotFound({ id })
        })
    }
  })
}) {}
