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
 * - every move emits `order.updated`; creation emits `order.created`.
 *   Refunds themselves emit `order.refunded` from the payment lifecycle.
 */
import type { Either } from "effect"
import { Schema } from "effect"
import * as StateMachine from "./StateMachine.js"
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

/** The order lifecycle. */
export const machine: StateMachine.StateMachine<OrderStatus, WebhookEvent> = StateMachine.make<
  OrderStatus,
  WebhookEvent
>({
  name: "order",
  states: OrderStatus.literals,
  initial: "PENDING",
  initialEvents: ["order.created"],
  transitions: {
    PENDING: { CONFIRMED: updated, CANCELLED: updated },
    CONFIRMED: { PROCESSING: updated, CANCELLED: updated, REFUNDED: updated },
    PROCESSING: { SHIPPED: updated, CANCELLED: updated, REFUNDED: updated },
    SHIPPED: { DELIVERED: updated, REFUNDED: updated },
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
