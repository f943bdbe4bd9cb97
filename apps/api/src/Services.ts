/**
 * Every aggregate's service with its repository, built over the `SqlClient`. The server, the CLI
 * and the tests provide this one layer; a service's transaction spans whatever repositories and
 * other services it calls.
 */
import { Layer } from "effect"
import { Brands } from "./Brands/Service.js"
import { GiftCards } from "./GiftCards/Service.js"
import { Loyalty } from "./Loyalty/Service.js"
import { StoreCredit } from "./StoreCredit/Service.js"

export const ServicesLive = Layer.mergeAll(Brands.Default, GiftCards.Default, StoreCredit.Default, Loyalty.Default)

export type Services = Layer.Layer.Success<typeof ServicesLive>
