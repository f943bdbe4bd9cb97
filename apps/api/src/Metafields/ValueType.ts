/**
 * How a metafield's `value` (always stored as text) must read for its `valueType`.
 *
 * The spec can validate each field alone but not the pair, so the rule lives here and is applied
 * on create and on every update (a PATCH may change either half of the pair).
 */
import { Schema } from "effect"

export const ValueType = Schema.Literal("string", "integer", "json", "boolean")
export type ValueType = typeof ValueType.Type

const integerText = /^[+-]?[0-9]+$/
const int64Min = -(2n ** 63n)
const int64Max = 2n ** 63n - 1n

/**
 * Why `value` does not read as `valueType`, or `undefined` when it does.
 *
 * - `integer`: base 10 with an optional sign, no decimals, exponent or spaces, within the signed
 *   64-bit range (what a `bigint` column or a Java `long` can hold);
 * - `boolean`: exactly `true` or `false`;
 * - `json`: every JSON text (what `JSON.parse` accepts);
 * - `string`: anything.
 */
export const problem = (valueType: ValueType, value: string): string | undefined => {
  switch (valueType) {
    case "string":
      return undefined
    case "integer": {
      if (!integerText.test(value)) return "must be a base-10 integer such as 24 or -12 (valueType integer)"
      // Leading zeros are harmless; past 19 significant digits the value cannot fit, so a 60 KiB
      // digit string is refused without building a huge BigInt.
      const digits = value.replace(/^[+-]?0*/, "")
      if (digits.length > 19) return "must be within the signed 64-bit range (valueType integer)"
      const n = BigInt(value)
      return n < int64Min || n > int64Max ? "must be within the signed 64-bit range (valueType integer)" : undefined
    }
    case "boolean":
      return value === "true" || value === "false" ? undefined : "must be exactly true or false (valueType boolean)"
    case "json":
      try {
        JSON.parse(value)
        return undefined
      } catch {
        return "must be valid JSON text (valueType json)"
      }
  }
}
