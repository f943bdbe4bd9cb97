/**
 * SQL for orders and their lines, per site and mode. An order is read with its lines in one
 * statement (`json_agg`, in line order) and decoded with `Order`, the spec's shape. The functions
 * run inside whatever transaction their caller opened.
 */
import { Order as OrderLifecycle, Payment as PaymentLifecycle, PaymentTerms } from "@shopvo/checkout"
import { Database, Ids, type Tenant } from "@shopvo/kernel"
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import * as Pagination from "../Platform/Pagination.js"

import { Address } from "../Address.js"

export { Address, type AddressInput, normalize as normalizeAddress } from "../Address.js"

/** For a statement that always returns its row: none would be a bug. */
export const exactlyOne = <A, E, R>(effect: Effect.Effect<Option.Option<A>, E, R>) =>
  Effect.flatMap(
    effect,
    Option.match({ onNone: () => Effect.dieMessage("expected a row, got none"), onSome: Effect.succeed })
  )

/** An amount in minor units; PostgreSQL's `bigint` arrives as a string. */
const Minor = Schema.compose(Schema.NumberFromString, Schema.Int)

// The lifecycles' states are @shopvo/checkout's: one home for them.
export const OrderStatus = OrderLifecycle.OrderStatus
export const PaymentStatus = PaymentLifecycle.PaymentStatus

export class OrderItem extends Schema.Class<OrderItem>("OrderItem")({
  id: Schema.String,
  productId: Schema.String,
  variantId: Schema.NullOr(Schema.String),
  name: Schema.String,
  sku: Schema.NullOr(Schema.String),
  quantity: Schema.Int,
  unitPrice: Schema.Int,
  total: Schema.Int,
  fulfilledQuantity: Schema.Int,
  refundedQuantity: Schema.Int,
  restockedQuantity: Schema.Int
}) {}

export class Order extends Schema.Class<Order>("Order")({
  id: Schema.String,
  number: Schema.String,
  status: OrderStatus,
  paymentStatus: PaymentStatus,
  customerId: Schema.NullOr(Schema.String),
  email: Schema.String,
  currency: Schema.String,
  items: Schema.Array(OrderItem),
  subtotal: Minor,
  discountTotal: Minor,
  shippingTotal: Minor,
  taxTotal: Minor,
  giftCardTotal: Minor,
  storeCreditTotal: Minor,
  total: Minor,
  refundedTotal: Minor,
  shippingAddress: Schema.NullOr(Address),
  billingAddress: Schema.NullOr(Address),
  promotionCode: Schema.NullOr(Schema.String),
  checkoutSessionId: Schema.String,
  /** The payment provider's reference of the captured payment (refunds go through it). */
  paymentReference: Schema.NullOr(Schema.String),
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf,
  // B2B: the account whose contact placed the order; terms and due date when placed on credit.
  b2bAccountId: Schema.NullOr(Schema.String),
  paymentTerms: Schema.NullOr(PaymentTerms.PaymentTerms),
  dueDate: Schema.NullOr(Schema.String)
}) {}

/** A row of a cursor page: the order and where it sits in the list's order. */
export class OrderRow extends Order.extend<OrderRow>("OrderRow")({ sortKey: Schema.String }) {}

export interface Filters {
  readonly status?: typeof OrderStatus.Type | undefined
  readonly paymentStatus?: typeof PaymentStatus.Type | undefined
  readonly customerId?: string | undefined
  /** Placed with this contact email (case-insensitive). */
  readonly email?: string | undefined
  /** With a line of this product. */
  readonly productId?: string | undefined
  readonly b2bAccountId?: string | undefined
  /** Created at or after. */
  readonly from?: Date | undefined
  /** Created before. */
  readonly to?: Date | undefined
}

export type Page =
  | { readonly _tag: "Offset"; readonly limit: number; readonly offset: number }
  | { readonly _tag: "Cursor"; readonly limit: number; readonly after: Pagination.Position | undefined }

/** An order as checkout places it; ids, number and timestamps are the repository's. */
export interface NewOrder {
  readonly status: typeof OrderStatus.Type
  readonly paymentStatus: typeof PaymentStatus.Type
  readonly customerId: string | null
  readonly email: string
  readonly currency: string
  readonly items: ReadonlyArray<
    Omit<OrderItem, "id" | "total" | "fulfilledQuantity" | "refundedQuantity" | "restockedQuantity">
  >
  readonly subtotal: number
  readonly discountTotal: number
  readonly shippingTotal: number
  readonly taxTotal: number
  readonly giftCardTotal: number
  readonly storeCreditTotal: number
  readonly total: number
  readonly shippingAddress: Address | null
  readonly billingAddress: Address | null
  readonly promotionCode: string | null
  readonly checkoutSessionId: string
  readonly cartId: string
  readonly paymentMethod: string | null
  readonly paymentReference: string | null
  /** B2B: the account and, for an order on credit, its terms and due date (`YYYY-MM-DD`). */
  readonly b2b?: { readonly accountId: string; readonly terms: PaymentTerms.OrderTerms | null } | null | undefined
}

const orderNumberPattern = /^ORD-[0-9]+$/

export class OrdersRepo extends Effect.Service<OrdersRepo>()("@shopvo/api/OrdersRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const columns = sql`
      o.id, o.number, o.status, o.payment_status as "paymentStatus", o.customer_id as "customerId", o.email,
      o.currency, o.subtotal, o.discount_total as "discountTotal", o.shipping_total as "shippingTotal",
      o.tax_total as "taxTotal", o.gift_card_total as "giftCardTotal", o.store_credit_total as "storeCreditTotal",
      o.total, o.refunded_total as "refundedTotal", o.shipping_address as "shippingAddress",
      o.billing_address as "billingAddress", o.promotion_code as "promotionCode",
      o.checkout_session_id as "checkoutSessionId", o.payment_reference as "paymentReference",
      o.created_at as "createdAt", o.updated_at as "updatedAt",
      o.b2b_account_id as "b2bAccountId", o.payment_terms as "paymentTerms",
      to_char(o.due_date, 'YYYY-MM-DD') as "dueDate",
      coalesce((
        select json_agg(json_build_object(
          'id', i.id, 'productId', i.product_id, 'variantId', i.variant_id, 'name', i.name, 'sku', i.sku,
          'quantity', i.quantity, 'unitPrice', i.unit_price, 'total', i.total,
          'fulfilledQuantity', i.fulfilled_quantity, 'refundedQuantity', i.refunded_quantity,
          'restockedQuantity', i.restocked_quantity) order by i.position)
        from order_items i where i.site_id = o.site_id and i.order_id = o.id
      ), '[]'::json) as items`

    const Lookup = Schema.Struct({ siteId: Schema.String, livemode: Schema.Boolean, key: Schema.String })

    const byIdOrNumber = SqlSchema.findOne({
      Request: Lookup,
      Result: Order,
      execute: ({ siteId, livemode, key }) =>
        sql`select ${columns} from orders o
            where o.site_id = ${siteId} and o.livemode = ${livemode}
              and ${orderNumberPattern.test(key) ? sql`o.number = ${key}` : sql`o.id = ${key}`}`
    })

    const bySession = SqlSchema.findOne({
      Request: Lookup,
      Result: Order,
      execute: ({ siteId, livemode, key }) =>
        sql`select ${columns} from orders o
            where o.site_id = ${siteId} and o.livemode = ${livemode} and o.checkout_session_id = ${key}`
    })

    const where = (tenant: Tenant, filters: Filters) => {
      const conditions = [sql`o.site_id = ${tenant.siteId}`, sql`o.livemode = ${tenant.livemode}`]
      if (filters.status !== undefined) conditions.push(sql`o.status = ${filters.status}`)
      if (filters.paymentStatus !== undefined) conditions.push(sql`o.payment_status = ${filters.paymentStatus}`)
      if (filters.customerId !== undefined) conditions.push(sql`o.customer_id = ${filters.customerId}`)
      if (filters.email !== undefined) conditions.push(sql`lower(o.email) = lower(${filters.email})`)
      if (filters.productId !== undefined) {
        conditions.push(sql`exists (select 1 from order_items f where f.site_id = o.site_id and f.livemode = o.livemode
          and f.order_id = o.id and f.product_id = ${filters.productId})`)
      }
      if (filters.b2bAccountId !== undefined) conditions.push(sql`o.b2b_account_id = ${filters.b2bAccountId}`)
      if (filters.from !== undefined) conditions.push(sql`o.created_at >= ${filters.from}`)
      if (filters.to !== undefined) conditions.push(sql`o.created_at < ${filters.to}`)
      return sql.and(conditions)
    }

    const sortKey = sql.literal(Pagination.createdAtSortKey.replace("created_at", "o.created_at"))

    const offsetPage = (tenant: Tenant, filters: Filters, limit: number, offset: number) =>
      Effect.all(
        {
          rows: SqlSchema.findAll({
            Request: Schema.Void,
            Result: Order,
            execute: () =>
              sql`select ${columns} from orders o where ${where(tenant, filters)}
                  order by o.created_at desc, o.id desc limit ${limit} offset ${offset}`
          })(undefined),
          total: SqlSchema.findOne({
            Request: Schema.Void,
            Result: Schema.Struct({ total: Schema.Int }),
            execute: () => sql`select count(*)::int as total from orders o where ${where(tenant, filters)}`
          })(undefined).pipe(exactlyOne)
        },
        { concurrency: 1 }
      ).pipe(Effect.map(({ rows, total }) => ({ rows, total: total.total })))

    // Newest first, so a page continues below the last row's (created_at, id).
    const cursorPage = (tenant: Tenant, filters: Filters, limit: number, after: Pagination.Position | undefined) =>
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: OrderRow,
        execute: () =>
          sql`select ${columns}, ${sortKey} as "sortKey" from orders o
              where ${where(tenant, filters)}
              ${after === undefined ? sql`` : sql`and (o.created_at, o.id) < (${after.sortKey}::timestamptz, ${after.id})`}
              order by o.created_at desc, o.id desc limit ${limit + 1}`
      })(undefined)

    // The next `ORD-<n>` of the site: the counter row stays locked until the caller's transaction ends.
    const nextNumber = SqlSchema.findOne({
      Request: Schema.String,
      Result: Schema.Struct({ number: Schema.String }),
      execute: (siteId) =>
        sql`insert into order_counters (site_id, last_number) values (${siteId}, 1001)
            on conflict (site_id) do update set last_number = order_counters.last_number + 1
            returning 'ORD-' || last_number as number`
    })

    const insert = (tenant: Tenant, order: NewOrder) =>
      Effect.gen(function* () {
        const id = Ids.make("order")
        const { number } = yield* exactlyOne(nextNumber(tenant.siteId))
        const inserted = yield* sql`
          insert into orders (id, site_id, livemode, number, status, payment_status, customer_id, email, currency,
            subtotal, discount_total, shipping_total, tax_total, gift_card_total, store_credit_total, total,
            shipping_address, billing_address, promotion_code, checkout_session_id, cart_id, payment_method,
            payment_reference, b2b_account_id, payment_terms, due_date)
          values (${id}, ${tenant.siteId}, ${tenant.livemode}, ${number}, ${order.status}, ${order.paymentStatus},
            ${order.customerId}, ${order.email}, ${order.currency}, ${order.subtotal}, ${order.discountTotal},
            ${order.shippingTotal}, ${order.taxTotal}, ${order.giftCardTotal}, ${order.storeCreditTotal},
            ${order.total}, ${json(order.shippingAddress)}, ${json(order.billingAddress)}, ${order.promotionCode},
            ${order.checkoutSessionId}, ${order.cartId}, ${order.paymentMethod}, ${order.paymentReference},
            ${order.b2b?.accountId ?? null}, ${order.b2b?.terms?.terms ?? null}, ${order.b2b?.terms?.dueDate ?? null})`.pipe(
          Effect.as(true),
          Effect.catchIf(isCartTaken, () => Effect.succeed(false))
        )
        if (!inserted) return Option.none()
        if (order.items.length > 0) {
          yield* sql`insert into order_items ${sql.insert(
            order.items.map((item, position) => ({
              id: Ids.make("oli"),
              site_id: tenant.siteId,
              livemode: tenant.livemode,
              order_id: id,
              position,
              product_id: item.productId,
              variant_id: item.variantId,
              name: item.name,
              sku: item.sku,
              quantity: item.quantity,
              unit_price: item.unitPrice,
              total: item.unitPrice * item.quantity
            }))
          )}`
        }
        return yield* byIdOrNumber({ siteId: tenant.siteId, livemode: tenant.livemode, key: id })
      })

    const position = SqlSchema.findOne({
      Request: Lookup,
      Result: Schema.Struct({ sortKey: Schema.String, id: Schema.String }),
      execute: ({ siteId, livemode, key }) =>
        sql`select ${sortKey} as "sortKey", o.id from orders o
            where o.site_id = ${siteId} and o.livemode = ${livemode} and o.id = ${key}`
    })

    return {
      /** Where an order sits in the list's order: a cursor may name the last order a client has seen. */
      positionOf: (tenant: Tenant, id: string) =>
        Database.boundary(position({ siteId: tenant.siteId, livemode: tenant.livemode, key: id })),
      /** The order with this id (`order_…`) or number (`ORD-1042`). */
      find: (tenant: Tenant, idOrNumber: string) =>
        Database.boundary(byIdOrNumber({ siteId: tenant.siteId, livemode: tenant.livemode, key: idOrNumber })),
      /** The order a checkout session placed, if it did. */
      findBySession: (tenant: Tenant, sessionId: string) =>
        Database.boundary(bySession({ siteId: tenant.siteId, livemode: tenant.livemode, key: sessionId })),
      /** A page of orders, newest first; a cursor page fetches `limit + 1` rows (the extra one says more follow). */
      listOffset: (tenant: Tenant, filters: Filters, limit: number, offset: number) =>
        Database.boundary(offsetPage(tenant, filters, limit, offset)),
      listCursor: (tenant: Tenant, filters: Filters, limit: number, after: Pagination.Position | undefined) =>
        Database.boundary(cursorPage(tenant, filters, limit, after)),
      /**
       * Inserts an order and its lines with the site's next number; `None` when the cart already has
       * an order (another session of it completed first). The refused insert aborts the caller's
       * transaction, which then has to fail.
       */
      insert: (tenant: Tenant, order: NewOrder): Effect.Effect<Option.Option<Order>, Database.DatabaseUnavailable> =>
        Database.boundary(insert(tenant, order))
    }
  })
}) {}

const isCartTaken = (error: SqlError.SqlError): boolean => {
  const cause: unknown = error.cause
  return (
    typeof cause === "object" &&
    cause !== null &&
    Reflect.get(cause, "code") === "23505" &&
    Reflect.get(cause, "constraint") === "orders_cart_unique"
  )
}

const json = (value: unknown) => (value === null ? null : JSON.stringify(value))
