/**
 * SQL of the order lifecycle: the order row lock every change starts with, status and payment
 * writes, line quantities, fulfilments, refunds and the timeline. Every query names the site and
 * the mode; every function runs in its caller's transaction.
 */
import { Database, Ids, type Tenant } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Schema } from "effect"
import { OrderStatus, PaymentStatus } from "../Orders/Repo.js"

/** An amount in minor units; PostgreSQL's `bigint` arrives as a string. */
const Minor = Schema.compose(Schema.NumberFromString, Schema.Int)

const LineQuantity = Schema.Struct({ orderItemId: Schema.String, quantity: Schema.Int })

export class Fulfilment extends Schema.Class<Fulfilment>("Fulfilment")({
  id: Schema.String,
  orderId: Schema.String,
  lines: Schema.Array(LineQuantity),
  carrier: Schema.NullOr(Schema.String),
  trackingNumber: Schema.NullOr(Schema.String),
  trackingUrl: Schema.NullOr(Schema.String),
  apiKeyId: Schema.NullOr(Schema.String),
  createdAt: Schema.DateFromSelf
}) {}

export const TimelineType = Schema.Literal("placed", "status_changed", "fulfilled", "cancelled", "refunded", "paid")

export class TimelineEntry extends Schema.Class<TimelineEntry>("TimelineEntry")({
  id: Schema.String,
  type: TimelineType,
  message: Schema.String,
  fromStatus: Schema.NullOr(OrderStatus),
  toStatus: OrderStatus,
  paymentStatus: PaymentStatus,
  amount: Schema.NullOr(Minor),
  apiKeyId: Schema.NullOr(Schema.String),
  createdAt: Schema.DateFromSelf
}) {}

export interface NewTimelineEntry {
  readonly type: typeof TimelineType.Type
  readonly message: string
  readonly fromStatus: typeof OrderStatus.Type | null
  readonly toStatus: typeof OrderStatus.Type
  readonly paymentStatus: typeof PaymentStatus.Type
  readonly amount: number | null
  readonly apiKeyId: string | null
}

export interface NewRefund {
  readonly id: string
  readonly amount: number
  readonly currency: string
  readonly method: "PAYMENT" | "STORE_CREDIT"
  readonly lines: ReadonlyArray<typeof LineQuantity.Type> | null
  readonly restock: boolean
  readonly reason: string | null
  readonly providerReference: string | null
  readonly loyaltyPointsTakenBack: number
  readonly apiKeyId: string | null
}

const orderNumberPattern = /^ORD-[0-9]+$/

export class OrderLifecycleRepo extends Effect.Service<OrderLifecycleRepo>()("@shopvo/api/OrderLifecycleRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const ofTenant = (tenant: Tenant, alias: string) =>
      sql`${sql(alias)}.site_id = ${tenant.siteId} and ${sql(alias)}.livemode = ${tenant.livemode}`

    // Every change of an order starts here: changes of one order queue on its row.
    const lock = SqlSchema.findOne({
      Request: Schema.Struct({ siteId: Schema.String, livemode: Schema.Boolean, key: Schema.String }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ siteId, livemode, key }) =>
        sql`select o.id from orders o where o.site_id = ${siteId} and o.livemode = ${livemode}
              and ${orderNumberPattern.test(key) ? sql`o.number = ${key}` : sql`o.id = ${key}`}
            for update`
    })

    const fulfilments = SqlSchema.findAll({
      Request: Schema.Struct({ siteId: Schema.String, livemode: Schema.Boolean, orderId: Schema.String }),
      Result: Fulfilment,
      execute: ({ siteId, livemode, orderId }) =>
        sql`select f.id, f.order_id as "orderId", f.lines, f.carrier, f.tracking_number as "trackingNumber",
              f.tracking_url as "trackingUrl", f.api_key_id as "apiKeyId", f.created_at as "createdAt"
            from fulfilments f where ${ofTenant({ siteId, livemode }, "f")} and f.order_id = ${orderId}
            order by f.created_at, f.id`
    })

    const timeline = SqlSchema.findAll({
      Request: Schema.Struct({ siteId: Schema.String, livemode: Schema.Boolean, orderId: Schema.String }),
      Result: TimelineEntry,
      execute: ({ siteId, livemode, orderId }) =>
        sql`select t.id, t.type, t.message, t.from_status as "fromStatus", t.to_status as "toStatus",
              t.payment_status as "paymentStatus", t.amount, t.api_key_id as "apiKeyId", t.created_at as "createdAt"
            from order_timeline t where ${ofTenant({ siteId, livemode }, "t")} and t.order_id = ${orderId}
            order by t.seq`
    })

    const addQuantity = (
      tenant: Tenant,
      column: "fulfilled_quantity" | "refunded_quantity" | "restocked_quantity",
      lines: ReadonlyArray<typeof LineQuantity.Type>
    ) =>
      Effect.forEach(
        lines,
        (line) =>
          sql`update order_items i set ${sql(column)} = ${sql(column)} + ${line.quantity}
              where ${ofTenant(tenant, "i")} and i.id = ${line.orderItemId}`,
        { discard: true }
      )

    return {
      /** Locks the order (by id or number) until the transaction ends; its id, if it exists. */
      lock: (tenant: Tenant, idOrNumber: string) =>
        Database.boundary(
          Effect.map(lock({ siteId: tenant.siteId, livemode: tenant.livemode, key: idOrNumber }), (row) =>
            row._tag === "Some" ? row.value.id : null
          )
        ),
      setStatus: (tenant: Tenant, orderId: string, status: typeof OrderStatus.Type) =>
        Database.boundary(
          sql`update orders o set status = ${status}, updated_at = now()
              where ${ofTenant(tenant, "o")} and o.id = ${orderId}`
        ),
      setPayment: (
        tenant: Tenant,
        orderId: string,
        payment: { readonly paymentStatus: typeof PaymentStatus.Type; readonly refundedTotal: number }
      ) =>
        Database.boundary(
          sql`update orders o set payment_status = ${payment.paymentStatus}, refunded_total = ${payment.refundedTotal},
                updated_at = now()
              where ${ofTenant(tenant, "o")} and o.id = ${orderId}`
        ),
      addFulfilled: (tenant: Tenant, lines: ReadonlyArray<typeof LineQuantity.Type>) =>
        Database.boundary(addQuantity(tenant, "fulfilled_quantity", lines)),
      addRefunded: (tenant: Tenant, lines: ReadonlyArray<typeof LineQuantity.Type>) =>
        Database.boundary(addQuantity(tenant, "refunded_quantity", lines)),
      addRestocked: (tenant: Tenant, lines: ReadonlyArray<typeof LineQuantity.Type>) =>
        Database.boundary(addQuantity(tenant, "restocked_quantity", lines)),
      insertFulfilment: (
        tenant: Tenant,
        orderId: string,
        fulfilment: Omit<Fulfilment, "id" | "orderId" | "createdAt">
      ) =>
        Database.boundary(
          Effect.gen(function* () {
            const id = Ids.make("ful")
            yield* sql`insert into fulfilments (id, site_id, livemode, order_id, lines, carrier, tracking_number,
                         tracking_url, api_key_id)
                       values (${id}, ${tenant.siteId}, ${tenant.livemode}, ${orderId},
                         ${JSON.stringify(fulfilment.lines)}::jsonb, ${fulfilment.carrier}, ${fulfilment.trackingNumber},
                         ${fulfilment.trackingUrl}, ${fulfilment.apiKeyId})`
            const rows = yield* fulfilments({ siteId: tenant.siteId, livemode: tenant.livemode, orderId })
            const inserted = rows.find((row) => row.id === id)
            return inserted ?? (yield* Effect.dieMessage("the fulfilment just inserted is missing"))
          })
        ),
      insertRefund: (tenant: Tenant, orderId: string, refund: NewRefund) =>
        Database.boundary(
          sql`insert into refunds (id, site_id, livemode, order_id, amount, currency, method, lines, restock, reason,
                provider_reference, loyalty_points_taken_back, api_key_id)
              values (${refund.id}, ${tenant.siteId}, ${tenant.livemode}, ${orderId}, ${refund.amount},
                ${refund.currency}, ${refund.method},
                ${refund.lines === null ? null : JSON.stringify(refund.lines)}::jsonb, ${refund.restock},
                ${refund.reason}, ${refund.providerReference}, ${refund.loyaltyPointsTakenBack}, ${refund.apiKeyId})`
        ),
      /** Appends one change to the order's timeline. */
      append: (tenant: Tenant, orderId: string, entry: NewTimelineEntry) =>
        Database.boundary(
          sql`insert into order_timeline (id, site_id, livemode, order_id, type, message, from_status, to_status,
                payment_status, amount, api_key_id)
              values (${Ids.make("otl")}, ${tenant.siteId}, ${tenant.livemode}, ${orderId}, ${entry.type},
                ${entry.message}, ${entry.fromStatus}, ${entry.toStatus}, ${entry.paymentStatus}, ${entry.amount},
                ${entry.apiKeyId})`
        ),
      fulfilments: (tenant: Tenant, orderId: string) =>
        Database.boundary(fulfilments({ siteId: tenant.siteId, livemode: tenant.livemode, orderId })),
      timeline: (tenant: Tenant, orderId: string) =>
        Database.boundary(timeline({ siteId: tenant.siteId, livemode: tenant.livemode, orderId }))
    }
  })
}) {}
