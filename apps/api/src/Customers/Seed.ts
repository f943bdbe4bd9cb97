/**
 * The demo store's customers: six people, two groups (VIP and Wholesale), tags, marketing
 * consent and default addresses, made through the `Customers` service as a checkout and an
 * admin would make them. Deterministic; meant for a new store (it creates the groups again on
 * every call, while the customers, found by email, are not duplicated).
 */
import type { Address } from "@shopvo/contract"
import type { Tenant } from "@shopvo/kernel"
import { Effect } from "effect"
import { Customers } from "./Service.js"

export interface SeededCustomers {
  /** By email, in the order below. */
  readonly customerIds: ReadonlyArray<string>
  readonly vipGroupId: string
  readonly wholesaleGroupId: string
}

interface DemoCustomer {
  readonly email: string
  readonly firstName: string
  readonly lastName: string
  readonly phone: string | null
  readonly group: "vip" | "wholesale" | null
  readonly acceptsMarketing: boolean
  readonly tags: ReadonlyArray<string>
  readonly address: Omit<Address, "firstName" | "lastName" | "phone"> | null
}

const people: ReadonlyArray<DemoCustomer> = [
  {
    email: "jane@example.com",
    firstName: "Jane",
    lastName: "Smith",
    phone: "+30 210 1234567",
    group: "vip",
    acceptsMarketing: true,
    tags: ["vip"],
    address: { line1: "Ermou 25", city: "Athens", region: "Attica", postalCode: "10563", country: "GR" }
  },
  {
    email: "lukas.becker@example.de",
    firstName: "Lukas",
    lastName: "Becker",
    phone: "+49 30 901820",
    group: null,
    acceptsMarketing: false,
    tags: [],
    address: { line1: "Torstraße 112", line2: "3. OG", city: "Berlin", postalCode: "10119", country: "DE" }
  },
  {
    email: "amelie.martin@example.fr",
    firstName: "Amélie",
    lastName: "Martin",
    phone: null,
    group: null,
    acceptsMarketing: true,
    tags: ["newsletter"],
    address: { line1: "12 rue des Martyrs", city: "Paris", postalCode: "75009", country: "FR" }
  },
  {
    email: "orders@nordic-outfitters.example",
    firstName: "Sofia",
    lastName: "Lindqvist",
    phone: "+46 8 123 456 78",
    group: "wholesale",
    acceptsMarketing: false,
    tags: ["b2b", "net-30"],
    address: {
      company: "Nordic Outfitters AB",
      line1: "Götgatan 14",
      city: "Stockholm",
      postalCode: "118 46",
      country: "SE"
    }
  },
  {
    email: "marco.rossi@example.it",
    firstName: "Marco",
    lastName: "Rossi",
    phone: "+39 02 8901 2345",
    group: "vip",
    acceptsMarketing: true,
    tags: ["vip", "early-access"],
    address: { line1: "Via Torino 40", city: "Milano", region: "MI", postalCode: "20123", country: "IT" }
  },
  {
    email: "guest.buyer@example.com",
    firstName: "Sam",
    lastName: "Taylor",
    phone: null,
    group: null,
    acceptsMarketing: false,
    tags: [],
    address: null
  }
]

export const seedDemoCustomers = (tenant: Tenant) =>
  Effect.gen(function* () {
    const vip = yield* Customers.createGroup(tenant, "VIP")
    const wholesale = yield* Customers.createGroup(tenant, "Wholesale")
    const groupIds = { vip: vip.id, wholesale: wholesale.id }
    const customerIds: Array<string> = []
    for (const person of people) {
      const { customer } = yield* Customers.findOrCreateByEmail(tenant, person)
      yield* Customers.update(tenant, customer.id, {
        acceptsMarketing: person.acceptsMarketing,
        tags: [...person.tags],
        groupId: person.group === null ? null : groupIds[person.group],
        defaultAddress:
          person.address === null
            ? null
            : { ...person.address, firstName: person.firstName, lastName: person.lastName, phone: person.phone }
      }).pipe(
        // The customer was just found or made, its group just created, and the emails are distinct.
        Effect.catchTags({ CustomerNotFound: Effect.die, EmailTaken: Effect.die, CustomerGroupNotFound: Effect.die })
      )
      customerIds.push(customer.id)
    }
    return { customerIds, vipGroupId: vip.id, wholesaleGroupId: wholesale.id } satisfies SeededCustomers
  })
