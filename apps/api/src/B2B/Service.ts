/**
 * B2B: wholesale accounts (a company, its customer contacts, payment terms and an optional price
 * list) and price lists, for sites whose plan includes B2B.
 *
 * Two hooks serve other aggregates, each one function:
 * - `priceListFor` (cart pricing): the price list of the customer's account when the account is
 *   `ACTIVE` and the site has B2B; `@shopvo/pricing` applies it (`PriceList.unitPrice`).
 * - `forOrder` (checkout): the account an order is placed for and, when it pays with `terms`,
 *   its terms and due date (`@shopvo/checkout` `PaymentTerms.orderOnTerms` decides).
 *
 * Invariants:
 * - a customer is a contact of at most one account (the database's unique index, so concurrent
 *   creations naming one customer cannot both win); the first contact given is the primary one;
 * - a price list holds at most one entry per variant and currency, and every entry prices
 *   (`PriceList.make` checks before anything is written);
 * - every change runs in one transaction: a refused request changes nothing.
 */
import type { PriceListEntry } from "@shopvo/contract"
import { PaymentTerms } from "@shopvo/checkout"
import { Database, type Tenant } from "@shopvo/kernel"
import { Currency, Ids, PriceList } from "@shopvo/pricing"
import { DateTime, Effect, Either, Option, Schema } from "effect"
import {
  AccountNotFound,
  AccountSuspended,
  B2BNotEnabled,
  ContactNotFound,
  EntryCurrencyNotSupported,
  EntryVariantNotFound,
  PaymentTermsUnavailable,
  PriceListNotFound
} from "./Errors.js"
import { type AccountFilters, type AccountPatch, B2BRepo, type PriceListRecord, type StoredEntry } from "./Repo.js"

export { Account, PriceListRecord } from "./Repo.js"
export type { AccountFilters, ListedAccount, ListedPriceList } from "./Repo.js"

export interface NewAccount {
  readonly companyName: string
  readonly taxId?: string | undefined
  readonly paymentTerms?: PaymentTerms.PaymentTerms | undefined
  readonly priceListId?: string | undefined
  readonly contactCustomerIds?: ReadonlyArray<string> | undefined
}

/** The account an order is placed for, and its terms when it is placed on credit. */
export interface OrderAccount {
  readonly accountId: string
  readonly terms: PaymentTerms.OrderTerms | null
}

/** The payment method that orders on the account's credit instead of paying now. */
export const termsMethod = "terms"

/** The package's price list of a stored one (whose rows the table checks already hold to its rules). */
const toPriceList = (record: PriceListRecord): PriceList.PriceList =>
  Either.getOrThrowWith(
    PriceList.make(
      PriceList.PriceListId.make(record.id),
      record.entries.map((entry) => toEntry(entry, storedCurrency(entry.currency)))
    ),
    (error) => new Error(`stored price list ${record.id} breaks its rules: ${error.message}`)
  )

const toEntry = (entry: StoredEntry, currency: Currency.Code): PriceList.Entry =>
  entry.price !== null
    ? { _tag: "FixedPrice", variantId: Ids.VariantId.make(entry.variantId), currency, price: entry.price }
    : {
        _tag: "PercentOff",
        variantId: Ids.VariantId.make(entry.variantId),
        currency,
        percentOff: { percent: entry.percentOff ?? "0" }
      }

const isCurrency = Schema.is(Currency.Code)
const storedCurrency = Schema.decodeUnknownSync(Currency.Code)

/** The API's entries as stored rows, checked by `@shopvo/pricing` (duplicates, ranges) first. */
const checkEntries = (entries: ReadonlyArray<PriceListEntry>) =>
  Effect.gen(function* () {
    const stored: Array<StoredEntry> = []
    const domain: Array<PriceList.Entry> = []
    for (const [index, entry] of entries.entries()) {
      if (!isCurrency(entry.currency)) {
        return yield* new EntryCurrencyNotSupported({ currency: entry.currency, index })
      }
      const row: StoredEntry =
        "price" in entry
          ? { variantId: entry.variantId, currency: entry.currency, price: entry.price, percentOff: null }
          : { variantId: entry.variantId, currency: entry.currency, price: null, percentOff: entry.percentOff }
      stored.push(row)
      domain.push(toEntry(row, entry.currency))
    }
    yield* PriceList.checkEntries(domain)
    return stored
  })

export class B2B extends Effect.Service<B2B>()("@shopvo/api/B2B", {
  accessors: true,
  dependencies: [B2BRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* B2BRepo

    const account = (tenant: Tenant, accountId: string) =>
      Effect.flatMap(
        repo.findAccount(tenant, accountId),
        Option.match({ onNone: () => Effect.fail(new AccountNotFound({ accountId })), onSome: Effect.succeed })
      )

    const priceList = (tenant: Tenant, priceListId: string, lock = false) =>
      Effect.flatMap(
        repo.findPriceList(tenant, priceListId, lock),
        Option.match({ onNone: () => Effect.fail(new PriceListNotFound({ priceListId })), onSome: Effect.succeed })
      )

    /** Refuses entries naming variants the site does not have (the first one, by position). */
    const checkVariants = (tenant: Tenant, entries: ReadonlyArray<StoredEntry>) =>
      Effect.gen(function* () {
        const ids = [...new Set(entries.map((entry) => entry.variantId))]
        const missing = yield* repo.missingVariants(tenant, ids)
        const index = entries.findIndex((entry) => missing.includes(entry.variantId))
        if (index >= 0) return yield* new EntryVariantNotFound({ variantId: entries[index]!.variantId, index })
      })

    return {
      /** Refuses every B2B operation of a site whose plan does not include B2B. */
      requireEnabled: (tenant: Tenant) =>
        Effect.flatMap(repo.b2bEnabled(tenant.siteId), (enabled) =>
          enabled ? Effect.void : Effect.fail(new B2BNotEnabled({ siteId: tenant.siteId }))
        ),

      /** An offset page of the accounts matching `filters`, newest first, and how many match. */
      accountPage: (
        tenant: Tenant,
        filters: AccountFilters,
        page: { readonly limit: number; readonly offset: number }
      ) => repo.accountPage(tenant, filters, page.limit, page.offset),
      /** Up to `limit` matching accounts after `position`, newest first, each with its sort key. */
      accountsAfter: repo.accountsAfter,
      accountPosition: repo.accountPosition,
      getAccount: account,

      createAccount: (tenant: Tenant, input: NewAccount) =>
        Database.transaction(
          Effect.gen(function* () {
            const contacts = input.contactCustomerIds ?? []
            const missing = yield* repo.missingCustomers(tenant, contacts)
            if (missing.length > 0) return yield* new ContactNotFound({ customerId: missing[0]! })
            const id = yield* repo.insertAccount(tenant, {
              companyName: input.companyName,
              taxId: input.taxId ?? null,
              paymentTerms: input.paymentTerms ?? "DUE_ON_RECEIPT",
              priceListId: input.priceListId ?? null
            })
            yield* repo.insertContacts(tenant, id, contacts)
            return yield* account(tenant, id)
          })
        ),

      /** Changes the fields sent; `null` clears `priceListId` or `taxId`. */
      updateAccount: (tenant: Tenant, accountId: string, patch: AccountPatch) =>
        Database.transaction(
          Effect.gen(function* () {
            const found = yield* repo.updateAccount(tenant, accountId, patch)
            if (!found) return yield* new AccountNotFound({ accountId })
            return yield* account(tenant, accountId)
          })
        ),

      priceListPage: (tenant: Tenant, page: { readonly limit: number; readonly offset: number }) =>
        repo.priceListPage(tenant, page.limit, page.offset),
      priceListsAfter: repo.priceListsAfter,
      priceListPosition: repo.priceListPosition,
      getPriceList: (tenant: Tenant, priceListId: string) => priceList(tenant, priceListId),

      createPriceList: (
        tenant: Tenant,
        input: { readonly name: string; readonly entries?: ReadonlyArray<PriceListEntry> | undefined }
      ) =>
        Database.transaction(
          Effect.gen(function* () {
            const entries = yield* checkEntries(input.entries ?? [])
            yield* checkVariants(tenant, entries)
            const id = yield* repo.insertPriceList(tenant, input.name)
            yield* repo.replaceEntries(tenant, id, entries)
            return yield* priceList(tenant, id)
          })
        ),

      /** Renames the list and/or replaces all of its entries, the list's row locked meanwhile. */
      updatePriceList: (
        tenant: Tenant,
        priceListId: string,
        input: { readonly name?: string | undefined; readonly entries?: ReadonlyArray<PriceListEntry> | undefined }
      ) =>
        Database.transaction(
          Effect.gen(function* () {
            yield* priceList(tenant, priceListId, true)
            if (input.entries !== undefined) {
              const entries = yield* checkEntries(input.entries)
              yield* checkVariants(tenant, entries)
              yield* repo.replaceEntries(tenant, priceListId, entries)
            }
            yield* repo.renamePriceList(tenant, priceListId, input.name)
            return yield* priceList(tenant, priceListId)
          })
        ),

      /** Deletes the list; accounts using it are left without one. */
      deletePriceList: (tenant: Tenant, priceListId: string) =>
        Database.transaction(
          Effect.flatMap(repo.deletePriceList(tenant, priceListId), (deleted) =>
            deleted ? Effect.void : Effect.fail(new PriceListNotFound({ priceListId }))
          )
        ),

      /**
       * For cart pricing: the price list the customer buys at, when the customer is a contact of an
       * `ACTIVE` account with one and the site has B2B; undefined (catalogue prices) otherwise.
       */
      priceListFor: (tenant: Tenant, customerId: string | null) =>
        Effect.gen(function* () {
          if (customerId === null) return undefined
          const found = yield* repo.contactAccount(tenant, customerId)
          if (Option.isNone(found)) return undefined
          const { b2bEnabled, priceListId, status } = found.value
          if (!b2bEnabled || status !== "ACTIVE" || priceListId === null) return undefined
          return Option.getOrUndefined(Option.map(yield* repo.findPriceList(tenant, priceListId, false), toPriceList))
        }),

      /**
       * For checkout: the account an order of `customerId` is placed for (null for a retail
       * customer or a site without B2B) and, when `paymentMethod` is `terms`, the terms and due
       * date it is placed on. Terms are refused for a customer without an account on `NET_…`
       * terms, and for an account that is not `ACTIVE`.
       */
      forOrder: (
        tenant: Tenant,
        customerId: string | null,
        paymentMethod: string | null
      ): Effect.Effect<
        OrderAccount | null,
        PaymentTermsUnavailable | AccountSuspended | Database.DatabaseUnavailable
      > =>
        Effect.gen(function* () {
          const onTerms = paymentMethod === termsMethod
          const found = customerId === null ? Option.none() : yield* repo.contactAccount(tenant, customerId)
          if (Option.isNone(found) || !found.value.b2bEnabled) {
            if (!onTerms) return null
            return yield* new PaymentTermsUnavailable({
              reason:
                customerId === null
                  ? "the checkout has no customer; terms need the cart of a B2B account's contact"
                  : Option.isNone(found)
                    ? "the customer is not a contact of a B2B account"
                    : "the site's plan does not include B2B"
            })
          }
          const contact = found.value
          if (!onTerms) return { accountId: contact.accountId, terms: null }
          const placedAt = DateTime.toDate(yield* DateTime.now)
          const terms = PaymentTerms.orderOnTerms(contact, placedAt)
          if (Either.isRight(terms)) return { accountId: contact.accountId, terms: terms.right }
          return yield* terms.left._tag === "AccountNotActive"
            ? new AccountSuspended({ accountId: contact.accountId, status: contact.status })
            : new PaymentTermsUnavailable({ reason: terms.left.message })
        })
    }
  })
}) {}
