/**
 * The server's errors against the spec's one catalogue (`components.schemas.ErrorCode`).
 *
 * Every error response the other API tests provoke is already checked against the spec (and so
 * against the catalogue) by the contract check; the static scan below also covers codes no test
 * provokes. It parses every module of `src/` with the TypeScript compiler (syntax only, no type
 * checking) and collects each error code written in the source:
 * - the string value of a `code` property in an object literal that also has `message` or `error`
 *   (`new ApiError({ status, code, message })`, the signature-failure table, the readiness body);
 * - a string passed where a function of `Platform/ApiError.ts` takes a parameter named `code`
 *   (`ApiError.conflict(message, "sku_taken")`), the positions being read from that module;
 * - the default value of such a `code` parameter (`code = "conflict"`).
 * A code that is built at run time (a template or a concatenation) fails the test, since the scan
 * could not see it; a variable or an `x.code` passes, because it carries a literal collected elsewhere.
 */
import { Spec, Validator } from "@shopvo/contract"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import ts from "typescript"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { handlers } from "../src/Http.js"
import { errorOf, start, type TestApi } from "./support/TestApi.js"

const srcDir = new URL("../src/", import.meta.url).pathname
const catalogue: ReadonlyArray<string> = Spec.resolveRef<{ enum: Array<string> }>("#/components/schemas/ErrorCode").enum

const sources = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []
  )
const parse = (file: string) => ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true)
const walk = (node: ts.Node, visit: (node: ts.Node) => void): void => {
  visit(node)
  ts.forEachChild(node, (child) => walk(child, visit))
}
const propertyName = (node: ts.ObjectLiteralElementLike) =>
  node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) ? node.name.text : undefined

/** The codes written in `src/`, each with where it was found; and the code expressions the scan cannot read. */
const scan = () => {
  // Which argument of each ApiError helper is the code, and that parameter's default.
  const codeParameter = new Map<string, number>()
  const found: Array<{ code: string; at: string }> = []
  const computed: Array<string> = []
  const apiError = parse(join(srcDir, "Platform/ApiError.ts"))
  walk(apiError, (node) => {
    if (!ts.isVariableDeclaration(node) || !ts.isIdentifier(node.name) || !node.initializer) return
    if (!ts.isArrowFunction(node.initializer)) return
    node.initializer.parameters.forEach((parameter, index) => {
      if (!ts.isIdentifier(parameter.name) || parameter.name.text !== "code") return
      codeParameter.set((node.name as ts.Identifier).text, index)
      if (parameter.initializer && ts.isStringLiteral(parameter.initializer))
        found.push({ code: parameter.initializer.text, at: `default of ApiError.${(node.name as ts.Identifier).text}` })
    })
  })

  for (const file of sources(srcDir)) {
    const source = parse(file)
    const where = (node: ts.Node) =>
      `${file.slice(srcDir.length)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`
    const read = (expression: ts.Expression | undefined, at: ts.Node) => {
      // A variable or `x.code` passes a code on: its literal is collected where it was written.
      if (expression === undefined || ts.isIdentifier(expression) || ts.isPropertyAccessExpression(expression)) return
      if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression))
        found.push({ code: expression.text, at: where(at) })
      else computed.push(`${where(at)}: ${expression.getText(source)}`)
    }
    walk(source, (node) => {
      if (ts.isObjectLiteralExpression(node)) {
        const names = node.properties.map(propertyName)
        if (!names.includes("message") && !names.includes("error")) return
        for (const property of node.properties)
          if (propertyName(property) === "code" && ts.isPropertyAssignment(property))
            read(property.initializer, property)
      }
      if (ts.isCallExpression(node)) {
        const callee = ts.isPropertyAccessExpression(node.expression)
          ? node.expression.name.text
          : ts.isIdentifier(node.expression)
            ? node.expression.text
            : undefined
        const index = callee === undefined ? undefined : codeParameter.get(callee)
        if (index !== undefined) read(node.arguments[index], node)
      }
    })
  }
  return { found, computed, codeParameter }
}

describe("ErrorCodes", () => {
  describe("the catalogue", () => {
    const { found, computed, codeParameter } = scan()

    it("scan: reads the helpers' code parameters and the codes of every kind of call site", () => {
      expect([...codeParameter.keys()].sort()).toEqual(["conflict", "unauthorized", "unprocessable"])
      const codes = new Set(found.map((f) => f.code))
      // One of each way a code is written: helper argument, helper default, constructor, table, bare JSON body.
      for (const code of ["sku_taken", "conflict", "not_implemented", "signature_mismatch", "service_unavailable"])
        expect(codes.has(code), code).toBe(true)
      expect(computed).toEqual([])
    })

    it("holds every code the server emits", () => {
      const missing = found.filter((f) => !catalogue.includes(f.code)).map((f) => `${f.code} (${f.at})`)
      expect(missing).toEqual([])
    })
  })

  it("declares 501 exactly on the operations that have no handler yet", () => {
    const implemented = new Set(Object.keys(handlers))
    const mismatched = Spec.operations
      .filter((op) => implemented.has(op.id) === (op.responses["501"] !== undefined))
      .map((op) => `${op.id}: ${implemented.has(op.id) ? "implemented but declares 501" : "not implemented, no 501"}`)
    expect(mismatched).toEqual([])
  })

  describe("headers of error responses", () => {
    let api: TestApi
    let siteId: string
    let key: string
    const validator = new Validator()
    const tracked = [
      "x-request-id",
      "x-ratelimit-limit",
      "x-ratelimit-remaining",
      "x-ratelimit-reset",
      "retry-after",
      "allow"
    ]

    /** The tracked headers sent, and those the response declares (by lower-case name). */
    const compare = (sent: Headers, declared: Spec.Response) => ({
      sent: tracked.filter((name) => sent.has(name)),
      declared: Object.keys(declared.headers ?? {}).map((name) => name.toLowerCase())
    })

    beforeAll(async () => {
      api = await start()
      siteId = (await api.createSite()).id
      key = (await api.createKey(siteId)).key
    })
    afterAll(() => api.close())

    it("405 answers exactly as components.responses.MethodNotAllowed declares", async () => {
      const res = await api.request("PUT", `/api/v1/${siteId}/site`, { key, body: {} })
      expect(res.status).toBe(405)
      const declared = Spec.resolveRef<Spec.Response>("#/components/responses/MethodNotAllowed")
      expect(validator.validate(declared.content!["application/json"]!.schema!, res.body).ok).toBe(true)
      const { sent, declared: names } = compare(res.headers, declared)
      expect(sent.sort()).toEqual([...names].sort())
    })

    it("401: the request id always, the rate-limit headers only once the request was counted", async () => {
      const unauthorized = Spec.operation("site.get")!.responses["401"]!
      const noKey = await api.request("GET", `/api/v1/${siteId}/site`)
      expect(errorOf(noKey).code).toBe("missing_api_key")
      expect(compare(noKey.headers, unauthorized).sent).toEqual(["x-request-id"])

      const signing = await api.createKey(siteId, { signing: true })
      const unsigned = await api.request("GET", `/api/v1/${siteId}/site`, { key: signing.key })
      expect(errorOf(unsigned).code).toBe("signature_missing")
      const { sent, declared } = compare(unsigned.headers, unauthorized)
      expect(sent).toEqual(["x-request-id", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"])
      expect(declared).toEqual(expect.arrayContaining(sent))
    })
  })
})
