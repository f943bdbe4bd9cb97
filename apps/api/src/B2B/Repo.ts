/**
 * SQL for B2B accounts, their contacts and price lists, per site and mode. Accounts are read with
 * their contacts and price lists with their entries, each in one statement (`json_agg`, in the
 * order they were given). The functions run inside whatever transaction their caller opened.
 */
import { PaymentTerms } from "@shopvo/checkout"
import { Database, Ids, type Tenant } from "@shopvo/kernel"
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import * as Pagination from "../Platform/Pagination.js"
import { ContactInOtherAccount, PriceListNotFound } from "./Errors.js"

export const Contact = Schema.Struct({ id: Schema.String, email: Schema.String, isPrimary: Schema.Boolean })

export class Account extends Schema.Class<Account>("B2BAccount")({
  id: Schema.String,
  companyName: Schema.String,
  taxId: Schema.NullOr(Schema.String),
  status: PaymentTerms.AccountStatus,
  paymentTerms: PaymentTerms.PaymentTerms,
  priceListId: Schema.NullOr(Schema.String),
  contacts: Schema.Array(Contact),
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
}) {}

const ListedAccount = Schema.Struct({ ...Account.fields, sortKey: Schema.String })
export type ListedAccount = typeof ListedAccount.Type

/** A bigint column arrives as text; money stays a safe integer. */
const Minor = Schema.compose(Schema.NumberFromString, Schema.Int)

/** A stored entry: a fixed `price` or a `percentOff` (decimal text), never both (a table check). */
export const StoredEntry = Schema.Struct({
  variantId: Schema.String,
  currency: Schema.String,
  price: Schema.NullOr(Minor),
  percentOff: Schema.NullOr(Schema.String)
})
export type StoredEntry = typeof StoredEntry.Type

export class PriceListRecord extends Schema.Class<PriceListRecord>("PriceListRecord")({
  id: Schema.String,
  name: Schema.String,
  entries: Schema.Array(StoredEntry),
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
}) {}

const ListedPriceList = Schema.Struct({ ...PriceListRecord.fields, sortKey: Schema.String })
export type ListedPriceList = typeof ListedPriceList.Type

/** The account a customer is a contact of, as checkout and cart pricing need it. */
export const ContactAccount = Schema.Struct({
  accountId: Schema.String,
  status: PaymentTerms.AccountStatus,
  paymentTerms: PaymentTerms.PaymentTerms,
  priceListId: Schema.NullOr(Schema.String),
  b2bEnabled: Schema.Boolean
})
export type ContactAccount = typeof ContactAccount.Type

export interface AccountFilters {
  readonly search?: string | undefined
  readonly status?: PaymentTerms.AccountStatus | undefined
}

export interface NewAccount {
  readonly companyName: string
  readonly taxId: string | null
  readonly paymentTerms: PaymentTerms.PaymentTerms
  readonly priceListId: string | null
}

/** Fields to change; one left out keeps its value. */
export interface AccountPatch {
  readonly status?: PaymentTerms.AccountStatus | undefined
  readonly paymentTerms?: PaymentTerms.PaymentTerms | undefined
  readonly priceListId?: string | null | undefined
  readonly companyName?: string | undefined
  readonly taxId?: string | null | undefined
}

/** `%`, `_` and `\` stand for themselves in a search term. */
const likeLiteral = (term: string) => term.replace(/[\\%_]/g, (char) => `\\${char}`)

const violates = (code: string, constraint: string) => (error: SqlError.SqlError) => {
  const cause: unknown = error.cause
  return (
    typeof cause === "object" &&
    cause !== null &&
    Reflect.get(cause, "code") === code &&
    Reflect.get(cause, "constraint") === constraint
  )
}
const isUnknownPriceList = violates("23503", "b2b_accounts_price_list_fk")
const isContactTaken = violates("23505", "b2b_contacts_one_account")

const orDie = <A, E, R>(effect: Effect.Effect<Option.Option<A>, E, R>) =>
  Effect.flatMap(
    effect,
    Option.match({ onNone: () => Effect.dieMessage("expected a row, got none"), onSome: Effect.succeed })
  )

export class B2BRepo extends Effect.Service<B2BRepo>()("@shopvo/api/B2BRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const scope = (tenant: Tenant, alias: string) =>
      sql`${sql(alias)}.site_id = ${tenant.siteId} and ${sql(alias)}.livemode = ${tenant.livemode}`

    const accountColumns = sql`
      a.id, a.company_name as "companyName", a.tax_id as "taxId", a.status, a.payment_terms as "paymentTerms",
      a.price_list_id as "priceListId", a.created_at as "createdAt", a.updated_at as "updatedAt",
      coalesce((
        select json_agg(json_build_object('id', c.id, 'email', c.email, 'isPrimary', k.is_primary) order by k.position)
        from b2b_contacts k join customers c on c.site_id = k.site_id and c.id = k.customer_id
        where k.site_id = a.site_id and k.account_id = a.id
      ), '[]'::json) as contacts`

    const accountSortKey = sql.literal(Pagination.createdAtSortKey.replace("created_at", "a.created_at"))

    // Company name, or the email of a contact, containing the term (ignoring case).
    const matching = (tenant: Tenant, filters: AccountFilters) => {
      const conditions = [scope(tenant, "a")]
      if (filters.status !== undefined) conditions.push(sql`a.status = ${filters.status}`)
      if (filters.search !== undefined) {
        const pattern = `%${likeLiteral(filters.search.toLowerCase())}%`
        conditions.push(sql`(lower(a.company_name) like ${pattern} or exists (
          select 1 from b2b_contacts k join customers c on c.site_id = k.site_id and c.id = k.customer_id
          where k.site_id = a.site_id and k.account_id = a.id and lower(c.email) like ${pattern}))`)
      }
      return sql.and(conditions)
    }

    const accountPage = (tenant: Tenant, filters: AccountFilters, limit: number, offset: number) =>
      Effect.all(
        {
          items: SqlSchema.findAll({
            Request: Schema.Void,
            Result: Account,
            execute: () =>
              sql`select ${accountColumns} from b2b_accounts a where ${matching(tenant, filters)}
                  order by a.created_at desc, a.id desc limit ${limit} offset ${offset}`
          })(undefined),
          total: orDie(
            SqlSchema.findOne({
              Request: Schema.Void,
              Result: Schema.Struct({ total: Schema.Int }),
              execute: () => sql`select count(*)::int as total from b2b_accounts a where ${matching(tenant, filters)}`
            })(undefined)
          )
        },
        { concurrency: 1 }
      ).pipe(Effect.map(({ items, total }) => ({ items, total: total.total })))

    const accountsAfter = (
      tenant: Tenant,
      filters: AccountFilters,
      limit: number,
      after: Pagination.Position | undefined
    ) =>
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: ListedAccount,
        execute: () =>
          sql`select ${accountColumns}, ${accountSortKey} as "sortKey" from b2b_accounts a
              where ${matching(tenant, filters)}
              ${after === undefined ? sql`` : sql`and (a.created_at, a.id) < (${after.sortKey}::timestamptz, ${after.id})`}
              order by a.created_at desc, a.id desc limit ${limit}`
      })(undefined)

    const findAccount = (tenant: Tenant, id: string) =>
      SqlSchema.findOne({
        Request: Schema.Void,
        Result: Account,
        execute: () => sql`select ${accountColumns} from b2b_accounts a where ${scope(tenant, "a")} and a.id = ${id}`
      })(undefined)

    const position = (table: "b2b_accounts" | "price_lists", tenant: Tenant, id: string) =>
      SqlSchema.findOne({
        Request: Schema.Void,
        Result: Schema.Struct({ sortKey: Schema.String, id: Schema.String }),
        execute: () =>
          sql`select ${sql.literal(Pagination.createdAtSortKey)} as "sortKey", id from ${sql(table)}
              where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and id = ${id}`
      })(undefined)

    const priceListNotFound =
      (priceListId: string | null | undefined) =>
      <A, R>(effect: Effect.Effect<A, SqlError.SqlError, R>) =>
        Effect.catchTag(
          effect,
          "SqlError",
          (error): Effect.Effect<never, PriceListNotFound | SqlError.SqlError> =>
            isUnknownPriceList(error)
              ? Effect.fail(new PriceListNotFound({ priceListId: priceListId ?? "" }))
              : Effect.fail(error)
        )

    const insertAccount = (tenant: Tenant, account: NewAccount) =>
      Effect.gen(function* () {
        const id = Ids.make("b2b")
        yield* sql`insert into b2b_accounts (id, site_id, livemode, company_name, tax_id, payment_terms, price_list_id)
          values (${id}, ${tenant.siteId}, ${tenant.livemode}, ${account.companyName}, ${account.taxId},
                  ${account.paymentTerms}, ${account.priceListId})`.pipe(priceListNotFound(account.priceListId))
        return id
      })

    /** The ids among `ids` naming no customer of the tenant. */
    const missingCustomers = (tenant: Tenant, ids: ReadonlyArray<string>) =>
      Effect.map(
        sql<{ id: string }>`select id from customers where ${scope(tenant, "customers")} and id in ${sql.in(ids)}`,
        (rows) => ids.filter((id) => !rows.some((row) => row.id === id))
      )

    const contactOf = (tenant: Tenant, customerIds: ReadonlyArray<string>) =>
      sql<{ customerId: string; accountId: string }>`
        select customer_id as "customerId", account_id as "accountId" from b2b_contacts k
        where ${scope(tenant, "k")} and customer_id in ${sql.in(customerIds)}`

    /**
     * Attaches the customers, the first as primary. A customer already a contact elsewhere is
     * refused; the unique index settles a race with a concurrent creation naming the same one.
     */
    const insertContacts = (tenant: Tenant, accountId: string, customerIds: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        if (customerIds.length === 0) return
        const taken = yield* contactOf(tenant, customerIds)
        if (taken.length > 0) {
          return yield* new ContactInOtherAccount({ customerId: taken[0]!.customerId, accountId: taken[0]!.accountId })
        }
        yield* sql`insert into b2b_contacts ${sql.insert(
          customerIds.map((customerId, position) => ({
            site_id: tenant.siteId,
            livemode: tenant.livemode,
            account_id: accountId,
            customer_id: customerId,
            position,
            is_primary: position === 0
          }))
        )}`.pipe(
          Effect.catchTag(
            "SqlError",
            (error): Effect.Effect<never, ContactInOtherAccount | SqlError.SqlError> =>
              isContactTaken(error)
                ? Effect.fail(new ContactInOtherAccount({ customerId: customerIds.join(", "), accountId: null }))
                : Effect.fail(error)
          )
        )
      })

    const updateAccount = (tenant: Tenant, id: string, patch: AccountPatch) => {
      const sets = [
        ...(patch.status === undefined ? [] : [sql`status = ${patch.status}`]),
        ...(patch.paymentTerms === undefined ? [] : [sql`payment_terms = ${patch.paymentTerms}`]),
        ...(patch.priceListId === undefined ? [] : [sql`price_list_id = ${patch.priceListId}`]),
        ...(patch.companyName === undefined ? [] : [sql`company_name = ${patch.companyName}`]),
        ...(patch.taxId === undefined ? [] : [sql`tax_id = ${patch.taxId}`]),
        sql`updated_at = now()`
      ]
      return sql<{ id: string }>`update b2b_accounts a set ${sql.csv(sets)} where ${scope(tenant, "a")} and a.id = ${id}
        returning a.id`.pipe(
        priceListNotFound(patch.priceListId),
        Effect.map((rows) => rows.length > 0)
      )
    }

    const contactAccount = (tenant: Tenant, customerId: string) =>
      SqlSchema.findOne({
        Request: Schema.Void,
        Result: ContactAccount,
        execute: () =>
          sql`select a.id as "accountId", a.status, a.payment_terms as "paymentTerms",
                     a.price_list_id as "priceListId", p.b2b as "b2bEnabled"
              from b2b_contacts k
              join b2b_accounts a on a.site_id = k.site_id and a.id = k.account_id
              join sites s on s.id = k.site_id
              join plans p on p.name = s.plan
              where ${scope(tenant, "k")} and k.customer_id = ${customerId}`
      })(undefined)

    // ---- price lists ----

    const priceListColumns = sql`
      l.id, l.name, l.created_at as "createdAt", l.updated_at as "updatedAt",
      coalesce((
        select json_agg(json_build_object('variantId', e.variant_id, 'currency', e.currency,
          'price', e.price::text, 'percentOff', e.percent_off::text) order by e.position)
        from price_list_entries e where e.site_id = l.site_id and e.price_list_id = l.id
      ), '[]'::json) as entries`

    const priceListSortKey = sql.literal(Pagination.createdAtSortKey.replace("created_at", "l.created_at"))

    const priceListPage = (tenant: Tenant, limit: number, offset: number) =>
      Effect.all(
        {
          items: SqlSchema.findAll({
            Request: Schema.Void,
            Result: PriceListRecord,
            execute: () =>
              sql`select ${priceListColumns} from price_lists l where ${scope(tenant, "l")}
                  order by l.created_at desc, l.id desc limit ${limit} offset ${offset}`
          })(undefined),
          total: orDie(
            SqlSchema.findOne({
              Request: Schema.Void,
              Result: Schema.Struct({ total: Schema.Int }),
              execute: () => sql`select count(*)::int as total from price_lists l where ${scope(tenant, "l")}`
            })(undefined)
          )
        },
        { concurrency: 1 }
      ).pipe(Effect.map(({ items, total }) => ({ items, total: total.total })))

    const priceListsAfter = (tenant: Tenant, limit: number, after: Pagination.Position | undefined) =>
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: ListedPriceList,
        execute: () =>
          sql`select ${priceListColumns}, ${priceListSortKey} as "sortKey" from price_lists l
              where ${scope(tenant, "l")}
              ${after === undefined ? sql`` : sql`and (l.created_at, l.id) < (${after.sortKey}::timestamptz, ${after.id})`}
              order by l.created_at desc, l.id desc limit ${limit}`
      })(undefined)

    const findPriceList = (tenant: Tenant, id: string, lock: boolean) =>
      SqlSchema.findOne({
        Request: Schema.Void,
        Result: PriceListRecord,
        execute: () =>
          lock
            ? sql`select ${priceListColumns} from price_lists l where ${scope(tenant, "l")} and l.id = ${id} for update`
            : sql`select ${priceListColumns} from price_lists l where ${scope(tenant, "l")} and l.id = ${id}`
      })(undefined)

    /** The variant ids among `ids` naming no variant of the tenant. */
    const missingVariants = (tenant: Tenant, ids: ReadonlyArray<string>) =>
      ids.length === 0
        ? Effect.succeed([])
        : Effect.map(
            sql<{ id: string }>`select id from variants where ${scope(tenant, "variants")} and id in ${sql.in(ids)}`,
            (rows) => ids.filter((id) => !rows.some((row) => row.id === id))
          )

    const replaceEntries = (tenant: Tenant, priceListId: string, entries: ReadonlyArray<StoredEntry>) =>
      Effect.gen(function* () {
        yield* sql`delete from price_list_entries where ${scope(tenant, "price_list_entries")}
          and price_list_id = ${priceListId}`
        if (entries.length === 0) return
        yield* sql`insert into price_list_entries ${sql.insert(
          entries.map((entry, position) => ({
            site_id: tenant.siteId,
            livemode: tenant.livemode,
            price_list_id: priceListId,
            position,
            variant_id: entry.variantId,
            currency: entry.currency,
            price: entry.price,
            percent_off: entry.percentOff
          }))
        )}`
      })

    const insertPriceList = (tenant: Tenant, name: string) =>
      Effect.gen(function* () {
        const id = Ids.make("pl")
        yield* sql`insert into price_lists (id, site_id, livemode, name)
          values (${id}, ${tenant.siteId}, ${tenant.livemode}, ${name})`
        return id
      })

    const renamePriceList = (tenant: Tenant, id: string, name: string | undefined) =>
      sql`update price_lists l set ${name === undefined ? sql`` : sql`name = ${name},`} updated_at = now()
          where ${scope(tenant, "l")} and l.id = ${id}`

    const deletePriceList = (tenant: Tenant, id: string) =>
      Effect.map(
        sql<{ id: string }>`delete from price_lists l where ${scope(tenant, "l")} and l.id = ${id} returning l.id`,
        (rows) => rows.length > 0
      )

    return {
      b2bEnabled: (siteId: string) =>
        Database.boundary(
          Effect.map(
            sql<{ b2b: boolean }>`select p.b2b from sites s join plans p on p.name = s.plan where s.id = ${siteId}`,
            (rows) => rows[0]?.b2b === true
          )
        ),
      accountPage: (tenant: Tenant, filters: AccountFilters, limit: number, offset: number) =>
        Database.boundary(accountPage(tenant, filters, limit, offset)),
      accountsAfter: (tenant: Tenant, filters: AccountFilters, limit: number, after: Pagination.Position | undefined) =>
        Database.boundary(accountsAfter(tenant, filters, limit, after)),
      accountPosition: (tenant: Tenant, id: string) => Database.boundary(position("b2b_accounts", tenant, id)),
      findAccount: (tenant: Tenant, id: string) => Database.boundary(findAccount(tenant, id)),
      insertAccount: (tenant: Tenant, account: NewAccount) => Database.boundary(insertAccount(tenant, account)),
      missingCustomers: (tenant: Tenant, ids: ReadonlyArray<string>) =>
        ids.length === 0 ? Effect.succeed([]) : Database.boundary(missingCustomers(tenant, ids)),
      insertContacts: (tenant: Tenant, accountId: string, customerIds: ReadonlyArray<string>) =>
        Database.boundary(insertContacts(tenant, accountId, customerIds)),
      /** Whether the account exists (and was changed). */
      updateAccount: (tenant: Tenant, id: string, patch: AccountPatch) =>
        Database.boundary(updateAccount(tenant, id, patch)),
      /** The account the customer is a contact of, whatever its status, and whether the site has B2B. */
      contactAccount: (tenant: Tenant, customerId: string) => Database.boundary(contactAccount(tenant, customerId)),
      priceListPage: (tenant: Tenant, limit: number, offset: number) =>
        Database.boundary(priceListPage(tenant, limit, offset)),
      priceListsAfter: (tenant: Tenant, limit: number, after: Pagination.Position | undefined) =>
        Database.boundary(priceListsAfter(tenant, limit, after)),
      priceListPosition: (tenant: Tenant, id: string) => Database.boundary(position("price_lists", tenant, id)),
      /** The price list; `lock` holds its row until the transaction ends (for a replacement of its entries). */
      findPriceList: (tenant: Tenant, id: string, lock = false) => Database.boundary(findPriceList(tenant, id, lock)),
      missingVariants: (tenant: Tenant, ids: ReadonlyArray<string>) => Database.boundary(missingVariants(tenant, ids)),
      insertPriceList: (tenant: Tenant, name: string) => Database.boundary(insertPriceList(tenant, name)),
      renamePriceList: (tenant: Tenant, id: string, name: string | undefined) =>
        Database.boundary(Effect.asVoid(renamePriceList(tenant, id, name))),
      replaceEntries: (tenant: Tenant, priceListId: string, entries: ReadonlyArray<StoredEntry>) =>
        Database.boundary(replaceEntries(tenant, priceListId, entries)),
      /** Whether there was such a price list. */
      deletePriceList: (tenant: Tenant, id: string) => Database.boundary(deletePriceList(tenant, id))
    }
  })
}) {}
