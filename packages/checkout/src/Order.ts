/**
 * The fulfilment lifecycle of an order, as a state machine.
 *
 *     PENDING    → CONFIRMED, CANCELLED
 *     CONFIRMED  → PROCESSING, CANCELLED, REFUNDED
 *     PROCESSING → SHIPPED, CANCELLED, REFUNDED
 *     SHIPPED    → DELIVERED, REFUNDED
 *     DELIVERED  → REFUNDED
 *     CANCELLED  → REFUNDED
 *     REFUNDED   (final)
 *
 * Invariants (from the table below, checked by tests):
 * - every status is reachable from PENDING; REFUNDED is the only final status;
 * - an order can be cancelled until it ships, never after; goods that shipped
 *   come back through a refund instead;
 * - a cancelled order that had been paid can still become REFUNDED once its
 *   money is returned (the API sets `status` to REFUNDED when the whole total
 *   is refunded, whatever the fulfilment status was; a PENDING order has
 *   captured nothing, so it is cancelled, not refunded);
 * - every move emits `order.updated`; reaching SHIPPED, DELIVERED or CANCELLED
 *   also emits `order.shipped`, `order.delivered` or `order.cancelled`;
 *   creation emits `order.created` and `order.placed`. Refunds themselves emit
 *   `order.refunded` from the payment lifecycle, and a delivered order that is
 *   paid emits `order.completed` (`completionEvents`).
 */
import type { Either } from "effect"
import { Schema } from "effect"
import * as StateMachine from "./StateMachine.js"
import type { PaymentStatus } from "./Payment.js"
import type { WebhookEvent } from "./WebhookEvent.js"

/** The fulfilment status of an order (the API's `OrderStatus`). */
export const OrderStatus = Schema.Literal(
  "PENDING",
  "CONFIRMED",
  "PROCESSING",
  "SHIPPED",
  "DELIVERED",
  "CANCELLED",
  "REFUNDED"
)
export type OrderStatus = typeof OrderStatus.Type

const updated = ["order.updated"] as const
const shipped = ["order.updated", "order.shipped"] as const
const delivered = ["order.updated", "order.delivered"] as const
const cancelled = ["order.updated", "order.cancelled"] as const

/** The order lifecycle. */
export const machine: StateMachine.StateMachine<OrderStatus, WebhookEvent> = StateMachine.make<
  OrderStatus,
  WebhookEvent
>({
  name: "order",
  states: OrderStatus.literals,
  initial: "PENDING",
  initialEvents: ["order.created", "order.placed"],
  transitions: {
    PENDING: { CONFIRMED: updated, CANCELLED: cancelled },
    CONFIRMED: { PROCESSING: updated, CANCELLED: cancelled, REFUNDED: updated },
    PROCESSING: { SHIPPED: shipped, CANCELLED: cancelled, REFUNDED: updated },
    SHIPPED: { DELIVERED: delivered, REFUNDED: updated },
    DELIVERED: { REFUNDED: updated },
    CANCELLED: { REFUNDED: updated },
    REFUNDED: {}
  }
})

/** A move of an order's status, with the events it emits. */
export type OrderTransition = StateMachine.Transition<OrderStatus, WebhookEvent>

/** A new order: its initial status and the events its creation emits. */
export const create = (): { readonly status: OrderStatus; readonly events: ReadonlyArray<WebhookEvent> } => ({
  status: machine.initial,
  events: machine.initialEvents
})

/** Moves an order from `from` to `to`, or fails with `IllegalTransition` naming both. */
export const transition = (
  from: OrderStatus,
  to: OrderStatus
): Either.Either<OrderTransition, StateMachine.IllegalTransition> => StateMachine.transition(machine, from, to)

/** Whether an order in `status` may still be cancelled (before it ships). */
export const isCancellable = (status: OrderStatus): boolean => StateMachine.canTransition(machine, status, "CANCELLED")

/** The statuses an order in `status` may move to, in the table's order (what an illegal move names). */
export const allowedFrom = (status: OrderStatus): ReadonlyArray<OrderStatus> => StateMachine.targets(machine, status)

/**
 * The events a move to `to` adds when it completes the order: a delivered order whose money was
 * captured (and not all returned) is complete (`order.completed`, Sellvy's "payment confirmed and
 * product delivered"). An order delivered on unpaid terms is not complete yet.
 */
export const completionEvents = (to: OrderStatus, paymentStatus: PaymentStatus): ReadonlyArray<WebhookEvent> =>
  to === "DELIVERED" && (paymentStatus === "PAID" || paymentStatus === "PARTIALLY_REFUNDED") ? ["order.completed"] : []
