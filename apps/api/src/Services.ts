/**
 * Every aggregate's service with its repository, built over the `SqlClient`. The server, the CLI
 * and the tests provide this one layer; a service's transaction spans whatever repositories and
 * other services it calls.
 */
import { Layer } from "effect"
import { B2B } from "./B2B/Service.js"
import { Blacklist } from "./Blacklist/Service.js"
import { Brands } from "./Brands/Service.js"
import { Cart } from "./Cart/Service.js"
import { Categories } from "./Categories/Service.js"
import { Checkout } from "./Checkout/Service.js"
import { Content } from "./Content/Service.js"
import { Currencies } from "./Currencies/Service.js"
import { Customers } from "./Customers/Service.js"
import { Digital } from "./Digital/Service.js"
import { GiftCards } from "./GiftCards/Service.js"
import { Inventory } from "./Inventory/Service.js"
import { Keys } from "./Keys/Service.js"
import { Loyalty } from "./Loyalty/Service.js"
import { Metafields } from "./Metafields/Service.js"
import { OrderLifecycleService } from "./OrderLifecycle/Service.js"
import { Orders } from "./Orders/Service.js"
import { Payments } from "./Payments/Service.js"
import { Products } from "./Products/Service.js"
import { Promotions } from "./Promotions/Service.js"
import { Reviews } from "./Reviews/Service.js"
import { Settlement } from "./Settlement/Service.js"
import { Shipping } from "./Shipping/Service.js"
import { Sites } from "./Sites/Service.js"
import { StoreCredit } from "./StoreCredit/Service.js"
import { Variants } from "./Variants/Service.js"
import { Vault } from "./Vault/Service.js"
import { Webhooks } from "./Webhooks/Service.js"

export const ServicesLive = Layer.mergeAll(
  B2B.Default,
  Brands.Default,
  Cart.Default,
  Categories.Default,
  Checkout.Default,
  Content.Default,
  Currencies.Default,
  Customers.Default,
  GiftCards.Default,
  Inventory.Default,
  Keys.Default,
  Loyalty.Default,
  Metafields.Default,
  Orders.Default,
  Payments.Default,
  OrderLifecycleService.Default,
  Products.Default,
  Promotions.Default,
  Reviews.Default,
  Settlement.Default,
  Shipping.Default,
  Sites.Default,
  StoreCredit.Default,
  Variants.Default,
  Blacklist.Default,
  Digital.Default,
  Vault.Default,
  Webhooks.Default
)

export type Services = Layer.Layer.Success<typeof ServicesLive>
