/**
 * Stock adjustments as data: the three operations, the count they lead to (never below 0, never
 * above what the stock columns hold), and the audit row every change of a count leaves behind
 * (before, after, who, why), whichever operation made it.
 */
import { Data, Either } from "effect"
import * as Status from "./Status.js"

export type Operation = "set" | "increment" | "decrement"

export class InsufficientStock extends Data.TaggedError("InsufficientStock")<{
  readonly available: number
  readonly requested: number
}> {}

/** The result would not fit the count column. */
export class CountTooLarge extends Data.TaggedError("CountTooLarge")<{
  readonly current: number
  readonly requested: number
}> {}

/** The count after `operation` by `quantity` on `current`, or why it cannot be applied. */
export const apply = (
  operation: Operation,
  quantity: number,
  current: number
): Either.Either<number, InsufficientStock | CountTooLarge> => {
  const next = operation === "set" ? quantity : operation === "increment" ? current + quantity : current - quantity
  if (next < 0) return Either.left(new InsufficientStock({ available: current, requested: quantity }))
  if (next > Status.maxCount) return Either.left(new CountTooLarge({ current, requested: quantity }))
  return Either.right(next)
}

/** One audit row. */
export interface Adjustment {
  readonly productId: string
  /** Null for the stock of a product without variants. */
  readonly variantId: string | null
  readonly operation: Operation
  readonly quantity: number
  readonly previousCount: number
  readonly newCount: number
  readonly reason: string | null
  readonly apiKeyId: string | null
}

/** Between a product's name and its variant's in an item's display name: an em dash. */
export const nameSeparator = " \u2014 "

/** A stock item's display name: the product's, followed by the variant's for a variant. */
export const itemName = (productName: string, variantName: string | null): string =>
  variantName === null ? productName : `${productName}${nameSeparator}${variantName}`
