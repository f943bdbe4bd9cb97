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
 * The spec's webhook catalogue has no customer event, so none is recorded.
 */
import type { CustomerUpdate } from "@shopvo/contract"
import * as Address from "../Address.js"
import type { Database, Tenant } from "@shopvo/kernel"
import { Effect, Option } from "effect"
import { CustomerNotFound } from "./Errors.js"
import { type Customer, CustomersRepo, type Filters, type Patch } from "./Repo.js"

export { Customer, CustomerGroup } from "./Repo.js"
export { CustomerGroupNotFound, CustomerNotFound, EmailTaken } from "./Errors.js"
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
  dependencies: [CustomersRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* CustomersRepo

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
        if (Option.isSome(inserted)) return { customer: inserted.value, created: true }
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
      /** Creates a customer group (the spec has no group routes yet: used by seeds and imports). */
      createGroup: repo.insertGroup
    }
  })
}) {}
