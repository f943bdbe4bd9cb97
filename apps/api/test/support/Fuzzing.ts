/**
 * Requests generated from the spec: for an operation, one arbitrary per category of input (valid,
 * hostile path ids, hostile query, and for a body each class of hostile body), built from the
 * operation's own parameter and body schemas; and the judgement of an answer (a 5xx, not JSON, or
 * not what the spec describes for its status). `Fuzz.test.ts` and the proof suite share them.
 */
import { type Spec, Validator } from "@shopvo/contract"
import { FastCheck as fc } from "effect"
import { handlers } from "../../src/Http.js"
import * as A from "./Arbitraries.js"
import { checkContract } from "./TestApi.js"

export interface Input {
  readonly category: string
  /** Path and query, already percent-encoded (or deliberately mis-encoded). */
  readonly url: string
  /** The JSON body, or undefined for none. */
  readonly body: unknown
}

export interface Outcome {
  readonly operation: Spec.Operation
  readonly input: Input
  readonly status: number | "no answer"
  readonly problem: string | undefined
}

export const implemented = new Set<string>(Object.keys(handlers))

// Deleting runs last, children before their parents, so the other operations still find the rows.
export const order = (op: Spec.Operation) => (op.method === "delete" ? 100 - op.path.split("/").length : 0)

/** The inputs of one operation, one arbitrary per category of input. */
export const inputsOf = (op: Spec.Operation, pools: A.Pools): ReadonlyArray<fc.Arbitrary<Input>> => {
  const pathParams = op.parameters.filter((p) => p.in === "path")
  const queryParams = op.parameters.filter((p) => p.in === "query")
  const validOf = (p: Spec.Parameter) => A.valid(p.schema ?? {}, pools, p.name)

  const validPath = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, validOf(p).map(A.pathSegment)])))
  const validQuery = fc
    .tuple(
      ...queryParams.map((p) =>
        (p.required ? validOf(p) : fc.option(validOf(p), { nil: undefined, freq: 1 })).map((v) =>
          v === undefined ? [] : A.queryPairs(p.name, v)
        )
      )
    )
    .map((pairs) => pairs.flat())
  const schema = op.requestBody ? A.resolve(op.requestBody.schema) : undefined
  const validBody = schema ? A.valid(schema, pools) : fc.constant(undefined)

  const input = (
    category: string,
    path: fc.Arbitrary<Readonly<Record<string, string>>>,
    query: fc.Arbitrary<ReadonlyArray<string>>,
    body: fc.Arbitrary<unknown>
  ) =>
    fc.tuple(path, query, body).map(([values, q, b]) => ({
      category,
      url: `${op.path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name]!)}${q.length ? `?${q.join("&")}` : ""}`,
      body: b
    }))

  const known = Object.values(pools).flat()
  const hostilePath = fc
    .constantFrom(...pathParams)
    .chain((p) => fc.tuple(validPath, A.hostileIds(known)).map(([values, id]) => ({ ...values, [p.name]: id })))

  const withoutParam = (query: ReadonlyArray<string>, name: string) => query.filter((q) => !q.startsWith(`${name}=`))
  const queryAttacks = [
    fc
      .tuple(
        validQuery,
        fc.constantFrom("colour=red", "__proto__=1", "%zz=1", "=1", "&&&", "limit", `a=${"x".repeat(10_000)}`)
      )
      .map(([q, unknown]) => [...q, unknown]),
    ...(queryParams.length === 0
      ? []
      : [
          fc
            .constantFrom(...queryParams)
            .chain((p) =>
              fc
                .tuple(validQuery, fc.constantFrom(...A.hostileQueryValues))
                .map(([q, v]) => [...withoutParam(q, p.name), `${p.name}=${v}`])
            ),
          fc
            .constantFrom(...queryParams)
            .chain((p) =>
              fc
                .tuple(validQuery, validOf(p), validOf(p))
                .map(([q, a, b]) => [
                  ...withoutParam(q, p.name),
                  ...A.queryPairs(p.name, a),
                  ...A.queryPairs(p.name, b)
                ])
            )
        ])
  ]
  const hostileQuery = fc.oneof(...queryAttacks)

  const categories = [
    input("valid", validPath, validQuery, validBody),
    ...(pathParams.length > 0 ? [input("path ids", hostilePath, validQuery, validBody)] : []),
    input("query", validPath, hostileQuery, validBody)
  ]
  if (!schema) return categories

  const fields = A.fieldsOf(schema)
  const objects = [
    { path: [], schema, required: true },
    ...fields.filter((f) => A.typesOf(f.schema).includes("object"))
  ]
  const bodyAttacks = {
    "wrong type": A.mutateField(validBody, fields, (f) => A.wrongTypes(f.schema)),
    "missing or extra field": fc.oneof(
      fc.constant({}),
      ...[
        A.mutateField(validBody, fields, (f) => (f.required ? [A.missing] : [])),
        A.mutateField(
          validBody,
          objects.flatMap((o) => ["unexpected", "__proto__"].map((name) => ({ ...o, path: [...o.path, name] }))),
          () => [1, { polluted: true }]
        )
      ].filter((a) => a !== undefined)
    ),
    strings: A.mutateField(validBody, fields, (f) => (A.typesOf(f.schema).includes("string") ? A.hostileStrings : [])),
    numbers: A.mutateField(validBody, fields, (f) =>
      A.typesOf(f.schema).some((t) => t === "integer" || t === "number") ? A.hostileNumbers : []
    ),
    "enum values": A.mutateField(validBody, fields, (f) =>
      A.resolve(f.schema).enum ? A.invalidEnumValues(f.schema) : []
    ),
    "deep nesting": A.mutateField(validBody, fields, () => A.deepValues),
    "whole body": fc.constantFrom(...A.hostileBodies)
  }
  return [
    ...categories,
    ...Object.entries(bodyAttacks).flatMap(([category, body]) =>
      body ? [input(category, validPath, validQuery, body)] : []
    )
  ]
}

const validator = new Validator()

/** What is wrong with an answer: a 5xx, a body that is not JSON, or one the spec does not describe. */
export const problemOf = (op: Spec.Operation, url: string, status: number, text: string): string | undefined => {
  const notBuilt = !implemented.has(op.id)
  const problems: Array<string> = []
  if (status >= 500 && !(status === 501 && notBuilt)) problems.push(`server error ${status}`)
  let body: unknown
  try {
    body = text === "" ? undefined : JSON.parse(text)
  } catch {
    return [...problems, `not JSON: ${text}`].join("; ")
  }
  if (status === 501 && notBuilt) {
    if ((body as { code?: unknown } | undefined)?.code !== "not_implemented")
      problems.push("501 without not_implemented")
  } else {
    try {
      checkContract(op.method, url, status, body)
    } catch (error) {
      // The contract check cannot match a path that does not percent-decode; such a path can only be an error.
      if (!(error instanceof URIError)) problems.push(String(error))
      else if (status < 400) problems.push(`answered ${status} to a path that does not decode`)
      else if (!validator.validate({ $ref: "#/components/schemas/Error" }, body).ok)
        problems.push(`no error envelope: ${JSON.stringify(text)}`)
    }
  }
  return problems.length > 0 ? problems.join("; ") : undefined
}

const excerpt = (text: string, max = 160) =>
  JSON.stringify(text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text)

export const describeOutcome = ({ operation, input, status, problem }: Outcome) => {
  const body = input.body === undefined ? "" : ` body ${excerpt(A.encodeJson(input.body), 100)}`
  return `[${operation.id} / ${input.category}] ${operation.method.toUpperCase()} ${excerpt(input.url, 120)}${body} -> ${status}: ${excerpt(problem ?? "", 300)}`
}
