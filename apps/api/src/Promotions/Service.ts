/**
 * Promotions: coupon codes an admin manages, a storefront validates, and a checkout uses.
 *
 * The rules are `@shopvo/promotions`': `Promotion.create` checks what an admin sets,
 * `Promotion.status` derives the status from a row and an instant (never stored), and
 * `Validation.validate` says whether a code gives a discount on a cart, or why not. This service
 * adds what needs the database: codes unique per site and mode (stored normalised, so compared
 * case-insensitively), product restrictions naming real products, and use counts.
 *
 * Counting a use (`claimUse`) locks the promotion's row, validates against it, then counts: claims
 * of one promotion queue on that lock, so each validates against the count the previous one left,
 * and `maxUses` and the per-customer limit hold however many checkouts race.
 */
import type { Money } from "@shopvo/pricing"
import { type Discount, Promotion, Validation } from "@shopvo/promotions"
import { Database, Ids, type Tenant } from "@shopvo/kernel"
import { Data, type DateTime, Effect, Option } from "effect"
import { PromotionsRepo, type PromotionRow } from "./Repo.js"

export type { PromotionRow } from "./Repo.js"

export class PromotionCodeTaken extends Data.TaggedError("PromotionCodeTaken")<{ readonly code: string }> {}

/** An id of `appliesToProducts` names no product of the site and mode. */
export class ProductNotFound extends Data.TaggedError("PromotionProductNotFound")<{ readonly productId: string }> {}

/** No promotion of the site and mode has this id. */
export class UnknownPromotion extends Data.TaggedError("UnknownPromotion")<{ readonly id: string }> {}

/** What an admin sets on a promotion: the package's creation input, with product ids as given. */
export interface PromotionFields extends Omit<Promotion.CreateInput, "appliesToProducts" | "currency"> {
  readonly appliesToProducts?: ReadonlyArray<string> | undefined
}

/** Changes to a promotion: omitted fields keep their value; `null` removes a limit or a date. */
export type PromotionChanges = Partial<PromotionFields>

/** A code to check against a cart at an instant, for a customer known by email (or not yet). */
export interface UseRequest {
  readonly code: string
  readonly cart: Validation.CartSummary
  readonly email: string | null
  readonly now: DateTime.Utc
}

/** Why a code gives no discount (the package's storefront reasons), or why the cart cannot be priced. */
export type Refusal = Validation.Rejection | Money.CurrencyMismatch | Money.NegativeAmount | Money.AmountOutOfRange

// The per-customer limit counts uses by email, compared case-insensitively.
const customerKey = (email: string) => email.trim().toLowerCase()

const keep = <A>(change: A | undefined, current: A): A => (change === undefined ? current : change)

export class Promotions extends Effect.Service<Promotions>()("@shopvo/api/Promotions", {
  accessors: true,
  dependencies: [PromotionsRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* PromotionsRepo

    /** The product restriction, typed by the package; fails on the first id naming no product. */
    const restrictTo = (tenant: Tenant, ids: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        const known = yield* repo.knownProducts(tenant, ids)
        const knownIds = new Set<string>(known)
        const missing = ids.find((id) => !knownIds.has(id))
        return missing === undefined ? known : yield* new ProductNotFound({ productId: missing })
      })

    const written = (promotion: Option.Option<PromotionRow>, code: string) =>
      Option.match(promotion, {
        onNone: () => Effect.fail(new PromotionCodeTaken({ code })),
        onSome: Effect.succeed
      })

    /** Looks the code up and validates it; `lock` holds the promotion's row until the transaction ends. */
    const evaluate = (
      tenant: Tenant,
      request: UseRequest,
      options: { readonly lock: boolean }
    ): Effect.Effect<Discount.Discount, Refusal | Database.DatabaseUnavailable> =>
      Effect.gen(function* () {
        const promotion = yield* repo.findByCode(tenant, Promotion.normalizeCode(request.code), options)
        const email = request.email === null ? null : customerKey(request.email)
        const customerUses =
          Option.isSome(promotion) && email !== null ? yield* repo.customerUses(tenant, promotion.value.id, email) : 0
        return yield* Validation.validate({
          promotion: Option.getOrUndefined(promotion),
          code: request.code,
          cart: request.cart,
          customerEmail: email,
          customerUses,
          now: request.now
        })
      })

    return {
      /**
       * A page of promotions, newest first, with only those in `status` at `now` when given. The
       * status depends on the instant, so that filter reads the tenant's promotions and applies
       * the package's rule to each (a site has hundreds of codes, not millions).
       */
      list: (
        tenant: Tenant,
        options: {
          readonly limit: number
          readonly offset: number
          readonly status?: Promotion.Status | undefined
          readonly now: DateTime.Utc
        }
      ) =>
        options.status === undefined
          ? repo.page(tenant, options)
          : Effect.map(repo.all(tenant), (rows) => {
              const matching = rows.filter((row) => Promotion.status(row, options.now) === options.status)
              return { items: matching.slice(options.offset, options.offset + options.limit), total: matching.length }
            }),

      create: (tenant: Tenant, fields: PromotionFields) =>
        Database.transaction(
          Effect.gen(function* () {
            const appliesToProducts = yield* restrictTo(tenant, fields.appliesToProducts ?? [])
            const id = Promotion.PromotionId.make(Ids.make("promo"))
            const promotion = yield* Promotion.create(id, { ...fields, appliesToProducts })
            return yield* written(yield* repo.insert(tenant, promotion), promotion.code)
          })
        ),

      /** Applies `changes` to the promotion, checked as a whole as on creation; the use count stays. */
      update: (tenant: Tenant, id: string, changes: PromotionChanges) =>
        Database.transaction(
          Effect.gen(function* () {
            const found = yield* repo.findById(tenant, id, { lock: true })
            if (Option.isNone(found)) return yield* new UnknownPromotion({ id })
            const current = found.value
            const appliesToProducts =
              changes.appliesToProducts === undefined
                ? current.appliesToProducts
                : yield* restrictTo(tenant, changes.appliesToProducts)
            const promotion = yield* Promotion.create(current.id, {
              code: changes.code ?? current.code,
              type: changes.type ?? current.type,
              value: changes.value ?? current.value,
              minOrderAmount: keep(changes.minOrderAmount, current.minOrderAmount),
              maxUses: keep(changes.maxUses, current.maxUses),
              perCustomerLimit: keep(changes.perCustomerLimit, current.perCustomerLimit),
              appliesToProducts,
              startsAt: keep(changes.startsAt, current.startsAt),
              expiresAt: keep(changes.expiresAt, current.expiresAt)
            })
            return yield* written(yield* repo.update(tenant, promotion), promotion.code)
          })
        ),

      /** Deletes the promotion: its code stops validating at once. */
      remove: (tenant: Tenant, id: string) =>
        Effect.flatMap(repo.remove(tenant, id), (found) =>
          found ? Effect.void : Effect.fail(new UnknownPromotion({ id }))
        ),

      /**
       * The discount the code gives on the cart, or the package's `Rejection` saying why it gives
       * none. Counts nothing and locks nothing: a checkout claims the use with `claimUse`.
       */
      validate: (tenant: Tenant, request: UseRequest) => evaluate(tenant, request, { lock: false }),

      /**
       * For checkout: validates the code for this customer and counts one use, overall and for
       * `email`, or fails with the `Rejection` (then nothing is counted). Runs in the caller's
       * transaction (a savepoint of it), so the use is kept only if the order is placed; the
       * promotion's row stays locked until that transaction ends, which is what keeps `maxUses`
       * and `perCustomerLimit` exact under concurrent checkouts.
       */
      claimUse: (tenant: Tenant, request: UseRequest & { readonly email: string }) =>
        Database.transaction(
          Effect.gen(function* () {
            const discount = yield* evaluate(tenant, request, { lock: true })
            yield* repo.countUse(tenant, discount.promotionId, customerKey(request.email))
            return discount
          })
        ),

      /**
       * Takes back one use that `claimUse` counted for `email` (an order cancelled before it was
       * paid, say), in the caller's transaction. False when the promotion is gone or has no use.
       */
      releaseUse: (tenant: Tenant, use: { readonly promotionId: string; readonly email: string }) =>
        repo.releaseUse(tenant, use.promotionId, customerKey(use.email))
    }
  })
}) {}
