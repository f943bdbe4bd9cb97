/**
 * Line and cart totals.
 *
 * The order of operations, which is the contract of this module:
 * 1. unit price: variant price, else product price, then the B2B price list;
 *    line subtotal = unit price × quantity;
 * 2. discounts, in the order given: each is capped at what is left of its
 *    eligible lines and allocated over them by largest remainder in
 *    proportion to that remainder, so no line is ever discounted below zero
 *    and the allocation sums exactly to the applied amount;
 * 3. shipping, less its discount (capped at the price);
 * 4. tax per line and on shipping, in the cart's tax mode;
 * 5. reductions after tax — gift cards in the order given, then store
 *    credit, then loyalty — each capped at what is still due.
 *
 * Amounts are in the cart's price basis: prices, discounts and shipping are
 * net of tax in EXCLUSIVE mode and include tax in INCLUSIVE mode, so a
 * 10.00 discount on a tax-inclusive cart takes exactly 10.00 off what the
 * customer pays.
 *
 * Invariants (checked by property tests): every line, the shipping and the
 * total are non-negative; `total = Σ line totals + shipping total`;
 * `amountDue = total − Σ applied reductions ≥ 0`; all amounts are in the
 * cart's currency.
 *
 * Tax is rounded per line, not per unit and not once per cart: a line is
 * what an invoice shows, so each line's tax must be a whole amount that its
 * own net × rate explains; rounding per unit would multiply the rounding
 * error by the quantity, and rounding once per cart would make a line's tax
 * depend on the other lines (and need its own allocation back to lines for
 * refunds). The cost is that the cart's tax can differ by a few minor units
 * from tax computed on the cart's net total; that is the accepted practice
 * for per-line invoicing.
 *
 * @since 0.1.0
 */
import type * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Allocation from "./Allocation.js"
import * as Cart from "./Cart.js"
import * as Currency from "./Currency.js"
import * as Ids from "./Ids.js"
import * as Money from "./Money.js"
import * as PriceList from "./PriceList.js"
import * as Rate from "./Rate.js"
import * as Tax from "./Tax.js"

/**
 * A priced line.
 *
 * - `subtotal` = unit price × quantity, in the cart's price basis (net in
 *   EXCLUSIVE mode, gross in INCLUSIVE mode);
 * - `discount` = the share of every discount allocated to this line;
 * - `net`, `tax`, `total` = the line after discount, without tax, its tax,
 *   and with tax (`net + tax = total`).
 *
 * @since 0.1.0
 */
export const LineTotal = Schema.Struct({
  id: Ids.LineId,
  productId: Ids.ProductId,
  variantId: Schema.NullOr(Ids.VariantId),
  quantity: Schema.Int,
  unitPrice: Money.Money,
  priceSource: PriceList.PriceSource,
  subtotal: Money.Money,
  discount: Money.Money,
  taxRate: Rate.Rate,
  net: Money.Money,
  tax: Money.Money,
  total: Money.Money
}).annotations({ identifier: "LineTotal" })

/** @since 0.1.0 */
export interface LineTotal extends Schema.Schema.Type<typeof LineTotal> {}

/**
 * A discount's requested and applied amounts and its per-line allocation.
 *
 * @since 0.1.0
 */
export const AppliedDiscount = Schema.Struct({
  label: Schema.String,
  requested: Money.Money,
  applied: Money.Money,
  allocation: Schema.Array(Schema.Struct({ lineId: Ids.LineId, amount: Money.Money }))
}).annotations({ identifier: "AppliedDiscount" })

/** @since 0.1.0 */
export interface AppliedDiscount extends Schema.Schema.Type<typeof AppliedDiscount> {}

/**
 * Shipping after its discount and tax (all zero when the cart has none).
 *
 * @since 0.1.0
 */
export const ShippingTotal = Schema.Struct({
  price: Money.Money,
  discount: Money.Money,
  net: Money.Money,
  tax: Money.Money,
  total: Money.Money
}).annotations({ identifier: "ShippingTotal" })

/** @since 0.1.0 */
export interface ShippingTotal extends Schema.Schema.Type<typeof ShippingTotal> {}

/**
 * One balance spent after tax: what was asked for and what was actually
 * taken (less when the total was already covered).
 *
 * @since 0.1.0
 */
export const AppliedReduction = Schema.Struct({
  kind: Schema.Literal("GIFT_CARD", "STORE_CREDIT", "LOYALTY"),
  /** The gift card code; null for store credit and loyalty. */
  reference: Schema.NullOr(Schema.String),
  requested: Money.Money,
  applied: Money.Money
}).annotations({ identifier: "AppliedReduction" })

/** @since 0.1.0 */
export interface AppliedReduction extends Schema.Schema.Type<typeof AppliedReduction> {}

/**
 * The totals of a cart.
 *
 * - `subtotal`: Σ line subtotals (before discounts);
 * - `discountTotal`: Σ applied line discounts + the shipping discount;
 * - `taxTotal`: Σ line tax + shipping tax;
 * - `total`: Σ line totals + shipping total — what the order costs;
 * - `reductionTotal`: Σ applied reductions;
 * - `amountDue`: `total − reductionTotal`, what is left to charge (never
 *   negative).
 *
 * @since 0.1.0
 */
export const Totals = Schema.Struct({
  currency: Currency.Code,
  taxMode: Tax.Mode,
  lines: Schema.Array(LineTotal),
  discounts: Schema.Array(AppliedDiscount),
  shipping: ShippingTotal,
  reductions: Schema.Array(AppliedReduction),
  subtotal: Money.Money,
  discountTotal: Money.Money,
  taxTotal: Money.Money,
  total: Money.Money,
  reductionTotal: Money.Money,
  amountDue: Money.Money
}).annotations({ identifier: "Totals" })

/** @since 0.1.0 */
export interface Totals extends Schema.Schema.Type<typeof Totals> {}

/**
 * Everything that can make a cart impossible to total.
 *
 * @since 0.1.0
 */
export type TotalsError =
  | Money.CurrencyMismatch
  | Money.NegativeAmount
  | Money.InvalidAmount
  | Money.InvalidRate
  | Money.AmountOutOfRange
  | Cart.UnknownLine
  | Cart.DuplicateLine

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b)

/**
 * Computes the totals of a cart. Fails, without a partial result, on the
 * first problem found: an amount in another currency, a negative price or
 * balance, an invalid rate or quantity, a discount naming an unknown line,
 * duplicate line ids, or an amount beyond the safe-integer range.
 *
 * @since 0.1.0
 */
export const compute = (cart: Cart.Cart): Either.Either<Totals, TotalsError> =>
  Either.gen(function* () {
    const currency = cart.currency
    const rounding: BigDecimal.RoundingMode = cart.rounding ?? Money.defaultRounding
    const toMoney = (minor: bigint, operation: string) => Money.fromMinorBigInt(minor, currency, operation)
    const inCurrency = (money: Money.Money, field: string) =>
      Either.flatMap(Money.assertCurrency(money, currency, field), (m) => Money.nonNegative(m, field))
    const priceIndex = cart.priceList === undefined ? undefined : PriceList.index(cart.priceList)

    // 1. Unit prices and subtotals.
    const positions = new Map<string, number>()
    const units: Array<{ unitPrice: Money.Money; source: PriceList.PriceSource }> = []
    const subtotals: Array<bigint> = []
    for (let i = 0; i < cart.lines.length; i++) {
      const line = cart.lines[i]!
      if (positions.has(line.id)) return yield* Either.left(new Cart.DuplicateLine({ lineId: line.id }))
      positions.set(line.id, i)
      if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
        return yield* Either.left(
          new Money.InvalidAmount({
            input: String(line.quantity),
            reason: `quantity of line ${line.id} must be a positive integer`
          })
        )
      }
      yield* inCurrency(line.productPrice, `product price of line ${line.id}`)
      if (line.variantPrice !== null) yield* inCurrency(line.variantPrice, `variant price of line ${line.id}`)
      const priced = yield* PriceList.unitPrice({
        productPrice: line.productPrice,
        variantPrice: line.variantPrice,
        variantId: line.variantId,
        priceList: priceIndex,
        rounding
      })
      units.push(priced)
      const subtotal = BigInt(priced.unitPrice.amount) * BigInt(line.quantity)
      yield* toMoney(subtotal, `subtotal of line ${line.id}`)
      subtotals.push(subtotal)
    }

    // 2. Discounts, each capped at what is left of its eligible lines.
    const lineDiscounts = subtotals.map(() => 0n)
    const appliedDiscounts: Array<AppliedDiscount> = []
    for (const discount of cart.discounts ?? []) {
      yield* inCurrency(discount.amount, `discount ${discount.label}`)
      const eligible: Array<number> = []
      if (discount.lineIds === null) {
        for (let i = 0; i < cart.lines.length; i++) eligible.push(i)
      } else {
        const seen = new Set<number>()
        for (const lineId of discount.lineIds) {
          const i = positions.get(lineId)
          if (i === undefined) return yield* Either.left(new Cart.UnknownLine({ lineId, discount: discount.label }))
          // A line named twice is still one line: it must not weigh double.
          if (!seen.has(i)) {
            seen.add(i)
            eligible.push(i)
          }
        }
      }
      const remaining = eligible.map((i) => subtotals[i]! - lineDiscounts[i]!)
      const capacity = remaining.reduce((a, b) => a + b, 0n)
      const applied = min(BigInt(discount.amount.amount), capacity)
      // applied ≤ Σ remaining, so no share exceeds its own line's remainder.
      const shares = Allocation.allocateBigInt(applied, remaining)
      const allocation: Array<{ lineId: Ids.LineId; amount: Money.Money }> = []
      for (let k = 0; k < eligible.length; k++) {
        const i = eligible[k]!
        lineDiscounts[i] = lineDiscounts[i]! + shares[k]!
        allocation.push({ lineId: cart.lines[i]!.id, amount: { amount: Number(shares[k]!), currency } })
      }
      appliedDiscounts.push({
        label: discount.label,
        requested: discount.amount,
        applied: { amount: Number(applied), currency },
        allocation
      })
    }

    // 3 and 4. Tax per line, then shipping.
    const fractions = new Map<string, BigDecimal.BigDecimal>()
    const fractionOf = (rate: Rate.Rate) => {
      const k = "basisPoints" in rate ? `bp:${rate.basisPoints}` : `pct:${rate.percent}`
      const cached = fractions.get(k)
      if (cached !== undefined) return Either.right(cached)
      return Either.map(Rate.toFraction(rate), (f) => {
        fractions.set(k, f)
        return f
      })
    }
    const lines: Array<LineTotal> = []
    let subtotalSum = 0n
    let discountSum = 0n
    let taxSum = 0n
    let totalSum = 0n
    for (let i = 0; i < cart.lines.length; i++) {
      const line = cart.lines[i]!
      const fraction = yield* fractionOf(line.taxRate)
      const afterDiscount = subtotals[i]! - lineDiscounts[i]!
      const taxed = yield* Tax.computeWithFraction(
        { amount: Number(afterDiscount), currency },
        fraction,
        cart.taxMode,
        rounding
      )
      subtotalSum += subtotals[i]!
      discountSum += lineDiscounts[i]!
      taxSum += BigInt(taxed.tax.amount)
      totalSum += BigInt(taxed.gross.amount)
      lines.push({
        id: line.id,
        productId: line.productId,
        variantId: line.variantId,
        quantity: line.quantity,
        unitPrice: units[i]!.unitPrice,
        priceSource: units[i]!.source,
        subtotal: { amount: Number(subtotals[i]!), currency },
        discount: { amount: Number(lineDiscounts[i]!), currency },
        taxRate: line.taxRate,
        net: taxed.net,
        tax: taxed.tax,
        total: taxed.gross
      })
    }

    const zero = Money.zero(currency)
    let shipping: ShippingTotal = { price: zero, discount: zero, net: zero, tax: zero, total: zero }
    if (cart.shipping !== undefined) {
      const price = yield* inCurrency(cart.shipping.price, "shipping price")
      const requested =
        cart.shipping.discount === undefined ? zero : yield* inCurrency(cart.shipping.discount, "shipping discount")
      const discount = requested.amount > price.amount ? price : requested
      const fraction = yield* fractionOf(cart.shipping.taxRate)
      const taxed = yield* Tax.computeWithFraction(
        { amount: price.amount - discount.amount, currency },
        fraction,
        cart.taxMode,
        rounding
      )
      shipping = { price, discount, net: taxed.net, tax: taxed.tax, total: taxed.gross }
      discountSum += BigInt(discount.amount)
      taxSum += BigInt(taxed.tax.amount)
      totalSum += BigInt(taxed.gross.amount)
    }

    // 5. Reductions after tax, in the fixed order gift cards → store credit → loyalty.
    let due = totalSum
    const reductions: Array<AppliedReduction> = []
    const spend = (kind: AppliedReduction["kind"], reference: string | null, requested: Money.Money) =>
      Either.map(inCurrency(requested, reference === null ? kind : `${kind} ${reference}`), (r) => {
        const applied = min(BigInt(r.amount), due)
        due -= applied
        reductions.push({ kind, reference, requested: r, applied: { amount: Number(applied), currency } })
      })
    for (const card of cart.reductions?.giftCards ?? []) yield* spend("GIFT_CARD", card.code, card.amount)
    if (cart.reductions?.storeCredit !== undefined) yield* spend("STORE_CREDIT", null, cart.reductions.storeCredit)
    if (cart.reductions?.loyalty !== undefined) yield* spend("LOYALTY", null, cart.reductions.loyalty)

    return {
      currency,
      taxMode: cart.taxMode,
      lines,
      discounts: appliedDiscounts,
      shipping,
      reductions,
      subtotal: yield* toMoney(subtotalSum, "cart subtotal"),
      discountTotal: yield* toMoney(discountSum, "cart discount"),
      taxTotal: yield* toMoney(taxSum, "cart tax"),
      total: yield* toMoney(totalSum, "cart total"),
      reductionTotal: yield* toMoney(totalSum - due, "cart reductions"),
      amountDue: yield* toMoney(due, "amount due")
    }
  })
