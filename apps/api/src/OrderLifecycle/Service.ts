/**
 * The order lifecycle after the sale: status moves, fulfilments, cancellation, refunds and the
 * timeline, on the order and payment machines of @shopvo/checkout (which decide what is legal),
 * with fulfilment plans and line refunds from the same package and loyalty take-backs from
 * @shopvo/loyalty.
 *
 * Every operation is one transaction that first locks the order's row, so changes of one order
 * queue: fifty concurrent partial refunds each see the refunds before them, and none can take the
 * refunded total past what was captured. Inside it: the change, its timeline entries, and its
 * events (`order.updated` for every change, plus the lifecycle's own) in the outbox. A failure
 * anywhere (the payment provider refusing a refund, say) rolls all of it back.
 *
 * "Captured" is what the payment method paid: `total − giftCardTotal − storeCreditTotal`.
 */
import { Fulfilment as Fulfilments, Order as OrderLifecycle, Payment, Refund, StateMachine } from "@shopvo/checkout"
import { Database, Ids, Outbox, type Tenant } from "@shopvo/kernel"
import { Currency, type Money } from "@shopvo/pricing"
import { Data, Effect, Either, Option, Schema } from "effect"
import { Currencies } from "../Currencies/Service.js"
import { Inventory } from "../Inventory/Service.js"
import { Loyalty } from "../Loyalty/Service.js"
import { serialize as orderJson, paymentConfirmed } from "../Orders/Json.js"
import { Orders, type Order } from "../Orders/Service.js"
import { PaymentProvider, TestPaymentProvider } from "../Payments/Provider.js"
import { PromotionsRepo } from "../Promotions/Repo.js"
import { Promotions } from "../Promotions/Service.js"
import { StoreCredit } from "../StoreCredit/Service.js"
import { type NewTimelineEntry, OrderLifecycleRepo } from "./Repo.js"

export { Fulfilment, TimelineEntry } from "./Repo.js"

/** A refund the order cannot take; `code` is the spec's. */
export class RefundRefused extends Data.TaggedError("RefundRefused")<{
  readonly code: "order_not_paid" | "refund_exceeds_captured" | "refund_invalid" | "payment_failed"
  readonly reason: string
}> {}

/** The order's payment is not `PENDING`, so it cannot be recorded as paid. */
export class PaymentNotPending extends Data.TaggedError("PaymentNotPending")<{ readonly reason: string }> {}

/** The payment provider did not answer: nothing happened, try again. */
export class ProviderUnavailable extends Data.TaggedError("ProviderUnavailable")<Record<never, never>> {}

export type Status = OrderLifecycle.OrderStatus
type LineQuantity = Fulfilments.LineQuantity

/** Who makes a change: the API key, on the timeline. */
export interface Actor {
  readonly apiKeyId: string | null
}

export interface FulfilInput extends Actor {
  readonly lines?: ReadonlyArray<LineQuantity> | undefined
  readonly carrier?: string | undefined
  readonly trackingNumber?: string | undefined
  readonly trackingUrl?: string | undefined
}

export interface RefundInput extends Actor {
  readonly amount?: number | undefined
  readonly lines?: ReadonlyArray<LineQuantity> | undefined
  readonly restock?: boolean | undefined
  readonly method?: "PAYMENT" | "STORE_CREDIT" | undefined
  readonly reason?: string | undefined
}

export interface MarkPaidInput extends Actor {
  readonly reference?: string | undefined
  readonly note?: string | undefined
}

export interface CancelInput extends Actor {
  readonly reason?: string | undefined
  readonly restock?: boolean | undefined
}

/** What the payment method captured: the rest was paid with gift cards and store credit. */
export const capturedOf = (order: Order): number => order.total - order.giftCardTotal - order.storeCreditTotal

export class OrderLifecycleService extends Effect.Service<OrderLifecycleService>()(
  "@shopvo/api/OrderLifecycleService",
  {
    accessors: true,
    dependencies: [
      OrderLifecycleRepo.Default,
      Orders.Default,
      Inventory.Default,
      Promotions.Default,
      PromotionsRepo.Default,
      StoreCredit.Default,
      Loyalty.Default,
      Currencies.Default,
      TestPaymentProvider
    ],
    effect: Effect.gen(function* () {
      const repo = yield* OrderLifecycleRepo
      const orders = yield* Orders
      const inventory = yield* Inventory
      const promotions = yield* Promotions
      const promotionsRepo = yield* PromotionsRepo
      const storeCredit = yield* StoreCredit
      const loyalty = yield* Loyalty
      const currencies = yield* Currencies
      const provider = yield* PaymentProvider

      /** Locks the order's row and reads the order; every change starts here. */
      const locked = (tenant: Tenant, idOrNumber: string) =>
        Effect.flatMap(repo.lock(tenant, idOrNumber), (id) =>
          id === null ? orders.get(tenant, idOrNumber) : orders.get(tenant, id)
        )

      const entryOf = (
        order: Order,
        change: Omit<NewTimelineEntry, "toStatus" | "paymentStatus"> & { readonly toStatus?: Status }
      ): NewTimelineEntry => ({
        ...change,
        toStatus: change.toStatus ?? order.status,
        paymentStatus: order.paymentStatus
      })

      /**
       * Moves the locked order to `to` when the lifecycle allows it: the write, a timeline entry and
       * the move's events (with `order.completed` when it completes a paid order). Returns the order after.
       */
      const move = (
        tenant: Tenant,
        order: Order,
        to: Status,
        entry: { readonly type: NewTimelineEntry["type"]; readonly message: string } & Actor
      ) =>
        Effect.gen(function* () {
          const transition = yield* OrderLifecycle.transition(order.status, to)
          yield* repo.setStatus(tenant, order.id, to)
          const after = yield* orders.get(tenant, order.id)
          yield* repo.append(tenant, order.id, entryOf(after, { ...entry, fromStatus: order.status, amount: null }))
          const events = [...transition.events, ...OrderLifecycle.completionEvents(to, after.paymentStatus)]
          for (const event of events) yield* Outbox.emit(tenant, event, orderJson(after))
          return after
        })

      /** Puts `lines` back in stock (never more of a line than it holds) and counts them restocked. */
      const restock = (tenant: Tenant, order: Order, lines: ReadonlyArray<LineQuantity>, why: string) =>
        Effect.gen(function* () {
          const restocked: Array<LineQuantity> = []
          for (const line of lines) {
            const item = order.items.find((i) => i.id === line.orderItemId)
            if (item === undefined) continue
            const quantity = Math.min(line.quantity, item.quantity - item.restockedQuantity)
            if (quantity <= 0) continue
            yield* inventory
              .adjust(tenant, item.productId, {
                operation: "increment",
                quantity,
                variantId: item.variantId ?? undefined,
                reason: `${why} ${order.number}`,
                apiKeyId: null
              })
              .pipe(
                // Gone from the catalogue since it sold: nothing to put back.
                Effect.catchTags({
                  ProductNotFound: () => Effect.void,
                  VariantNotFound: () => Effect.void,
                  VariantRequired: () => Effect.void,
                  InsufficientStock: Effect.die,
                  CountTooLarge: Effect.die
                })
              )
            restocked.push({ orderItemId: item.id, quantity })
          }
          yield* repo.addRestocked(tenant, restocked)
        })

      /**
       * Refunds the locked order (see `orders.refund`): the amount from `amount`, `lines` or
       * everything refundable; the payment machine's rule that a refund never exceeds captured −
       * refunded; the money through the provider (or store credit); restock, line counts, loyalty
       * take-back, the refund row, the timeline, `order.refunded`, and the move to REFUNDED once
       * everything captured is back. Returns the order after.
       */
      const refundLocked = (tenant: Tenant, order: Order, input: RefundInput) =>
        Effect.gen(function* () {
          if (order.paymentStatus !== "PAID" && order.paymentStatus !== "PARTIALLY_REFUNDED") {
            return yield* new RefundRefused({
              code: "order_not_paid",
              reason: `Order ${order.number} is not paid (paymentStatus ${order.paymentStatus})`
            })
          }
          if (input.amount !== undefined && input.lines !== undefined) {
            return yield* new RefundRefused({ code: "refund_invalid", reason: "Give `amount` or `lines`, not both" })
          }
          const method = input.method ?? "PAYMENT"
          if (method === "STORE_CREDIT" && order.customerId === null) {
            return yield* new RefundRefused({
              code: "refund_invalid",
              reason: "A guest order cannot be refunded as store credit"
            })
          }
          let amount = input.amount
          if (input.lines !== undefined) {
            const worth = Refund.linesAmount(order, order.items, input.lines)
            if (Either.isLeft(worth)) {
              return yield* new RefundRefused({ code: "refund_invalid", reason: worth.left.message })
            }
            amount = worth.right
          }
          const captured = capturedOf(order)
          const stored = (value: number) => ({ amount: value, currency: order.currency })
          const payment = yield* Schema.decodeUnknown(Payment.Payment)({
            status: order.paymentStatus,
            amount: stored(captured),
            capturedAmount: stored(captured),
            refundedAmount: stored(order.refundedTotal)
          }).pipe(Effect.orDie)
          const money = (value: number): Money.Money => ({ amount: value, currency: payment.amount.currency })
          const change = Payment.refund(payment, amount === undefined ? undefined : money(amount))
          if (Either.isLeft(change)) {
            const error = change.left
            return yield* new RefundRefused({
              code: error._tag === "IllegalTransition" ? "order_not_paid" : "refund_exceeds_captured",
              reason:
                error._tag === "InvalidRefundAmount" ? `Nothing left to refund on order ${order.number}` : error.message
            })
          }
          const refunded = change.right.refunded.amount
          const refundId = Ids.make("rfnd")

          let providerReference: string | null = null
          if (method === "STORE_CREDIT") {
            // Store credit is kept in the site's currency: an order paid in another cannot be credited 1:1.
            const account = yield* storeCredit.get(tenant, order.customerId ?? "").pipe(
              Effect.catchTag("CustomerNotFound", () =>
                Effect.fail(
                  new RefundRefused({
                    code: "refund_invalid",
                    reason: `Order ${order.number} has no customer to credit`
                  })
                )
              )
            )
            if (account.balance.currency !== order.currency) {
              return yield* new RefundRefused({
                code: "refund_invalid",
                reason: `Store credit is kept in ${account.balance.currency}; order ${order.number} was paid in ${order.currency}`
              })
            }
            yield* storeCredit
              .credit(tenant, order.customerId ?? "", refunded, {
                orderId: order.id,
                note: `Refund for order ${order.number}`
              })
              .pipe(
                Effect.catchTags({
                  CustomerNotFound: () =>
                    Effect.fail(new RefundRefused({ code: "refund_invalid", reason: "The order's customer is gone" })),
                  CurrencyMismatch: (e) =>
                    Effect.fail(new RefundRefused({ code: "refund_invalid", reason: e.message })),
                  InsufficientBalance: Effect.die,
                  InvalidAmount: Effect.die,
                  AmountOutOfRange: Effect.die
                })
              )
          } else {
            if (order.paymentReference === null) {
              return yield* new RefundRefused({
                code: "payment_failed",
                reason: `Order ${order.number} has no payment to refund through the provider`
              })
            }
            const receipt = yield* provider
              .refund({
                reference: order.paymentReference,
                amount: refunded,
                currency: order.currency,
                // The provider is called inside this transaction: if it refunds and the transaction
                // then fails (a crash, a lost connection), nothing here was recorded. The key is the
                // refund as the locked order sees it, so a retry of it is the same refund to the
                // provider (answered with the first receipt), never a second one.
                idempotencyKey: `${order.id}:refund:${order.refundedTotal}+${refunded}`
              })
              .pipe(
                Effect.catchTags({
                  RefundRejected: (e) =>
                    Effect.fail(
                      new RefundRefused({
                        code: "payment_failed",
                        reason: `The provider refused the refund: ${e.reason}`
                      })
                    ),
                  PaymentProviderUnavailable: () => Effect.fail(new ProviderUnavailable())
                })
              )
            providerReference = receipt.reference
          }

          if (input.lines !== undefined) {
            yield* repo.addRefunded(tenant, input.lines)
            if (input.restock === true) yield* restock(tenant, order, input.lines, "Refund of")
          }
          const taken =
            order.customerId === null
              ? 0
              : yield* loyalty
                  .takeBackForRefund(tenant, order.customerId, order.id, {
                    base: captured,
                    refundedBefore: order.refundedTotal,
                    refundedAfter: change.right.payment.refundedAmount.amount
                  })
                  .pipe(Effect.catchIf((error) => error._tag !== "DatabaseUnavailable", Effect.die))
          yield* repo.insertRefund(tenant, order.id, {
            id: refundId,
            amount: refunded,
            currency: order.currency,
            method,
            lines: input.lines ?? null,
            restock: input.restock === true && input.lines !== undefined,
            reason: input.reason ?? null,
            providerReference,
            loyaltyPointsTakenBack: taken,
            apiKeyId: input.apiKeyId
          })
          yield* repo.setPayment(tenant, order.id, {
            paymentStatus: change.right.payment.status,
            refundedTotal: change.right.payment.refundedAmount.amount
          })
          const after = yield* orders.get(tenant, order.id)
          yield* repo.append(
            tenant,
            order.id,
            entryOf(after, {
              type: "refunded",
              message:
                input.reason ??
                `Refunded ${refunded} ${order.currency}${method === "STORE_CREDIT" ? " as store credit" : ""}`,
              fromStatus: order.status,
              amount: refunded,
              apiKeyId: input.apiKeyId
            })
          )
          yield* Outbox.emit(tenant, "order.refunded", orderJson(after))
          // Everything captured is back: the order moves to REFUNDED when its lifecycle allows it.
          if (
            after.paymentStatus === "REFUNDED" &&
            StateMachine.canTransition(OrderLifecycle.machine, after.status, "REFUNDED")
          ) {
            return yield* move(tenant, after, "REFUNDED", {
              type: "status_changed",
              message: "Everything paid was refunded",
              apiKeyId: input.apiKeyId
            })
          }
          yield* Outbox.emit(tenant, "order.updated", orderJson(after))
          return after
        })

      const fulfilLocked = (tenant: Tenant, order: Order, input: FulfilInput) =>
        Effect.gen(function* () {
          // A first parcel moves PROCESSING → SHIPPED; later parcels of a partial fulfilment keep SHIPPED.
          if (order.status !== "SHIPPED") yield* OrderLifecycle.transition(order.status, "SHIPPED")
          const lines = yield* Fulfilments.plan(order.items, input.lines)
          yield* repo.addFulfilled(tenant, lines)
          const fulfilment = yield* repo.insertFulfilment(tenant, order.id, {
            lines,
            carrier: input.carrier ?? null,
            trackingNumber: input.trackingNumber ?? null,
            trackingUrl: input.trackingUrl ?? null,
            apiKeyId: input.apiKeyId
          })
          const after = yield* orders.get(tenant, order.id)
          const units = lines.reduce((sum, line) => sum + line.quantity, 0)
          const via = input.carrier === undefined ? "" : ` via ${input.carrier}`
          const tracking = input.trackingNumber === undefined ? "" : ` (tracking ${input.trackingNumber})`
          yield* repo.append(
            tenant,
            order.id,
            entryOf(after, {
              type: "fulfilled",
              message: `Shipped ${units} item${units === 1 ? "" : "s"}${via}${tracking}`,
              fromStatus: order.status,
              amount: null,
              apiKeyId: input.apiKeyId
            })
          )
          if (order.status === "SHIPPED") {
            yield* Outbox.emit(tenant, "order.updated", orderJson(after))
          } else {
            yield* move(tenant, after, "SHIPPED", {
              type: "status_changed",
              message: "Shipped",
              apiKeyId: input.apiKeyId
            })
          }
          return fulfilment
        })

      /**
       * Records the locked order's payment as received outside the API (see `orders.markPaid`):
       * the payment machine's PENDING → PAID, the loyalty points checkout held back, the timeline
       * entry and the events. Returns the order after.
       */
      const markPaidLocked = (tenant: Tenant, order: Order, input: MarkPaidInput) =>
        Effect.gen(function* () {
          // Only a PENDING payment can be paid: the payment machine says so for every other status.
          if (!StateMachine.canTransition(Payment.machine, order.paymentStatus, "PAID")) {
            return yield* new PaymentNotPending({
              reason: `Order ${order.number} cannot be marked paid: its paymentStatus is ${order.paymentStatus}, not PENDING`
            })
          }
          const due = { amount: capturedOf(order), currency: order.currency }
          const none = { amount: 0, currency: order.currency }
          const change = yield* Schema.decodeUnknown(Payment.Payment)({
            status: order.paymentStatus,
            amount: due,
            capturedAmount: none,
            refundedAmount: none
          }).pipe(Effect.flatMap(Payment.confirm), Effect.orDie)
          yield* repo.setPayment(tenant, order.id, { paymentStatus: change.payment.status, refundedTotal: 0 })
          const after = yield* orders.get(tenant, order.id)
          // Points are earned in the base currency, at the rate in effect now; with no rate in
          // effect there is nothing to earn them on (checkout would not have sold in that currency).
          if (after.customerId !== null) {
            const customerId = after.customerId
            const base = yield* Schema.decodeUnknown(Currency.Code)(after.currency)
              .pipe(Effect.flatMap((currency) => currencies.inBaseCurrency(tenant, { amount: after.total, currency })))
              .pipe(
                Effect.map(Option.some),
                Effect.catchIf(
                  (e) => e._tag !== "DatabaseUnavailable",
                  () => Effect.succeedNone
                )
              )
            if (Option.isSome(base)) {
              yield* loyalty
                .earnForOrder(tenant, customerId, base.value, after.id)
                .pipe(Effect.catchIf((error) => error._tag !== "DatabaseUnavailable", Effect.die))
            }
          }
          const details = [input.reference && `reference ${input.reference}`, input.note].filter(Boolean).join("; ")
          yield* repo.append(
            tenant,
            order.id,
            entryOf(after, {
              type: "paid",
              message: `Paid ${due.amount} ${due.currency} outside the API${details ? ` (${details})` : ""}`,
              fromStatus: order.status,
              amount: due.amount,
              apiKeyId: input.apiKeyId
            })
          )
          yield* Outbox.emit(tenant, "order.updated", orderJson(after))
          for (const event of change.transition.events) {
            yield* Outbox.emit(
              tenant,
              event,
              event === "payment.confirmed" ? paymentConfirmed(after, due, after.paymentStatus) : orderJson(after)
            )
          }
          return after
        })

      const cancelLocked = (tenant: Tenant, order: Order, input: CancelInput) =>
        Effect.gen(function* () {
          yield* OrderLifecycle.transition(order.status, "CANCELLED")
          if (input.restock !== false) {
            const lines = order.items.map((item) => ({ orderItemId: item.id, quantity: item.quantity }))
            yield* restock(tenant, order, lines, "Cancellation of")
          }
          if (order.promotionCode !== null) {
            const promotion = yield* promotionsRepo.findByCode(tenant, order.promotionCode, { lock: false })
            if (Option.isSome(promotion)) {
              yield* promotions.releaseUse(tenant, { promotionId: promotion.value.id, email: order.email })
            }
          }
          // Store credit the order spent goes back to the customer.
          if (order.storeCreditTotal > 0 && order.customerId !== null) {
            yield* storeCredit
              .credit(tenant, order.customerId, order.storeCreditTotal, {
                orderId: order.id,
                note: `Order ${order.number} cancelled`
              })
              .pipe(Effect.catchIf((error) => error._tag !== "DatabaseUnavailable", Effect.die))
          }
          const cancelled = yield* move(tenant, order, "CANCELLED", {
            type: "cancelled",
            message: input.reason ?? "Cancelled",
            apiKeyId: input.apiKeyId
          })
          const paid = cancelled.paymentStatus === "PAID" || cancelled.paymentStatus === "PARTIALLY_REFUNDED"
          if (paid && capturedOf(cancelled) > cancelled.refundedTotal) {
            return yield* refundLocked(tenant, cancelled, {
              reason: `Order ${order.number} cancelled`,
              apiKeyId: input.apiKeyId
            })
          }
          return cancelled
        })

      const inTransaction = <A, E, R>(
        tenant: Tenant,
        idOrNumber: string,
        f: (order: Order) => Effect.Effect<A, E, R>
      ) => Database.transaction(Effect.flatMap(locked(tenant, idOrNumber), f))

      return {
        /**
         * `orders.updateStatus`: CONFIRMED, PROCESSING and DELIVERED are plain moves; SHIPPED fulfils
         * what remains, CANCELLED cancels, REFUNDED refunds everything refundable.
         */
        updateStatus: (
          tenant: Tenant,
          idOrNumber: string,
          to: Status,
          input: Actor & { readonly note?: string | undefined }
        ) =>
          inTransaction(tenant, idOrNumber, (order) =>
            Effect.gen(function* () {
              // Legality first, so every refused move names the allowed ones the same way.
              yield* OrderLifecycle.transition(order.status, to)
              switch (to) {
                case "SHIPPED":
                  yield* fulfilLocked(tenant, order, { apiKeyId: input.apiKeyId })
                  return yield* orders.get(tenant, order.id)
                case "CANCELLED":
                  return yield* cancelLocked(tenant, order, { reason: input.note, apiKeyId: input.apiKeyId })
                case "REFUNDED":
                  return yield* refundLocked(tenant, order, { reason: input.note, apiKeyId: input.apiKeyId })
                default:
                  return yield* move(tenant, order, to, {
                    type: "status_changed",
                    message: input.note ?? `Moved to ${to}`,
                    apiKeyId: input.apiKeyId
                  })
              }
            })
          ),
        cancel: (tenant: Tenant, idOrNumber: string, input: CancelInput) =>
          inTransaction(tenant, idOrNumber, (order) => cancelLocked(tenant, order, input)),
        fulfil: (tenant: Tenant, idOrNumber: string, input: FulfilInput) =>
          inTransaction(tenant, idOrNumber, (order) => fulfilLocked(tenant, order, input)),
        refund: (tenant: Tenant, idOrNumber: string, input: RefundInput) =>
          inTransaction(tenant, idOrNumber, (order) => refundLocked(tenant, order, input)),
        markPaid: (tenant: Tenant, idOrNumber: string, input: MarkPaidInput) =>
          inTransaction(tenant, idOrNumber, (order) => markPaidLocked(tenant, order, input)),
        fulfilments: (tenant: Tenant, idOrNumber: string) =>
          Effect.flatMap(orders.get(tenant, idOrNumber), (order) => repo.fulfilments(tenant, order.id)),
        timeline: (tenant: Tenant, idOrNumber: string) =>
          Effect.flatMap(orders.get(tenant, idOrNumber), (order) => repo.timeline(tenant, order.id))
      }
    })
  }
) {}
