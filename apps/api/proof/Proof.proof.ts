/**
 * `pnpm proof`: what the API promises across all its operations at once, tried systematically
 * against the bundled server on a fresh database, with the figures written to PROOF.md.
 *
 * Every case comes from the spec (operations, parameters, schemas, scopes), so an operation added
 * later is covered without editing this file. PROOF_PROFILE=full (`pnpm proof`) runs enough cases
 * for at least 20,000 fuzzed requests and a minute of load; the quick profile (the default, run by
 * `pnpm test`) a bounded number. PROOF_OUT=<file> writes the report there.
 */
import { Spec } from "@shopvo/contract"
import { FastCheck as fc } from "effect"
import { spawn, type ChildProcess } from "node:child_process"
import { createHmac } from "node:crypto"
import * as fs from "node:fs"
import { connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as A from "../test/support/Arbitraries.js"
import { describeOutcome, implemented, inputsOf, type Outcome, order, problemOf } from "../test/support/Fuzzing.js"
import { bundledMain, freePort, waitFor } from "../test/support/Process.js"
import * as Report from "./support/Report.js"
import * as Snapshot from "./support/Snapshot.js"
import { type Stack, sleep, start } from "./support/Stack.js"
import { TestDatabase } from "@shopvo/db/testing"

const full = process.env["PROOF_PROFILE"] === "full"
const profile = {
  name: full ? "full" : "quick",
  /** Samples per operation and category of input (built operations; unbuilt ones get 1). */
  fuzzSamples: full ? 30 : 1,
  loadSeconds: full ? 60 : 5,
  loadConnections: full ? 50 : 8,
  faultSeconds: full ? 20 : 8
}
const seed = 20_261_202
const started = new Date()

// ---------------------------------------------------------------------------------------------
// HTTP

interface Answer {
  readonly status: number | "no answer"
  readonly headers: Headers
  readonly text: string
}

interface Send {
  readonly key?: string | undefined
  readonly body?: string | Uint8Array | undefined
  readonly contentType?: string
  readonly headers?: Readonly<Record<string, string>>
}

let stack: Stack

const send = async (method: string, url: string, options: Send = {}): Promise<Answer> => {
  try {
    const response = await fetch(`${stack.baseUrl}${url}`, {
      method: method.toUpperCase(),
      headers: {
        ...(options.key === undefined ? {} : { authorization: `Bearer ${options.key}` }),
        ...(options.body === undefined ? {} : { "content-type": options.contentType ?? "application/json" }),
        ...options.headers
      },
      signal: AbortSignal.timeout(30_000),
      ...(options.body === undefined ? {} : { body: options.body })
    })
    return { status: response.status, headers: response.headers, text: await response.text() }
  } catch (error) {
    return { status: "no answer", headers: new Headers(), text: String(error) }
  }
}

const isWrite = (op: Spec.Operation) => op.method !== "get"
const is2xx = (status: number | string) => typeof status === "number" && status >= 200 && status < 300
const is5xx = (status: number | string) => typeof status !== "number" || status >= 500
/** A 5xx that is not an unbuilt operation's 501. */
const isServerError = (op: Spec.Operation, status: number | string) =>
  is5xx(status) && !(status === 501 && !implemented.has(op.id))

/** The `data.id` of a success envelope. */
const dataId = (answer: Answer): string | undefined => {
  let parsed: unknown
  try {
    parsed = JSON.parse(answer.text)
  } catch {
    return undefined
  }
  const data = typeof parsed === "object" && parsed !== null && "data" in parsed ? parsed.data : undefined
  return typeof data === "object" && data !== null && "id" in data ? String(data.id) : undefined
}

/** Every string in a JSON document. */
const stringsOf = (text: string): ReadonlyArray<string> => {
  const found: Array<string> = []
  const walk = (value: unknown): void => {
    if (typeof value === "string") found.push(value)
    else if (Array.isArray(value)) value.forEach(walk)
    else if (value !== null && typeof value === "object") Object.values(value).forEach(walk)
  }
  try {
    walk(JSON.parse(text))
  } catch {
    // not JSON: nothing to scan
  }
  return found
}

// ---------------------------------------------------------------------------------------------
// The stores' rows, found in the database: ids for every path parameter, by the parameter's name.

interface Tenant {
  readonly siteId: string
  readonly livemode: boolean
}

/** Tables holding a tenant's rows: those with `id`, `site_id` and `livemode`. */
let tenantTables: ReadonlyArray<string> = []

const loadTenantTables = async () => {
  const rows = await stack.db.query<{ table_name: string }>(`
    select table_name from information_schema.columns
    where table_schema = 'public' and column_name in ('id', 'site_id', 'livemode')
    group by table_name having count(*) = 3 order by 1`)
  tenantTables = rows.rows.map((row) => row.table_name)
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** The table a path parameter (`giftCardId`) names, when one does (`gift_cards`). */
const tableOf = (param: string): string | undefined => {
  if (!param.endsWith("Id")) return undefined
  const base = snake(param.slice(0, -2))
  return [`${base}s`, `${base}es`, base, `b2b_${base}s`, `${base}_sessions`, `${base}_subscriptions`].find((t) =>
    tenantTables.includes(t)
  )
}

const idsOf = async (table: string, tenant: Tenant, limit = 20): Promise<ReadonlyArray<string>> =>
  (
    await stack.db.query<{ id: string }>(
      `select id::text as id from "${table}" where site_id = $1 and livemode = $2 order by id limit ${limit}`,
      [tenant.siteId, tenant.livemode]
    )
  ).rows.map((row) => row.id)

const pathParams = [...new Set(Spec.operations.flatMap((op) => op.parameters.filter((p) => p.in === "path")))].map(
  (p) => p.name
)

const poolsOf = async (tenant: Tenant): Promise<A.Pools> => {
  const pools: Record<string, ReadonlyArray<string>> = { siteId: [tenant.siteId] }
  for (const param of new Set(pathParams)) {
    const table = tableOf(param)
    if (table) pools[param] = await idsOf(table, tenant)
  }
  const products = pools["productId"] ?? []
  const categories = pools["categoryId"] ?? (await idsOf("categories", tenant))
  return {
    ...pools,
    resourceType: ["product"],
    resourceId: products,
    parentId: categories,
    categoryIds: categories,
    cursor: products,
    handle: ["main", "footer"],
    fields: ["id,name,price,slug", "name,description,status"]
  }
}

/** Every id of a tenant, in every table. */
const allIdsOf = async (tenant: Tenant): Promise<ReadonlySet<string>> => {
  const ids = new Set<string>()
  for (const table of tenantTables) for (const id of await idsOf(table, tenant, 100_000)) ids.add(id)
  return ids
}

// ---------------------------------------------------------------------------------------------
// Keys

interface Key {
  readonly id: string
  readonly key: string
  readonly signingSecret?: string
}

const createKey = async (siteId: string, scopes: ReadonlyArray<string>, extra: ReadonlyArray<string> = []) => {
  const created = await stack.cli("keys", "create", "--site", siteId, "--scopes", scopes.join(","), ...extra)
  if (typeof created !== "object" || created === null || !("key" in created) || !("id" in created))
    throw new Error(`keys create printed ${JSON.stringify(created)}`)
  return {
    id: String(created.id),
    key: String(created.key),
    ...("signingSecret" in created && typeof created.signingSecret === "string"
      ? { signingSecret: created.signingSecret }
      : {})
  } satisfies Key
}

/** At most `n` promises at a time. */
const inBatches = async <T, R>(items: ReadonlyArray<T>, n: number, f: (item: T) => Promise<R>) => {
  const results: Array<R> = []
  for (let i = 0; i < items.length; i += n) results.push(...(await Promise.all(items.slice(i, i + n).map(f))))
  return results
}

const address = {
  firstName: "Ada",
  lastName: "Lovelace",
  line1: "Ermou 25",
  city: "Athens",
  postalCode: "10563",
  country: "GR"
}

const sign = (secret: string, t: number, body: string) =>
  `t=${t},sha256=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`

// ---------------------------------------------------------------------------------------------

const operations = [...Spec.operations].sort((a, b) => order(a) - order(b))
// The scopes a key can be given, but `admin:*`, which grants them all.
const scopes = [...new Set(Spec.operations.flatMap((op) => op.scopes))].filter((s) => s !== "admin:*").sort()

/** One valid input for `op` (path, query and body from the pools), or undefined when none can be made. */
const validInput = (op: Spec.Operation, pools: A.Pools, n = 0) => {
  const [valid] = inputsOf(op, pools)
  return fc.sample(valid!, { seed: seed + n, numRuns: 1 })[0]!
}

/**
 * The operation's valid JSON rows as CSV, once per scalar string field with a NUL in that field of
 * the first row: a field with a pattern is refused by validation, a free-text one reaches the handler.
 */
const csvWithNuls = (rows: unknown): ReadonlyArray<readonly [string, Send]> => {
  if (!Array.isArray(rows) || rows.length === 0) return []
  const records = rows as ReadonlyArray<Record<string, unknown>>
  const scalar = (v: unknown) => v === undefined || v === null || typeof v !== "object"
  const fields = [...new Set(records.flatMap(Object.keys))].filter((f) => records.every((row) => scalar(row[f])))
  const csv = (poisoned: string) =>
    [
      fields.join(","),
      ...records.map((row, i) =>
        fields
          .map((f) => {
            const value = row[f] === undefined || row[f] === null ? "" : String(row[f])
            return `"${(i === 0 && f === poisoned ? `${value}\u0000` : value).replace(/"/g, '""')}"`
          })
          .join(",")
      )
    ].join("\n")
  return fields
    .filter((f) => typeof records[0]![f] === "string")
    .map((f) => [`CSV with a NUL in ${f}`, { body: csv(f), contentType: "text/csv" }] as const)
}

/** The same input with `param` of the path replaced by `value`. */
const withPathParam = (op: Spec.Operation, url: string, pools: A.Pools, param: string, value: string) => {
  const query = url.includes("?") ? url.slice(url.indexOf("?")) : ""
  return (
    op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
      A.pathSegment(name === param ? value : (pools[name]?.[0] ?? "x"))
    ) + query
  )
}

let keysA: ReadonlyArray<string> = []
let poolsA: A.Pools = {}
let volatile: ReadonlySet<string> = new Set()
let tracker: ReturnType<typeof Snapshot.tracker>
let requestCount = 0
const keyA = () => keysA[requestCount++ % keysA.length]!

/** Sends one request and, for a write that is refused, checks that it changed nothing. */
const probe = async (op: Spec.Operation, url: string, options: Send): Promise<Answer & { changed: string[] }> => {
  if (isWrite(op)) await tracker.before()
  const answer = await send(op.method, url, options)
  let changed: Array<string> = []
  if (isWrite(op)) {
    if (is2xx(answer.status)) tracker.reset()
    else changed = [...(await tracker.after())]
  }
  return { ...answer, changed }
}

describe(`Proof (${profile.name} profile)`, () => {
  beforeAll(async () => {
    stack = await start()
    await loadTenantTables()
    // Room for the suite's request rate: each store's own limits at the most a site may set, and keys in turn.
    for (const store of [stack.storeA, stack.storeB])
      await stack.cli(
        "sites",
        "limits",
        "--site",
        store.siteId,
        "--rpm",
        "1000",
        "--checkout",
        "1000",
        "--orders",
        "1000",
        "--search",
        "1000"
      )
    keysA = [
      stack.storeA.key,
      ...(await inBatches([...Array(9).keys()], 3, async () => (await createKey(stack.storeA.siteId, ["admin:*"])).key))
    ]
    poolsA = await poolsOf({ siteId: stack.storeA.siteId, livemode: false })

    // Tables that change on reads alone (a key's last use) are not evidence against a refused write.
    const before = await Snapshot.hashes(stack.db)
    for (const key of keysA) await send("get", `/api/v1/${stack.storeA.siteId}/site`, { key })
    await sleep(500)
    // Also `api_keys` (a key's last use is recorded in the background, within KEY_CACHE_TTL) and
    // `signature_replays` (a valid signature is spent even when the request it signs is then refused).
    volatile = new Set([...Snapshot.changed(before, await Snapshot.hashes(stack.db)), "api_keys", "signature_replays"])
    tracker = Snapshot.tracker(stack.db, volatile)
  }, 600_000)

  afterAll(async () => {
    await stack?.close()
    const seconds = Math.round((Date.now() - started.getTime()) / 1000)
    console.log(`\nproof (${profile.name}, ${seconds} s):\n${Report.summary()}`)
    const out = process.env["PROOF_OUT"]
    if (out) Report.write(out, { profile: profile.name, started, seconds })
  }, 120_000)

  it("fuzzing: every operation, inputs from its own schemas; no 5xx, every answer as specified, refused writes change nothing", async () => {
    const part = Report.part(
      "Spec-driven fuzzing",
      "Every operation gets inputs generated from its own JSON Schemas: valid ones, hostile path ids, hostile query " +
        "strings (unknown, repeated and malformed parameters), and for bodies wrong types, missing and extra fields, " +
        "hostile strings (empty, huge, control characters, NUL, unicode), hostile numbers (negative, zero, fractional, " +
        "overflowing), invalid enum values, deep nesting and whole-body attacks; plus bad UTF-8, a wrong content type, " +
        "an oversized body and, where the spec takes CSV, a CSV field holding a NUL. Each answer must be a non-5xx that validates against the spec for its status, and a " +
        "refused write must leave every table as it was."
    )
    const outcomes: Array<Outcome & { changed: ReadonlyArray<string> }> = []
    const t0 = Date.now()
    for (const [index, operation] of operations.entries()) {
      const numRuns = implemented.has(operation.id) ? profile.fuzzSamples : 1
      for (const arbitrary of inputsOf(operation, poolsA)) {
        for (const input of fc.sample(arbitrary, { seed: seed + index, numRuns })) {
          const body = input.body === undefined ? undefined : A.encodeJson(input.body)
          const answer = await probe(operation, input.url, { key: keyA(), body })
          outcomes.push({
            operation,
            input,
            status: answer.status,
            problem:
              answer.status === "no answer" ? answer.text : problemOf(operation, input.url, answer.status, answer.text),
            changed: answer.changed
          })
        }
      }
      if (operation.requestBody) {
        const { url } = validInput(operation, poolsA, index)
        const extras: ReadonlyArray<readonly [string, Send]> = [
          ["bad UTF-8", { body: Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }],
          ["wrong content type", { body: "{}", contentType: "text/plain" }],
          ["oversized body", { body: `{"a":"${"x".repeat(1_100_000)}"}` }],
          // Where the spec also takes CSV, its text reaches the handler unparsed.
          ...(operation.acceptsCsv ? csvWithNuls(validInput(operation, poolsA, index).body) : [])
        ]
        for (const [category, options] of extras) {
          const answer = await probe(operation, url, { ...options, key: keyA() })
          outcomes.push({
            operation,
            input: { category, url, body: undefined },
            status: answer.status,
            problem:
              answer.status === "no answer"
                ? answer.text
                : is2xx(answer.status)
                  ? `accepted a request with ${category}`
                  : problemOf(operation, url, answer.status, answer.text),
            changed: answer.changed
          })
        }
      }
    }
    part.cases = outcomes.length
    for (const outcome of outcomes) {
      if (outcome.problem !== undefined) part.failures.push(describeOutcome(outcome))
      if (outcome.changed.length > 0)
        part.failures.push(
          `[${outcome.operation.id} / ${outcome.input.category}] refused with ${outcome.status} but changed ${outcome.changed.join(", ")}`
        )
    }
    Report.figure(part, "operations", `${operations.length} (${implemented.size} built)`)
    Report.figure(part, "requests", outcomes.length)
    Report.figure(part, "5xx", outcomes.filter((o) => isServerError(o.operation, o.status)).length)
    Report.figure(part, "statuses", Report.statusCounts(outcomes.map((o) => o.status)))
    Report.figure(
      part,
      "refused writes checked against the database",
      outcomes.filter((o) => isWrite(o.operation) && !is2xx(o.status)).length
    )
    Report.figure(part, "tables not compared (change on every read)", [...volatile].join(", "))
    Report.figure(part, "seconds", Math.round((Date.now() - t0) / 1000))
    expect(part.failures).toEqual([])
  }, 3_600_000)

  it("tenants and modes: another site's and the other mode's ids answer 404, lists never show them", async () => {
    const part = Report.part(
      "Tenant and mode isolation",
      "Two stores hold look-alike data. For every operation with an id in its path, each id parameter is given an " +
        "id of the other store (with a key of the first) and an id of the other mode (test data with a live key); " +
        "the answer must not be a success, must not be a 5xx, and a refused write changes nothing. Every list " +
        "operation of the first store is read with its keys and must contain no id of the second store, nor of the " +
        "other mode."
    )
    const tenantB = { siteId: stack.storeB.siteId, livemode: false }
    const poolsB = await poolsOf(tenantB)
    const liveKey = (await createKey(stack.storeA.siteId, ["admin:*"], ["--mode", "live"])).key
    const statuses: Array<number | string> = []
    let probes = 0
    for (const [index, op] of operations.entries()) {
      const idParams = op.parameters.filter((p) => p.in === "path" && p.name !== "siteId" && tableOf(p.name))
      for (const param of idParams) {
        const foreign: ReadonlyArray<readonly [string, string, string | undefined]> = [
          ["another site's id", keyA(), poolsB[param.name]?.[0]],
          ["the other mode's id", liveKey, poolsA[param.name]?.[0]]
        ]
        const input = validInput(op, poolsA, index)
        for (const [what, key, id] of foreign) {
          if (id === undefined) continue
          const url = withPathParam(op, input.url, poolsA, param.name, id)
          const body = input.body === undefined ? undefined : A.encodeJson(input.body)
          const answer = await probe(op, url, { key, body })
          probes++
          statuses.push(answer.status)
          if (is2xx(answer.status) || isServerError(op, answer.status))
            part.failures.push(
              `${op.id} with ${what} in {${param.name}}: ${answer.status} ${answer.text.slice(0, 200)}`
            )
          if (answer.changed.length > 0)
            part.failures.push(`${op.id} with ${what} in {${param.name}} changed ${answer.changed.join(", ")}`)
        }
      }
    }
    Report.figure(part, "id probes", probes)
    Report.figure(part, "id probe statuses", Report.statusCounts(statuses))

    const idsB = await allIdsOf(tenantB)
    const liveIdsA = await allIdsOf({ siteId: stack.storeA.siteId, livemode: true })
    const testIdsA = await allIdsOf({ siteId: stack.storeA.siteId, livemode: false })
    const lists = operations.filter((op) => op.method === "get")
    let scanned = 0
    for (const op of lists) {
      const url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => A.pathSegment(poolsA[name]?.[0] ?? "x"))
      for (const [key, forbidden, what] of [
        [keyA(), idsB, "another site's"],
        [keyA(), liveIdsA, "live-mode"],
        [liveKey, testIdsA, "test-mode"]
      ] as const) {
        const answer = await send("get", url, { key })
        if (!is2xx(answer.status)) continue
        scanned++
        const leaked = stringsOf(answer.text).filter((s) => forbidden.has(s))
        if (leaked.length > 0) part.failures.push(`${op.id} showed ${what} rows: ${leaked.slice(0, 5).join(", ")}`)
      }
    }
    Report.figure(part, "read answers scanned for foreign ids", scanned)
    Report.figure(part, "ids of the other store", idsB.size)
    part.cases = probes + scanned
    expect(part.failures).toEqual([])
  }, 1_800_000)

  it("scopes: a key without an operation's scope gets 403 and changes nothing", async () => {
    const part = Report.part(
      "Scope enforcement",
      "For every operation that names scopes, a key holding every other scope (but not `admin:*`) calls it with " +
        "valid input: the answer must be 403 and a write must change nothing."
    )
    const needed = [...new Set(operations.filter((op) => op.scopes.length > 0).map((op) => op.scopes.join(",")))]
    const keys = new Map(
      await inBatches(needed, 4, async (set) => {
        const lacking = set.split(",")
        return [
          set,
          (
            await createKey(
              stack.storeA.siteId,
              scopes.filter((s) => !lacking.includes(s))
            )
          ).key
        ] as const
      })
    )
    const statuses: Array<number | string> = []
    for (const [index, op] of operations.entries()) {
      if (op.scopes.length === 0 || !op.authenticated) continue
      const input = validInput(op, poolsA, index)
      const body = input.body === undefined ? undefined : A.encodeJson(input.body)
      const answer = await probe(op, input.url, { key: keys.get(op.scopes.join(","))!, body })
      part.cases++
      statuses.push(answer.status)
      if (answer.status !== 403) part.failures.push(`${op.id} without ${op.scopes.join(", ")}: ${answer.status}`)
      if (answer.changed.length > 0)
        part.failures.push(`${op.id} without its scope changed ${answer.changed.join(", ")}`)
    }
    Report.figure(part, "keys (one per scope set)", keys.size)
    Report.figure(part, "statuses", Report.statusCounts(statuses))
    expect(part.failures).toEqual([])
  }, 1_800_000)

  it("authentication: missing, malformed, unknown, revoked and other-site keys, and bad signatures get 401", async () => {
    const part = Report.part(
      "Authentication",
      "Every authenticated operation is called with valid input and a key that is missing, malformed, unknown, " +
        "revoked, or another site's; and with a signing key but no signature, a stale one (older than the 300 s " +
        "tolerance), one from the future, one over another body, and a replay of one already used. Each must answer " +
        "401 and change nothing."
    )
    const revoked = await createKey(stack.storeA.siteId, ["admin:*"])
    await stack.cli("keys", "revoke", revoked.id)
    const signing = await createKey(stack.storeA.siteId, ["admin:*"], ["--signing"])
    const secret = signing.signingSecret!
    const statuses: Array<number | string> = []
    const expect401 = (op: Spec.Operation, what: string, answer: Answer & { changed: ReadonlyArray<string> }) => {
      part.cases++
      statuses.push(answer.status)
      if (answer.status !== 401)
        part.failures.push(`${op.id} with ${what}: ${answer.status} ${answer.text.slice(0, 160)}`)
      if (answer.changed.length > 0) part.failures.push(`${op.id} with ${what} changed ${answer.changed.join(", ")}`)
    }
    for (const [index, op] of operations.entries()) {
      if (!op.authenticated) continue
      const input = validInput(op, poolsA, index)
      const body = input.body === undefined ? undefined : A.encodeJson(input.body)
      const raw = body ?? ""
      // Well outside the tolerance, however long the requests before take.
      const now = Math.floor(Date.now() / 1000)
      const cases: ReadonlyArray<readonly [string, Send]> = [
        ["no key", { body }],
        ["a malformed key", { body, headers: { authorization: "Bearer" } }],
        ["an unknown key", { body, key: `sk_test_${"0".repeat(32)}` }],
        ["a revoked key", { body, key: revoked.key }],
        ["another site's key", { body, key: stack.storeB.key }],
        ["no signature", { body, key: signing.key }],
        [
          "a stale signature",
          { body, key: signing.key, headers: { "x-shopvo-signature": sign(secret, now - 600, raw) } }
        ],
        [
          "a future signature",
          { body, key: signing.key, headers: { "x-shopvo-signature": sign(secret, now + 600, raw) } }
        ],
        [
          "a signature over another body",
          { body, key: signing.key, headers: { "x-shopvo-signature": sign(secret, now, `${raw} `) } }
        ]
      ]
      for (const [what, options] of cases) expect401(op, what, await probe(op, input.url, options))
      // A replay: the same signed request twice; the first may do what it asks, the second must not.
      const signature = sign(secret, Math.floor(Date.now() / 1000), raw)
      const first = await probe(op, input.url, { body, key: signing.key, headers: { "x-shopvo-signature": signature } })
      if (isServerError(op, first.status)) part.failures.push(`${op.id} signed: ${first.status}`)
      expect401(
        op,
        "a replayed signature",
        await probe(op, input.url, { body, key: signing.key, headers: { "x-shopvo-signature": signature } })
      )
    }
    Report.figure(part, "statuses", Report.statusCounts(statuses))
    expect(part.failures).toEqual([])
  }, 1_800_000)

  it("faults: PostgreSQL killed under write load, Redis stopped, clients disconnecting mid-request", async () => {
    const part = Report.part(
      "Faults",
      "Writers create products in a loop while the API's PostgreSQL is killed with SIGKILL (the API restarts it): " +
        "every write acknowledged with a 2xx must be in the database afterwards, every other answer must be a 503 " +
        "with Retry-After (never a 500), and the API must serve again by itself. A second API process limits " +
        "through a Redis that is then stopped: requests keep being served (the documented choice: no limits while " +
        "Redis is away, a warning logged), and counted again once it is back. Clients that disconnect halfway " +
        "through sending a write's body change nothing."
    )
    const base = `/api/v1/${stack.storeA.siteId}`

    // PostgreSQL killed under write load.
    const acknowledged: Array<string> = []
    const statuses: Array<number | string> = []
    let stop = false
    let n = 0
    const writer = async () => {
      while (!stop) {
        const answer = await send("post", `${base}/products`, {
          key: keyA(),
          body: JSON.stringify({ name: `Proof product ${n++}`, price: 1000 })
        })
        statuses.push(answer.status)
        const id = is2xx(answer.status) ? dataId(answer) : undefined
        if (id !== undefined) acknowledged.push(id)
        else if (is2xx(answer.status)) part.failures.push(`a 2xx without the created id: ${answer.text.slice(0, 160)}`)
        else if (answer.status !== 503 && answer.status !== 429) {
          part.failures.push(`a write during the outage answered ${answer.status}: ${answer.text.slice(0, 160)}`)
        } else if (answer.status === 503 && answer.headers.get("retry-after") === null) {
          part.failures.push("a 503 without Retry-After")
        }
        if (answer.status !== 201) await sleep(50)
      }
    }
    const writers = Array.from({ length: 4 }, writer)
    await sleep(1_000)
    const [postmaster] = TestDatabase.serverProcesses(stack.dataDir)
    process.kill(postmaster!, "SIGKILL")
    await sleep(profile.faultSeconds * 1_000)
    stop = true
    await Promise.all(writers)
    // Served again by itself.
    let recovered = false
    for (let i = 0; i < 100 && !recovered; i++) {
      recovered = (await send("get", `${base}/site`, { key: keyA() })).status === 200
      if (!recovered) await sleep(200)
    }
    if (!recovered) part.failures.push("the API did not serve again after PostgreSQL was restarted")
    const present = new Set(
      (await stack.db.query<{ id: string }>("select id from products where name like 'Proof product %'")).rows.map(
        (row) => row.id
      )
    )
    const lost = acknowledged.filter((id) => !present.has(id))
    for (const id of lost) part.failures.push(`acknowledged write ${id} is missing after the restart`)
    part.cases += statuses.length
    Report.figure(part, "writes during the PostgreSQL kill", `${statuses.length} (${Report.statusCounts(statuses)})`)
    Report.figure(part, "acknowledged writes lost", lost.length)

    // Redis stopped while a second API process limits through it.
    const redisServer = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find((p) => fs.existsSync(p))
    if (redisServer === undefined) part.skipped.push("Redis stopped: no redis-server binary on this machine")
    else {
      const redisPort = await freePort()
      const startRedis = () =>
        spawn(redisServer, ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
          stdio: "ignore"
        })
      let redis: ChildProcess = startRedis()
      await sleep(500)
      const apiPort = await freePort()
      const second = spawn(process.execPath, [bundledMain], {
        cwd: stack.dir,
        env: {
          ...process.env,
          DATABASE_URL: stack.databaseUrl,
          REDIS_URL: `redis://127.0.0.1:${redisPort}`,
          PORT: String(apiPort),
          HOST: "127.0.0.1",
          LOG_LEVEL: "WARN"
        },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let secondOutput = ""
      for (const s of [second.stdout!, second.stderr!]) s.on("data", (c: Buffer) => (secondOutput += c))
      try {
        await waitFor(`http://127.0.0.1:${apiPort}/healthz`)
        const get = async () => {
          const res = await fetch(`http://127.0.0.1:${apiPort}${base}/site`, {
            headers: { authorization: `Bearer ${keysA[0]}` }
          })
          await res.text()
          return { status: res.status, remaining: res.headers.get("x-ratelimit-remaining") }
        }
        const counted = [await get(), await get()]
        redis.kill("SIGKILL")
        await sleep(300)
        const whileDown = await Promise.all(Array.from({ length: 10 }, get))
        redis = startRedis()
        await sleep(1_500)
        const after = [await get(), await get(), await get()]
        part.cases += counted.length + whileDown.length + after.length
        if (!counted.every((r) => r.status === 200 && r.remaining !== null))
          part.failures.push(`before the Redis stop: ${JSON.stringify(counted)}`)
        const downStatuses = whileDown.map((r) => r.status)
        if (!downStatuses.every((s) => s === 200))
          part.failures.push(`with Redis stopped requests answered ${Report.statusCounts(downStatuses)}`)
        if (!secondOutput.includes("rate limiter store unavailable"))
          part.failures.push("no warning was logged while Redis was stopped")
        const remaining = after.map((r) => Number(r.remaining))
        if (!after.every((r) => r.status === 200) || !(remaining[2]! < remaining[1]! && remaining[1]! < remaining[0]!))
          part.failures.push(`after Redis came back requests were not counted again: ${JSON.stringify(after)}`)
        Report.figure(part, "requests while Redis was stopped", Report.statusCounts(downStatuses))
      } finally {
        second.kill("SIGTERM")
        redis.kill("SIGKILL")
      }
    }

    // Clients disconnecting halfway through a write's body.
    let disconnects = 0
    const { port } = new URL(stack.baseUrl)
    for (const [index, op] of operations.entries()) {
      if (!op.requestBody || !op.authenticated) continue
      const input = validInput(op, poolsA, index)
      const body = A.encodeJson(input.body ?? {})
      await tracker.before()
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), "127.0.0.1", () => {
          socket.write(
            `${op.method.toUpperCase()} ${input.url} HTTP/1.1\r\nHost: proof\r\nAuthorization: Bearer ${keyA()}\r\n` +
              `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body) + 10}\r\n\r\n${body.slice(0, Math.floor(body.length / 2))}`
          )
          setTimeout(() => {
            socket.destroy()
            resolve()
          }, 100)
        })
        socket.on("error", () => resolve())
      })
      await sleep(200)
      const changed = await tracker.after()
      disconnects++
      if (changed.length > 0) part.failures.push(`${op.id}: a client gone halfway changed ${changed.join(", ")}`)
    }
    part.cases += disconnects
    Report.figure(part, "writes abandoned halfway through their body", disconnects)
    expect(part.failures).toEqual([])
  }, 600_000)

  it("load: a mixed storefront load for a fixed time, errors counted by status", async () => {
    const part = Report.part(
      "Load",
      `A mixed storefront load for ${profile.loadSeconds} s on ${profile.loadConnections} connections: product ` +
        "lists, searches, product pages, carts with a line added, and whole checkouts. Any 5xx or unanswered " +
        "request is a failure; 429s (the site's limits at work) are counted apart."
    )
    // A store of its own, as a shop runs: the demo catalogue (fuzzing has changed store A's), the
    // highest per-key limits and a key per connection, as many storefront instances would hold,
    // and stock enough that checkouts measure the flow rather than selling out.
    const seeded = (await stack.cli("seed", "--demo")) as { siteId: string }
    const siteId = seeded.siteId
    await stack.cli(
      "sites",
      "limits",
      "--site",
      siteId,
      "--rpm",
      "1000",
      "--checkout",
      "1000000",
      "--search",
      "1000000"
    )
    const keys = (
      await inBatches(Array.from({ length: profile.loadConnections }), 5, () => createKey(siteId, ["admin:*"]))
    ).map((k) => k.key)
    await stack.db.query("update products set inventory_count = 1000000 where site_id = $1", [siteId])
    await stack.db.query("update variants set inventory_count = 1000000 where site_id = $1", [siteId])
    const base = `/api/v1/${siteId}`
    const slugs = (
      await stack.db.query<{ slug: string; id: string; variantId: string | null }>(
        `select p.slug, p.id, (select v.id from variants v where v.product_id = p.id order by v.id limit 1) as "variantId"
         from products p where p.site_id = $1 and p.livemode = false and p.status = 'ACTIVE' order by p.id limit 50`,
        [siteId]
      )
    ).rows
    const statuses: Array<number | string> = []
    const latencies: Array<number> = []
    const deadline = Date.now() + profile.loadSeconds * 1_000
    let checkoutsStarted = 0
    let checkouts = 0
    /** Where checkouts that did not complete stopped: the move and its status. */
    const stopped: Array<string> = []
    const shopper = async (who: number) => {
      const timed = async (method: string, url: string, body?: object) => {
        const t = performance.now()
        const answer = await send(method, url, {
          key: keys[who],
          body: body === undefined ? undefined : JSON.stringify(body)
        })
        latencies.push(performance.now() - t)
        statuses.push(answer.status)
        if (is5xx(answer.status))
          part.failures.push(`${method.toUpperCase()} ${url}: ${answer.status} ${answer.text.slice(0, 160)}`)
        return answer
      }
      for (let round = 0; Date.now() < deadline; round++) {
        const product = slugs[(who * 7 + round) % slugs.length]!
        await timed("get", `${base}/products?limit=20&expand[]=variants`)
        await timed("get", `${base}/products?search=cotton&limit=20`)
        await timed("get", `${base}/products/${product.slug}`)
        const cartId = dataId(await timed("post", `${base}/cart`, { sessionId: `proof-${who}-${round}` }))
        if (cartId === undefined) continue
        const item = {
          productId: product.id,
          quantity: 1,
          ...(product.variantId ? { variantId: product.variantId } : {})
        }
        const added = await timed("patch", `${base}/cart?cartId=${cartId}`, { action: "add", item })
        if (round % 3 !== 0 || !is2xx(added.status)) continue
        checkoutsStarted++
        const sessionId = dataId(await timed("post", `${base}/checkout`, { cartId }))
        if (sessionId === undefined) continue
        const moves = [
          { state: "contact" },
          { state: "shipping", email: `shopper-${who}@proof.example` },
          { state: "payment", shippingAddress: address, shippingOptionId: "ship_standard" },
          { state: "review", payment: { method: "card", token: "tok_visa" } },
          { state: "complete" }
        ]
        let completed = true
        for (const move of moves) {
          const answer = await timed("patch", `${base}/checkout`, { sessionId, ...move })
          if (!is2xx(answer.status)) {
            stopped.push(`${move.state} ${answer.status}`)
            completed = false
            break
          }
        }
        if (completed) checkouts++
      }
    }
    await Promise.all(Array.from({ length: profile.loadConnections }, (_, i) => shopper(i)))
    latencies.sort((a, b) => a - b)
    const quantile = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))] ?? 0)
    part.cases = statuses.length
    Report.figure(part, "requests", statuses.length)
    Report.figure(part, "requests/s", Math.round(statuses.length / profile.loadSeconds))
    Report.figure(part, "p50 / p99 ms", `${quantile(0.5)} / ${quantile(0.99)}`)
    Report.figure(part, "statuses", Report.statusCounts(statuses))
    Report.figure(part, "checkouts completed / started", `${checkouts} / ${checkoutsStarted}`)
    Report.figure(part, "checkouts stopped at", stopped.length === 0 ? "none" : Report.statusCounts(stopped))
    // With stock to spare, every checkout completes unless a limit (429) stopped it.
    const limited = stopped.filter((s) => s.endsWith(" 429")).length
    if (checkouts === 0 || checkouts < checkoutsStarted - limited)
      part.failures.push(
        `${checkouts} of ${checkoutsStarted} checkouts completed (stopped at: ${[...new Set(stopped)].join(", ")})`
      )
    expect(part.failures).toEqual([])
  }, 600_000)

  it("OWASP API Security Top 10 (2023): each item mapped to what covers it", () => {
    const part = Report.part(
      "OWASP API Security Top 10 (2023)",
      "Each item of the list, and the tests (this suite's parts and the API's test files) that cover it, or why it does not apply."
    )
    const items: ReadonlyArray<readonly [string, string]> = [
      [
        "API1 Broken Object Level Authorization",
        "Tenant and mode isolation (above); every repository query names site_id and livemode (test/*: 'another site … 404')"
      ],
      [
        "API2 Broken Authentication",
        "Authentication (above); keys stored hashed (test/Auth.test.ts); signatures, replays, tolerance (test/Signing.test.ts)"
      ],
      [
        "API3 Broken Object Property Level Authorization",
        "Fuzzing's extra and unknown fields are refused (additionalProperties: false in the spec); responses validated against the spec, so no property beyond it leaves the server"
      ],
      [
        "API4 Unrestricted Resource Consumption",
        "Rate limits per key and route (test/RateLimits.test.ts), body limit 1 MiB and nesting depth 64 (test/Bounds.test.ts, Fuzzing's oversized body), page size ≤ 100, header size (test/Edge.test.ts)"
      ],
      [
        "API5 Broken Function Level Authorization",
        "Scope enforcement (above): every operation's x-scopes checked with a key lacking them"
      ],
      [
        "API6 Unrestricted Access to Sensitive Business Flows",
        "Checkout and balance races (test/CheckoutRaces.test.ts, GiftCards, Promotions): the last unit, coupon use or gift-card cent cannot be won twice; rate limits on /checkout and /orders"
      ],
      [
        "API7 Server Side Request Forgery",
        "Webhook destinations refused on private, loopback, link-local and reserved addresses, after DNS resolution (packages/kernel Destination tests, test/Webhooks.test.ts)"
      ],
      [
        "API8 Security Misconfiguration",
        "Errors never carry stack traces (the envelope only); unknown routes 404 and wrong methods 405 with the envelope (test/Errors.test.ts); secrets never logged (request log has no headers or bodies)"
      ],
      [
        "API9 Improper Inventory Management",
        "One spec is the inventory: every route comes from it, an unbuilt operation answers 501, CI fails when generated code drifts from it (pnpm check:generated)"
      ],
      [
        "API10 Unsafe Consumption of APIs",
        "The payment provider's failures map to clear errors and roll back (test/Checkout.test.ts); inbound provider callbacks must be signed"
      ]
    ]
    for (const [item, coverage] of items) Report.figure(part, item, coverage)
    part.cases = items.length
    expect(items).toHaveLength(10)
  })
})
