/**
 * SQL for gift cards and their redemptions, per site and mode. A row decodes to `@shopvo/balances`'
 * `GiftCard` (whose constructor checks its invariants) plus what the API keeps beside it; the
 * functions run inside whatever transaction their caller opened.
 */
import { GiftCard, GiftCardCode } from "@shopvo/balances"
import { Database, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { Currency } from "@shopvo/pricing"
import { SqlClient, SqlSchema } from "@effect/sql"
import { type DateTime, Effect, Option, Schema } from "effect"
import * as Pagination from "../Platform/Pagination.js"

export type Position = Pagination.Position

/** A stored card: the package's card, and the customer, note and last change the API shows with it. */
export interface StoredGiftCard {
  readonly card: GiftCard.GiftCard
  readonly customerId: string | null
  readonly note: string | null
  readonly updatedAt: DateTime.Utc
}

export interface Filters {
  readonly status?: GiftCard.Status | undefined
  readonly customerId?: string | undefined
  /** Canonical (upper case, trimmed); anything else matches no card. */
  readonly code?: string | undefined
}

// `bigint` columns arrive as decimal strings (pg's default), within the safe range by the spec's bounds.
const MinorUnits = Schema.compose(Schema.NumberFromString, Schema.Int)

const Row = Schema.Struct({
  id: GiftCard.GiftCardId,
  code: GiftCardCode.GiftCardCode,
  currency: Currency.Code,
  initialBalance: MinorUnits,
  remainingBalance: MinorUnits,
  status: GiftCard.RecordedStatus,
  customerId: Schema.NullOr(Schema.String),
  note: Schema.NullOr(Schema.String),
  expiresAt: Schema.OptionFromNullOr(Schema.DateTimeUtcFromDate),
  issuedAt: Schema.DateTimeUtcFromDate,
  updatedAt: Schema.DateTimeUtcFromDate
})
type Row = typeof Row.Type

const PageRow = Schema.Struct({ ...Row.fields, sortKey: Schema.String })

const toStored = (row: Row): StoredGiftCard => ({
  card: new GiftCard.GiftCard({
    id: row.id,
    code: row.code,
    initialBalance: { amount: row.initialBalance, currency: row.currency },
    remainingBalance: { amount: row.remainingBalance, currency: row.currency },
    status: row.status,
    issuedAt: row.issuedAt,
    expiresAt: row.expiresAt
  }),
  customerId: row.customerId,
  note: row.note,
  updatedAt: row.updatedAt
})

const columns = `id, code, currency, initial_balance as "initialBalance", remaining_balance as "remainingBalance", status,
  customer_id as "customerId", note, expires_at as "expiresAt", created_at as "issuedAt", updated_at as "updatedAt"`

export class GiftCardsRepo extends Effect.Service<GiftCardsRepo>()("@shopvo/api/GiftCardsRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const cols = sql.literal(columns)
    const scope = (tenant: Tenant) => sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`

    // The SQL form of `GiftCard.status(card, now)`, to filter by: `EXPIRED` is a recorded `ACTIVE`
    // card from `expiresAt` on.
    const statusIs = (status: GiftCard.Status, now: Date) => {
      switch (status) {
        case "ACTIVE":
          return sql`status = 'ACTIVE' and (expires_at is null or expires_at > ${now})`
        case "EXPIRED":
          return sql`status = 'ACTIVE' and expires_at <= ${now}`
        case "REDEEMED":
        case "VOID":
          return sql`status = ${status}`
      }
    }

    const Listing = Schema.Struct({
      tenant: TenantSchema,
      status: Schema.optional(GiftCard.Status),
      customerId: Schema.optional(Schema.String),
      code: Schema.optional(Schema.String),
      now: Schema.DateTimeUtcFromDate
    })
    type Listing = typeof Listing.Encoded
    const where = (q: Listing) =>
      sql.and([
        scope(q.tenant),
        ...(q.status === undefined ? [] : [statusIs(q.status, q.now)]),
        ...(q.customerId === undefined ? [] : [sql`customer_id = ${q.customerId}`]),
        ...(q.code === undefined ? [] : [sql`code = ${q.code}`])
      ])

    const count = SqlSchema.findAll({
      Request: Listing,
      Result: Schema.Struct({ total: Schema.Number }),
      execute: (q) => sql`select count(*)::int as total from gift_cards where ${where(q)}`
    })

    const offsetPage = SqlSchema.findAll({
      Request: Schema.Struct({ ...Listing.fields, limit: Schema.Int, offset: Schema.Int }),
      Result: Row,
      execute: (q) =>
        sql`select ${cols} from gift_cards where ${where(q)}
            order by created_at desc, id desc limit ${q.limit} offset ${q.offset}`
    })

    const cursorPage = SqlSchema.findAll({
      Request: Schema.Struct({
        ...Listing.fields,
        limit: Schema.Int,
        after: Schema.optional(Schema.Struct({ sortKey: Schema.String, id: Schema.String }))
      }),
      Result: PageRow,
      execute: (q) =>
        sql`select ${cols}, ${sql.literal(Pagination.createdAtSortKey)} as "sortKey" from gift_cards
            where ${where(q)}
            ${q.after === undefined ? sql`` : sql`and (created_at, id) < (${q.after.sortKey}::timestamptz, ${q.after.id})`}
            order by created_at desc, id desc limit ${q.limit + 1}`
    })

    const ById = Schema.Struct({ tenant: TenantSchema, id: Schema.String })

    const position = SqlSchema.findOne({
      Request: ById,
      Result: Schema.Struct({ sortKey: Schema.String, id: Schema.String }),
      execute: ({ tenant, id }) =>
        sql`select ${sql.literal(Pagination.createdAtSortKey)} as "sortKey", id from gift_cards
            where ${scope(tenant)} and id = ${id}`
    })
    const ByCode = Schema.Struct({ tenant: TenantSchema, code: Schema.String })

    const findByCode = SqlSchema.findOne({
      Request: ByCode,
      Result: Row,
      execute: ({ tenant, code }) => sql`select ${cols} from gift_cards where ${scope(tenant)} and code = ${code}`
    })

    const find = SqlSchema.findOne({
      Request: ById,
      Result: Row,
      execute: ({ tenant, id }) => sql`select ${cols} from gift_cards where ${scope(tenant)} and id = ${id}`
    })

    const lockById = SqlSchema.findOne({
      Request: ById,
      Result: Row,
      execute: ({ tenant, id }) =>
        sql`select ${cols} from gift_cards where ${scope(tenant)} and id = ${id} for no key update`
    })

    const Card = Schema.Struct({
      id: Schema.String,
      code: Schema.String,
      currency: Schema.String,
      initialBalance: Schema.Number,
      remainingBalance: Schema.Number,
      status: Schema.String,
      expiresAt: Schema.NullOr(Schema.DateFromSelf)
    })
    const cardFields = (card: GiftCard.GiftCard): typeof Card.Type => ({
      id: card.id,
      code: card.code,
      currency: card.initialBalance.currency,
      initialBalance: card.initialBalance.amount,
      remainingBalance: card.remainingBalance.amount,
      status: card.status,
      expiresAt: Option.match(card.expiresAt, { onNone: () => null, onSome: (at) => new Date(at.epochMillis) })
    })

    const insert = SqlSchema.findOne({
      Request: Schema.Struct({
        tenant: TenantSchema,
        card: Card,
        issuedAt: Schema.DateFromSelf,
        customerId: Schema.NullOr(Schema.String),
        note: Schema.NullOr(Schema.String)
      }),
      Result: Row,
      execute: ({ tenant, card, issuedAt, customerId, note }) =>
        sql`insert into gift_cards (id, site_id, livemode, code, currency, initial_balance, remaining_balance, status,
                                    customer_id, note, expires_at, created_at, updated_at)
            values (${card.id}, ${tenant.siteId}, ${tenant.livemode}, ${card.code}, ${card.currency},
                    ${card.initialBalance}, ${card.remainingBalance}, ${card.status}, ${customerId}, ${note},
                    ${card.expiresAt}, ${issuedAt}, ${issuedAt})
            on conflict (site_id, livemode, code) do nothing
            returning ${cols}`
    })

    const update = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, card: Card }),
      Result: Row,
      execute: ({ tenant, card }) =>
        sql`update gift_cards set remaining_balance = ${card.remainingBalance}, status = ${card.status},
                                  expires_at = ${card.expiresAt}
            where ${scope(tenant)} and id = ${card.id}
            returning ${cols}`
    })

    // One statement, so no lock outlives it (outside a caller's transaction): the redemption
    // applies only while the card is still ACTIVE, unexpired at `now` and holds `amount`, as the
    // package saw it; `REDEEMED` at 0 is what `gift_cards_status_matches_balance` demands too.
    const redeem = SqlSchema.findOne({
      Request: Schema.Struct({
        tenant: TenantSchema,
        id: Schema.String,
        amount: Schema.Number,
        now: Schema.DateFromSelf,
        orderId: Schema.NullOr(Schema.String)
      }),
      Result: Row,
      execute: ({ tenant, id, amount, now, orderId }) =>
        sql`with card as (
              update gift_cards
              set remaining_balance = remaining_balance - ${amount},
                  status = case when remaining_balance = ${amount} then 'REDEEMED' else 'ACTIVE' end
              where ${scope(tenant)} and id = ${id} and status = 'ACTIVE' and remaining_balance >= ${amount}
                and (expires_at is null or expires_at > ${now})
              returning ${cols}
            ), redemption as (
              insert into gift_card_redemptions (id, site_id, livemode, gift_card_id, amount, order_id)
              select ${Ids.make("gcr")}, ${tenant.siteId}, ${tenant.livemode}, id, ${amount}, ${orderId} from card
            )
            select * from card`
    })

    const dieIfMissing = <A>(found: Option.Option<A>) =>
      Option.match(found, {
        onNone: () => Effect.dieMessage("gift card vanished under its lock"),
        onSome: Effect.succeed
      })

    const listing = (tenant: Tenant, filters: Filters, now: DateTime.Utc) => ({
      tenant,
      now,
      ...(filters.status === undefined ? {} : { status: filters.status }),
      ...(filters.customerId === undefined ? {} : { customerId: filters.customerId }),
      ...(filters.code === undefined ? {} : { code: filters.code })
    })

    return {
      /** A page of the cards matching `filters` (status as of `now`), newest first, and their total. */
      list: (tenant: Tenant, filters: Filters, page: Pagination.Offset, now: DateTime.Utc) =>
        Database.boundary(
          Effect.gen(function* () {
            const q = listing(tenant, filters, now)
            const rows = yield* offsetPage({ ...q, limit: page.limit, offset: page.offset })
            const [counted] = yield* count(q)
            return { items: rows.map(toStored), total: counted?.total ?? 0 }
          })
        ),
      /** Up to `limit + 1` matching cards after `after` (newest first), each with its cursor sort key. */
      listAfter: (tenant: Tenant, filters: Filters, limit: number, after: Position | undefined, now: DateTime.Utc) =>
        Database.boundary(
          Effect.map(
            cursorPage({ ...listing(tenant, filters, now), limit, ...(after === undefined ? {} : { after }) }),
            (rows) => rows.map((row) => ({ stored: toStored(row), sortKey: row.sortKey }))
          )
        ),
      /** Where the card stands in the listing order, to continue after it. */
      positionOf: (tenant: Tenant, id: string) => Database.boundary(position({ tenant, id })),
      find: (tenant: Tenant, ref: { readonly id: string } | { readonly code: GiftCardCode.GiftCardCode }) =>
        Database.boundary(
          Effect.map(
            "id" in ref ? find({ tenant, id: ref.id }) : findByCode({ tenant, code: ref.code }),
            Option.map(toStored)
          )
        ),
      /** The card, locked against concurrent changes until the caller's transaction ends. */
      lock: (tenant: Tenant, id: string) =>
        Database.boundary(Effect.map(lockById({ tenant, id }), Option.map(toStored))),
      /** Stores a new card; `None` when its code is taken on this site and mode. */
      insert: (tenant: Tenant, card: GiftCard.GiftCard, extra: { customerId: string | null; note: string | null }) =>
        Database.boundary(
          Effect.map(
            insert({ tenant, card: cardFields(card), issuedAt: new Date(card.issuedAt.epochMillis), ...extra }),
            Option.map(toStored)
          )
        ),
      /** Stores a locked card's new balance, status and expiry. */
      update: (tenant: Tenant, card: GiftCard.GiftCard) =>
        Database.boundary(Effect.flatMap(update({ tenant, card: cardFields(card) }), dieIfMissing)).pipe(
          Effect.map(toStored)
        ),
      /**
       * Takes `amount` off the card and records it on the card's ledger, atomically, if the card is
       * still spendable at `now` and holds it; `None` when a concurrent change came first.
       */
      redeem: (tenant: Tenant, id: string, amount: number, now: DateTime.Utc, orderId: string | null) =>
        Database.boundary(
          Effect.map(redeem({ tenant, id, amount, now: new Date(now.epochMillis), orderId }), Option.map(toStored))
        )
    }
  })
}) {}
