/**
 * "A refused request changes nothing", checked on the database itself. Every committed change
 * writes WAL, so an unchanged WAL insert position proves nothing changed; when it moved (reads may
 * also write WAL, pruning pages), the content of every table is hashed and compared. Tables that
 * change on every authenticated request (a key's `last_used_at`) are found first, by reads, and
 * left out, named in the report.
 */
import type pg from "pg"

export type Hashes = ReadonlyMap<string, string>

export const lsn = async (db: pg.Pool): Promise<string> =>
  (await db.query<{ lsn: string }>("select pg_current_wal_insert_lsn()::text as lsn")).rows[0]!.lsn

const tablesOf = async (db: pg.Pool): Promise<ReadonlyArray<string>> =>
  (
    await db.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1"
    )
  ).rows.map((row) => row.name)

/** Every table's rows, hashed in a stable order. */
export const hashes = async (db: pg.Pool, except: ReadonlySet<string> = new Set()): Promise<Hashes> => {
  const tables = (await tablesOf(db)).filter((table) => !except.has(table))
  const sql = tables
    .map(
      (table) =>
        `select '${table}' as name, coalesce(md5(string_agg(md5(t::text), '' order by md5(t::text))), '') as hash from "${table}" t`
    )
    .join(" union all ")
  const rows = (await db.query<{ name: string; hash: string }>(sql)).rows
  return new Map(rows.map((row) => [row.name, row.hash]))
}

/** The tables whose content differs. */
export const changed = (before: Hashes, after: Hashes): ReadonlyArray<string> =>
  [...new Set([...before.keys(), ...after.keys()])].filter((table) => before.get(table) !== after.get(table))

/**
 * Tracks the database across a sequence of requests: `before()` ahead of a request, then
 * `after()` returns the tables a request changed (empty when it changed nothing).
 */
export const tracker = (db: pg.Pool, volatile: ReadonlySet<string>) => {
  let known: { lsn: string; hashes: Hashes } | undefined
  let start = ""
  return {
    before: async () => {
      start = await lsn(db)
      if (known?.lsn !== start) known = { lsn: start, hashes: await hashes(db, volatile) }
    },
    after: async (): Promise<ReadonlyArray<string>> => {
      const now = await lsn(db)
      if (now === start) return []
      const current = await hashes(db, volatile)
      const diff = changed(known!.hashes, current)
      known = { lsn: now, hashes: current }
      return diff
    },
    /** The request was allowed to change things: start over from the current state. */
    reset: () => {
      known = undefined
    }
  }
}
