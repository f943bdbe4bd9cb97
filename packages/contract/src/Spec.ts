/**
 * The bundled OpenAPI document and an index of its operations.
 *
 * The document is the one the types and client in `generated/` were generated from
 * (`src/generated/openapi.gen.json`, copied by `pnpm gen`), so validation and types never disagree.
 */
import bundled from "./generated/openapi.gen.json" with { type: "json" }
import { type OperationId, operationIds } from "./generated/operations.gen.js"

export type JsonSchema = { readonly [keyword: string]: unknown }

export interface Parameter {
  readonly name: string
  readonly in: "query" | "path" | "header" | "cookie"
  readonly required?: boolean
  readonly schema?: JsonSchema
  readonly style?: string
  readonly explode?: boolean
}

export interface MediaType {
  readonly schema?: JsonSchema
  readonly example?: unknown
  readonly examples?: Readonly<Record<string, { readonly value?: unknown; readonly $ref?: string }>>
}

export interface Response {
  readonly $ref?: string
  readonly description?: string
  readonly headers?: Readonly<Record<string, unknown>>
  readonly content?: Readonly<Record<string, MediaType>>
}

export interface OperationObject {
  readonly operationId: string
  readonly tags?: ReadonlyArray<string>
  readonly parameters?: ReadonlyArray<Parameter | { readonly $ref: string }>
  readonly requestBody?: { readonly required?: boolean; readonly content?: Readonly<Record<string, MediaType>> }
  readonly responses: Readonly<Record<string, Response>>
  readonly security?: ReadonlyArray<Readonly<Record<string, ReadonlyArray<string>>>>
  readonly "x-scopes"?: ReadonlyArray<string>
}

export interface Document {
  readonly openapi: string
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  readonly webhooks?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  readonly components: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}

/** The bundled Shopvo v1 OpenAPI 3.1 document. */
export const document: Document = bundled as unknown as Document

export const methods = ["get", "put", "post", "patch", "delete", "head", "options"] as const
export type Method = (typeof methods)[number]

/** One operation of the spec with its references resolved. */
export interface Operation<Id extends OperationId = OperationId> {
  readonly id: Id
  readonly method: Method
  /** Path template, e.g. `/api/v1/{siteId}/products/{productId}`. */
  readonly path: string
  /** Scopes a key needs (`x-scopes`); empty for public operations. */
  readonly scopes: ReadonlyArray<string>
  /** False only for operations with `security: []` (e.g. `promotions.validate`). */
  readonly authenticated: boolean
  readonly parameters: ReadonlyArray<Parameter>
  readonly requestBody: { readonly required: boolean; readonly schema: JsonSchema } | undefined
  /** Whether the operation also takes its body as `text/csv` (handed to it as the text). */
  readonly acceptsCsv: boolean
  readonly responses: Readonly<Record<string, Response>>
}

/** Resolves a local `#/components/...` reference. */
export const resolveRef = <A>(ref: string): A => {
  if (!ref.startsWith("#/")) throw new Error(`Only local references are supported: ${ref}`)
  let node: unknown = document
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~")
    node = (node as Record<string, unknown> | undefined)?.[key]
  }
  if (node === undefined) throw new Error(`Unresolvable reference: ${ref}`)
  return node as A
}

const deref = <A extends object>(node: A | { readonly $ref: string }): A =>
  "$ref" in node && typeof node.$ref === "string" ? deref(resolveRef<A>(node.$ref)) : (node as A)

const known: ReadonlySet<string> = new Set(operationIds)
const isOperationId = (id: string): id is OperationId => known.has(id)

const indexOperations = (): ReadonlyArray<Operation> => {
  const result: Array<Operation> = []
  for (const [path, item] of Object.entries(document.paths)) {
    const shared = (item["parameters"] ?? []) as ReadonlyArray<Parameter | { $ref: string }>
    for (const method of methods) {
      const op = item[method] as OperationObject | undefined
      if (!op) continue
      // Operation-level parameters override path-level ones with the same name and location.
      const byKey = new Map<string, Parameter>()
      for (const p of [...shared, ...(op.parameters ?? [])].map((p) => deref<Parameter>(p)))
        byKey.set(`${p.in}:${p.name}`, p)
      const json = op.requestBody?.content?.["application/json"]
      const id = op.operationId
      if (!isOperationId(id)) throw new Error(`${id} is missing from operations.gen.ts: run pnpm gen`)
      result.push({
        id,
        method,
        path,
        scopes: op["x-scopes"] ?? [],
        authenticated: !(Array.isArray(op.security) && op.security.length === 0),
        parameters: [...byKey.values()],
        requestBody: json?.schema ? { required: op.requestBody?.required ?? false, schema: json.schema } : undefined,
        acceptsCsv: op.requestBody?.content?.["text/csv"] !== undefined,
        responses: Object.fromEntries(Object.entries(op.responses).map(([status, r]) => [status, deref<Response>(r)]))
      })
    }
  }
  return result
}

/** Every operation of the spec, in document order. */
export const operations: ReadonlyArray<Operation> = indexOperations()

const byId: ReadonlyMap<string, Operation> = new Map(operations.map((op) => [op.id, op]))

/** The operation with this `operationId`, or undefined. */
export const operation = (id: string): Operation | undefined => byId.get(id)

interface CompiledPath {
  readonly operation: Operation
  readonly pattern: RegExp
  readonly names: ReadonlyArray<string>
  readonly literalSegments: number
}

// Literal segments win over templated ones (`/products/{id}/variants` before `/{type}/{id}/metafields`).
const compiledPaths: ReadonlyArray<CompiledPath> = operations
  .map((operation) => {
    const names: Array<string> = []
    const source = operation.path
      .split("/")
      .map((segment) => {
        const m = /^\{(.+)\}$/.exec(segment)
        if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
        names.push(m[1]!)
        return "([^/]+)"
      })
      .join("/")
    return {
      operation,
      pattern: new RegExp(`^${source}/?$`),
      names,
      literalSegments: operation.path.split("/").filter((s) => s !== "" && !s.startsWith("{")).length
    }
  })
  .sort((a, b) => b.literalSegments - a.literalSegments)

/** A concrete request matched to its operation, with decoded path parameters. */
export interface Match {
  readonly operation: Operation
  readonly params: Readonly<Record<string, string>>
}

/**
 * Finds the operation serving `method pathname`. Returns `undefined` when no path matches,
 * and `{ allowed }` when the path exists under other methods (a 405).
 */
export const match = (
  method: string,
  pathname: string
): Match | { readonly allowed: ReadonlyArray<string> } | undefined => {
  const wanted = method.toLowerCase()
  const allowed: Array<string> = []
  for (const candidate of compiledPaths) {
    const m = candidate.pattern.exec(pathname)
    if (!m) continue
    if (candidate.operation.method !== wanted) {
      allowed.push(candidate.operation.method.toUpperCase())
      continue
    }
    const params: Record<string, string> = {}
    candidate.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1]!)
    })
    return { operation: candidate.operation, params }
  }
  return allowed.length > 0 ? { allowed } : undefined
}
