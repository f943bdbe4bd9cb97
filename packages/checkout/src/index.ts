/**
 * @shopvo/checkout — the checkout state machine and the order and payment
 * lifecycles, as data (and B2B payment terms): closed unions of states, transitions tables, and the
 * webhook events each transition emits. Pure: depends on `effect` and
 * `Money` from @shopvo/pricing.
 */
export * as Checkout from "./Checkout.js"
export * as Order from "./Order.js"
export * as Payment from "./Payment.js"
export * as PaymentSession from "./PaymentSession.js"
export * as PaymentTerms from "./PaymentTerms.js"
export * as StateMachine from "./StateMachine.js"
export * as WebhookEvent from "./WebhookEvent.js"
export * as Fulfilment from "./Fulfilment.js"
export * as Refund from "./Refund.js"
