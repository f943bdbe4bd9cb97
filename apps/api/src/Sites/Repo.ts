/**
 * SQL for sites: a site is the tenant every other row belongs to. Its plan is a row of the
 * `plans` table, whose limits apply unless the site overrides them. Rows are decoded with `Site`
 * at this boundary; the functions run inside whatever transaction their caller opened.
 */
import { Database, Ids } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Schema } from "effect"

export class Site extends Schema.Class<Site>("Site")({
  id: Schema.String,
  name: Schema.String,
  locale: Schema.String,
  currency: Schema.String,
  primaryDomain: Schema.NullOr(Schema.String),
  domains: Schema.Array(Schema.String),
  theme: Schema.Record({ key: Schema.String, value: Schema.String }),
  plan: Schema.String,
  /** The per-key limit in force: the site's override, else its plan's. */
  rateLimitRpm: Schema.Number,
  createdAt: Schema.DateFromSelf
}) {}

/** A site to insert; `plan` omitted means the column default. */
export const NewSiteRow = Schema.Struct({
  name: Schema.String,
  currency: Schema.String,
  locale: Schema.String,
  plan: Schema.optional(Schema.String),
  primaryDomain: Schema.NullOr(Schema.String),
  theme: Schema.Record({ key: Schema.String, value: Schema.String }),
  reviewAutoApprove: Schema.Boolean
})

/**
 * A site's own per-minute limits, each replacing its plan's: the per-key limit (30–1000, as the
 * `sites` table allows) and the route limits of `/checkout`, `/orders` and product search.
 */
export const Limits = Schema.Struct({
  rateLimitRpm: Schema.optional(Schema.Int.pipe(Schema.between(30, 1000))),
  checkoutLimitRpm: Schema.optional(Schema.Int.pipe(Schema.between(1, 1_000_000))),
  ordersLimitRpm: Schema.optional(Schema.Int.pipe(Schema.between(1, 1_000_000))),
  productSearchLimitRpm: Schema.optional(Schema.Int.pipe(Schema.between(1, 1_000_000)))
})
export type Limits = typeof Limits.Type

/** The limits in force: the site's own where it set one, its plan's otherwise. */
export const EffectiveLimits = Schema.Struct({
  rateLimitRpm: Schema.Int,
  checkoutLimitRpm: Schema.Int,
  ordersLimitRpm: Schema.Int,
  productSearchLimitRpm: Schema.Int
})

export class SitesRepo extends Effect.Service<SitesRepo>()("@shopvo/api/SitesRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    // The columns of `Site`, from `sites s` joined with its plan `p`.
    const siteColumns = sql`s.id, s.name, s.locale, s.currency, s.primary_domain as "primaryDomain", s.domains,
      s.theme, s.plan, coalesce(s.rate_limit_rpm, p.rate_limit_rpm) as "rateLimitRpm", s.created_at as "createdAt"`

    const planNames = SqlSchema.findAll({
      Request: Schema.Void,
      Result: Schema.Struct({ name: Schema.String }),
      execute: () => sql`select name from plans order by rate_limit_rpm, name`
    })

    const find = SqlSchema.findOne({
      Request: Schema.String,
      Result: Site,
      execute: (id) => sql`select ${siteColumns} from sites s join plans p on p.name = s.plan where s.id = ${id}`
    })

    const setLimits = SqlSchema.findOne({
      Request: Schema.Struct({ siteId: Schema.String, limits: Limits }),
      Result: EffectiveLimits,
      execute: ({ siteId, limits }) => sql`
        with s as (
          update sites set
            rate_limit_rpm = coalesce(${limits.rateLimitRpm ?? null}::int, rate_limit_rpm),
            checkout_limit_rpm = coalesce(${limits.checkoutLimitRpm ?? null}::int, checkout_limit_rpm),
            orders_limit_rpm = coalesce(${limits.ordersLimitRpm ?? null}::int, orders_limit_rpm),
            product_search_limit_rpm = coalesce(${limits.productSearchLimitRpm ?? null}::int, product_search_limit_rpm),
            updated_at = now()
          where id = ${siteId}
          returning *
        )
        select coalesce(s.rate_limit_rpm, p.rate_limit_rpm) as "rateLimitRpm",
               coalesce(s.checkout_limit_rpm, p.checkout_limit_rpm) as "checkoutLimitRpm",
               coalesce(s.orders_limit_rpm, p.orders_limit_rpm) as "ordersLimitRpm",
               coalesce(s.product_search_limit_rpm, p.product_search_limit_rpm) as "productSearchLimitRpm"
        from s join plans p on p.name = s.plan`
    })

    const anySite = SqlSchema.single({
      Request: Schema.Void,
      Result: Schema.Struct({ found: Schema.Boolean }),
      execute: () => sql`select exists (select 1 from sites) as found`
    })

    const insert = SqlSchema.single({
      Request: NewSiteRow,
      Result: Site,
      execute: (site) => {
        const domains = site.primaryDomain === null ? [] : [site.primaryDomain]
        return sql`
          with s as (
            insert into sites (id, name, currency, locale, primary_domain, domains, theme, plan, review_auto_approve)
            values (${Ids.make("site")}, ${site.name}, ${site.currency}, ${site.locale}, ${site.primaryDomain},
                    ${domains}::text[], ${JSON.stringify(site.theme)}::jsonb, ${site.plan ?? sql`default`},
                    ${site.reviewAutoApprove})
            returning *
          )
          select ${siteColumns} from s join plans p on p.name = s.plan`
      }
    })

    return {
      /** The names of the plans a site may have, smallest first. */
      planNames: Database.boundary(planNames()).pipe(Effect.map((rows) => rows.map((row) => row.name))),
      find: (id: string) => Database.boundary(find(id)),
      /** Whether the database holds any site at all. */
      anySite: Database.boundary(anySite()).pipe(
        Effect.map((row) => row.found),
        Effect.catchTag("NoSuchElementException", Effect.die)
      ),
      /** Sets the site's own limits (the others keep theirs); `None` when there is no such site. */
      setLimits: (siteId: string, limits: Limits) => Database.boundary(setLimits({ siteId, limits })),
      insert: (site: typeof NewSiteRow.Type) =>
        Database.boundary(insert(site)).pipe(Effect.catchTag("NoSuchElementException", Effect.die))
    }
  })
}) {}
