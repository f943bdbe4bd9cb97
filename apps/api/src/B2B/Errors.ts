/**
 * The B2B aggregate's domain errors, one home each: the service and repository detect them and
 * `Http.ts` maps them to statuses.
 */
import { Data } from "effect"

/** The site's plan does not include B2B. */
export class B2BNotEnabled extends Data.TaggedError("B2BNotEnabled")<{ readonly siteId: string }> {
  override get message() {
    return "B2B is not enabled for this site; it is part of the growth and enterprise plans"
  }
}

export class AccountNotFound extends Data.TaggedError("AccountNotFound")<{ readonly accountId: string }> {
  override get message() {
    return `B2B account ${this.accountId} not found`
  }
}

export class PriceListNotFound extends Data.TaggedError("PriceListNotFound")<{ readonly priceListId: string }> {
  override get message() {
    return `Price list ${this.priceListId} not found`
  }
}

/** A `contactCustomerIds` entry names no customer of the site and mode. */
export class ContactNotFound extends Data.TaggedError("ContactNotFound")<{ readonly customerId: string }> {
  override get message() {
    return `Customer ${this.customerId} not found`
  }
}

/** The customer is already a contact of another account (`accountId` when known). */
export class ContactInOtherAccount extends Data.TaggedError("ContactInOtherAccount")<{
  readonly customerId: string
  readonly accountId: string | null
}> {
  override get message() {
    return this.accountId === null
      ? `Customer ${this.customerId} is already a contact of another B2B account`
      : `Customer ${this.customerId} is already a contact of B2B account ${this.accountId}`
  }
}

/** A price-list entry names no variant of the site and mode. */
export class EntryVariantNotFound extends Data.TaggedError("EntryVariantNotFound")<{
  readonly variantId: string
  readonly index: number
}> {
  override get message() {
    return `Variant ${this.variantId} not found`
  }
}

/** A price-list entry's currency is not an ISO 4217 currency. */
export class EntryCurrencyNotSupported extends Data.TaggedError("EntryCurrencyNotSupported")<{
  readonly currency: string
  readonly index: number
}> {
  override get message() {
    return `Currency ${this.currency} is not supported`
  }
}

/** `payment.method: terms` by a customer whose account gives no credit (or who has none). */
export class PaymentTermsUnavailable extends Data.TaggedError("PaymentTermsUnavailable")<{ readonly reason: string }> {
  override get message() {
    return `Cannot order on terms: ${this.reason}`
  }
}

/** `payment.method: terms` by a contact of an account that is not `ACTIVE`. */
export class AccountSuspended extends Data.TaggedError("AccountSuspended")<{
  readonly accountId: string
  readonly status: string
}> {
  override get message() {
    return `B2B account ${this.accountId} is ${this.status} and cannot order on terms`
  }
}
