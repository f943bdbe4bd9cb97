/**
 * The blacklist: emails and customers that may not complete a checkout. Entries are added and
 * removed through the API; the checkout asks `guard` before it places an order, inside its own
 * transaction (so an entry committed before the check blocks it).
 */
import { Database, type Tenant } from "@shopvo/kernel"
import { Data, Effect, Option } from "effect"
import { Customers } from "../Customers/Service.js"
import { BlacklistRepo, type Target } from "./Repo.js"

export { BlacklistEntry } from "./Repo.js"
export type { Target } from "./Repo.js"

export class AlreadyBlacklisted extends Data.TaggedError("AlreadyBlacklisted")<{ readonly target: Target }> {
  override get message() {
    return "email" in this.target
      ? `The email ${this.target.email} is already blacklisted`
      : `Customer ${this.target.customerId} is already blacklisted`
  }
}

export class EntryNotFound extends Data.TaggedError("BlacklistEntryNotFound")<{ readonly entryId: string }> {}

/** The checkout's email or customer is blacklisted. */
export class Blacklisted extends Data.TaggedError("Blacklisted")<{ readonly reason: string }> {
  override get message() {
    return "This email or customer is blacklisted and cannot complete a checkout"
  }
}

export class Blacklist extends Effect.Service<Blacklist>()("@shopvo/api/Blacklist", {
  accessors: true,
  dependencies: [BlacklistRepo.Default, Customers.Default],
  effect: Effect.gen(function* () {
    const repo = yield* BlacklistRepo
    const customers = yield* Customers
    return {
      /** An offset page of entries, newest first, and how many there are. */
      page: (tenant: Tenant, page: { readonly limit: number; readonly offset: number }) =>
        repo.page(tenant, page.limit, page.offset),
      /** Adds an entry; a customer must exist in the site and mode. */
      add: (tenant: Tenant, target: Target, reason: string) =>
        Database.transaction(
          Effect.gen(function* () {
            if ("customerId" in target) yield* customers.get(tenant, target.customerId)
            const entry = yield* repo.insert(tenant, target, reason.trim())
            if (Option.isNone(entry)) return yield* new AlreadyBlacklisted({ target })
            return entry.value
          })
        ),
      remove: (tenant: Tenant, entryId: string) =>
        Effect.flatMap(repo.remove(tenant, entryId), (removed) =>
          Option.isNone(removed) ? Effect.fail(new EntryNotFound({ entryId })) : Effect.void
        ),
      /**
       * For checkout: fails with `Blacklisted` when the email (ignoring case), the customer, or
       * the customer who has the email is on the blacklist.
       */
      guard: (tenant: Tenant, email: string | null, customerId: string | null) =>
        Effect.flatMap(repo.matching(tenant, email, customerId), (entry) =>
          Option.isSome(entry) ? Effect.fail(new Blacklisted({ reason: entry.value.reason })) : Effect.void
        )
    }
  })
}) {}
