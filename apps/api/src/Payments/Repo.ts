/**
 * SQL for payment sessions and their provider operations, per site and mode. Rows are decoded
 * with `PaymentSessionRow` at this boundary; the functions run inside whatever transaction their
 * caller opened (the service locks a session's row before it changes it).
 */
import { PaymentSession as Lifecycle } from "@shopvo/checkout"
import { Database, Ids, type Tenant } from "@shopvo/kernel"
import { SqlClient, SqlSchema, type Statement } from "@effect/sql"
import { Effect, Schema } from "effect"
import { exactlyOne } from "../Orders/Repo.js"

/** An amount in minor units; PostgreSQL's `bigint` arrives as a string. */
const Minor = Schema.compose(Schema.NumberFromString, Schema.Int)

export const NextAction = Schema.Struct({
  type: Schema.Literal("redirect", "bank_transfer"),
  url: Schema.NullOr(Schema.String),
  instructions: Schema.NullOr(Schema.String)
})

export class PaymentSessionRow extends Schema.Class<PaymentSessionRow>("PaymentSessionRow")({
  id: Schema.String,
  livemode: Schema.Boolean,
  checkoutSessionId: Schema.NullOr(Schema.String),
  orderId: Schema.NullOr(Schema.String),
  customerId: Schema.NullOr(Schema.String),
  method: Lifecycle.Method,
  status: Lifecycle.Status,
  currency: Schema.String,
  amount: Minor,
  capturedAmount: Minor,
  refundedAmount: Minor,
  providerReference: Schema.NullOr(Schema.String),
  nextAction: Schema.NullOr(NextAction),
  failureCode: Schema.NullOr(Schema.String),
  failureMessage: Schema.NullOr(Schema.String),
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
}) {
  /** The lifecycle's view of the row (its status and money). */
  get amounts(): Lifecycle.Amounts {
    return new Lifecycle.Amounts({
      status: this.status,
      amount: this.amount,
      captured: this.capturedAmount,
      refunded: this.refundedAmount
    })
  }
}

export interface NewPaymentSession {
  readonly checkoutSessionId: string | null
  readonly orderId: string | null
  readonly customerId: string | null
  readonly method: Lifecycle.Method
  readonly currency: string
  readonly amount: number
}

/** What an operation changes of a session; the rest (target, method, amount) is fixed at creation. */
export type SessionChange = Pick<
  PaymentSessionRow,
  | "status"
  | "capturedAmount"
  | "refundedAmount"
  | "providerReference"
  | "nextAction"
  | "failureCode"
  | "failureMessage"
  | "orderId"
>

export interface NewOperation {
  readonly paymentSessionId: string
  readonly kind: "capture" | "void" | "refund"
  readonly amount: number
  readonly idempotencyKey: string
  readonly providerReference: string | null
  readonly reason: string | null
}

/** An order as a payment sees it: what is due and whether it is paid. */
export const OrderDue = Schema.Struct({
  id: Schema.String,
  number: Schema.String,
  paymentStatus: Schema.String,
  customerId: Schema.NullOr(Schema.String),
  currency: Schema.String,
  due: Minor
})
export type OrderDue = typeof OrderDue.Type

export class PaymentsRepo extends Effect.Service<PaymentsRepo>()("@shopvo/api/PaymentsRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const columns = sql`
      id, livemode, checkout_session_id as "checkoutSessionId", order_id as "orderId", customer_id as "customerId",
      method, status, currency, amount, captured_amount as "capturedAmount", refunded_amount as "refundedAmount",
      provider_reference as "providerReference", next_action as "nextAction", failure_code as "failureCode",
      failure_message as "failureMessage", created_at as "createdAt", updated_at as "updatedAt"`

    const one = (execute: () => Statement.Statement<object>) =>
      SqlSchema.findOne({ Request: Schema.Void, Result: PaymentSessionRow, execute })(undefined)

    const find = (tenant: Tenant, id: string, lock: boolean) =>
      one(
        () =>
          sql`select ${columns} from payment_sessions
              where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and id = ${id}
              ${lock ? sql`for update` : sql``}`
      )

    const insert = (tenant: Tenant, session: NewPaymentSession) =>
      one(
        () =>
          sql`insert into payment_sessions (id, site_id, livemode, checkout_session_id, order_id, customer_id, method,
                currency, amount)
              values (${Ids.make("pay")}, ${tenant.siteId}, ${tenant.livemode}, ${session.checkoutSessionId},
                ${session.orderId}, ${session.customerId}, ${session.method}, ${session.currency}, ${session.amount})
              returning ${columns}`
      )

    const save = (tenant: Tenant, id: string, change: SessionChange) =>
      one(
        () =>
          sql`update payment_sessions set
                status = ${change.status}, captured_amount = ${change.capturedAmount},
                refunded_amount = ${change.refundedAmount}, provider_reference = ${change.providerReference},
                next_action = ${change.nextAction === null ? null : JSON.stringify(change.nextAction)},
                failure_code = ${change.failureCode}, failure_message = ${change.failureMessage},
                order_id = ${change.orderId}
              where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and id = ${id}
              returning ${columns}`
      )

    const lockByReference = (tenant: Tenant, reference: string) =>
      one(
        () =>
          sql`select ${columns} from payment_sessions
              where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and provider_reference = ${reference}
              for update`
      )

    const lockCapturedForOrder = (tenant: Tenant, orderId: string) =>
      one(
        () =>
          sql`select ${columns} from payment_sessions
              where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and order_id = ${orderId}
                and status in ('succeeded', 'partially_refunded')
              order by created_at desc, id desc
              limit 1
              for update`
      )

    const operationExists = (tenant: Tenant, sessionId: string, kind: NewOperation["kind"], key: string) =>
      Effect.map(
        sql`select 1 from payment_session_operations
            where site_id = ${tenant.siteId} and payment_session_id = ${sessionId} and kind = ${kind}
              and idempotency_key = ${key}`,
        (rows) => rows.length > 0
      )

    const insertOperation = (tenant: Tenant, operation: NewOperation) =>
      sql`insert into payment_session_operations (id, site_id, livemode, payment_session_id, kind, amount,
            idempotency_key, provider_reference, reason)
          values (${Ids.make("payop")}, ${tenant.siteId}, ${tenant.livemode}, ${operation.paymentSessionId},
            ${operation.kind}, ${operation.amount}, ${operation.idempotencyKey}, ${operation.providerReference},
            ${operation.reason})`

    const orderDue = (tenant: Tenant, orderId: string, lock: boolean) =>
      SqlSchema.findOne({
        Request: Schema.Void,
        Result: OrderDue,
        execute: () =>
          sql`select id, number, payment_status as "paymentStatus", customer_id as "customerId", currency,
                total - gift_card_total - store_credit_total as due
              from orders
              where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and (id = ${orderId} or number = ${orderId})
              ${lock ? sql`for update` : sql``}`
      })(undefined)

    const setOrderPaymentStatus = (tenant: Tenant, orderId: string, paymentStatus: string) =>
      sql`update orders set payment_status = ${paymentStatus}
          where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and id = ${orderId}`

    return {
      find: (tenant: Tenant, id: string) => Database.boundary(find(tenant, id, false)),
      /** The session, its row locked until the caller's transaction ends (its operations queue). */
      lock: (tenant: Tenant, id: string) => Database.boundary(find(tenant, id, true)),
      lockByReference: (tenant: Tenant, reference: string) => Database.boundary(lockByReference(tenant, reference)),
      /** The order's latest session with funds left to refund, locked. */
      lockCapturedForOrder: (tenant: Tenant, orderId: string) =>
        Database.boundary(lockCapturedForOrder(tenant, orderId)),
      insert: (tenant: Tenant, session: NewPaymentSession) => Database.boundary(exactlyOne(insert(tenant, session))),
      /** Writes an operation's change; the caller holds the session's lock. */
      save: (tenant: Tenant, id: string, change: SessionChange) =>
        Database.boundary(exactlyOne(save(tenant, id, change))),
      /** Whether the operation of `kind` with this idempotency key was already made for the session. */
      operationExists: (tenant: Tenant, sessionId: string, kind: NewOperation["kind"], key: string) =>
        Database.boundary(operationExists(tenant, sessionId, kind, key)),
      insertOperation: (tenant: Tenant, operation: NewOperation) =>
        Database.boundary(Effect.asVoid(insertOperation(tenant, operation))),
      /** The order (by id or number) with what a payment may still take; `lock` holds it until commit. */
      orderDue: (tenant: Tenant, orderId: string, lock = false) => Database.boundary(orderDue(tenant, orderId, lock)),
      /** The order's payment status, as the payment lifecycle of @shopvo/checkout moved it. */
      setOrderPaymentStatus: (tenant: Tenant, orderId: string, paymentStatus: string) =>
        Database.boundary(Effect.asVoid(setOrderPaymentStatus(tenant, orderId, paymentStatus)))
    }
  })
}) {}
