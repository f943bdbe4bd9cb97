/**
 * Plans (0008_plans): one table of limits that sites reference, with per-site overrides.
 */
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Migrations from "../src/Migrations.js"
import { TestDatabase } from "../src/testing.js"

describe("Plans (0008_plans)", () => {
  it.layer(TestDatabase.layer)((it) => {
    it.effect("seeds the reference's plans: per-key limit, and checkout 10, orders 30, search 60", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql`
          select name, rate_limit_rpm, checkout_limit_rpm, orders_limit_rpm, product_search_limit_rpm
          from plans order by rate_limit_rpm`
        const routes = { checkout_limit_rpm: 10, orders_limit_rpm: 30, product_search_limit_rpm: 60 }
        expect(rows).toEqual([
          { name: "free", rate_limit_rpm: 30, ...routes },
          { name: "starter", rate_limit_rpm: 120, ...routes },
          { name: "growth", rate_limit_rpm: 300, ...routes },
          { name: "enterprise", rate_limit_rpm: 1000, ...routes }
        ])
      })
    )

    it.effect("a plan in use cannot be deleted; route overrides must be positive", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`insert into sites (id, name, currency, plan) values ('site_plans1', 'A', 'EUR', 'growth')`
        const deleted = yield* Effect.flip(sql`delete from plans where name = 'growth'`)
        expect(deleted.cause).toMatchObject({ code: "23503", constraint: "sites_plan_fk" })
        const zero = yield* Effect.flip(sql`update sites set checkout_limit_rpm = 0 where id = 'site_plans1'`)
        expect(zero.cause).toMatchObject({ code: "23514", constraint: "sites_checkout_limit_positive" })
      })
    )
  })

  it.layer(TestDatabase.layerUnmigrated)("on a database created before plans", (it) => {
    it.effect("keeps a site's own limit as an override; a copy of its plan's limit becomes the plan's", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        // The migrations before 0008, run from a folder of links to them.
        const before = yield* Effect.acquireRelease(
          Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "shopvo-before-plans-"))),
          (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true }))
        )
        const files = (yield* Effect.promise(() => fs.readdir(Migrations.directory))).filter(
          (file) => /^\d+_/.test(file) && Number.parseInt(file, 10) < 8
        )
        yield* Effect.promise(() =>
          Promise.all(files.map((file) => fs.symlink(path.join(Migrations.directory, file), path.join(before, file))))
        )
        yield* Migrations.runFrom(before)

        yield* sql`insert into sites (id, name, currency, plan, rate_limit_rpm) values
          ('site_copy', 'Copy', 'EUR', 'growth', 300),
          ('site_custom', 'Custom', 'EUR', 'growth', 500),
          ('site_default', 'Default', 'EUR', 'free', 60)`
        expect((yield* Migrations.run).map(([id]) => id)).toContain(8)

        const rows = yield* sql`
          select s.id, s.rate_limit_rpm as override, coalesce(s.rate_limit_rpm, p.rate_limit_rpm) as effective
          from sites s join plans p on p.name = s.plan order by s.id`
        expect(rows).toEqual([
          { id: "site_copy", override: null, effective: 300 },
          { id: "site_custom", override: 500, effective: 500 },
          // 0001's column default (60) was what this site was held to: it stays so.
          { id: "site_default", override: 60, effective: 60 }
        ])
      }).pipe(Effect.scoped, Effect.provide(NodeContext.layer))
    )
  })
})
