/**
 * A promotion: a coupon code that takes a percentage or a fixed amount off
 * the products it applies to, or makes shipping free.
 *
 * The shape is the Shopvo reference's (`code`, `type`, `value`,
 * `minOrderAmount`, `maxUses`, `usedCount`, `expiresAt`) plus a start date, a
 * per-customer limit and a product restriction (`appliesToProducts`, empty
 * meaning every product).
 *
 * Invariants:
 * - `code` is stored normalised: upper case, 3–32 of `A-Z 0-9 _ -`; codes a
 *   customer types are matched case-insensitively through `normalizeCode`;
 * - `value` is a whole percent (1–100) for PERCENTAGE, an amount of minor
 *   units (> 0) for FIXED_AMOUNT, and 0 for FREE_SHIPPING;
 * - amounts (`value` of FIXED_AMOUNT, `minOrderAmount`) are minor units of
 *   `currency`, or of the store's single currency when `currency` is null;
 * - the promotion is live on the half-open interval [`startsAt`, `expiresAt`):
 *   `expiresAt` is the first instant at which it no longer works.
 *
 * @since 0.1.0
 */
import { Currency, Ids } from "@shopvo/pricing"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

/**
 * A promotion id, e.g. "promo_abc".
 *
 * @since 0.1.0
 */
export const PromotionId = Schema.NonEmptyTrimmedString.pipe(Schema.brand("PromotionId"))

/** @since 0.1.0 */
export type PromotionId = Schema.Schema.Type<typeof PromotionId>

/**
 * A normalised promotion code: 3–32 characters of upper-case letters,
 * digits, `_` and `-`.
 *
 * @since 0.1.0
 */
export const PromotionCode = Schema.String.pipe(
  Schema.pattern(/^[A-Z0-9_-]{3,32}$/),
  Schema.brand("PromotionCode"),
  Schema.annotations({ identifier: "PromotionCode" })
)

/** @since 0.1.0 */
export type PromotionCode = Schema.Schema.Type<typeof PromotionCode>

/**
 * What the promotion does.
 *
 * @since 0.1.0
 */
export const PromotionType = Schema.Literal("PERCENTAGE", "FIXED_AMOUNT", "FREE_SHIPPING")

/** @since 0.1.0 */
export type PromotionType = Schema.Schema.Type<typeof PromotionType>

/**
 * A promotion as stored.
 *
 * @since 0.1.0
 */
export const Promotion = Schema.Struct({
  id: PromotionId,
  code: PromotionCode,
  type: PromotionType,
  value: Schema.NonNegativeInt,
  /** Currency of `value` (FIXED_AMOUNT) and `minOrderAmount`; null = the store's currency. */
  currency: Schema.NullOr(Currency.Code),
  minOrderAmount: Schema.NullOr(Schema.NonNegativeInt),
  maxUses: Schema.NullOr(Schema.NonNegativeInt),
  usedCount: Schema.NonNegativeInt,
  perCustomerLimit: Schema.NullOr(Schema.NonNegativeInt),
  appliesToProducts: Schema.Array(Ids.ProductId),
  startsAt: Schema.NullOr(Schema.DateTimeUtc),
  expiresAt: Schema.NullOr(Schema.DateTimeUtc)
}).annotations({ identifier: "Promotion" })

/** @since 0.1.0 */
export interface Promotion extends Schema.Schema.Type<typeof Promotion> {}

// ---------------------------------------------------------------------------
// Codes
// ---------------------------------------------------------------------------

/**
 * The canonical form of a code as typed by a customer or an admin: trimmed
 * and upper-cased. Lookups by code should use this form, which is how codes
 * are stored, so that "welcome20" finds "WELCOME20".
 *
 * @since 0.1.0
 */
export const normalizeCode = (code: string): string => code.trim().toUpperCase()

/**
 * Whether `code` (as typed) is this promotion's code, ignoring case and
 * surrounding spaces.
 *
 * @since 0.1.0
 */
export const matchesCode = (promotion: Promotion, code: string): boolean => normalizeCode(code) === promotion.code

// ---------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------

/**
 * A promotion's status at an instant.
 *
 * @since 0.1.0
 */
export const Status = Schema.Literal("ACTIVE", "SCHEDULED", "EXPIRED", "EXHAUSTED")

/** @since 0.1.0 */
export type Status = Schema.Schema.Type<typeof Status>

/**
 * The status of a promotion at `now`. When several conditions hold, the one
 * that waiting will not cure wins:
 *
 * 1. EXPIRED — `now >= expiresAt`: final, time only moves forward;
 * 2. EXHAUSTED — `usedCount >= maxUses`: holds until an admin raises the cap;
 * 3. SCHEDULED — `now < startsAt`: cures itself at `startsAt`;
 * 4. ACTIVE otherwise.
 *
 * So a promotion whose uses ran out before it even started reports
 * EXHAUSTED, not SCHEDULED: telling a customer "not yet" would be a promise
 * the promotion cannot keep.
 *
 * @since 0.1.0
 */
export const status = (promotion: Promotion, now: DateTime.Utc): Status => {
  if (promotion.expiresAt !== null && DateTime.greaterThanOrEqualTo(now, promotion.expiresAt)) return "EXPIRED"
  if (promotion.maxUses !== null && promotion.usedCount >= promotion.maxUses) return "EXHAUSTED"
  if (promotion.startsAt !== null && DateTime.lessThan(now, promotion.startsAt)) return "SCHEDULED"
  return "ACTIVE"
}

// ---------------------------------------------------------------------------
// Creation
// ---------------------------------------------------------------------------

/**
 * What an admin submits to create a promotion. Optional limits default to
 * none; `appliesToProducts` defaults to every product.
 *
 * @since 0.1.0
 */
export const CreateInput = Schema.Struct({
  code: Schema.String,
  type: PromotionType,
  value: Schema.optional(Schema.Number),
  currency: Schema.optional(Schema.NullOr(Currency.Code)),
  minOrderAmount: Schema.optional(Schema.NullOr(Schema.Number)),
  maxUses: Schema.optional(Schema.NullOr(Schema.Number)),
  perCustomerLimit: Schema.optional(Schema.NullOr(Schema.Number)),
  appliesToProducts: Schema.optional(Schema.Array(Ids.ProductId)),
  startsAt: Schema.optional(Schema.NullOr(Schema.DateTimeUtc)),
  expiresAt: Schema.optional(Schema.NullOr(Schema.DateTimeUtc))
}).annotations({ identifier: "CreatePromotionInput" })

/** @since 0.1.0 */
export interface CreateInput extends Schema.Schema.Type<typeof CreateInput> {}

/**
 * One problem with a promotion's creation input, naming the field so that an
 * API can report it in its error `details`.
 *
 * @since 0.1.0
 */
export interface Issue {
  readonly field: keyof CreateInput
  readonly message: string
}

/**
 * The creation input has one or more problems; all of them are listed.
 *
 * @since 0.1.0
 */
export class InvalidPromotion extends Data.TaggedError("InvalidPromotion")<{
  readonly issues: ReadonlyArray<Issue>
}> {
  override get message(): string {
    return `Invalid promotion: ${this.issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`
  }
}

const isCount = (n: number, min: number): boolean => Number.isSafeInteger(n) && n >= min

/**
 * Validates and normalises creation input into a new promotion with the
 * given id (ids come from the caller: this package generates nothing).
 * Checks every field and reports every problem at once:
 *
 * - code: trimmed, upper-cased, then `[A-Z0-9_-]{3,32}`;
 * - PERCENTAGE: whole percent 1–100; FIXED_AMOUNT: whole minor units > 0;
 *   FREE_SHIPPING: the value is ignored and stored as 0;
 * - minOrderAmount ≥ 0, maxUses ≥ 1, perCustomerLimit ≥ 1, all integers;
 * - expiresAt strictly after startsAt when both are set.
 *
 * @since 0.1.0
 */
export const create = (id: PromotionId, input: CreateInput): Either.Either<Promotion, InvalidPromotion> => {
  const issues: Array<Issue> = []
  const code = Schema.decodeEither(PromotionCode)(normalizeCode(input.code))
  if (Either.isLeft(code)) {
    issues.push({ field: "code", message: "must be 3 to 32 letters, digits, '_' or '-'" })
  }

  let value = 0
  switch (input.type) {
    case "PERCENTAGE":
      if (input.value === undefined || !isCount(input.value, 1) || input.value > 100) {
        issues.push({ field: "value", message: "a percentage must be a whole number from 1 to 100" })
      } else value = input.value
      break
    case "FIXED_AMOUNT":
      if (input.value === undefined || !isCount(input.value, 1)) {
        issues.push({ field: "value", message: "a fixed amount must be a whole number of minor units above 0" })
      } else value = input.value
      break
    case "FREE_SHIPPING":
      // The value of a free-shipping promotion means nothing; store 0 so
      // that no consumer is tempted to read it.
      value = 0
      break
  }

  const optionalCount = (field: "minOrderAmount" | "maxUses" | "perCustomerLimit", min: number): number | null => {
    const n = input[field]
    if (n === undefined || n === null) return null
    if (!isCount(n, min)) {
      issues.push({ field, message: `must be a whole number of at least ${min}` })
      return null
    }
    return n
  }
  const minOrderAmount = optionalCount("minOrderAmount", 0)
  const maxUses = optionalCount("maxUses", 1)
  const perCustomerLimit = optionalCount("perCustomerLimit", 1)

  const startsAt = input.startsAt ?? null
  const expiresAt = input.expiresAt ?? null
  if (startsAt !== null && expiresAt !== null && !DateTime.greaterThan(expiresAt, startsAt)) {
    issues.push({ field: "expiresAt", message: "must be after startsAt" })
  }

  if (issues.length > 0 || Either.isLeft(code)) return Either.left(new InvalidPromotion({ issues }))
  return Either.right({
    id,
    code: code.right,
    type: input.type,
    value,
    currency: input.currency ?? null,
    minOrderAmount,
    maxUses,
    usedCount: 0,
    perCustomerLimit,
    appliesToProducts: Array.from(new Set(input.appliesToProducts ?? [])),
    startsAt,
    expiresAt
  })
}
