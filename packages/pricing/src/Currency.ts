/**
 * ISO 4217 currencies and their minor-unit exponents.
 *
 * A currency's exponent is the number of decimal digits between its major and
 * minor unit: EUR has 2 (1 EUR = 100 cents), JPY has 0 (the yen is its own
 * minor unit), BHD has 3 (1 dinar = 1000 fils). Every `Money` amount is a count
 * of minor units, so the exponent is what turns `1234` into "12.34 EUR" but
 * "1234 JPY" and "1.234 BHD".
 *
 * Invariants:
 * - the table below is the only source of exponents; a code absent from it is
 *   not a `Currency.Code` and cannot reach money arithmetic;
 * - exponents follow ISO 4217 (not local cash practice: HUF and CZK keep 2,
 *   ISK has 0).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Minor-unit exponents by ISO 4217 alphabetic code. Kept as a frozen literal so
 * the set of codes is also the `Code` type.
 *
 * @since 0.1.0
 */
export const exponents = {
  // Exponent 2: the common case
  AED: 2,
  ARS: 2,
  AUD: 2,
  BGN: 2,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CNY: 2,
  COP: 2,
  CZK: 2,
  DKK: 2,
  EGP: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  MAD: 2,
  MXN: 2,
  MYR: 2,
  NGN: 2,
  NOK: 2,
  NZD: 2,
  PEN: 2,
  PHP: 2,
  PKR: 2,
  PLN: 2,
  QAR: 2,
  RON: 2,
  RSD: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TRY: 2,
  TWD: 2,
  UAH: 2,
  USD: 2,
  ZAR: 2,
  // Exponent 0: no minor unit in circulation
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  // Exponent 3: the dinars and rials divided into 1000
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3
} as const

/**
 * An ISO 4217 alphabetic currency code known to this package.
 *
 * @since 0.1.0
 */
export type Code = keyof typeof exponents

/**
 * Every supported code, in table order.
 *
 * @since 0.1.0
 */
export const codes: ReadonlyArray<Code> = Object.keys(exponents) as Array<Code>

/**
 * Schema of a supported currency code. Decoding is exact (upper case, three
 * letters): normalising user input such as "eur" is the HTTP layer's concern,
 * so that stored and computed values are never ambiguous.
 *
 * @since 0.1.0
 */
export const Code: Schema.Schema<Code> = Schema.Literal(...(codes as [Code, ...Array<Code>])).annotations({
  identifier: "CurrencyCode",
  description: "ISO 4217 alphabetic currency code"
})

/**
 * Whether an arbitrary string is a supported currency code.
 *
 * @since 0.1.0
 */
export const isCode = (u: unknown): u is Code => typeof u === "string" && Object.hasOwn(exponents, u)

/**
 * The number of decimal digits of the currency's minor unit (EUR 2, JPY 0, BHD 3).
 *
 * @since 0.1.0
 */
export const exponent = (code: Code): number => exponents[code]

/**
 * How many minor units make one major unit (EUR 100n, JPY 1n, BHD 1000n), as a
 * bigint because it is only ever used in exact integer arithmetic.
 *
 * @since 0.1.0
 */
export const minorUnitsPerMajor = (code: Code): bigint => 10n ** BigInt(exponents[code])
