/**
 * The webhook events the order and payment lifecycles emit.
 *
 * A subset of the API's `WebhookEventType` (spec/paths/webhooks.yaml); each
 * name has one meaning, so a transition's events say exactly what happened:
 * - `order.created`: an order was placed (emitted on creation, not by a move);
 * - `order.updated`: the order's fulfilment `status` changed;
 * - `order.refunded`: a refund, full or partial, was recorded;
 * - `order.placed`: an order was placed (with `order.created`, the name Persevo's catalogue uses);
 * - `order.paid`: an order's payment was captured (with `payment.confirmed`);
 * - `order.shipped`, `order.delivered`, `order.cancelled`: the order reached that status;
 * - `order.completed`: the order is delivered and paid (see `Order.completionEvents`);
 * - `payment.confirmed`: a payment was captured;
 * - `payment.failed`: a payment attempt failed;
 * - `payment.succeeded`: a payment session captured funds.
 * Checkout moves emit none: a completed checkout becomes an order, and the
 * order's creation emits `order.created`.
 */
import { Schema } from "effect"

/** An event a lifecycle transition emits. */
export const WebhookEvent = Schema.Literal(
  "order.created",
  "order.updated",
  "order.refunded",
  "order.placed",
  "order.paid",
  "order.shipped",
  "order.delivered",
  "order.cancelled",
  "order.completed",
  "payment.confirmed",
  "payment.failed",
  "payment.succeeded"
)
export type WebhookEvent = typeof WebhookEvent.Type
