import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Ids } from "@shopvo/kernel"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

describe("Metafields", () => {
  let api: TestApi
  let siteA: string
  let siteB: string
  let keyA: string
  let liveKeyA: string
  let keyB: string

  /** A product row written directly (the product routes are another family's). */
  const insertProduct = (siteId: string, livemode = false): Promise<string> => {
    const id = Ids.make("prd")
    return api
      .run(
        Effect.flatMap(
          SqlClient.SqlClient,
          (sql) => sql`insert into products (id, site_id, livemode, name, slug, price, currency)
                       values (${id}, ${siteId}, ${livemode}, ${"Classic White T-Shirt"}, ${id.toLowerCase().replace("_", "-")}, 2999, 'EUR')`
        )
      )
      .then(() => id)
  }
  const query = <A extends object>(f: (sql: SqlClient.SqlClient) => Effect.Effect<ReadonlyArray<A>, unknown>) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, f) as Effect.Effect<ReadonlyArray<A>, unknown, SqlClient.SqlClient>)

  const base = (siteId: string, resourceType: string, resourceId: string) =>
    `/api/v1/${siteId}/${resourceType}/${resourceId}/metafields`
  const create = (key: string, path: string, body: unknown, headers?: Record<string, string>) =>
    api.request("POST", path, { key, body, ...(headers ? { headers } : {}) })

  beforeAll(async () => {
    api = await start()
    siteA = (await api.createSite({ name: "A", plan: "enterprise" })).id
    siteB = (await api.createSite({ name: "B", plan: "enterprise" })).id
    keyA = (await api.createKey(siteA)).key
    liveKeyA = (await api.createKey(siteA, { mode: "live" })).key
    keyB = (await api.createKey(siteB)).key
  })
  afterAll(() => api.close())

  describe("the reference's examples", () => {
    it("create, list, update and delete work as shown", async () => {
      const product = await insertProduct(siteA)
      const path = base(siteA, "product", product)

      const made = await create(keyA, path, {
        namespace: "custom",
        key: "warranty_months",
        value: "24",
        valueType: "integer"
      })
      expect(made.status).toBe(201)
      expect(bodyOf(made, "metafields.create")).toMatchObject({
        success: true,
        data: { namespace: "custom", key: "warranty_months", value: "24" }
      })
      expect(bodyOf(made, "metafields.create").data).toMatchObject({
        resourceType: "product",
        resourceId: product,
        valueType: "integer"
      })
      const id = bodyOf(made, "metafields.create").data.id
      expect(id).toMatch(/^mf_/)

      const listed = await api.request("GET", path, { key: keyA })
      expect(listed.status).toBe(200)
      expect(bodyOf(listed, "metafields.list").success).toBe(true)
      expect(bodyOf(listed, "metafields.list").data).toHaveLength(1)
      expect(bodyOf(listed, "metafields.list").data[0]).toMatchObject({
        id,
        namespace: "custom",
        key: "warranty_months",
        value: "24",
        valueType: "integer"
      })
      expect(Date.parse(bodyOf(listed, "metafields.list").data[0]?.createdAt ?? "")).not.toBeNaN()

      const updated = await api.request("PATCH", `${path}/${id}`, {
        key: keyA,
        body: { value: "36", valueType: "integer" }
      })
      expect(updated.status).toBe(200)
      expect(bodyOf(updated, "metafields.update")).toMatchObject({ success: true, data: { id, value: "36" } })
      expect(Date.parse(bodyOf(updated, "metafields.update").data.updatedAt)).toBeGreaterThanOrEqual(
        Date.parse(bodyOf(made, "metafields.create").data.updatedAt)
      )

      const removed = await api.request("DELETE", `${path}/${id}`, { key: keyA })
      expect(removed.status).toBe(200)
      expect(bodyOf(removed, "metafields.delete")).toEqual({ success: true, deleted: true })
      expect(bodyOf(await api.request("GET", path, { key: keyA }), "metafields.list").data).toEqual([])
      expect((await api.request("DELETE", `${path}/${id}`, { key: keyA })).status).toBe(404)
    })
  })

  describe("value and valueType", () => {
    let path: string
    beforeAll(async () => {
      path = base(siteA, "product", await insertProduct(siteA))
    })
    let n = 0
    const attempt = (value: string, valueType?: string) =>
      create(keyA, path, { namespace: "rules", key: `k${n++}`, value, ...(valueType ? { valueType } : {}) })

    it("defaults to string, which takes anything", async () => {
      for (const value of ["", "24", "not json {", " spaced ", "ünïcödé ✓", "x".repeat(65536)]) {
        const res = await attempt(value)
        expect(res.status, JSON.stringify(value.slice(0, 20))).toBe(201)
        expect(bodyOf(res, "metafields.create").data).toMatchObject({ value, valueType: "string" })
      }
    })

    const valid: Record<string, ReadonlyArray<string>> = {
      integer: [
        "24",
        "-12",
        "+7",
        "0",
        "-0",
        "007",
        "9223372036854775807",
        "-9223372036854775808",
        "0000000000000000000000001"
      ],
      boolean: ["true", "false"],
      json: [
        '{"wash":"30C","tumbleDry":false}',
        "[1,2,3]",
        '"text"',
        "42",
        "null",
        "true",
        ' {"padded": [] } ',
        '"\\u0000"'
      ]
    }
    const invalid: Record<string, ReadonlyArray<string>> = {
      integer: [
        "",
        "1.5",
        "1.0",
        "1e3",
        " 24",
        "24 ",
        "abc",
        "0x1A",
        "1_000",
        "--1",
        "+",
        "9223372036854775808",
        "-9223372036854775809",
        "9".repeat(5000)
      ],
      boolean: ["", "TRUE", "True", "1", "0", "yes", " true", "false "],
      json: ["", "{a:1}", "{'a':1}", "[1,]", "undefined", "{", "NaN"]
    }

    for (const [valueType, values] of Object.entries(valid)) {
      it(`accepts valid ${valueType} values`, async () => {
        for (const value of values) {
          const res = await attempt(value, valueType)
          expect(res.status, `${valueType} ${JSON.stringify(value)}`).toBe(201)
          expect(bodyOf(res, "metafields.create").data).toMatchObject({ value, valueType })
        }
      })
    }
    for (const [valueType, values] of Object.entries(invalid)) {
      it(`refuses invalid ${valueType} values with 400 at /value`, async () => {
        for (const value of values) {
          const res = await attempt(value, valueType)
          expect(res.status, `${valueType} ${JSON.stringify(value.slice(0, 30))}`).toBe(400)
          expect(errorOf(res).code).toBe("validation_error")
          expect(errorOf(res).details).toEqual([expect.objectContaining({ path: "/value" })])
        }
      })
    }

    it("refuses values storage cannot hold (NUL) and unknown value types, per the spec", async () => {
      const nul = await attempt("a\u0000b")
      expect(nul.status).toBe(400)
      expect(errorOf(nul).details?.[0]?.path).toBe("/value")
      const type = await attempt("1", "float")
      expect(type.status).toBe(400)
      expect(errorOf(type).details?.[0]?.path).toBe("/valueType")
    })

    it("re-validates the pair on update, whichever half changes", async () => {
      const made = await attempt("24", "integer")
      const at = `${path}/${bodyOf(made, "metafields.create").data.id}`
      const patch = (body: unknown) => api.request("PATCH", at, { key: keyA, body })

      const badValue = await patch({ value: "twenty" })
      expect(badValue.status).toBe(400)
      expect(errorOf(badValue).details).toEqual([expect.objectContaining({ path: "/value" })])

      // The stored "24" is not a boolean: the type alone cannot change.
      const badType = await patch({ valueType: "boolean" })
      expect(badType.status).toBe(400)
      expect(errorOf(badType).code).toBe("validation_error")
      expect(errorOf(badType).details).toEqual([expect.objectContaining({ path: "/valueType" })])

      const badPair = await patch({ value: "1.5", valueType: "integer" })
      expect(badPair.status).toBe(400)
      expect(errorOf(badPair).details).toEqual([expect.objectContaining({ path: "/value" })])

      // Nothing changed so far.
      const unchanged = bodyOf(await api.request("GET", path, { key: keyA }), "metafields.list").data.find(
        (m: { id: string }) => m.id === bodyOf(made, "metafields.create").data.id
      )
      expect(unchanged).toMatchObject({ value: "24", valueType: "integer" })

      expect(bodyOf(await patch({ value: "-5" }), "metafields.update").data).toMatchObject({
        value: "-5",
        valueType: "integer"
      })
      expect(bodyOf(await patch({ valueType: "json" }), "metafields.update").data).toMatchObject({
        value: "-5",
        valueType: "json"
      })
      expect(bodyOf(await patch({ valueType: "string" }), "metafields.update").data).toMatchObject({
        value: "-5",
        valueType: "string"
      })
      expect(bodyOf(await patch({ value: "true", valueType: "boolean" }), "metafields.update").data).toMatchObject({
        value: "true",
        valueType: "boolean"
      })
      expect((await patch({ value: "maybe" })).status).toBe(400)
    })

    it("takes only value and valueType in an update, and at least one of them", async () => {
      const made = await attempt("x")
      const at = `${path}/${bodyOf(made, "metafields.create").data.id}`
      expect((await api.request("PATCH", at, { key: keyA, body: {} })).status).toBe(400)
      const rename = await api.request("PATCH", at, { key: keyA, body: { key: "renamed" } })
      expect(rename.status).toBe(400)
      expect(errorOf(rename).details?.[0]?.path).toBe("/key")
    })
  })

  describe("uniqueness and limits", () => {
    it("refuses a second namespace + key on one resource with 409 metafield_exists", async () => {
      const product = await insertProduct(siteA)
      const path = base(siteA, "product", product)
      const body = { namespace: "custom", key: "care", value: '{"wash":"30C"}', valueType: "json" }
      expect((await create(keyA, path, body)).status).toBe(201)
      const again = await create(keyA, path, { ...body, value: "other", valueType: "string" })
      expect(again.status).toBe(409)
      expect(errorOf(again).code).toBe("metafield_exists")
      // The same key in another namespace, or on another resource, is a different metafield.
      expect((await create(keyA, path, { ...body, namespace: "erp" })).status).toBe(201)
      expect((await create(keyA, base(siteA, "product", await insertProduct(siteA)), body)).status).toBe(201)
      expect(bodyOf(await api.request("GET", path, { key: keyA }), "metafields.list").data).toHaveLength(2)
    })

    it("creates exactly one of many concurrent duplicates; the others get 409", async () => {
      const path = base(siteA, "product", await insertProduct(siteA))
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          create(keyA, path, { namespace: "race", key: "same", value: String(i), valueType: "integer" })
        )
      )
      expect(results.filter((r) => r.status === 201)).toHaveLength(1)
      const losers = results.filter((r) => r.status !== 201)
      expect(losers).toHaveLength(19)
      for (const r of losers) expect([r.status, errorOf(r).code]).toEqual([409, "metafield_exists"])
      expect(bodyOf(await api.request("GET", path, { key: keyA }), "metafields.list").data).toHaveLength(1)
    })

    it("maps a duplicate to 409 on the Idempotency-Key path too, and replays a create", async () => {
      const path = base(siteA, "product", await insertProduct(siteA))
      const body = { namespace: "custom", key: "idem", value: "1", valueType: "integer" }
      const first = await create(keyA, path, body, { "idempotency-key": "mf-idem-1" })
      expect(first.status).toBe(201)
      const replay = await create(keyA, path, body, { "idempotency-key": "mf-idem-1" })
      expect(replay.text).toBe(first.text)
      const duplicate = await create(keyA, path, body, { "idempotency-key": "mf-idem-2" })
      expect([duplicate.status, errorOf(duplicate).code]).toEqual([409, "metafield_exists"])
      expect(bodyOf(await api.request("GET", path, { key: keyA }), "metafields.list").data).toHaveLength(1)
    })

    it("stops at 250 per resource, even under concurrent creates (422 metafield_limit_reached)", async () => {
      const product = await insertProduct(siteA)
      const path = base(siteA, "product", product)
      await query(
        (sql) =>
          sql`insert into metafields (id, site_id, livemode, resource_type, resource_id, namespace, key, value)
            select 'mf_seed' || g || ${product.slice(4)}, ${siteA}, false, 'product', ${product}, 'bulk', 'k' || g, 'v'
            from generate_series(1, 244) g`
      )
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => create(keyA, path, { namespace: "race", key: `k${i}`, value: "v" }))
      )
      expect(results.filter((r) => r.status === 201)).toHaveLength(6)
      const refused = results.filter((r) => r.status !== 201)
      expect(refused).toHaveLength(6)
      for (const r of refused) expect([r.status, errorOf(r).code]).toEqual([422, "metafield_limit_reached"])
      const listed = await api.request("GET", path, { key: keyA })
      expect(bodyOf(listed, "metafields.list").data).toHaveLength(250)
      // A duplicate at the limit is still reported as the duplicate it is.
      expect(errorOf(await create(keyA, path, { namespace: "bulk", key: "k1", value: "v" })).code).toBe(
        "metafield_exists"
      )
      // Deleting one makes room for one.
      await api.request("DELETE", `${path}/${bodyOf(listed, "metafields.list").data[0]?.id}`, { key: keyA })
      expect((await create(keyA, path, { namespace: "race", key: "late", value: "v" })).status).toBe(201)
      expect((await create(keyA, path, { namespace: "race", key: "later", value: "v" })).status).toBe(422)
    })
  })

  describe("resources", () => {
    it("lists in namespace then key order, optionally one namespace", async () => {
      const path = base(siteA, "product", await insertProduct(siteA))
      for (const [namespace, key] of [
        ["seo", "title"],
        ["custom", "warranty_months"],
        ["custom", "care"],
        ["erp", "code"]
      ]) {
        expect((await create(keyA, path, { namespace, key, value: "v" })).status).toBe(201)
      }
      const all = bodyOf(await api.request("GET", path, { key: keyA }), "metafields.list").data.map(
        (m: { namespace: string; key: string }) => `${m.namespace}.${m.key}`
      )
      expect(all).toEqual(["custom.care", "custom.warranty_months", "erp.code", "seo.title"])
      const custom = await api.request("GET", `${path}?namespace=custom`, { key: keyA })
      expect(bodyOf(custom, "metafields.list").data.map((m: { key: string }) => m.key)).toEqual([
        "care",
        "warranty_months"
      ])
      expect(bodyOf(await api.request("GET", `${path}?namespace=none`, { key: keyA }), "metafields.list").data).toEqual(
        []
      )
      expect((await api.request("GET", `${path}?namespace=bad%20ns`, { key: keyA })).status).toBe(400)
    })

    it("answers 404 for a product that does not exist, or a malformed id", async () => {
      // (`prd_%00x` is refused before routing, like every NUL: see Errors.test.ts.)
      for (const id of [Ids.make("prd"), "nope", `prd_${"a".repeat(60)}`]) {
        const path = base(siteA, "product", id)
        const listed = await api.request("GET", path, { key: keyA })
        expect(listed.status, id).toBe(404)
        expect(errorOf(listed).code).toBe("not_found")
        expect((await create(keyA, path, { namespace: "a", key: "b", value: "c" })).status, id).toBe(404)
        expect((await api.request("PATCH", `${path}/mf_x`, { key: keyA, body: { value: "c" } })).status).toBe(404)
        expect((await api.request("DELETE", `${path}/mf_x`, { key: keyA })).status).toBe(404)
      }
    })

    it("hides another site's product and its metafields: 404 on every probe", async () => {
      const theirs = await insertProduct(siteB)
      const made = await create(keyB, base(siteB, "product", theirs), {
        namespace: "custom",
        key: "secret",
        value: "B"
      })
      expect(made.status).toBe(201)
      const id = bodyOf(made, "metafields.create").data.id
      const mine = base(siteA, "product", theirs)
      expect((await api.request("GET", mine, { key: keyA })).status).toBe(404)
      expect((await create(keyA, mine, { namespace: "custom", key: "x", value: "A" })).status).toBe(404)
      expect((await api.request("PATCH", `${mine}/${id}`, { key: keyA, body: { value: "A" } })).status).toBe(404)
      expect((await api.request("DELETE", `${mine}/${id}`, { key: keyA })).status).toBe(404)
      // Through one of my own products, the id still names nothing.
      const own = base(siteA, "product", await insertProduct(siteA))
      expect((await api.request("PATCH", `${own}/${id}`, { key: keyA, body: { value: "A" } })).status).toBe(404)
      expect((await api.request("DELETE", `${own}/${id}`, { key: keyA })).status).toBe(404)
      // Untouched for its owner.
      expect(
        bodyOf(await api.request("GET", base(siteB, "product", theirs), { key: keyB }), "metafields.list").data
      ).toMatchObject([{ id, value: "B" }])
    })

    it("keeps test and live apart: a test product is 404 to a live key", async () => {
      const testProduct = await insertProduct(siteA, false)
      const path = base(siteA, "product", testProduct)
      const made = await create(keyA, path, { namespace: "custom", key: "mode", value: "test" })
      expect(made.status).toBe(201)
      expect((await api.request("GET", path, { key: liveKeyA })).status).toBe(404)
      expect((await create(liveKeyA, path, { namespace: "custom", key: "mode2", value: "live" })).status).toBe(404)
      expect(
        (await api.request("DELETE", `${path}/${bodyOf(made, "metafields.create").data.id}`, { key: liveKeyA })).status
      ).toBe(404)
      const liveProduct = await insertProduct(siteA, true)
      expect(
        (
          await create(liveKeyA, base(siteA, "product", liveProduct), {
            namespace: "custom",
            key: "mode",
            value: "live"
          })
        ).status
      ).toBe(201)
      expect((await api.request("GET", base(siteA, "product", liveProduct), { key: keyA })).status).toBe(404)
    })

    it("moves no metafield between resources: an id under another product of the same site is 404", async () => {
      const p1 = base(siteA, "product", await insertProduct(siteA))
      const p2 = base(siteA, "product", await insertProduct(siteA))
      const id = bodyOf(await create(keyA, p1, { namespace: "custom", key: "k", value: "v" }), "metafields.create").data
        .id
      expect((await api.request("PATCH", `${p2}/${id}`, { key: keyA, body: { value: "w" } })).status).toBe(404)
      expect((await api.request("DELETE", `${p2}/${id}`, { key: keyA })).status).toBe(404)
      expect(bodyOf(await api.request("GET", p1, { key: keyA }), "metafields.list").data).toMatchObject([
        { id, value: "v" }
      ])
    })

    it("deletes a product's metafields with the product", async () => {
      const product = await insertProduct(siteA)
      const path = base(siteA, "product", product)
      for (const key of ["a", "b", "c"]) await create(keyA, path, { namespace: "custom", key, value: "v" })
      const count = () =>
        query<{ n: number }>(
          (sql) => sql`select count(*)::int as n from metafields where resource_id = ${product}`
        ).then((r) => r[0]!.n)
      expect(await count()).toBe(3)
      await query((sql) => sql`delete from products where id = ${product}`)
      expect(await count()).toBe(0)
      expect((await api.request("GET", path, { key: keyA })).status).toBe(404)
    })

    it("attaches metafields to the site itself, under its own id only, per mode", async () => {
      const path = base(siteA, "site", siteA)
      const made = await create(keyA, path, {
        namespace: "theme",
        key: "banner",
        value: '{"text":"Free shipping"}',
        valueType: "json"
      })
      expect(made.status).toBe(201)
      expect(bodyOf(made, "metafields.create").data).toMatchObject({ resourceType: "site", resourceId: siteA })
      expect(bodyOf(await api.request("GET", path, { key: keyA }), "metafields.list").data).toMatchObject([
        { key: "banner" }
      ])
      // Live data is apart from test data even on the site.
      expect(bodyOf(await api.request("GET", path, { key: liveKeyA }), "metafields.list").data).toEqual([])
      // Another site's id, through my site's path: that resource is not mine.
      expect((await api.request("GET", base(siteA, "site", siteB), { key: keyA })).status).toBe(404)
      expect((await create(keyA, base(siteA, "site", siteB), { namespace: "x", key: "y", value: "z" })).status).toBe(
        404
      )
      expect(
        (
          await api.request("PATCH", `${base(siteA, "site", siteB)}/${bodyOf(made, "metafields.create").data.id}`, {
            key: keyA,
            body: { value: "1" }
          })
        ).status
      ).toBe(404)
      // Another site's key cannot reach my site at all.
      expect((await api.request("GET", path, { key: keyB })).status).toBe(401)
      const at = `${path}/${bodyOf(made, "metafields.create").data.id}`
      const updated = await api.request("PATCH", at, { key: keyA, body: { value: '{"text":"Free returns"}' } })
      expect(bodyOf(updated, "metafields.update").data).toMatchObject({
        value: '{"text":"Free returns"}',
        valueType: "json"
      })
      expect((await api.request("PATCH", at, { key: keyA, body: { value: "{broken" } })).status).toBe(400)
      expect((await api.request("DELETE", at, { key: liveKeyA })).status).toBe(404)
      expect(bodyOf(await api.request("DELETE", at, { key: keyA }), "metafields.delete")).toEqual({
        success: true,
        deleted: true
      })
    })

    it("answers 404 for a customer or an order that does not exist", async () => {
      for (const [type, id] of [
        ["customer", "cust_abc"],
        ["order", "ord_abc"]
      ] as const) {
        const path = base(siteA, type, id)
        expect((await api.request("GET", path, { key: keyA })).status).toBe(404)
        const res = await create(keyA, path, { namespace: "a", key: "b", value: "c" })
        expect([res.status, errorOf(res).code]).toEqual([404, "not_found"])
        expect((await api.request("DELETE", `${path}/mf_x`, { key: keyA })).status).toBe(404)
      }
      expect((await api.request("GET", base(siteA, "variant", "var_abc"), { key: keyA })).status).toBe(400)
    })
  })

  describe("scopes", () => {
    it("metafields:read lists but cannot write; metafields:write is needed to change", async () => {
      const path = base(siteA, "product", await insertProduct(siteA))
      const reader = (await api.createKey(siteA, { scopes: ["metafields:read"] })).key
      const writer = (await api.createKey(siteA, { scopes: ["metafields:write"] })).key
      const catalog = (await api.createKey(siteA, { scopes: ["read:catalog", "write:catalog"] })).key

      const made = await create(writer, path, { namespace: "custom", key: "k", value: "v" })
      expect(made.status).toBe(201)
      const at = `${path}/${bodyOf(made, "metafields.create").data.id}`

      expect((await api.request("GET", path, { key: reader })).status).toBe(200)
      for (const [method, url, body] of [
        ["POST", path, { namespace: "custom", key: "k2", value: "v" }],
        ["PATCH", at, { value: "w" }],
        ["DELETE", at, undefined]
      ] as const) {
        const res = await api.request(method, url, { key: reader, ...(body ? { body } : {}) })
        expect(res.status, method).toBe(403)
        expect(errorOf(res).error).toContain("metafields:write")
      }
      const denied = await api.request("GET", path, { key: writer })
      expect(denied.status).toBe(403)
      expect(errorOf(denied).error).toContain("metafields:read")
      expect((await api.request("GET", path, { key: catalog })).status).toBe(403)
      expect((await create(catalog, path, { namespace: "custom", key: "k3", value: "v" })).status).toBe(403)
      expect((await api.request("PATCH", at, { key: writer, body: { value: "w" } })).status).toBe(200)
      expect((await api.request("DELETE", at, { key: writer })).status).toBe(200)
    })
  })
})
