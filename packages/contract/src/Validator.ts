/**
 * Runtime validation against the spec's own JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12),
 * compiled by Ajv. The spec stays the single source: nothing here restates a schema.
 *
 * Three compilers with different jobs:
 * - parameters: query and path strings are coerced to their declared types and defaults are
 *   filled in, so handlers receive `limit: 20` rather than `"20"` or nothing;
 * - request bodies: defaults are filled in but nothing is coerced: JSON has types, and a client
 *   sending `"rating": "5"` must hear that it is wrong;
 * - responses: strict, nothing coerced or filled, because the contract check must see exactly
 *   what the server sent.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js"
import addFormatsModule from "ajv-formats"
import type { Body, Input, OperationId, Path, Query } from "./Operation.js"
import { document, operation as findOperation, type JsonSchema, type Operation, type Parameter } from "./Spec.js"

/** One problem with a request or response, addressed by JSON pointer (body) or `query.name`/`path.name`. */
export interface Issue {
  readonly path: string
  readonly message: string
}

export type Result<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly issues: ReadonlyArray<Issue> }

/** The raw parts of an incoming request. */
export interface RawRequest {
  readonly query: URLSearchParams
  readonly params: Readonly<Record<string, string | undefined>>
  /** Parsed JSON body, or `undefined` when the request had none. */
  readonly body: unknown
  /** A `text/csv` body, for an operation that takes one (`acceptsCsv`): handed over as the text. */
  readonly csv?: string | undefined
}

const DOCUMENT_ID = "https://shopvo.dev/openapi.json"
// ajv-formats ships CommonJS; under NodeNext its default export is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020

const makeAjv = (options: { coerceTypes: boolean | "array"; useDefaults: boolean }): Ajv2020 => {
  const ajv = new Ajv2020({
    strict: false, // OpenAPI adds keywords (example, discriminator, x-…) that are not JSON Schema
    allErrors: true,
    coerceTypes: options.coerceTypes,
    useDefaults: options.useDefaults,
    validateFormats: true
  })
  addFormats(ajv)
  // Only the components are a schema document; `#/components/schemas/X` resolves inside it.
  ajv.addSchema({ $id: DOCUMENT_ID, components: document.components }, DOCUMENT_ID)
  return ajv
}

/** Rewrites the spec's local `#/…` references to point into the registered document. */
const anchor = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(anchor)
  if (schema === null || typeof schema !== "object") return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `${DOCUMENT_ID}${value}` : anchor(value)
  }
  return out
}

const describe = (error: ErrorObject, prefix: string): Issue => {
  const at = (suffix: string) =>
    prefix === "" ? suffix || "/" : `${prefix}${suffix.replace(/^\//, ".").replace(/\//g, ".")}`
  switch (error.keyword) {
    case "required":
      return { path: at(`${error.instancePath}/${String(error.params["missingProperty"])}`), message: "is required" }
    case "additionalProperties":
      return {
        path: at(`${error.instancePath}/${String(error.params["additionalProperty"])}`),
        message: "is not a known field"
      }
    case "enum":
      return {
        path: at(error.instancePath),
        message: `must be one of ${(error.params["allowedValues"] as ReadonlyArray<unknown>).map((v) => JSON.stringify(v)).join(", ")}`
      }
    default:
      return { path: at(error.instancePath), message: error.message ?? "is invalid" }
  }
}

// `oneOf` failures repeat every branch's complaint; keep each (path, message) once.
const issuesOf = (errors: ReadonlyArray<ErrorObject> | null | undefined, prefix: string): ReadonlyArray<Issue> => {
  const seen = new Set<string>()
  const issues: Array<Issue> = []
  for (const error of errors ?? []) {
    if (error.keyword === "oneOf" || error.keyword === "anyOf" || error.keyword === "if") continue
    const issue = describe(error, prefix)
    const key = `${issue.path}\u0000${issue.message}`
    if (seen.has(key)) continue
    seen.add(key)
    issues.push(issue)
  }
  return issues.length > 0 ? issues : [{ path: prefix || "/", message: "does not match any allowed shape" }]
}

const isArraySchema = (schema: JsonSchema | undefined): boolean =>
  schema !== undefined &&
  (schema["type"] === "array" || (Array.isArray(schema["type"]) && schema["type"].includes("array")))

const parameterGroup = (parameters: ReadonlyArray<Parameter>, location: "query" | "path"): JsonSchema => ({
  type: "object",
  properties: Object.fromEntries(parameters.filter((p) => p.in === location).map((p) => [p.name, p.schema ?? {}])),
  required: parameters.filter((p) => p.in === location && p.required).map((p) => p.name),
  additionalProperties: false
})

type Checked<A> = { readonly ok: true; readonly value: A } | { readonly ok: false }

/** Runs a compiled validator (a type guard), collecting its issues under `prefix`. */
const check = <A>(validate: ValidateFunction<A>, value: unknown, prefix: string, issues: Array<Issue>): Checked<A> => {
  if (validate(value)) return { ok: true, value }
  issues.push(...issuesOf(validate.errors, prefix))
  return { ok: false }
}

/** An operation's request schemas, kept so Ajv's own cache (keyed by schema object) finds them again. */
interface RequestSchemas {
  readonly query: object
  readonly params: object
  readonly body: object | undefined
  readonly arrayParams: ReadonlySet<string>
  readonly queryNames: ReadonlySet<string>
}

/**
 * Validators for every operation, compiled on first use and cached.
 * Build one per process; `compileAll()` front-loads the work at start-up.
 */
export class Validator {
  private readonly parameterAjv = makeAjv({ coerceTypes: "array", useDefaults: true })
  private readonly bodyAjv = makeAjv({ coerceTypes: false, useDefaults: true })
  private readonly responseAjv = makeAjv({ coerceTypes: false, useDefaults: false })
  private readonly requests = new Map<OperationId, RequestSchemas>()
  private readonly responses = new Map<string, ValidateFunction | null>()
  private readonly adHoc = new WeakMap<JsonSchema, ValidateFunction>()

  /** Compiles every operation's request validators (call once at start-up). */
  compileAll(operations: ReadonlyArray<Operation>): void {
    for (const op of operations) {
      const schemas = this.requestSchemas(op)
      this.parameterAjv.compile(schemas.query)
      this.parameterAjv.compile(schemas.params)
      if (schemas.body) this.bodyAjv.compile(schemas.body)
    }
  }

  /**
   * Validates and coerces a request for `operation`. On success the input has the operation's
   * generated types: Ajv's compiled validators are type guards for them.
   */
  request<Id extends OperationId>(op: Operation<Id>, raw: RawRequest): Result<Input<Id>> {
    const schemas = this.requestSchemas(op)
    const validQuery = this.parameterAjv.compile<Query<Id>>(schemas.query)
    const validPath = this.parameterAjv.compile<Path<Id>>(schemas.params)
    const issues: Array<Issue> = []

    const query: Record<string, unknown> = {}
    for (const name of new Set(raw.query.keys())) {
      if (!schemas.queryNames.has(name)) {
        issues.push({ path: `query.${name}`, message: "is not a known parameter" })
        continue
      }
      const values = raw.query.getAll(name)
      query[name] = schemas.arrayParams.has(name) ? values : values[values.length - 1]
    }
    const validated = {
      query: check(validQuery, query, "query", issues),
      path: check(validPath, { ...raw.params }, "path", issues),
      body: raw.csv !== undefined && op.acceptsCsv ? this.text<Id>(raw.csv) : this.body(op, schemas, raw.body, issues)
    }
    if (!validated.query.ok || !validated.path.ok || !validated.body.ok || issues.length > 0)
      return { ok: false, issues }
    return { ok: true, value: { path: validated.path.value, query: validated.query.value, body: validated.body.value } }
  }

  /** The text of a CSV body, typed as the operation's body: its handler reads it as `unknown` and checks its rows. */
  private text<Id extends OperationId>(csv: string): Checked<Body<Id>> {
    return { ok: true, value: csv as unknown as Body<Id> }
  }

  private body<Id extends OperationId>(
    op: Operation<Id>,
    schemas: RequestSchemas,
    raw: unknown,
    issues: Array<Issue>
  ): Checked<Body<Id>> {
    const isNone = (value: unknown): value is Body<Id> & undefined => value === undefined
    if (schemas.body === undefined || !op.requestBody) {
      if (isNone(raw)) return { ok: true, value: raw }
      issues.push({ path: "/", message: "this operation takes no request body" })
      return { ok: false }
    }
    if (raw === undefined) {
      issues.push({ path: "/", message: "a JSON request body is required" })
      return { ok: false }
    }
    // Defaults are written into the value: validate a copy and keep the caller's intact.
    return check(this.bodyAjv.compile<Body<Id>>(schemas.body), structuredClone(raw), "", issues)
  }

  /**
   * Validates a response body against the spec for this operation and status.
   * A status the operation does not declare is itself a contract violation.
   */
  response(op: Operation, status: number, body: unknown): Result<unknown> {
    const key = `${op.id} ${status}`
    let validate = this.responses.get(key)
    if (validate === undefined) {
      const declared = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses["default"]
      if (!declared)
        return { ok: false, issues: [{ path: "/", message: `status ${status} is not declared for ${op.id}` }] }
      const schema = declared.content?.["application/json"]?.schema
      validate = schema ? this.responseAjv.compile(anchor(schema) as object) : null
      this.responses.set(key, validate)
    }
    if (validate === null) {
      return body === undefined || body === ""
        ? { ok: true, value: body }
        : { ok: false, issues: [{ path: "/", message: `status ${status} of ${op.id} declares no body` }] }
    }
    return validate(body) ? { ok: true, value: body } : { ok: false, issues: issuesOf(validate.errors, "") }
  }

  /** Validates any value against a schema of the spec (e.g. `{ $ref: "#/components/schemas/WebhookEvent" }`). */
  validate(schema: JsonSchema, value: unknown): Result<unknown> {
    let validate = this.adHoc.get(schema)
    if (!validate) {
      validate = this.responseAjv.compile(anchor(schema) as object)
      this.adHoc.set(schema, validate)
    }
    return validate(value) ? { ok: true, value } : { ok: false, issues: issuesOf(validate.errors, "") }
  }

  private requestSchemas(op: Operation): RequestSchemas {
    const cached = this.requests.get(op.id)
    if (cached) return cached
    const schemas: RequestSchemas = {
      query: anchor(parameterGroup(op.parameters, "query")) as object,
      params: anchor(parameterGroup(op.parameters, "path")) as object,
      body: op.requestBody ? (anchor(op.requestBody.schema) as object) : undefined,
      arrayParams: new Set(op.parameters.filter((p) => p.in === "query" && isArraySchema(p.schema)).map((p) => p.name)),
      queryNames: new Set(op.parameters.filter((p) => p.in === "query").map((p) => p.name))
    }
    this.requests.set(op.id, schemas)
    return schemas
  }
}

/** Shorthand for tests and tools: validate by `operationId`. */
export const operationOrFail = (id: string): Operation => {
  const op = findOperation(id)
  if (!op) throw new Error(`No operation ${id} in the spec`)
  return op
}
