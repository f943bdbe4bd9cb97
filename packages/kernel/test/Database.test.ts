import { SqlError } from "@effect/sql"
import { describe, expect, it } from "vitest"
import { isUnavailable } from "../src/Database.js"

const failure = (code: string) => new SqlError.SqlError({ cause: { code, message: `error ${code}` } })

describe("Database.isUnavailable", () => {
  it("counts a deadlock victim and a serialization conflict as worth a retry (503), like a lost connection", () => {
    expect(["40P01", "40001", "08006", "57014"].map((code) => isUnavailable(failure(code)))).toEqual([
      true,
      true,
      true,
      true
    ])
  })

  it("keeps constraint violations and syntax errors as bugs (500)", () => {
    expect(["23505", "23514", "42601"].map((code) => isUnavailable(failure(code)))).toEqual([false, false, false])
  })
})
