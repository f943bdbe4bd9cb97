/**
 * Blacklist routes: list, add (an email or a customer, with a reason), remove.
 */
import type { BlacklistEntry as ContractEntry, Operation } from "@shopvo/contract"
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import { Blacklist, type BlacklistEntry } from "./Service.js"

const serialize = (entry: BlacklistEntry): Operation.Immutable<ContractEntry> => ({
  id: entry.id,
  email: entry.email,
  customerId: entry.customerId,
  reason: entry.reason,
  createdAt: entry.createdAt.toISOString()
})

const list: Handler<"blacklist.list", Blacklist> = (request) =>
  Effect.gen(function* () {
    const page = Pagination.offset(request.query)
    const { items, total } = yield* Blacklist.page(request.tenant, page)
    return Pagination.offsetPage(items.map(serialize), page, total)
  })

const add: Handler<"blacklist.add", Blacklist | SqlClient.SqlClient> = (request) => {
  const { email, customerId, reason } = request.body
  const target = email !== undefined ? { email } : { customerId: customerId ?? "" }
  return Blacklist.add(request.tenant, target, reason).pipe(
    Effect.map((entry) => created(serialize(entry))),
    Effect.catchTags({
      CustomerNotFound: () => Effect.fail(ApiError.notFound("Customer")),
      AlreadyBlacklisted: (error) => Effect.fail(ApiError.conflict(error.message, "already_blacklisted"))
    })
  )
}

const remove: Handler<"blacklist.remove", Blacklist> = (request) =>
  Blacklist.remove(request.tenant, request.params.entryId).pipe(
    Effect.as(deleted()),
    Effect.catchTag("BlacklistEntryNotFound", () => Effect.fail(ApiError.notFound("Blacklist entry")))
  )

export const handlers = {
  "blacklist.list": list,
  "blacklist.add": add,
  "blacklist.remove": remove
}
