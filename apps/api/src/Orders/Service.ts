/**
 * Orders: placed by checkout (`place`, inside the checkout's transaction), read by integrations
 * by id or number, listed newest first with filters.
 */
import type { Tenant } from "@shopvo/kernel"
import { Data, Effect, Option } from "effect"
import type * as Pagination from "../Platform/Pagination.js"
import { OrderLifecycleRepo } from "../OrderLifecycle/Repo.js"
import { type Filters, type NewOrder, OrdersRepo } from "./Repo.js"

export { Order, OrderItem } from "./Repo.js"
export type { Filters, NewOrder } from "./Repo.js"

export class OrderNotFound extends Data.TaggedError("OrderNotFound")<{ readonly idOrNumber: string }> {}

/** `from` is later than `to`: no order could match. */
export class EmptyDateRange extends Data.TaggedError("EmptyDateRange")<{ readonly from: Date; readonly to: Date }> {}

const checkRange = (filters: Filters) =>
  filters.from !== undefined && filters.to !== undefined && filters.from > filters.to
    ? Effect.fail(new EmptyDateRange({ from: filters.from, to: filters.to }))
    : Effect.void

export class Orders extends Effect.Service<Orders>()("@shopvo/api/Orders", {
  accessors: true,
  dependencies: [OrdersRepo.Default, OrderLifecycleRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* OrdersRepo
    const lifecycle = yield* OrderLifecycleRepo
    return {
      get: (tenant: Tenant, idOrNumber: string) =>
        Effect.flatMap(
          repo.find(tenant, idOrNumber),
          Option.match({ onNone: () => Effect.fail(new OrderNotFound({ idOrNumber })), onSome: Effect.succeed })
        ),
      listOffset: (tenant: Tenant, filters: Filters, limit: number, offset: number) =>
        Effect.zipRight(checkRange(filters), repo.listOffset(tenant, filters, limit, offset)),
      listCursor: (tenant: Tenant, filters: Filters, limit: number, after: Pagination.Position | undefined) =>
        Effect.zipRight(checkRange(filters), repo.listCursor(tenant, filters, limit, after)),
      positionOf: repo.positionOf,
      /** The order a checkout session placed, if any. */
      findBySession: repo.findBySession,
      /**
       * Records a placed order with the site's next `ORD-<n>`. Runs inside the caller's transaction
       * (checkout completion); the number's counter stays locked until that transaction ends.
       */
      place: (tenant: Tenant, order: NewOrder) =>
        Effect.tap(repo.insert(tenant, order), (inserted) =>
          Option.match(inserted, {
            onNone: () => Effect.void,
            // The first entry of the order's timeline.
            onSome: (placed) =>
              lifecycle.append(tenant, placed.id, {
                type: "placed",
                message: "Order placed",
                fromStatus: null,
                toStatus: placed.status,
                paymentStatus: placed.paymentStatus,
                amount: null,
                apiKeyId: null
              })
          })
        )
    }
  })
}) {}
