/**
 * Customers: listed, read and updated through the API; found or created by email, and credited
 * with their orders, by the checkout that places an order.
 *
 * Invariants:
 * - one customer per email in a site and mode, ignoring case, however many checkouts race;
 * - `totalOrders` and `totalSpent` count every recorded order exactly once.
 *
 * `findOrCreateByEmail` and `recordOrder` open no transaction of their own: they run inside the
 * caller's (the checkout's), so the customer and its totals commit or roll back with the order.
 * They rely on READ COMMITTED (PostgreSQL's default), where each statement sees what other
 * transactions committed before it began.
 *
 * - a merge (`merge`) moves everything of one customer to another and deletes it, in one
 *   transaction holding both rows (in id order); it leaves a redirect, so a checkout that still
 *   names the merged customer, or its email, is counted for the survivor (`survivorOf`,
 *   `buyerForOrder`).
 *
 * Records `customer.created` when a checkout creates a customer, `customer.merged` on a merge.
 */
import type { CustomerUpdate } from "@shopvo/contract"
import * as Address from "../Address.js"
import { SqlClient } from "@effect/sql"
import { Database, type EventType, Outbox, type Tenant } from "@shopvo/kernel"
import { Effect, Option } from "effect"
import { CustomerNotFound, MergeSameCustomer } from "./Errors.js"
import { serialize } from "./Json.js"
import { CustomerMergeRepo } from "./MergeRepo.js"
import { type Customer, CustomersRepo, type Filters, type Patch } from "./Repo.js"

export { Customer, CustomerGroup } from "./Repo.js"
export { CustomerGroupNotFound, CustomerNotFound, EmailTaken, MergeSameCustomer } from "./Errors.js"
export type { Filters } from "./Repo.js"

/** What a checkout knows of the buyer; the names and phone are used only when the customer is new. */
export interface Contact {
  readonly email: string
  readonly firstName?: string | null | undefined
  readonly lastName?: string | null | undefined
  readonly phone?: string | null | undefined
}

export interface FoundOrCreated {
  readonly customer: Customer
  /** Whether this call created the customer. */
  readonly created: boolean
}

const toPatch = ({ defaultAddress, ...fields }: CustomerUpdate): Patch => ({
  ...fields,
  ...(defaultAddress === undefined
    ? {}
    : { defaultAddress: defaultAddress === null ? null : Address.normalize(defaultAddress) })
})

const orNotFound =
  (customerId: string) =>
  <E>(found: Effect.Effect<Option.Option<Customer>, E>): Effect.Effect<Customer, E | CustomerNotFound> =>
    Effect.flatMap(
      found,
      Option.match({ onNone: () => Effect.fail(new CustomerNotFound({ customerId })), onSome: Effect.succeed })
    )

export class Customers extends Effect.Service<Customers>()("@shopvo/api/Customers", {
  accessors: true,
  dependencies: [CustomersRepo.Default, CustomerMergeRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* CustomersRepo
    const merges = yield* CustomerMergeRepo
    const sql = yield* SqlClient.SqlClient
    /** Records an event in the caller's transaction. */
    const emit = (tenant: Tenant, type: EventType, data: Readonly<Record<string, unknown>>) =>
      Database.boundary(Outbox.emit(tenant, type, data)).pipe(Effect.provideService(SqlClient.SqlClient, sql))

    /** The customer that `customerId` is now: itself, or the survivor of the merges it went into. */
    const survivorOf = (tenant: Tenant, customerId: string): Effect.Effect<string, Database.DatabaseUnavailable> =>
      Effect.gen(function* () {
        let id = customerId
        // A merge points its redirects at the survivor directly, so one hop is the usual case.
        for (let hop = 0; hop < 10 && Option.isNone(yield* repo.find(tenant, id)); hop++) {
          const next = yield* merges.redirectById(tenant, id)
          if (Option.isNone(next)) break
          id = next.value
        }
        return id
      })

    /** Locks `customerId` (or its survivor) for the caller's transaction; `None` when neither exists. */
    const lockSurvivor = (tenant: Tenant, customerId: string) =>
      Effect.gen(function* () {
        let id = customerId
        for (let hop = 0; hop < 10; hop++) {
          // Waits for a merge holding the row; a merged row is gone when the wait ends.
          if ((yield* merges.lock(tenant, [id])).length === 1) return Option.some(id)
          const next = yield* merges.redirectById(tenant, id)
          if (Option.isNone(next)) return Option.none<string>()
          id = next.value
        }
        return Option.none<string>()
      })

    const findOrCreateByEmail = (
      tenant: Tenant,
      contact: Contact
    ): Effect.Effect<FoundOrCreated, Database.DatabaseUnavailable> =>
      Effect.gen(function* () {
        const inserted = yield* repo.insertIfAbsent(tenant, {
          email: contact.email,
          firstName: contact.firstName ?? null,
          lastName: contact.lastName ?? null,
          phone: contact.phone ?? null
        })
        if (Option.isSome(inserted)) {
          yield* emit(tenant, "customer.created", serialize(inserted.value))
          return { customer: inserted.value, created: true }
        }
        // The insert found the email taken, waiting for a concurrent insert to commit first, so
        // this statement (a fresh snapshot) sees that customer.
        const existing = yield* repo.findByEmail(tenant, contact.email)
        if (Option.isSome(existing)) return { customer: existing.value, created: false }
        // Gone between the two statements: try again.
        return yield* findOrCreateByEmail(tenant, contact)
      })

    return {
      /** An offset page of customers matching `filters`, newest first, with the number matching. */
      page: (tenant: Tenant, filters: Filters, page: { readonly limit: number; readonly offset: number }) =>
        repo.page(tenant, filters, page.limit, page.offset),
      /** Up to `limit` customers matching `filters` after `position`, newest first, each with its sort key. */
      after: repo.after,
      /** Where a customer sits in the list's order; `None` when there is no such customer. */
      position: repo.position,
      get: (tenant: Tenant, customerId: string) => orNotFound(customerId)(repo.find(tenant, customerId)),
      /** Changes the fields sent; `null` clears a nullable one. */
      update: (tenant: Tenant, customerId: string, patch: CustomerUpdate) =>
        orNotFound(customerId)(repo.update(tenant, customerId, toPatch(patch))),
      /**
       * For checkout: the customer with this email (ignoring case), created if the site and mode
       * have none. Concurrent calls with the same email, in any case, all get the one customer.
       */
      findOrCreateByEmail,
      /**
       * For checkout: counts a placed order of `totalMinor` (minor units, at least 0) in the
       * customer's `totalOrders` and `totalSpent`, in one atomic statement.
       */
      recordOrder: (tenant: Tenant, customerId: string, totalMinor: number) =>
        orNotFound(customerId)(repo.addOrder(tenant, customerId, totalMinor)),
      /** The customer an id names now: itself, or the survivor it was merged into (read only). */
      survivorOf: (tenant: Tenant, customerId: string | null) =>
        customerId === null ? Effect.succeed(null) : survivorOf(tenant, customerId),
      /**
       * For checkout: the customer an order is placed for, its row locked until the caller's
       * transaction ends (so no merge moves it meanwhile): the session's customer, or the survivor
       * it was merged into; without one, the customer with the email, the survivor of a merged
       * customer that had it, or a new customer (recording `customer.created`).
       */
      buyerForOrder: (
        tenant: Tenant,
        customerId: string | null,
        contact: Contact
      ): Effect.Effect<string, Database.DatabaseUnavailable> =>
        Effect.gen(function* () {
          if (customerId !== null) {
            const locked = yield* lockSurvivor(tenant, customerId)
            if (Option.isSome(locked)) return locked.value
          }
          // Each round reads afresh; a customer merged or created meanwhile only costs another round.
          for (let round = 0; round < 10; round++) {
            const found = yield* merges.byEmail(tenant, contact.email)
            if (found.customerId !== null) return found.customerId
            if (found.redirectId !== null) {
              const locked = yield* lockSurvivor(tenant, found.redirectId)
              if (Option.isSome(locked)) return locked.value
              continue
            }
            const { customer, created } = yield* findOrCreateByEmail(tenant, contact)
            // A customer this transaction created is invisible to any merge until it commits.
            if (created || (yield* merges.lock(tenant, [customer.id])).length === 1) return customer.id
          }
          return yield* Effect.dieMessage(`no customer could be settled for a checkout of ${contact.email}`)
        }),
      /**
       * Merges `sourceId` into `targetId` (see the module comment) and records `customer.merged`;
       * the survivor as it is after the merge.
       */
      merge: (tenant: Tenant, targetId: string, sourceId: string) =>
        Database.transaction(
          Effect.gen(function* () {
            if (targetId === sourceId) return yield* new MergeSameCustomer({ customerId: targetId })
            const locked = yield* merges.lock(tenant, [targetId, sourceId])
            for (const id of [targetId, sourceId]) {
              if (!locked.includes(id)) return yield* new CustomerNotFound({ customerId: id })
            }
            const source = yield* orNotFound(sourceId)(repo.find(tenant, sourceId))
            const moved = yield* merges.merge(tenant, sourceId, targetId)
            const survivor = yield* orNotFound(targetId)(repo.find(tenant, targetId))
            yield* emit(tenant, "customer.merged", {
              customerId: targetId,
              mergedCustomerId: sourceId,
              mergedEmail: source.email,
              moved,
              customer: serialize(survivor)
            })
            return survivor
          })
        ),
      /** Creates a customer group (the spec has no group routes yet: used by seeds and imports). */
      createGroup: repo.insertGroup
    }
  })
}) {}
