/**
 * The HTTP edge against hostile input: bad percent-escapes, oversized and deeply nested bodies,
 * bytes that are not UTF-8, bodies that are not JSON, what Node's parser refuses, odd query
 * strings; and the request log. Every refusal is a 4xx with the error envelope and a request id,
 * never a 500, a bare status line or a reset connection.
 */
import { Spec, Validator } from "@shopvo/contract"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { ChildProcess } from "node:child_process"
import { readFileSync } from "node:fs"
import { request as httpRequest } from "node:http"
import { connect } from "node:net"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startApiProcess } from "./support/Process.js"
import { bodyOf, checkContract, errorOf, start, type TestApi } from "./support/TestApi.js"

const validator = new Validator()
const MiB = 1024 * 1024

/** The body must be the spec's error envelope, with this code. */
const expectEnvelope = (body: unknown, code: string) => {
  expect(validator.validate({ $ref: "#/components/schemas/Error" }, body)).toMatchObject({ ok: true })
  expect(body).toMatchObject({ code })
}

/** A request sent as is with `fetch` (TestApi's contract check would itself choke on a bad escape). */
const send = async (
  baseUrl: string,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: Uint8Array | string } = {}
) => {
  const res = await fetch(`${baseUrl}${path}`, { method, ...init })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text === "" ? undefined : JSON.parse(text) }
}

/** Writes raw bytes on a new connection and reads the answer until the server closes it. */
const rawHttp = (port: number, request: string) =>
  new Promise<{ status: number; headers: Record<string, string>; body: unknown }>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request))
    let data = ""
    socket.setEncoding("utf8")
    socket.on("data", (chunk) => (data += chunk))
    socket.on("error", reject)
    socket.on("end", () => {
      const [head = "", body = ""] = data.split("\r\n\r\n")
      const [statusLine = "", ...lines] = head.split("\r\n")
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()])
      )
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: body === "" ? undefined : JSON.parse(body) })
    })
  })

/**
 * POSTs `total` bytes (spaces) in 64 KiB chunks, declared by Content-Length or chunked, and stops
 * sending as soon as the answer arrives; `sent` is how much had been sent by then. A `paced`
 * client waits 5 ms between chunks (13 MB/s at most) instead of filling the socket's buffers,
 * several MB on loopback, so little is on its way when the answer comes.
 */
const upload = (url: string, key: string, total: number, framing: "content-length" | "chunked", paced = false) =>
  new Promise<{ status: number; body: unknown; sent: number }>((resolve, reject) => {
    let sent = 0
    let answered = false
    const req = httpRequest(
      url,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          ...(framing === "content-length" ? { "content-length": String(total) } : {})
        }
      },
      (res) => {
        answered = true
        const sentByThen = sent
        let text = ""
        res.setEncoding("utf8")
        res.on("data", (chunk) => (text += chunk))
        res.on("error", reject)
        res.on("end", () => {
          resolve({ status: res.statusCode!, body: JSON.parse(text), sent: sentByThen })
          req.destroy()
        })
      }
    )
    // A reset before the whole answer is read fails the upload; later errors (the destroy above) change nothing.
    req.on("error", reject)
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    const pump = () => {
      while (!answered && sent < total) {
        const size = Math.min(chunk.length, total - sent)
        sent += size
        const flushed = req.write(chunk.subarray(0, size))
        const next = paced ? () => setTimeout(pump, 5) : pump
        if (!flushed) return void req.once("drain", next)
        if (paced) return void next()
      }
      if (!answered) req.end()
    }
    pump()
  })

describe("Edge", () => {
  let api: TestApi
  let siteId: string
  let key: string
  let port: number

  const productCount = () =>
    api
      .run(
        Effect.flatMap(
          SqlClient.SqlClient,
          (sql) => sql<{ n: number }>`select count(*)::int as n from products where site_id = ${siteId}`
        )
      )
      .then(([row]) => row!.n)

  beforeAll(async () => {
    api = await start()
    siteId = (await api.createSite({ plan: "enterprise" })).id
    key = (await api.createKey(siteId)).key
    port = Number(new URL(api.baseUrl).port)
  })
  afterAll(() => api.close())

  describe("path percent-escapes", () => {
    // Not UTF-8: a malformed escape, a byte no UTF-8 text has, an overlong form, a surrogate,
    // a truncated sequence and a lone `%`.
    const badEscapes = ["%ff", "%zz", "%C0%AF", "%ED%A0%80", "%e2%82", "%"]

    it("answers 400 with the envelope and a request id, wherever the escape is and with or without a key", async () => {
      for (const badEscape of badEscapes) {
        const paths = [
          `/api/v1/${badEscape}/site`,
          `/api/v1/${siteId}/products/${badEscape}`,
          `/api/v1/${siteId}/products/prd_1${badEscape}/variants`,
          `/nothing/${badEscape}`
        ]
        for (const path of paths) {
          for (const headers of [{}, { authorization: `Bearer ${key}` }]) {
            for (const method of ["GET", "DELETE"]) {
              const res = await send(api.baseUrl, method, path, { headers })
              expect(res.status, `${method} ${path}`).toBe(400)
              expectEnvelope(res.body, "validation_error")
              expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
            }
          }
        }
      }
    })

    it("still decodes valid escapes, reserved characters included", async () => {
      const res = await api.request("GET", `/api/v1/${siteId}/products/prd_%C3%A9%2F%20x`, { key })
      expect(res.status).toBe(404)
      expect(errorOf(res).code).toBe("not_found")
    })
  })

  describe("request bodies", () => {
    const product = { name: "Edge", price: 100 }

    it("accepts a body of exactly MAX_BODY_SIZE (1 MiB by default) and refuses one byte more with 413", async () => {
      const json = JSON.stringify(product)
      const exact = json + " ".repeat(MiB - json.length)
      const accepted = await api.request("POST", `/api/v1/${siteId}/products`, { key, rawBody: exact })
      expect(accepted.status).toBe(201)
      const before = await productCount()
      const refused = await api.request("POST", `/api/v1/${siteId}/products`, { key, rawBody: `${exact} ` })
      expect(refused.status).toBe(413)
      expectEnvelope(refused.body, "payload_too_large")
      expect(refused.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
      expect(await productCount()).toBe(before)
    })

    it("refuses an oversized body with 413 whether declared by Content-Length or streamed in chunks", async () => {
      for (const framing of ["content-length", "chunked"] as const) {
        const res = await upload(`${api.baseUrl}/api/v1/${siteId}/products`, key, 32 * MiB, framing)
        expect(res.status, framing).toBe(413)
        // The answer came before the client had sent it all.
        expect(res.sent, framing).toBeLessThan(32 * MiB)
        expectEnvelope(res.body, "payload_too_large")
        checkContract("POST", `/api/v1/${siteId}/products`, res.status, res.body)
      }
      // The connection was not left broken: the server still answers.
      expect((await api.request("GET", `/api/v1/${siteId}/site`, { key })).status).toBe(200)
    })

    it("refuses JSON nested deeper than 64 levels with 400 on every write route, whatever the nesting", async () => {
      const nestings = {
        objects: (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`,
        arrays: (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`,
        mixed: (depth: number) => `${'[{"a":'.repeat(depth / 2)}1${"}]".repeat(depth / 2)}`,
        inAField: (depth: number) => `{"name":${"[".repeat(depth)}${"]".repeat(depth)}}`
      }
      // Every write operation of the spec that takes a body, implemented or not (parsing comes first).
      const routes = Spec.operations
        .filter((operation) => operation.method !== "get" && operation.requestBody !== undefined)
        .map((operation) => ({
          method: operation.method.toUpperCase(),
          path: operation.path.replace(/\{(\w+)\}/g, (_, name) =>
            name === "siteId" ? siteId : name === "resourceType" ? "products" : "x_1"
          )
        }))
      expect(routes.length).toBeGreaterThan(20)
      // Each route gets every shape, at a depth just over the limit or far over it (a few requests
      // per route: /checkout allows only 10 a minute).
      const depths = [66, 2_000, 100_000, 66]
      for (const { method, path } of routes) {
        for (const [i, [shape, nest]] of Object.entries(nestings).entries()) {
          const res = await api.request(method, path, { key, rawBody: nest(depths[i]!) })
          expect(res.status, `${method} ${path} ${shape} ${depths[i]}`).toBe(400)
          expect(errorOf(res).code).toBe("malformed_json")
        }
      }
      // Brackets inside strings are text, not nesting; 64 levels are allowed.
      const inString = await api.request("POST", `/api/v1/${siteId}/products`, {
        key,
        body: { ...product, description: "[".repeat(1_000) }
      })
      expect(inString.status).toBe(201)
      const allowed = await api.request("POST", `/api/v1/${siteId}/products`, { key, rawBody: nestings.arrays(64) })
      expect(errorOf(allowed).code).toBe("validation_error")
    })

    it("refuses a body that is not UTF-8 with 400 and stores nothing", async () => {
      const before = await productCount()
      // A lone continuation byte, a byte no UTF-8 text has, an overlong form, a surrogate, a truncated sequence.
      for (const bytes of [[0x80], [0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
        const body = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from(bytes), Buffer.from('b","price":1}')])
        const path = `/api/v1/${siteId}/products`
        const res = await send(api.baseUrl, "POST", path, {
          body,
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }
        })
        expect(res.status, JSON.stringify(bytes)).toBe(400)
        expectEnvelope(res.body, "malformed_json")
        checkContract("POST", path, res.status, res.body)
      }
      expect(await productCount()).toBe(before)
      const accented = await api.request("POST", `/api/v1/${siteId}/products`, {
        key,
        body: { name: "Café ☕ 𝄞", price: 1 }
      })
      expect(accented.status).toBe(201)
      expect(bodyOf(accented, "products.create").data.name).toBe("Café ☕ 𝄞")
    })

    it("answers 415 to a write whose body is not declared as JSON, and accepts the JSON media types", async () => {
      const before = await productCount()
      const refused = [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin1",
        "application/jsonx",
        ""
      ]
      for (const contentType of refused) {
        const res = await api.request("POST", `/api/v1/${siteId}/products`, {
          key,
          rawBody: JSON.stringify(product),
          headers: { "content-type": contentType }
        })
        expect(res.status, contentType).toBe(415)
        expect(errorOf(res).code).toBe("unsupported_media_type")
      }
      expect(await productCount()).toBe(before)
      const accepted = [
        "application/json",
        "application/json; charset=utf-8",
        'APPLICATION/JSON;Charset="UTF-8"',
        "application/merge-patch+json"
      ]
      for (const contentType of accepted) {
        const res = await api.request("POST", `/api/v1/${siteId}/products`, {
          key,
          rawBody: JSON.stringify(product),
          headers: { "content-type": contentType }
        })
        expect(res.status, contentType).toBe(201)
      }
      // A write without a body needs no content type.
      const webhook = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
        key,
        body: { url: "https://hooks.example.com/x", events: ["order.created"] }
      })
      const removed = await send(
        api.baseUrl,
        "DELETE",
        `/api/v1/${siteId}/webhooks/${bodyOf(webhook, "webhooks.create").data.id}`,
        {
          headers: { authorization: `Bearer ${key}` }
        }
      )
      expect(removed.status).toBe(200)
    })
  })

  describe("what Node's HTTP parser refuses", () => {
    const expectRefusal = (res: Awaited<ReturnType<typeof rawHttp>>, status: number, code: string) => {
      expect(res.status).toBe(status)
      expectEnvelope(res.body, code)
      expect(res.headers["content-type"]).toBe("application/json")
      expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/)
    }

    it("answers 431 with the envelope to headers or a URL over the size limit", async () => {
      const big = "a".repeat(20_000)
      expectRefusal(
        await rawHttp(port, `GET /api/v1/${siteId}/site HTTP/1.1\r\nHost: x\r\nX-Padding: ${big}\r\n\r\n`),
        431,
        "headers_too_large"
      )
      expectRefusal(
        await rawHttp(port, `GET /api/v1/${siteId}/products?search=${big} HTTP/1.1\r\nHost: x\r\n\r\n`),
        431,
        "headers_too_large"
      )
    })

    it("answers a long URL on a write route with 431, not a reset, while the client is still sending its body", async () => {
      const res = await upload(
        `${api.baseUrl}/api/v1/${siteId}/products?x=${"a".repeat(20_000)}`,
        key,
        2 * MiB,
        "content-length"
      )
      expect(res.status).toBe(431)
      expectEnvelope(res.body, "headers_too_large")
    })

    it("answers 400 with the envelope to a request line or header it cannot parse", async () => {
      const malformed = [
        `GET %2Fapi%2Fv1%2F${siteId}%2Fsite HTTP/1.1\r\nHost: x\r\n\r\n`,
        "NOT HTTP AT ALL\r\n\r\n",
        `GET /api/v1/${siteId}/site HTTP/1.1\r\nBad Header: x\r\n\r\n`,
        `POST /api/v1/${siteId}/products HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}`
      ]
      for (const request of malformed) expectRefusal(await rawHttp(port, request), 400, "malformed_request")
    })
  })

  it("never answers 500 to duplicate or odd query strings", async () => {
    const queries = [
      "limit=1&limit=2",
      "limit[]=1",
      "page=1&page=x",
      "expand[]=variants&expand[]=variants&expand[]=brand",
      "expand=variants",
      "cursor=&cursor=",
      "fields=id&fields=name",
      "fields=",
      "%ff=1",
      "a=%zz",
      "search=%E2%82",
      "&&&=&",
      "=x",
      "limit=%2B1",
      "limit=1e3",
      "status=ACTIVE&status=DRAFT",
      "search=a&search=b&search=c"
    ]
    for (const resource of ["products", "webhooks", "categories"]) {
      for (const query of queries) {
        const res = await api.request("GET", `/api/v1/${siteId}/${resource}?${query}`, { key })
        expect(res.status, `${resource}?${query}`).toBeLessThan(500)
      }
    }
  })

  describe("as its own process", () => {
    let child: ChildProcess
    let baseUrl: string
    interface LogLine {
      readonly message?: unknown
      readonly logLevel?: unknown
      readonly annotations?: { readonly [field: string]: unknown }
    }
    const lines: Array<LogLine> = []

    beforeAll(async () => {
      const started = await startApiProcess(api.databaseUrl, { env: { LOG_LEVEL: "INFO" }, pipeStdout: true })
      child = started.child
      baseUrl = started.baseUrl
      let pending = ""
      child.stdout!.setEncoding("utf8")
      child.stdout!.on("data", (chunk: string) => {
        pending += chunk
        const complete = pending.split("\n")
        pending = complete.pop()!
        for (const line of complete) if (line.startsWith("{")) lines.push(JSON.parse(line))
      })
    })
    afterAll(() => {
      child.kill("SIGKILL")
    })

    /** The server's peak resident memory so far (Linux). */
    const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) * 1024

    it.skipIf(process.platform !== "linux")(
      "refuses a 20 MB body early, its memory growing by no more than a few MB",
      async () => {
        const url = `${baseUrl}/api/v1/${siteId}/products`
        // Warm up the write path, so the measure holds only what the large bodies cost.
        for (let i = 0; i < 10; i++) {
          expect((await upload(url, key, 64 * 1024, "chunked")).status).toBe(400)
          expect((await upload(url, key, 2 * MiB, i % 2 ? "chunked" : "content-length", true)).status).toBe(413)
        }
        const before = peakRss()
        for (const framing of ["content-length", "chunked"] as const) {
          const res = await upload(url, key, 20 * MiB, framing, true)
          expect(res.status, framing).toBe(413)
          // Refused as soon as the body is over the limit, not once it has all arrived.
          expect(res.sent, framing).toBeLessThan(4 * MiB)
        }
        // Reading the bodies whole would have cost 20 MB each, twice over (bytes, then text).
        expect(peakRss() - before).toBeLessThan(4 * MiB)
      }
    )

    /** Waits until every request id has its log line(s). */
    const linesFor = async (requestIds: ReadonlyArray<string>) => {
      for (let i = 0; i < 100 && !requestIds.every((id) => lines.some((l) => l.annotations?.requestId === id)); i++)
        await new Promise((r) => setTimeout(r, 50))
      return requestIds.map((id) => lines.filter((l) => l.message === "request" && l.annotations?.requestId === id))
    }

    it("writes one JSON log line per request, with its request id and status, and never a key", async () => {
      const auth = { authorization: `Bearer ${key}` }
      const answers = [
        await send(baseUrl, "GET", `/api/v1/${siteId}/site`, { headers: auth }),
        await send(baseUrl, "GET", `/api/v1/${siteId}/site`),
        await send(baseUrl, "GET", `/api/v1/${siteId}/nothing-here`, { headers: auth }),
        await send(baseUrl, "PUT", `/api/v1/${siteId}/site`, { headers: auth }),
        await send(baseUrl, "GET", `/api/v1/%ff/site`, { headers: auth }),
        await send(baseUrl, "POST", `/api/v1/${siteId}/products`, { headers: auth, body: "{}" }),
        await send(baseUrl, "GET", "/healthz")
      ].map((res) => ({ requestId: res.headers.get("x-request-id")!, status: res.status }))
      const refused = await rawHttp(
        Number(new URL(baseUrl).port),
        `GET /x HTTP/1.1\r\nX-Padding: ${"a".repeat(20_000)}\r\n\r\n`
      )
      answers.push({ requestId: refused.headers["x-request-id"]!, status: refused.status })
      expect(answers.map((a) => a.status)).toEqual([200, 401, 404, 405, 400, 415, 200, 431])

      const logged = await linesFor(answers.map((a) => a.requestId))
      answers.forEach((answer, i) => {
        expect(logged[i], answer.requestId).toHaveLength(1)
        expect(logged[i]![0]).toMatchObject({ logLevel: "INFO", annotations: { status: answer.status } })
      })
      expect(logged[0]![0]!.annotations).toMatchObject({ method: "GET", operation: "site.get", siteId })
      const output = JSON.stringify(lines)
      expect(output).not.toContain(key)
      expect(output).not.toContain("Bearer")
    })

    it("logs a database outage at WARN, with one line for each request answered 503", async () => {
      const databaseName = new URL(api.databaseUrl).pathname.slice(1)
      const maintenance = new URL(api.databaseUrl)
      maintenance.pathname = "/postgres"
      const admin = new pg.Client({ connectionString: maintenance.toString() })
      await admin.connect()
      try {
        await admin.query(`alter database "${databaseName}" allow_connections false`)
        await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [databaseName])
        const res = await send(baseUrl, "GET", `/api/v1/${siteId}/site`, {
          headers: { authorization: `Bearer ${key}` }
        })
        expect(res.status).toBe(503)
        const [logged] = await linesFor([res.headers.get("x-request-id")!])
        expect(logged).toHaveLength(1)
        expect(logged![0]).toMatchObject({ logLevel: "WARN", annotations: { status: 503 } })
        expect(lines.some((l) => l.logLevel === "WARN" && l.message === "database unavailable")).toBe(true)
      } finally {
        await admin.query(`alter database "${databaseName}" allow_connections true`)
        await admin.end()
      }
      // Recovered: the next request is served again.
      for (let i = 0; i < 50; i++) {
        const res = await send(baseUrl, "GET", `/api/v1/${siteId}/site`, {
          headers: { authorization: `Bearer ${key}` }
        })
        if (res.status === 200) return
        await new Promise((r) => setTimeout(r, 200))
      }
      throw new Error("the API did not recover after the outage")
    })
  })
})
