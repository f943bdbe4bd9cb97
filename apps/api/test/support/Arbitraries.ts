/**
 * FastCheck arbitraries read from the spec's own JSON Schemas, for fuzzing the API: values a
 * schema accepts, and the hostile ones a careless or malicious client sends instead (wrong types,
 * missing and extra fields, huge, empty, unicode and NUL strings, overflowing numbers, invalid
 * enums, deep nesting, bad percent-escapes). Nothing here restates a schema: `$ref`s resolve into
 * `Spec.document.components`.
 *
 * Real resource ids come from `Pools` (values by parameter or property name), so a valid request
 * can also reach a row that exists rather than stopping at a 404.
 */
import { Spec } from "@shopvo/contract"
import { FastCheck as fc } from "effect"

/** The JSON Schema keywords the generators read. */
export interface Schema {
  readonly $ref?: string
  readonly type?: string | ReadonlyArray<string>
  readonly const?: unknown
  readonly enum?: ReadonlyArray<unknown>
  readonly anyOf?: ReadonlyArray<Schema>
  readonly oneOf?: ReadonlyArray<Schema>
  readonly allOf?: ReadonlyArray<Schema>
  readonly properties?: Readonly<Record<string, Schema>>
  readonly required?: ReadonlyArray<string>
  readonly additionalProperties?: boolean | Schema
  readonly propertyNames?: Schema
  readonly minProperties?: number
  readonly maxProperties?: number
  readonly items?: Schema
  readonly minItems?: number
  readonly maxItems?: number
  readonly uniqueItems?: boolean
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: string
  readonly format?: string
  readonly minimum?: number
  readonly maximum?: number
}

/** Known values (real ids, slugs, handles) by parameter or property name. */
export type Pools = Readonly<Record<string, ReadonlyArray<string>>>

/** Follows `$ref`s; keywords beside a `$ref` (e.g. `default`) win over the target's. */
export const resolve = (schema: Spec.JsonSchema | Schema): Schema => {
  const { $ref, ...rest } = schema as Schema
  return $ref === undefined ? rest : { ...resolve(Spec.resolveRef<Schema>($ref)), ...rest }
}

/** The JSON types a schema admits (from `type`, its alternatives, or its enum). */
export const typesOf = (schema: Schema): ReadonlyArray<string> => {
  const s = resolve(schema)
  if (s.type !== undefined) return typeof s.type === "string" ? [s.type] : s.type
  const alternatives = s.anyOf ?? s.oneOf ?? s.allOf
  if (alternatives) return [...new Set(alternatives.flatMap(typesOf))]
  const values = s.enum ?? ("const" in s ? [s.const] : [])
  return [...new Set(values.map(jsonType))]
}

export const jsonType = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value

const accepts = (types: ReadonlyArray<string>, value: unknown) => {
  const type = jsonType(value)
  return types.includes(type) || (type === "integer" && types.includes("number"))
}

// ---------------------------------------------------------------------------------------------
// Valid values

const maxGenerated = 40 // longest string and largest collection generated for a valid value

const validString = (s: Schema): fc.Arbitrary<string> => {
  const min = s.minLength ?? 0
  const max = s.maxLength ?? Number.MAX_SAFE_INTEGER
  const fits = (value: string) => value.length >= min && value.length <= max
  switch (s.format) {
    case "email":
      return fc.emailAddress().filter(fits)
    case "uri":
    case "uri-reference":
      return fc.webUrl().filter(fits)
    case "date-time":
      return fc
        .date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString())
  }
  if (s.pattern !== undefined) return fc.stringMatching(new RegExp(s.pattern)).filter(fits)
  return fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, maxGenerated)) })
}

const validObject = (s: Schema, pools: Pools): fc.Arbitrary<Record<string, unknown>> => {
  const properties = s.properties ?? {}
  const known = fc.record(
    Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, valid(property, pools, name)])),
    { requiredKeys: [...(s.required ?? [])] }
  )
  const extra =
    typeof s.additionalProperties === "object"
      ? fc.dictionary(validString(resolve(s.propertyNames ?? {})), valid(s.additionalProperties, pools), {
          maxKeys: Math.min(s.maxProperties ?? 3, 3)
        })
      : fc.constant({})
  return fc
    .tuple(extra, known)
    .map(([more, fields]) => ({ ...more, ...fields }))
    .filter((o) => Object.keys(o).length >= (s.minProperties ?? 0))
}

/**
 * Values the schema accepts. A string property or parameter with a pool of known values takes
 * one of them (the items of an array property by the array's name, e.g. `categoryIds`).
 */
export const valid = (schema: Schema, pools: Pools = {}, name?: string): fc.Arbitrary<unknown> => {
  const pool = name === undefined ? [] : (pools[name] ?? [])
  return pool.length > 0 && typesOf(schema).includes("string")
    ? fc.constantFrom(...pool)
    : fromSchema(resolve(schema), pools, name)
}

const fromSchema = (s: Schema, pools: Pools, name: string | undefined): fc.Arbitrary<unknown> => {
  if ("const" in s) return fc.constant(s.const)
  if (s.enum) return fc.constantFrom(...s.enum)
  const alternatives = s.anyOf ?? s.oneOf
  if (alternatives) return fc.oneof(...alternatives.map((a) => valid(a, pools, name)))
  if (s.allOf) {
    // One object schema with every part's properties and required names.
    const { allOf, ...own } = s
    const parts = [own, ...allOf.map(resolve)]
    const merged: Schema = {
      ...Object.assign({}, ...parts),
      properties: Object.assign({}, ...parts.map((p) => p.properties)),
      required: parts.flatMap((p) => p.required ?? [])
    }
    return fromSchema(merged, pools, name)
  }
  const types = typesOf(s)
  if (types.length > 1) return fc.oneof(...types.map((type) => fromSchema({ ...s, type }, pools, name)))
  switch (types[0]) {
    case "null":
      return fc.constant(null)
    case "boolean":
      return fc.boolean()
    case "integer":
    case "number": {
      const min = s.minimum ?? -1000
      const max = s.maximum ?? Math.max(min, 0) + 100_000
      return types[0] === "integer" ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true })
    }
    case "string":
      return validString(s)
    case "array": {
      const item = valid(s.items ?? {}, pools, name)
      const size = { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) }
      return s.uniqueItems
        ? fc.uniqueArray(item, { ...size, selector: (v) => JSON.stringify(v) })
        : fc.array(item, size)
    }
    case "object":
      return validObject(s, pools)
    default:
      return fc.jsonValue()
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile values

/** A JSON text sent exactly as written: numbers `JSON.stringify` would round, nesting, bad JSON. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** `JSON.stringify`, except that `RawJson` values are spliced in verbatim. */
export const encodeJson = (value: unknown): string => {
  if (value instanceof RawJson) return value.text
  if (Array.isArray(value)) return `[${value.map(encodeJson).join(",")}]`
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${encodeJson(v)}`).join(",")}}`
  }
  return JSON.stringify(value)
}

const nested = (depth: number) => new RawJson(`${"[".repeat(depth)}${"]".repeat(depth)}`)
const nestedObjects = (depth: number) => new RawJson(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`)

export const hostileStrings: ReadonlyArray<string> = [
  "",
  " ",
  "x".repeat(100_000),
  "\u0000",
  "a\u0000b",
  "\u0001\u0008\u001b\u007f",
  "\t\r\n",
  "日本語 ünïcödé 🎉",
  "\ud800", // a lone surrogate: not encodable as UTF-8
  "\u202e\u200b\ufeff",
  "'; drop table products; --",
  "../../etc/passwd",
  "<script>alert(1)</script>"
]

export const hostileNumbers: ReadonlyArray<unknown> = [
  -1,
  0,
  0.5,
  -0.000001,
  1e308,
  -1e308,
  2147483648, // 2^31: past int4
  new RawJson("9007199254740993"), // 2^53 + 1
  new RawJson("9223372036854775808"), // 2^63: past int8
  new RawJson("-9223372036854775809"),
  new RawJson("1e400"), // parses to Infinity
  new RawJson("-0"),
  new RawJson("1.0")
]

const wrongTypeCandidates: ReadonlyArray<unknown> = [null, true, 0, 1.5, "1", [], [1], {}, { a: 1 }]

/** Values of another JSON type than the schema admits. */
export const wrongTypes = (schema: Schema): ReadonlyArray<unknown> =>
  wrongTypeCandidates.filter((v) => !accepts(typesOf(schema), v))

/** Strings outside an enum: near misses (case, space) and strangers. */
export const invalidEnumValues = (schema: Schema): ReadonlyArray<unknown> => {
  const values = resolve(schema).enum ?? []
  const near = values.filter((v) => typeof v === "string").flatMap((v) => [v.toLowerCase(), `${v} `, `${v}\u0000`])
  return [...near, "NOT_AN_ENUM_VALUE", ""].filter((v) => !values.includes(v))
}

/** Whole bodies: not an object, malformed, duplicate keys, nesting that overflows recursive code. */
export const hostileBodies: ReadonlyArray<unknown> = [
  null,
  [],
  "a string",
  0,
  nested(1_000),
  nested(100_000),
  nestedObjects(10_000),
  new RawJson(""),
  new RawJson("{"),
  new RawJson("\ufeff{}"),
  new RawJson('{"a":1,"a":2}'),
  new RawJson('{"__proto__":{"polluted":true}}')
]

/** A value deep inside a field, where validation recurses. */
export const deepValues: ReadonlyArray<unknown> = [nested(5_000), nestedObjects(5_000)]

// ---------------------------------------------------------------------------------------------
// Fields of a body, and mutating one

export type FieldPath = ReadonlyArray<string | number>

export interface Field {
  readonly path: FieldPath
  readonly schema: Schema
  readonly required: boolean
}

/** Every property of a schema, nested ones too (array items at index 0), to a bounded depth. */
export const fieldsOf = (schema: Schema, path: FieldPath = []): ReadonlyArray<Field> => {
  if (path.length > 4) return []
  const s = resolve(schema)
  const branches = [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]
  const required = new Set(s.required ?? [])
  return [
    ...branches.flatMap((branch) => fieldsOf(branch, path)),
    ...Object.entries(s.properties ?? {}).flatMap(([name, property]) => [
      { path: [...path, name], schema: property, required: required.has(name) },
      ...fieldsOf(property, [...path, name])
    ]),
    ...(s.items ? [{ path: [...path, 0], schema: s.items, required: false }, ...fieldsOf(s.items, [...path, 0])] : [])
  ]
}

/** Given to `setIn` as the value, removes the property at the path. */
export const missing: unique symbol = Symbol("missing")

/** `target` with `value` at `path` (or without the property, for `missing`), creating the objects and arrays on the way. */
export const setIn = (target: unknown, path: FieldPath, value: unknown): unknown => {
  const [head, ...rest] = path
  if (head === undefined) return value
  if (typeof head === "number") {
    const array = Array.isArray(target) ? [...target] : []
    array[head] = setIn(array[head], rest, value)
    return array
  }
  const object: Record<string, unknown> =
    target !== null && typeof target === "object" && !Array.isArray(target) ? { ...target } : {}
  if (rest.length === 0 && value === missing) delete object[head]
  // Defined, not assigned: `__proto__` must become a property, not the prototype.
  else
    Object.defineProperty(object, head, {
      value: setIn(object[head], rest, value),
      enumerable: true,
      writable: true,
      configurable: true
    })
  return object
}

/** One field of `body` set to one of `values(field)`, for the fields that have any. */
export const mutateField = (
  body: fc.Arbitrary<unknown>,
  fields: ReadonlyArray<Field>,
  values: (field: Field) => ReadonlyArray<unknown>
): fc.Arbitrary<unknown> | undefined => {
  const targets = fields.filter((f) => values(f).length > 0)
  if (targets.length === 0) return undefined
  const change = fc
    .constantFrom(...targets)
    .chain((f) => fc.constantFrom(...values(f)).map((v) => [f.path, v] as const))
  return fc.tuple(body, change).map(([b, [path, value]]) => setIn(b, path, value))
}

// ---------------------------------------------------------------------------------------------
// URLs

/** Percent-escapes that do not decode, or decode to invalid UTF-8 or NUL. */
export const badEscapes: ReadonlyArray<string> = ["%", "%zz", "a%2", "%E0%A4", "%C0%AF", "%FF%FE", "%00", "%u0041"]

/** The hostile strings a URL can carry (a lone surrogate has no percent-encoding). */
const urlStrings = hostileStrings.filter((s) => {
  try {
    return encodeURIComponent(s) !== undefined
  } catch {
    return false
  }
})

/** Query values that are numbers out of every range, or not numbers at all. */
export const hostileQueryValues: ReadonlyArray<string> = [
  ...urlStrings.map(encodeURIComponent),
  ...badEscapes,
  "-1",
  "0",
  "1.5",
  "1e308",
  "9007199254740993",
  "9223372036854775808",
  "NaN",
  "Infinity",
  "0x10",
  "yes"
]

/** A query parameter's value as it goes on the URL (arrays exploded into repeated names). */
export const queryPairs = (name: string, value: unknown): ReadonlyArray<string> =>
  (Array.isArray(value) ? value : [value]).map((v) => `${name}=${encodeURIComponent(String(v))}`)

/** A path segment: encoded, and never `.` or `..`, which the URL parser would resolve away. */
export const pathSegment = (value: unknown): string => {
  const encoded = encodeURIComponent(String(value))
  return encoded === "." || encoded === ".." ? `x${encoded}` : encoded
}

/**
 * Path ids a client may send: known ids of any kind (a variant id as a product id), random ones
 * with a known prefix, and hostile strings.
 */
export const hostileIds = (known: ReadonlyArray<string>): fc.Arbitrary<string> => {
  const prefixes = [...new Set(known.flatMap((id) => /^[a-z]+_/.exec(id) ?? []))]
  return fc.oneof(
    fc.constantFrom(...known).map(pathSegment),
    fc.tuple(fc.constantFrom(...prefixes), fc.stringMatching(/^[A-Za-z0-9]{1,30}$/)).map(([p, id]) => p + id),
    fc.constantFrom(...prefixes).map((p) => p + "x".repeat(500)),
    fc.constantFrom(...urlStrings.filter((s) => s.length < 1_000)).map(pathSegment),
    fc.constant(pathSegment("x".repeat(20_000))), // a URL past Node's 16 KB header limit
    fc.constantFrom(...badEscapes)
  )
}
