/**
 * Human-readable money for error messages ("25.00 EUR"). Messages only: the
 * structured fields of each error stay the source of truth.
 */
import { Currency, type Money } from "@shopvo/pricing"

export const formatMoney = (money: Money.Money): string => {
  const exponent = Currency.exponent(money.currency)
  const negative = money.amount < 0
  const digits = Math.abs(money.amount)
    .toString()
    .padStart(exponent + 1, "0")
  const major = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`
  return `${negative ? "-" : ""}${major} ${money.currency}`
}
