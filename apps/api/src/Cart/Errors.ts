/**
 * Why a cart operation is refused. Each message names what was refused, so a client (or a
 * checkout quoting it) can tell the shopper which item is the problem.
 */
import { Data } from "effect"

export class CartNotFound extends Data.TaggedError("CartNotFound")<{ readonly cartId: string }> {
  override get message() {
    return `Cart ${this.cartId} not found`
  }
}

export class CartConverted extends Data.TaggedError("CartConverted")<{ readonly cartId: string }> {
  override get message() {
    return `Cart ${this.cartId} was already converted to an order`
  }
}

export class CartEmpty extends Data.TaggedError("CartEmpty")<{ readonly cartId: string }> {
  override get message() {
    return `Cart ${this.cartId} has no lines`
  }
}

/** The site does not sell in `currency`; with `productId`, that product is priced in it instead of the cart's. */
export class CurrencyNotSupported extends Data.TaggedError("CurrencyNotSupported")<{
  readonly currency: string
  readonly productId?: string
  readonly cartCurrency?: string
}> {
  override get message() {
    return this.productId === undefined
      ? `This site does not sell in ${this.currency}`
      : `Product ${this.productId} is priced in ${this.currency}, this cart is in ${this.cartCurrency}`
  }
}

export class ProductNotFound extends Data.TaggedError("ProductNotFound")<{ readonly productId: string }> {
  override get message() {
    return `Product ${this.productId} does not exist`
  }
}

export class VariantNotFound extends Data.TaggedError("VariantNotFound")<{
  readonly productId: string
  readonly variantId: string | undefined
}> {
  override get message() {
    return this.variantId === undefined
      ? `Product ${this.productId} has no variant to add`
      : `Variant ${this.variantId} is not a variant of product ${this.productId}`
  }
}

export class ProductUnavailable extends Data.TaggedError("ProductUnavailable")<{
  readonly productId: string
  readonly status: string
}> {
  override get message() {
    return `Product ${this.productId} is ${this.status}, not ACTIVE`
  }
}

export class LineNotFound extends Data.TaggedError("LineNotFound")<{ readonly cartId: string; readonly line: string }> {
  override get message() {
    return `Cart ${this.cartId} has no line for ${this.line}`
  }
}

export class QuantityLimitExceeded extends Data.TaggedError("QuantityLimitExceeded")<{
  readonly item: string
  readonly quantity: number
  readonly max: number
}> {
  override get message() {
    return `A line holds at most ${this.max} units; ${this.quantity} of ${this.item} requested`
  }
}

export class InsufficientStock extends Data.TaggedError("InsufficientStock")<{
  readonly item: string
  readonly available: number
  readonly requested: number
}> {
  override get message() {
    return `Only ${this.available} of ${this.item} left in stock, ${this.requested} requested`
  }
}

/** A line's or the cart's total is beyond the largest amount money can hold. */
export class AmountOutOfRange extends Data.TaggedError("CartAmountOutOfRange")<{ readonly detail: string }> {
  override get message() {
    return `The cart cannot be priced: ${this.detail}`
  }
}
