/**
 * The constraints of the platform tables (0001, as later migrations left them):
 * rows an application bug could write are refused by the database itself.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestDatabase } from "../src/testing.js"

let counter = 0
const nextId = (prefix: string) => `${prefix}_t${++counter}`
const hash = (n: number) => n.toString(16).padStart(64, "0")

/** The SQLSTATE and constraint name of a refused statement. */
const refusal = <A, R>(statement: Effect.Effect<A, SqlError, R>) =>
  Effect.flip(statement).pipe(
    Effect.map((error) => {
      const cause = error.cause as { code?: string; constraint?: string }
      return { code: cause.code, constraint: cause.constraint }
    })
  )

const check = (constraint: string) => ({ code: "23514", constraint })

const insertSite = (overrides: Record<string, unknown> = {}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const row = { id: nextId("site"), name: "My Store", currency: "EUR", ...overrides }
    yield* sql`insert into sites ${sql.insert(row)}`
    return row.id as string
  })

const insertKey = (siteId: string, overrides: Record<string, unknown> = {}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const row = {
      id: nextId("key"),
      site_id: siteId,
      livemode: false,
      key_hash: hash(++counter),
      key_prefix: "sk_test_4eC3",
      scopes: ["read:content"],
      ...overrides
    }
    yield* sql`insert into api_keys ${sql.insert(row)}`
    return row.id as string
  })

describe("Platform schema (0001_platform)", () => {
  it.layer(TestDatabase.layer)((it) => {
    it.effect("sites: a valid site gets the documented defaults", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const id = yield* insertSite({
          domains: ["mystore.eu", "www.mystore.eu"],
          primary_domain: "mystore.eu",
          theme: JSON.stringify({ "--color-primary": "#6366f1" })
        })
        const [site] = yield* sql`select * from sites where id = ${id}`
        expect(site).toMatchObject({
          locale: "en",
          plan: "starter",
          // No overrides: the plan's limits apply (0008_plans).
          rate_limit_rpm: null,
          checkout_limit_rpm: null,
          orders_limit_rpm: null,
          product_search_limit_rpm: null,
          review_auto_approve: false,
          low_stock_threshold: 5,
          domains: ["mystore.eu", "www.mystore.eu"],
          theme: { "--color-primary": "#6366f1" }
        })
        expect(site!["created_at"]).toBeInstanceOf(Date)
      })
    )

    it.effect("sites: updated_at moves on every update", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const id = yield* insertSite()
        yield* sql`update sites set name = 'Renamed' where id = ${id}`
        const [row] = yield* sql<{
          moved: boolean
        }>`select updated_at > created_at as moved from sites where id = ${id}`
        expect(row!.moved).toBe(true)
      })
    )

    it.effect("sites: rate_limit_rpm accepts 30 and 1000 and refuses 29 and 1001", () =>
      Effect.gen(function* () {
        yield* insertSite({ rate_limit_rpm: 30 })
        yield* insertSite({ rate_limit_rpm: 1000 })
        expect(yield* refusal(insertSite({ rate_limit_rpm: 29 }))).toEqual(check("sites_rate_limit_range"))
        expect(yield* refusal(insertSite({ rate_limit_rpm: 1001 }))).toEqual(check("sites_rate_limit_range"))
      })
    )

    it.effect("sites: malformed values are refused", () =>
      Effect.gen(function* () {
        const cases: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
          [{ id: "shop_1" }, "sites_id_format"],
          [{ id: "site_" }, "sites_id_format"],
          [{ name: "   " }, "sites_name_length"],
          [{ currency: "eur" }, "sites_currency_format"],
          [{ currency: "EURO" }, "sites_currency_format"],
          [{ locale: "EN" }, "sites_locale_format"],
          [{ low_stock_threshold: -1 }, "sites_low_stock_threshold_range"],
          [{ domains: ["MyStore.eu"] }, "sites_domains_lowercase"],
          [{ domains: ["a.eu"], primary_domain: "b.eu" }, "sites_primary_domain_listed"],
          [{ theme: JSON.stringify({ "--radius": 4 }) }, "sites_theme_tokens"],
          [{ theme: JSON.stringify(["#fff"]) }, "sites_theme_tokens"]
        ]
        for (const [overrides, constraint] of cases) {
          expect(yield* refusal(insertSite(overrides)), JSON.stringify(overrides)).toEqual(check(constraint))
        }
        expect(yield* refusal(insertSite({ plan: "platinum" }))).toEqual({ code: "23503", constraint: "sites_plan_fk" })
      })
    )

    it.effect("api_keys: a valid key, then malformed keys refused", () =>
      Effect.gen(function* () {
        const siteId = yield* insertSite()
        yield* insertKey(siteId, {
          livemode: true,
          key_prefix: "sk_live_9xYz",
          scopes: ["admin:*"],
          signing_secret: "sks_abc123"
        })
        const cases: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
          [{ id: "apikey_1" }, "api_keys_id_format"],
          // The key itself where its hash belongs.
          [{ key_hash: "sk_test_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN" }, "api_keys_key_hash_format"],
          [{ key_hash: "AB".repeat(32) }, "api_keys_key_hash_format"],
          [{ livemode: true, key_prefix: "sk_test_4eC3" }, "api_keys_prefix_matches_mode"],
          [{ livemode: false, key_prefix: "sk_live_4eC3" }, "api_keys_prefix_matches_mode"],
          [{ scopes: [] }, "api_keys_scopes_nonempty"],
          [{ signing_secret: "whsec_abc" }, "api_keys_signing_secret_format"],
          [{ revoked_at: new Date("2000-01-01T00:00:00Z") }, "api_keys_revoked_after_created"]
        ]
        for (const [overrides, constraint] of cases) {
          expect(yield* refusal(insertKey(siteId, overrides)), JSON.stringify(overrides)).toEqual(check(constraint))
        }
      })
    )

    it.effect("api_keys: every non-empty scope list is stored (the API checks scopes against the spec)", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const siteId = yield* insertSite()
        const id = yield* insertKey(siteId, { scopes: ["read:content", "write:something-new"] })
        const [row] = yield* sql<{ scopes: Array<string> }>`select scopes from api_keys where id = ${id}`
        expect(row!.scopes).toEqual(["read:content", "write:something-new"])
      })
    )

    it.effect("api_keys: a key hash is unique within its site; the site must exist", () =>
      Effect.gen(function* () {
        const a = yield* insertSite()
        yield* insertKey(a, { key_hash: hash(999_999) })
        expect(yield* refusal(insertKey(a, { key_hash: hash(999_999) }))).toEqual({
          code: "23505",
          constraint: "api_keys_key_hash_unique"
        })
        expect((yield* refusal(insertKey("site_missing"))).code).toBe("23503")
      })
    )

    it.effect("idempotency_keys: tied to its API key's site and mode; response present exactly when completed", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const siteId = yield* insertSite()
        const otherSite = yield* insertSite()
        const keyId = yield* insertKey(siteId)
        const base = {
          api_key_id: keyId,
          site_id: siteId,
          livemode: false,
          request_hash: hash(7),
          expires_at: new Date(Date.now() + 86_400_000)
        }
        const insert = (row: Record<string, unknown>) => sql`insert into idempotency_keys ${sql.insert(row)}`

        // Another site's or the other mode's data cannot point at this key.
        expect((yield* refusal(insert({ ...base, key: "k-mode", livemode: true }))).code).toBe("23503")
        expect((yield* refusal(insert({ ...base, key: "k-site", site_id: otherSite }))).code).toBe("23503")

        expect(yield* refusal(insert({ ...base, key: "k-bad", status: "done" }))).toEqual(
          check("idempotency_keys_status_known")
        )
        expect(yield* refusal(insert({ ...base, key: "k-empty", status: "completed" }))).toEqual(
          check("idempotency_keys_response_matches_status")
        )
        expect(yield* refusal(insert({ ...base, key: "k-early", response_status: 200 }))).toEqual(
          check("idempotency_keys_response_matches_status")
        )
        expect(yield* refusal(insert({ ...base, key: "" }))).toEqual(check("idempotency_keys_key_length"))

        // The stored body comes back byte for byte.
        const body = Buffer.from([0x7b, 0x22, 0xc3, 0xa9, 0x22, 0x7d, 0x00, 0xff])
        yield* insert({ ...base, key: "k-ok" })
        yield* sql`update idempotency_keys set status = 'completed', response_status = 201,
          response_headers = ${JSON.stringify({ "content-type": "application/json" })}, response_body = ${body}
          where api_key_id = ${keyId} and key = 'k-ok'`
        const [row] = yield* sql<{
          response_body: Buffer
        }>`select response_body from idempotency_keys where key = 'k-ok'`
        expect(Buffer.compare(row!.response_body, body)).toBe(0)

        expect((yield* refusal(insert({ ...base, key: "k-ok" }))).code).toBe("23505")
      })
    )

    it.effect("signature_replays: a signature is recorded once", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const row = { signature_hash: hash(4242), expires_at: new Date(Date.now() + 300_000) }
        const first = yield* sql`insert into signature_replays ${sql.insert(row)} on conflict do nothing returning 1`
        const replay = yield* sql`insert into signature_replays ${sql.insert(row)} on conflict do nothing returning 1`
        expect([first.length, replay.length]).toEqual([1, 0])
      })
    )

    it.effect("events: typed, tenant-scoped outbox rows", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const siteId = yield* insertSite()
        const event = (overrides: Record<string, unknown>) => ({
          id: nextId("evt"),
          site_id: siteId,
          livemode: false,
          type: "order.created",
          payload: JSON.stringify({ id: "order_1" }),
          ...overrides
        })
        yield* sql`insert into events ${sql.insert(event({}))}`
        expect(yield* refusal(sql`insert into events ${sql.insert(event({ type: "Order Created" }))}`)).toEqual(
          check("events_type_format")
        )
        expect(yield* refusal(sql`insert into events ${sql.insert(event({ payload: "[1]" }))}`)).toEqual(
          check("events_payload_object")
        )
      })
    )

    it.effect("every tenant table carries site_id and livemode (this and every later migration)", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ table_name: string; columns: number }>`
          select table_name, count(*)::int as columns from information_schema.columns
          where table_schema = 'public' and column_name in ('site_id', 'livemode')
          group by table_name order by table_name`
        const tenantTables = rows.map((row) => row.table_name)
        for (const table of ["api_keys", "events", "idempotency_keys"]) expect(tenantTables).toContain(table)
        // A table with one of the two columns but not the other is a tenancy bug, except where a
        // site-wide value deliberately spans both modes: the order number counter (a number names
        // one order of the site, test or live).
        const siteWide = new Set(["order_counters"])
        expect(rows.filter((row) => row.columns !== 2 && !siteWide.has(row.table_name))).toEqual([])
      })
    )
  })
})
