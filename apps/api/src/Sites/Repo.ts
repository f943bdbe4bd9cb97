/**
 * SQL for sites: a site is the tenant every other row belongs to. Its plan is a row of the
 * `plans` table, whose limits apply unless the site overrides them.
 */
import { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"
import { Ids } from "@shopvo/kernel"

export interface Site {
  readonly id: string
  readonly name: string
  readonly locale: string
  readonly currency: string
  readonly primaryDomain: string | null
  readonly domains: ReadonlyArray<string>
  readonly theme: Readonly<Record<string, string>>
  readonly plan: string
  /** The per-key limit in force: the site's override, else its plan's. */
  readonly rateLimitRpm: number
  readonly createdAt: Date
}

interface SiteRow {
  readonly id: string
  readonly name: string
  readonly locale: string
  readonly currency: string
  readonly primary_domain: string | null
  readonly domains: ReadonlyArray<string>
  readonly theme: Record<string, string>
  readonly plan: string
  readonly rate_limit_rpm: number
  readonly created_at: Date
}

const toSite = (row: SiteRow): Site => ({
  id: row.id,
  name: row.name,
  locale: row.locale,
  currency: row.currency,
  primaryDomain: row.primary_domain,
  domains: row.domains,
  theme: row.theme,
  plan: row.plan,
  rateLimitRpm: row.rate_limit_rpm,
  createdAt: row.created_at
})

/** The names of the plans a site may have, smallest first. */
export const planNames = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql<{ name: string }>`select name from plans order by rate_limit_rpm, name`
).pipe(Effect.map((rows) => rows.map((row) => row.name)))

// The columns of `SiteRow`, from `sites s` joined with its plan `p`.
const siteColumns = (sql: SqlClient.SqlClient) =>
  sql`s.id, s.name, s.locale, s.currency, s.primary_domain, s.domains, s.theme, s.plan,
      coalesce(s.rate_limit_rpm, p.rate_limit_rpm) as rate_limit_rpm, s.created_at`

export const find = (id: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql<SiteRow>`select ${siteColumns(sql)} from sites s join plans p on p.name = s.plan where s.id = ${id}`
  ).pipe(Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toSite)))

export interface NewSite {
  readonly name: string
  readonly currency: string
  readonly locale?: string
  /** A name from `plans`; the column default otherwise. */
  readonly plan?: string
  readonly primaryDomain?: string | null
  readonly theme?: Readonly<Record<string, string>>
}

export const create = (input: NewSite) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const domains = input.primaryDomain ? [input.primaryDomain] : []
    const rows = yield* sql<SiteRow>`
      with s as (
        insert into sites (id, name, currency, locale, primary_domain, domains, theme, plan)
        values (${Ids.make("site")}, ${input.name}, ${input.currency}, ${input.locale ?? "en"}, ${input.primaryDomain ?? null},
                ${domains}::text[], ${JSON.stringify(input.theme ?? {})}::jsonb, ${input.plan ?? sql`default`})
        returning *
      )
      select ${siteColumns(sql)} from s join plans p on p.name = s.plan`
    return toSite(rows[0]!)
  })
