/**
 * A postal address, used for shipping, billing and a customer's default: as the API accepts it
 * (optional parts may be absent) and as it is stored and returned (every part present, absent
 * ones null).
 */
import { Schema } from "effect"

/** A postal address as stored (absent optional parts are null). */
export const Address = Schema.Struct({
  firstName: Schema.String,
  lastName: Schema.String,
  company: Schema.NullOr(Schema.String),
  line1: Schema.String,
  line2: Schema.NullOr(Schema.String),
  city: Schema.String,
  region: Schema.NullOr(Schema.String),
  postalCode: Schema.NullOr(Schema.String),
  country: Schema.String,
  phone: Schema.NullOr(Schema.String)
})
export type Address = typeof Address.Type

/** An address as the API accepts it: optional parts may be absent. */
export interface AddressInput {
  readonly firstName: string
  readonly lastName: string
  readonly company?: string | null | undefined
  readonly line1: string
  readonly line2?: string | null | undefined
  readonly city: string
  readonly region?: string | null | undefined
  readonly postalCode?: string | null | undefined
  readonly country: string
  readonly phone?: string | null | undefined
}

/** The stored form of an address: every part present, absent ones null. */
export const normalize = (input: AddressInput): Address => ({
  firstName: input.firstName,
  lastName: input.lastName,
  company: input.company ?? null,
  line1: input.line1,
  line2: input.line2 ?? null,
  city: input.city,
  region: input.region ?? null,
  postalCode: input.postalCode ?? null,
  country: input.country,
  phone: input.phone ?? null
})
