/**
 * SQL for sites: a site is the tenant every other row belongs to.
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

/** Plans and their request-per-minute limits (the reference: plan-dependent, 30–1000 rpm). */
export const plans = { free: 30, starter: 120, growth: 300, enterprise: 1000 } as const
export type Plan = keyof typeof plans

export const find = (id: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<SiteRow>`select id, name, locale, currency, primary_domain, domains, theme, plan, rate_limit_rpm, created_at
                 from sites where id = ${id}`
  ).pipe(Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toSite)))

export interface NewSite {
  readonly name: string
  readonly currency: string
  readonly locale?: string
  readonly plan?: Plan
  readonly primaryDomain?: string | null
  readonly theme?: Readonly<Record<string, string>>
}

export const create = (input: NewSite) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const plan = input.plan ?? "starter"
    const domains = input.primaryDomain ? [input.primaryDomain] : []
    const rows = yield* sql<SiteRow>`
      insert into sites (id, name, currency, locale, primary_domain, domains, theme, plan, rate_limit_rpm)
      values (${Ids.make("site")}, ${input.name}, ${input.currency}, ${input.locale ?? "en"}, ${input.primaryDomain ?? null},
              ${domains}::text[], ${JSON.stringify(input.theme ?? {})}::jsonb, ${plan}, ${plans[plan]})
      returning id, name, locale, currency, primary_domain, domains, theme, plan, rate_limit_rpm, created_at`
    return toSite(rows[0]!)
  })
