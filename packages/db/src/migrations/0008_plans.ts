/**
 * One table of plans and their limits, read by the key lookup; before this, 0001's column
 * default (free: 60 requests/min) and the application (free: 30) disagreed.
 *
 * A plan sets the per-key limit and the per-route limits the rate limiter applies on top of it
 * (the reference: checkout 10, orders 30, product search 60 requests/min per key). A site names
 * its plan (a foreign key) and may override any of the four limits: a null override means the
 * plan's value, so the effective limit is `coalesce(site override, plan)`. Plans are not tenant
 * data (they would be a reference table under Citus, like `sites`).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table plans (
      name text primary key constraint plans_name_format check (name ~ '^[a-z][a-z0-9-]{0,39}$'),
      rate_limit_rpm integer not null constraint plans_rate_limit_positive check (rate_limit_rpm > 0),
      checkout_limit_rpm integer not null constraint plans_checkout_limit_positive check (checkout_limit_rpm > 0),
      orders_limit_rpm integer not null constraint plans_orders_limit_positive check (orders_limit_rpm > 0),
      product_search_limit_rpm integer not null
        constraint plans_product_search_limit_positive check (product_search_limit_rpm > 0)
    )`
  yield* sql`
    insert into plans (name, rate_limit_rpm, checkout_limit_rpm, orders_limit_rpm, product_search_limit_rpm) values
      ('free', 30, 10, 30, 60),
      ('starter', 120, 10, 30, 60),
      ('growth', 300, 10, 30, 60),
      ('enterprise', 1000, 10, 30, 60)`

  // The plan every site was given by the application; the column default now says the same.
  yield* sql`
    alter table sites
      drop constraint sites_plan_known,
      alter column plan set default 'starter',
      add constraint sites_plan_fk foreign key (plan) references plans (name) on update cascade,
      alter column rate_limit_rpm drop not null,
      alter column rate_limit_rpm drop default,
      add column checkout_limit_rpm integer constraint sites_checkout_limit_positive check (checkout_limit_rpm > 0),
      add column orders_limit_rpm integer constraint sites_orders_limit_positive check (orders_limit_rpm > 0),
      add column product_search_limit_rpm integer
        constraint sites_product_search_limit_positive check (product_search_limit_rpm > 0)`

  // Stored limits equal to the plan's were copies, not overrides; a different one stays enforced.
  yield* sql`
    update sites set rate_limit_rpm = null
    from plans where plans.name = sites.plan and sites.rate_limit_rpm = plans.rate_limit_rpm`
})
