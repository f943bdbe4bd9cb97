import { describe, expect, it } from "@effect/vitest"
import { Spec, Validator } from "@shopvo/contract"

/**
 * Every example in the spec must validate against the schema it illustrates: examples are what
 * readers copy, and an example the server would reject is a bug in the contract.
 */
interface Found {
  readonly where: string
  readonly schema: Spec.JsonSchema
  readonly value: unknown
}

const collect = (): ReadonlyArray<Found> => {
  const found: Array<Found> = []
  const fromMedia = (where: string, media: Spec.MediaType | undefined) => {
    if (!media?.schema) return
    if ("example" in media) found.push({ where, schema: media.schema, value: media.example })
    for (const [name, ex] of Object.entries(media.examples ?? {})) {
      const value = ex.$ref ? Spec.resolveRef<{ value: unknown }>(ex.$ref).value : ex.value
      found.push({ where: `${where} (${name})`, schema: media.schema, value })
    }
  }
  const fromOperation = (where: string, op: Spec.OperationObject) => {
    fromMedia(`${where} request`, op.requestBody?.content?.["application/json"])
    for (const [status, response] of Object.entries(op.responses)) {
      const resolved = response.$ref ? Spec.resolveRef<Spec.Response>(response.$ref) : response
      fromMedia(`${where} ${status}`, resolved.content?.["application/json"])
    }
    for (const p of op.parameters ?? []) {
      const param =
        "$ref" in p
          ? Spec.resolveRef<Spec.Parameter & { example?: unknown }>(p.$ref)
          : (p as Spec.Parameter & { example?: unknown })
      if (param.schema && param.example !== undefined)
        found.push({ where: `${where} parameter ${param.name}`, schema: param.schema, value: param.example })
    }
  }
  for (const [path, item] of Object.entries(Spec.document.paths)) {
    for (const method of Spec.methods) {
      const op = item[method] as Spec.OperationObject | undefined
      if (op) fromOperation(`${method.toUpperCase()} ${path}`, op)
    }
  }
  for (const [event, item] of Object.entries(Spec.document.webhooks ?? {})) {
    const op = item["post"] as Spec.OperationObject | undefined
    if (op) fromOperation(`webhook ${event}`, op)
  }
  for (const [kind, entries] of Object.entries(Spec.document.components)) {
    if (kind !== "parameters") continue
    for (const [name, p] of Object.entries(entries as Record<string, Spec.Parameter & { example?: unknown }>)) {
      if (p.schema && p.example !== undefined)
        found.push({ where: `parameter ${name}`, schema: p.schema, value: p.example })
    }
  }
  for (const [name, schema] of Object.entries(Spec.document.components["schemas"] as Record<string, Spec.JsonSchema>)) {
    const examples = schema["examples"]
    if (Array.isArray(examples))
      for (const value of examples)
        found.push({ where: `schema ${name}`, schema: { $ref: `#/components/schemas/${name}` }, value })
  }
  return found
}

describe("Examples", () => {
  const examples = collect()
  const validator = new Validator()

  it("the spec has examples for every operation's success response", () => {
    for (const op of Spec.operations) {
      const success = Object.entries(op.responses).find(([status]) => status.startsWith("2"))
      expect(success, `${op.id} has no 2xx response`).toBeDefined()
      const media = success![1].content?.["application/json"]
      if (media) expect(media.example ?? media.examples, `${op.id} ${success![0]} has no example`).toBeDefined()
    }
  })

  it("every example validates against its schema", () => {
    const failures = examples.flatMap(({ where, schema, value }) => {
      const result = validator.validate(schema, value)
      return result.ok ? [] : [`${where}: ${result.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`]
    })
    expect(examples.length).toBeGreaterThan(0)
    expect(failures).toEqual([])
  })

  it("a wrong example would be caught", () => {
    const result = validator.validate({ $ref: "#/components/schemas/Error" }, { error: 42 })
    expect(result.ok).toBe(false)
  })
})
