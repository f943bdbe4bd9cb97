/**
 * The error half of the contract, read from the bundled document: one catalogue of error codes
 * (`ErrorCode`), every code the spec names in a response is in it, and every response declares the
 * headers the server sends with it (`X-Request-Id` always, the rate-limit headers, `Retry-After`).
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"

interface Header {
  readonly $ref?: string
  readonly required?: boolean
}
interface Response {
  readonly $ref?: string
  readonly description?: string
  readonly headers?: Record<string, Header>
  readonly content?: Record<string, { schema?: { $ref?: string } }>
}
interface Operation {
  readonly operationId: string
  readonly tags?: ReadonlyArray<string>
  readonly responses: Record<string, Response>
}

const spec = JSON.parse(readFileSync(new URL("../dist/openapi.json", import.meta.url), "utf8")) as {
  paths: Record<string, Record<string, Operation>>
  components: {
    schemas: Record<string, { enum?: ReadonlyArray<string>; "x-enumDescriptions"?: Record<string, string> }>
    responses: Record<string, Response>
    headers: Record<string, Header>
  }
}
const operations = Object.values(spec.paths).flatMap((item) =>
  ["get", "post", "put", "patch", "delete"].flatMap((m) => (item[m] ? [item[m]!] : []))
)
const sharedResponse = (ref: string) => spec.components.responses[ref.replace("#/components/responses/", "")]!
/** A response with its `$ref` followed; a description next to the `$ref` overrides the shared one. */
const resolve = (response: Response): Response =>
  response.$ref
    ? { ...sharedResponse(response.$ref), ...(response.description ? { description: response.description } : {}) }
    : response

const errorCode = spec.components.schemas["ErrorCode"]!
const catalogue = new Set(errorCode.enum)
const isError = (response: Response) =>
  response.content?.["application/json"]?.schema?.$ref === "#/components/schemas/Error"

// Families whose own (inline) responses do not declare X-Request-Id yet; their shared error responses do.
// Remove a tag once its family file declares the header on its success responses.
const requestIdPending = new Set([
  "Products",
  "Categories",
  "Brands",
  "Inventory",
  "Content",
  "Site",
  "Metafields",
  "Webhooks"
])

describe("error codes", () => {
  it("describe every code of the catalogue in one line that starts with its HTTP status", () => {
    const described = errorCode["x-enumDescriptions"]!
    expect(Object.keys(described)).toEqual(errorCode.enum)
    for (const [code, text] of Object.entries(described)) {
      expect(text, code).toMatch(/^[1-5]\d\d: \S/)
      expect(text, code).not.toContain("\n")
    }
  })

  it("name in responses only codes of the catalogue", () => {
    const named = new Map<string, string>()
    const scan = (where: string, response: Response) => {
      if (!isError(response)) return
      for (const [, code] of (response.description ?? "").matchAll(/`([a-z]+(?:_[a-z]+)+)`/g)) named.set(code!, where)
    }
    for (const [name, response] of Object.entries(spec.components.responses)) scan(name, response)
    for (const op of operations)
      for (const [status, response] of Object.entries(op.responses))
        scan(`${op.operationId} ${status}`, resolve(response))
    // The prose names codes the server does not emit yet (carts, checkout, gift cards…): they count too.
    expect(named.size).toBeGreaterThan(40)
    const unknown = [...named].filter(([code]) => !catalogue.has(code)).map(([code, where]) => `${code} (${where})`)
    expect(unknown).toEqual([])
  })
})

describe("response headers", () => {
  const rateLimit = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]

  it("declare X-Request-Id, the rate-limit headers and, for 429 and 503, Retry-After", () => {
    const missing: Array<string> = []
    for (const op of operations) {
      for (const [status, declared] of Object.entries(op.responses)) {
        const response = resolve(declared)
        const expected = [
          ...(declared.$ref || !op.tags?.some((tag) => requestIdPending.has(tag)) ? ["X-Request-Id"] : []),
          ...rateLimit,
          ...(status === "429" || status === "503" ? ["Retry-After"] : [])
        ]
        for (const name of expected) if (!response.headers?.[name]) missing.push(`${op.operationId} ${status} ${name}`)
      }
    }
    expect(missing).toEqual([])
  })

  it("mark X-Request-Id as always sent, and the rate-limit headers as conditional on 401, 500 and 503", () => {
    expect(spec.components.headers["X-Request-Id"]!.required).toBe(true)
    for (const name of rateLimit) expect(spec.components.headers[name]!.required).not.toBe(true)
    for (const conditional of ["Unauthorized", "InternalError", "ServiceUnavailable"]) {
      const headers = spec.components.responses[conditional]!.headers!
      for (const name of rateLimit)
        expect(headers[name] as { description?: string }, conditional).toHaveProperty("description")
    }
  })

  it("keep the pending list honest: each family on it still lacks X-Request-Id somewhere", () => {
    for (const tag of requestIdPending) {
      const gaps = operations
        .filter((op) => op.tags?.includes(tag))
        .flatMap((op) => Object.values(op.responses))
        .filter((response) => !response.$ref && !response.headers?.["X-Request-Id"])
      expect(gaps.length, `${tag} declares X-Request-Id everywhere: remove it from requestIdPending`).toBeGreaterThan(0)
    }
  })
})

describe("405 and 501", () => {
  it("document 405 method_not_allowed once, with Allow, since no operation can answer it", () => {
    const response = spec.components.responses["MethodNotAllowed"]!
    expect(Object.keys(response.headers ?? {}).sort()).toEqual(["Allow", "X-Request-Id"])
    expect(isError(response)).toBe(true)
    expect(catalogue.has("method_not_allowed")).toBe(true)
  })

  it("declare 501 not_implemented with the shared response wherever an operation declares it", () => {
    // Every operation is built today, so none may declare it; one added before its handler must.
    const declaring = operations.filter((op) => op.responses["501"])
    for (const op of declaring)
      expect(op.responses["501"]!.$ref, op.operationId).toBe("#/components/responses/NotImplemented")
  })
})
