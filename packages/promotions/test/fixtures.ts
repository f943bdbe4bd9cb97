import { Ids, type Money } from "@shopvo/pricing"
import { DateTime } from "effect"
import { type Discount, Promotion, type Validation } from "../src/index.js"

export const eur = (amount: number): Money.Money => ({ amount, currency: "EUR" })
export const at = (iso: string): DateTime.Utc => DateTime.unsafeMake(iso)
export const now = at("2026-06-15T12:00:00Z")

export const promotion = (overrides: Partial<Promotion.Promotion> = {}): Promotion.Promotion => ({
  id: Promotion.PromotionId.make("promo_abc"),
  code: Promotion.PromotionCode.make("WELCOME20"),
  type: "PERCENTAGE",
  value: 20,
  currency: null,
  minOrderAmount: null,
  maxUses: null,
  usedCount: 0,
  perCustomerLimit: null,
  appliesToProducts: [],
  startsAt: null,
  expiresAt: null,
  ...overrides
})

export const line = (id: string, productId: string, subtotal: number): Discount.EligibleLine => ({
  lineId: Ids.LineId.make(id),
  productId: Ids.ProductId.make(productId),
  subtotal: eur(subtotal)
})

export const cart = (lines: ReadonlyArray<Discount.EligibleLine>, shipping = 0): Validation.CartSummary => ({
  subtotal: eur(lines.reduce((s, l) => s + l.subtotal.amount, 0)),
  lines,
  shipping: eur(shipping)
})

export const input = (overrides: Partial<Validation.Input> = {}): Validation.Input => ({
  promotion: promotion(),
  code: "WELCOME20",
  cart: cart([line("l1", "prd_a", 3000), line("l2", "prd_b", 2000)], 495),
  customerEmail: "jane@example.com",
  customerUses: 0,
  now,
  ...overrides
})
