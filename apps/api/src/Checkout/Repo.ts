/**
 * SQL for checkout sessions (their shipping options are the Shipping module's). Rows
 * are decoded with `Session` at this boundary; the functions run inside whatever transaction their
 * caller opened.
 */
import { Database, Ids, type Tenant } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Schema } from "effect"
import { Address, exactlyOne } from "../Orders/Repo.js"

export const State = Schema.Literal("init", "contact", "shipping", "payment", "review", "complete")
export type State = typeof State.Type

/** A cart line as the session froze it when it started: what was bought, at which unit price. */
export const Line = Schema.Struct({
  id: Schema.String,
  productId: Schema.String,
  variantId: Schema.NullOr(Schema.String),
  name: Schema.String,
  sku: Schema.NullOr(Schema.String),
  quantity: Schema.Int,
  unitPrice: Schema.Int
})
export type Line = typeof Line.Type

/**
 * The session's payment: `reference` and `amount` are the provider's authorization, once authorized;
 * `sessionId` the payment session that made it (`requires_action` until the provider answers).
 */
export const Payment = Schema.Struct({
  method: Schema.String,
  status: Schema.Literal("pending", "authorized", "failed", "requires_action"),
  reference: Schema.NullOr(Schema.String),
  amount: Schema.NullOr(Schema.Int),
  sessionId: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null })
})
export type Payment = typeof Payment.Type

const Minor = Schema.compose(Schema.NumberFromString, Schema.Int)

/** The spec's `CheckoutTotals`. */
export const CheckoutTotals = Schema.Struct({
  subtotal: Schema.Int,
  discountTotal: Schema.Int,
  shippingTotal: Schema.Int,
  taxTotal: Schema.Int,
  /** 0 for totals saved before tax settings existed. */
  taxIncluded: Schema.optionalWith(Schema.Int, { default: () => 0 }),
  giftCardTotal: Schema.Int,
  storeCreditTotal: Schema.Int,
  loyaltyTotal: Schema.Int,
  total: Schema.Int,
  amountDue: Schema.Int,
  currency: Schema.String
})
export type CheckoutTotals = typeof CheckoutTotals.Type

export class Session extends Schema.Class<Session>("CheckoutSession")({
  id: Schema.String,
  cartId: Schema.String,
  customerId: Schema.NullOr(Schema.String),
  state: State,
  currency: Schema.String,
  lines: Schema.Array(Line),
  email: Schema.NullOr(Schema.String),
  shippingAddress: Schema.NullOr(Address),
  billingAddress: Schema.NullOr(Address),
  pickupPointId: Schema.NullOr(Schema.String),
  shippingOptionId: Schema.NullOr(Schema.String),
  payment: Schema.NullOr(Payment),
  promotionCode: Schema.NullOr(Schema.String),
  giftCardCodes: Schema.Array(Schema.String),
  storeCreditAmount: Minor,
  loyaltyPoints: Schema.Int,
  orderId: Schema.NullOr(Schema.String),
  /** The totals the order was placed with, once complete (balances spent since do not change them). */
  totals: Schema.NullOr(CheckoutTotals),
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
}) {}

/** What a session's owner may change; the rest (id, cart, lines, timestamps) is fixed at start. */
export type SessionData = Pick<
  Session,
  | "state"
  | "customerId"
  | "email"
  | "shippingAddress"
  | "billingAddress"
  | "pickupPointId"
  | "shippingOptionId"
  | "payment"
  | "promotionCode"
  | "giftCardCodes"
  | "storeCreditAmount"
  | "loyaltyPoints"
  | "orderId"
  | "totals"
>

export interface NewSession {
  readonly cartId: string
  readonly customerId: string | null
  readonly currency: string
  readonly lines: ReadonlyArray<Line>
  readonly email: string | null
  readonly shippingAddress: Address | null
}

const json = (value: unknown) => (value === null ? null : JSON.stringify(value))

export class CheckoutRepo extends Effect.Service<CheckoutRepo>()("@shopvo/api/CheckoutRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const columns = sql`
      id, cart_id as "cartId", customer_id as "customerId", state, currency, lines, email,
      shipping_address as "shippingAddress", billing_address as "billingAddress", pickup_point_id as "pickupPointId",
      shipping_option_id as "shippingOptionId", payment, promotion_code as "promotionCode",
      gift_card_codes as "giftCardCodes", store_credit_amount as "storeCreditAmount",
      loyalty_points as "loyaltyPoints", order_id as "orderId", totals, created_at as "createdAt", updated_at as "updatedAt"`

    const Lookup = Schema.Struct({ siteId: Schema.String, livemode: Schema.Boolean, id: Schema.String })

    const find = SqlSchema.findOne({
      Request: Lookup,
      Result: Session,
      execute: ({ siteId, livemode, id }) =>
        sql`select ${columns} from checkout_sessions where site_id = ${siteId} and livemode = ${livemode} and id = ${id}`
    })

    const lock = SqlSchema.findOne({
      Request: Lookup,
      Result: Session,
      execute: ({ siteId, livemode, id }) =>
        sql`select ${columns} from checkout_sessions
            where site_id = ${siteId} and livemode = ${livemode} and id = ${id} for update`
    })

    const insert = (tenant: Tenant, session: NewSession) =>
      SqlSchema.findOne({
        Request: Schema.Void,
        Result: Session,
        execute: () =>
          sql`insert into checkout_sessions (id, site_id, livemode, cart_id, customer_id, currency, lines, email,
                shipping_address)
              values (${Ids.make("cs")}, ${tenant.siteId}, ${tenant.livemode}, ${session.cartId},
                ${session.customerId}, ${session.currency}, ${JSON.stringify(session.lines)}, ${session.email},
                ${json(session.shippingAddress)})
              returning ${columns}`
      })(undefined)

    const save = (tenant: Tenant, id: string, data: SessionData) =>
      SqlSchema.findOne({
        Request: Schema.Void,
        Result: Session,
        execute: () =>
          sql`update checkout_sessions set
                state = ${data.state}, customer_id = ${data.customerId}, email = ${data.email},
                shipping_address = ${json(data.shippingAddress)}, billing_address = ${json(data.billingAddress)},
                pickup_point_id = ${data.pickupPointId},
                shipping_option_id = ${data.shippingOptionId}, payment = ${json(data.payment)},
                promotion_code = ${data.promotionCode}, gift_card_codes = array(select jsonb_array_elements_text(${JSON.stringify(data.giftCardCodes)}::jsonb)),
                store_credit_amount = ${data.storeCreditAmount}, loyalty_points = ${data.loyaltyPoints},
                order_id = ${data.orderId}, totals = ${json(data.totals)}
              where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and id = ${id}
              returning ${columns}`
      })(undefined)

    return {
      find: (tenant: Tenant, id: string) =>
        Database.boundary(find({ siteId: tenant.siteId, livemode: tenant.livemode, id })),
      /** The session, its row locked until the caller's transaction ends (moves of one session queue). */
      lock: (tenant: Tenant, id: string) =>
        Database.boundary(lock({ siteId: tenant.siteId, livemode: tenant.livemode, id })),
      insert: (tenant: Tenant, session: NewSession) => Database.boundary(exactlyOne(insert(tenant, session))),
      /** Writes the session's data; the caller holds its lock. */
      save: (tenant: Tenant, id: string, data: SessionData) => Database.boundary(exactlyOne(save(tenant, id, data)))
    }
  })
}) {}
