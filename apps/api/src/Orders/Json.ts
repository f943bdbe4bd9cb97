/**
 * An order as the API shows it (the spec's `Order`): in responses and in the `order.created`
 * event, which carries the order as `orders.get` returns it.
 */
import { Fulfilment } from "@shopvo/checkout"
import type { Order as ContractOrder } from "@shopvo/contract"
import type { Order } from "./Repo.js"

/** The spec's `Order`. */
export const serialize = (order: Order): ContractOrder => ({
  id: order.id,
  number: order.number,
  status: order.status,
  paymentStatus: order.paymentStatus,
  fulfilmentStatus: Fulfilment.statusOf(order.items),
  customerId: order.customerId,
  email: order.email,
  currency: order.currency,
  items: order.items.map((item) => ({
    id: item.id,
    productId: item.productId,
    variantId: item.variantId,
    name: item.name,
    sku: item.sku,
    quantity: item.quantity,
    unitPrice: item.unitPrice,
    total: item.total,
    fulfilledQuantity: item.fulfilledQuantity,
    refundedQuantity: item.refundedQuantity
  })),
  subtotal: order.subtotal,
  discountTotal: order.discountTotal,
  shippingTotal: order.shippingTotal,
  taxTotal: order.taxTotal,
  giftCardTotal: order.giftCardTotal,
  storeCreditTotal: order.storeCreditTotal,
  total: order.total,
  refundedTotal: order.refundedTotal,
  shippingAddress: order.shippingAddress,
  billingAddress: order.billingAddress,
  promotionCode: order.promotionCode,
  b2bAccountId: order.b2bAccountId,
  paymentTerms: order.paymentTerms,
  dueDate: order.dueDate,
  createdAt: order.createdAt.toISOString(),
  updatedAt: order.updatedAt.toISOString()
})

/** The `payment.confirmed` event's payload: which order, what was paid, and its payment status now. */
export const paymentConfirmed = (
  order: { readonly id: string; readonly number: string },
  paid: { readonly amount: number; readonly currency: string },
  paymentStatus: string
) => ({ orderId: order.id, orderNumber: order.number, amount: paid.amount, currency: paid.currency, paymentStatus })
