/**
 * Deprecation signals, read from the spec: an operation, a query parameter or a request-body field
 * marked `deprecated: true` carries `x-deprecated-at` (the date it was deprecated) and may carry
 * `x-sunset` (the earliest date it may be removed, at least 60 days later). A response to a
 * deprecated operation, or to a request that used a deprecated parameter or field, is answered with
 *
 *     Deprecation: @<unix seconds of x-deprecated-at>      (RFC 9745)
 *     Sunset: <HTTP date of x-sunset>                      (RFC 8594, when known)
 *     Link: </docs>; rel="deprecation"; type="text/html"
 *
 * so clients learn of it from the traffic itself, not only from the changelog.
 */
import { type OperationId, Spec } from "@shopvo/contract"

/** What the spec says of one deprecated thing. */
export interface Mark {
  /** Where, for the log and the tests: `operation`, `query.<name>`, `body.<path>`. */
  readonly where: string
  readonly deprecatedAt: Date
  readonly sunset: Date | undefined
}

interface Field {
  /** Property names from the body's root; `*` stands for every element of an array. */
  readonly path: ReadonlyArray<string>
  readonly mark: Mark
}

export interface OperationDeprecations {
  readonly operation: Mark | undefined
  readonly query: ReadonlyMap<string, Mark>
  readonly fields: ReadonlyArray<Field>
}

type Node = { readonly [keyword: string]: unknown }

const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value)

const date = (value: unknown, what: string): Date => {
  const parsed = typeof value === "string" ? new Date(`${value}T00:00:00Z`) : new Date(Number.NaN)
  if (Number.isNaN(parsed.getTime()))
    throw new Error(`${what} is deprecated but has no valid x-deprecated-at (YYYY-MM-DD)`)
  return parsed
}

/** The mark of a node with `deprecated: true`, or undefined. A deprecation without its date is a spec error. */
export const markOf = (node: Node, where: string): Mark | undefined => {
  if (node["deprecated"] !== true) return undefined
  const deprecatedAt = date(node["x-deprecated-at"], where)
  const sunset = node["x-sunset"] === undefined ? undefined : date(node["x-sunset"], `${where} (x-sunset)`)
  if (sunset !== undefined && sunset.getTime() - deprecatedAt.getTime() < 60 * 86_400_000) {
    throw new Error(`${where}: x-sunset must be at least 60 days after x-deprecated-at`)
  }
  return { where, deprecatedAt, sunset }
}

const resolve = (document: Node, node: unknown): Node | undefined => {
  let current = node
  for (let hops = 0; isNode(current) && typeof current["$ref"] === "string" && hops < 32; hops++) {
    current = (current["$ref"] as string)
      .slice(2)
      .split("/")
      .reduce<unknown>(
        (at, key) => (isNode(at) ? at[key.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined),
        document
      )
  }
  return isNode(current) ? current : undefined
}

/** Every deprecated property reachable in a request-body schema (through $ref, allOf/oneOf/anyOf and arrays). */
const deprecatedFields = (document: Node, schema: unknown, path: ReadonlyArray<string>, seen: ReadonlySet<Node>) => {
  const node = resolve(document, schema)
  if (node === undefined || seen.has(node)) return []
  const inside = new Set(seen).add(node)
  const found: Array<Field> = []
  for (const keyword of ["allOf", "oneOf", "anyOf"]) {
    const branches = node[keyword]
    if (Array.isArray(branches))
      for (const branch of branches) found.push(...deprecatedFields(document, branch, path, inside))
  }
  if (node["items"] !== undefined) found.push(...deprecatedFields(document, node["items"], [...path, "*"], inside))
  const properties = node["properties"]
  if (isNode(properties)) {
    for (const [name, property] of Object.entries(properties)) {
      const at = [...path, name]
      const mark = isNode(property) ? markOf(property, `body.${at.join(".")}`) : undefined
      if (mark !== undefined) found.push({ path: at, mark })
      found.push(...deprecatedFields(document, property, at, inside))
    }
  }
  return found
}

/** The deprecations of every operation of a document, by operationId (only those with any). */
export const index = (document: Node): ReadonlyMap<string, OperationDeprecations> => {
  const result = new Map<string, OperationDeprecations>()
  for (const item of Object.values(isNode(document["paths"]) ? document["paths"] : {})) {
    if (!isNode(item)) continue
    const shared = Array.isArray(item["parameters"]) ? item["parameters"] : []
    for (const method of Spec.methods) {
      const operation = item[method]
      if (!isNode(operation) || typeof operation["operationId"] !== "string") continue
      const id = operation["operationId"]
      const query = new Map<string, Mark>()
      const parameters = [...shared, ...(Array.isArray(operation["parameters"]) ? operation["parameters"] : [])]
      for (const parameter of parameters.map((p) => resolve(document, p))) {
        if (parameter?.["in"] !== "query" || typeof parameter["name"] !== "string") continue
        const mark = markOf(parameter, `query.${parameter["name"]}`)
        if (mark !== undefined) query.set(parameter["name"], mark)
      }
      const body = resolve(document, operation["requestBody"])
      const content = isNode(body?.["content"]) ? body["content"] : {}
      const json = isNode(content["application/json"]) ? content["application/json"] : {}
      const fields = deprecatedFields(document, json["schema"], [], new Set())
      const self = markOf(operation, "operation")
      if (self !== undefined || query.size > 0 || fields.length > 0) result.set(id, { operation: self, query, fields })
    }
  }
  return result
}

/** Whether the body has a value at `path` (`*` matching any element of an array). */
const present = (value: unknown, path: ReadonlyArray<string>): boolean => {
  if (path.length === 0) return value !== undefined
  const [head, ...rest] = path
  if (head === "*") return Array.isArray(value) && value.some((element) => present(element, rest))
  return isNode(value) && Object.hasOwn(value, head!) && present(value[head!], rest)
}

/** The deprecated things a request used: the operation itself, its query parameters, its body fields. */
export const used = (
  deprecations: OperationDeprecations | undefined,
  search: URLSearchParams,
  body: unknown
): ReadonlyArray<Mark> => {
  if (deprecations === undefined) return []
  const marks: Array<Mark> = deprecations.operation ? [deprecations.operation] : []
  for (const [name, mark] of deprecations.query) if (search.has(name)) marks.push(mark)
  for (const field of deprecations.fields) if (present(body, field.path)) marks.push(field.mark)
  return marks
}

/** The response headers for these marks: the earliest deprecation and the earliest sunset. */
export const headers = (marks: ReadonlyArray<Mark>): Readonly<Record<string, string>> => {
  if (marks.length === 0) return {}
  const deprecatedAt = Math.min(...marks.map((mark) => mark.deprecatedAt.getTime()))
  const sunsets = marks.flatMap((mark) => (mark.sunset ? [mark.sunset.getTime()] : []))
  return {
    deprecation: `@${Math.floor(deprecatedAt / 1000)}`,
    ...(sunsets.length > 0 ? { sunset: new Date(Math.min(...sunsets)).toUTCString() } : {}),
    link: '</docs>; rel="deprecation"; type="text/html"'
  }
}

const deprecations = index(Spec.document as unknown as Node)

/** Headers for any response of the operation (it is deprecated itself), whatever the request. */
export const forOperation = (id: OperationId): Readonly<Record<string, string>> => {
  const mark = deprecations.get(id)?.operation
  return mark ? headers([mark]) : {}
}

/**
 * Headers for a validated request: the operation, or any deprecated parameter or field it used. The
 * body is the raw one as sent (a default the validator filled in was not used by the client); it is
 * parsed only for an operation that has deprecated fields.
 */
export const forRequest = (id: OperationId, search: URLSearchParams, raw: string): Readonly<Record<string, string>> => {
  const found = deprecations.get(id)
  if (found === undefined) return {}
  return headers(used(found, search, found.fields.length > 0 && raw !== "" ? JSON.parse(raw) : undefined))
}
