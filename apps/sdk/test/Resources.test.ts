/**
 * Every operation of the spec is a method of the client, at `client.<area>.<verb>` as its operationId
 * names it, and that method sends the operation's method to the operation's path. Arguments follow
 * the facade's rule: the ids of the path (and a required query id), then the body of a write.
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { describe, expect, it } from "vitest"
import { createClient, PagedCall } from "../src/index.js"

interface Parameter {
  readonly name: string
  readonly in: string
  readonly required?: boolean
  readonly $ref?: string
}
interface Operation {
  readonly operationId: string
  readonly tags?: ReadonlyArray<string>
  readonly parameters?: ReadonlyArray<Parameter>
  readonly requestBody?: unknown
}
type Spec = {
  readonly paths: Record<string, Record<string, Operation | ReadonlyArray<Parameter>>>
  readonly components: { readonly parameters: Record<string, Parameter> }
}

const spec: Spec = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("@shopvo/spec/openapi.json"), "utf8"))
const resolve = (p: Parameter): Parameter => (p.$ref ? spec.components.parameters[p.$ref.split("/").pop()!]! : p)

const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
  (["get", "post", "put", "patch", "delete"] as const).flatMap((method) => {
    const operation = item[method] as Operation | undefined
    if (!operation) return []
    const shared = (item["parameters"] as ReadonlyArray<Parameter> | undefined) ?? []
    const parameters = [...shared, ...(operation.parameters ?? [])].map(resolve)
    const pathIds = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((name) => name !== "siteId")
    const queryIds = parameters.filter((p) => p.in === "query" && p.required).map((p) => p.name)
    const paginated = parameters.some((p) => p.in === "query" && (p.name === "page" || p.name === "cursor"))
    return [{ path, method, operation, pathIds, queryIds, paginated }]
  })
)

describe("resources", () => {
  it("covers every tag of the spec", () => {
    const tags = new Set(operations.flatMap(({ operation }) => operation.tags ?? []))
    expect(tags.size).toBeGreaterThan(10)
    expect(operations.length).toBeGreaterThan(50)
  })

  it.each(operations)(
    "$operation.operationId sends $method $path",
    async ({ path, method, operation, pathIds, queryIds, paginated }) => {
      const sent: Array<Request> = []
      const page = { success: true, items: [], data: [], pagination: { page: 1, limit: 20, total: 0, totalPages: 0 } }
      const client = createClient({
        apiKey: "sk_test_k",
        siteId: "site_1",
        baseUrl: "http://shopvo.test",
        fetch: async (input) => {
          sent.push(input as Request)
          return new Response(JSON.stringify(page), { status: 200, headers: { "content-type": "application/json" } })
        }
      })
      const [area, verb] = operation.operationId.split(".") as [string, string]
      const resource = (client as unknown as Record<string, Record<string, (...args: Array<unknown>) => unknown>>)[area]
      const call = resource?.[verb]
      expect(call, `client.${operation.operationId}`).toBeTypeOf("function")

      const ids = [...pathIds, ...queryIds].map((name) => `${name}-value`)
      const result = call!(...ids, ...(operation.requestBody ? [{}] : []))
      if (paginated) expect(result).toBeInstanceOf(PagedCall)
      await result

      expect(sent).toHaveLength(1)
      const url = new URL(sent[0]!.url)
      expect(sent[0]!.method).toBe(method.toUpperCase())
      expect(decodeURIComponent(url.pathname)).toBe(
        path.replace("{siteId}", "site_1").replace(/\{(\w+)\}/g, (_, name: string) => `${name}-value`)
      )
      for (const name of queryIds) expect(url.searchParams.get(name)).toBe(`${name}-value`)
    }
  )
})
