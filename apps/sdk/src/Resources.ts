/**
 * The resources of the client, one per area of the API, each method named after its operation id
 * (`products.listVariants` is `products.listVariants`). Arguments follow one rule: the ids that
 * name the resource first, in path order (a required query id such as `cartId` counts as one), then
 * the request body for a write or the optional query for a read, then per-call `RequestOptions`.
 * Types come from the generated `types.gen.ts`; paths and methods from the generated functions.
 */
import type { Operation, Requester, RequestOptions } from "./Client.js"
import * as op from "./generated/sdk.gen.js"
import type * as T from "./generated/types.gen.js"
import { verify } from "./Webhooks.js"

/** `expand[]` is written `expand` (the SDK adds the brackets the API's query string uses). */
type Unbracket<Q> = { [K in keyof Q as K extends `${infer Name}[]` ? Name : K]: Q[K] }
type QueryOf<D> = D extends { query?: infer Q } ? Unbracket<NonNullable<Q>> : never
type BodyOf<D> = D extends { body: infer B } ? B : D extends { body?: infer B } ? B : never

/** Sends array filters written without brackets (`expand`) under the name the API reads (`expand[]`). */
const bracketed = (query: object | undefined, ...names: ReadonlyArray<string>) => {
  if (query === undefined) return undefined
  const out: Record<string, unknown> = { ...query }
  for (const name of names) {
    if (name in out) {
      out[`${name}[]`] = out[name]
      delete out[name]
    }
  }
  return out
}

const as = (operation: unknown) => operation as Operation

type O = RequestOptions | undefined

export const resources = (r: Requester) => ({
  b2b: {
    listAccounts: (query?: QueryOf<T.B2bListAccountsData>, options?: O) =>
      r.list<T.B2bListAccountsResponse>(as(op.b2bListAccounts), { query, options }),
    createAccount: (body: BodyOf<T.B2bCreateAccountData>, options?: O) =>
      r.call<T.B2bCreateAccountResponse>(as(op.b2bCreateAccount), { body, options }),
    updateAccount: (accountId: string, body: BodyOf<T.B2bUpdateAccountData>, options?: O) =>
      r.call<T.B2bUpdateAccountResponse>(as(op.b2bUpdateAccount), { path: { accountId }, body, options })
  },
  cart: {
    get: (cartId: string, options?: O) => r.call<T.CartGetResponse>(as(op.cartGet), { query: { cartId }, options }),
    create: (body: BodyOf<T.CartCreateData>, options?: O) =>
      r.call<T.CartCreateResponse>(as(op.cartCreate), { body, options }),
    update: (cartId: string, body: BodyOf<T.CartUpdateData>, options?: O) =>
      r.call<T.CartUpdateResponse>(as(op.cartUpdate), { query: { cartId }, body, options }),
    delete: (cartId: string, options?: O) =>
      r.call<T.CartDeleteResponse>(as(op.cartDelete), { query: { cartId }, options })
  },
  products: {
    list: (query?: QueryOf<T.ProductsListData>, options?: O) =>
      r.list<T.ProductsListResponse>(as(op.productsList), { query: bracketed(query, "expand"), options }),
    create: (body: BodyOf<T.ProductsCreateData>, options?: O) =>
      r.call<T.ProductsCreateResponse>(as(op.productsCreate), { body, options }),
    /** By id (`prd_…`) or slug. */
    get: (productId: string, query?: QueryOf<T.ProductsGetData>, options?: O) =>
      r.call<T.ProductsGetResponse>(as(op.productsGet), {
        path: { productId },
        query: bracketed(query, "expand"),
        options
      }),
    update: (productId: string, body: BodyOf<T.ProductsUpdateData>, options?: O) =>
      r.call<T.ProductsUpdateResponse>(as(op.productsUpdate), { path: { productId }, body, options }),
    delete: (productId: string, options?: O) =>
      r.call<T.ProductsDeleteResponse>(as(op.productsDelete), { path: { productId }, options }),
    listVariants: (productId: string, options?: O) =>
      r.call<T.ProductsListVariantsResponse>(as(op.productsListVariants), { path: { productId }, options }),
    createVariant: (productId: string, body: BodyOf<T.ProductsCreateVariantData>, options?: O) =>
      r.call<T.ProductsCreateVariantResponse>(as(op.productsCreateVariant), { path: { productId }, body, options }),
    updateVariant: (productId: string, variantId: string, body: BodyOf<T.ProductsUpdateVariantData>, options?: O) =>
      r.call<T.ProductsUpdateVariantResponse>(as(op.productsUpdateVariant), {
        path: { productId, variantId },
        body,
        options
      }),
    deleteVariant: (productId: string, variantId: string, options?: O) =>
      r.call<T.ProductsDeleteVariantResponse>(as(op.productsDeleteVariant), {
        path: { productId, variantId },
        options
      }),
    listReviews: (productId: string, query?: QueryOf<T.ProductsListReviewsData>, options?: O) =>
      r.list<T.ProductsListReviewsResponse>(as(op.productsListReviews), { path: { productId }, query, options }),
    createReview: (productId: string, body: BodyOf<T.ProductsCreateReviewData>, options?: O) =>
      r.call<T.ProductsCreateReviewResponse>(as(op.productsCreateReview), { path: { productId }, body, options })
  },
  categories: {
    list: (query?: QueryOf<T.CategoriesListData>, options?: O) =>
      r.call<T.CategoriesListResponse>(as(op.categoriesList), { query, options })
  },
  brands: {
    list: (query?: QueryOf<T.BrandsListData>, options?: O) =>
      r.call<T.BrandsListResponse>(as(op.brandsList), { query, options })
  },
  checkout: {
    get: (sessionId: string, options?: O) =>
      r.call<T.CheckoutGetResponse>(as(op.checkoutGet), { query: { sessionId }, options }),
    create: (body: BodyOf<T.CheckoutCreateData>, options?: O) =>
      r.call<T.CheckoutCreateResponse>(as(op.checkoutCreate), { body, options }),
    advance: (body: BodyOf<T.CheckoutAdvanceData>, options?: O) =>
      r.call<T.CheckoutAdvanceResponse>(as(op.checkoutAdvance), { body, options })
  },
  pages: {
    list: (query?: QueryOf<T.PagesListData>, options?: O) =>
      r.list<T.PagesListResponse>(as(op.pagesList), { query, options })
  },
  menus: {
    list: (query?: QueryOf<T.MenusListData>, options?: O) =>
      r.call<T.MenusListResponse>(as(op.menusList), { query, options })
  },
  customers: {
    list: (query?: QueryOf<T.CustomersListData>, options?: O) =>
      r.list<T.CustomersListResponse>(as(op.customersList), { query, options }),
    get: (customerId: string, options?: O) =>
      r.call<T.CustomersGetResponse>(as(op.customersGet), { path: { customerId }, options }),
    update: (customerId: string, body: BodyOf<T.CustomersUpdateData>, options?: O) =>
      r.call<T.CustomersUpdateResponse>(as(op.customersUpdate), { path: { customerId }, body, options })
  },
  giftCards: {
    list: (query?: QueryOf<T.GiftCardsListData>, options?: O) =>
      r.list<T.GiftCardsListResponse>(as(op.giftCardsList), { query, options }),
    create: (body: BodyOf<T.GiftCardsCreateData>, options?: O) =>
      r.call<T.GiftCardsCreateResponse>(as(op.giftCardsCreate), { body, options }),
    get: (giftCardId: string, options?: O) =>
      r.call<T.GiftCardsGetResponse>(as(op.giftCardsGet), { path: { giftCardId }, options }),
    update: (giftCardId: string, body: BodyOf<T.GiftCardsUpdateData>, options?: O) =>
      r.call<T.GiftCardsUpdateResponse>(as(op.giftCardsUpdate), { path: { giftCardId }, body, options }),
    redeem: (giftCardId: string, body: BodyOf<T.GiftCardsRedeemData>, options?: O) =>
      r.call<T.GiftCardsRedeemResponse>(as(op.giftCardsRedeem), { path: { giftCardId }, body, options })
  },
  inventory: {
    list: (query?: QueryOf<T.InventoryListData>, options?: O) =>
      r.list<T.InventoryListResponse>(as(op.inventoryList), { query, options }),
    adjust: (productId: string, body: BodyOf<T.InventoryAdjustData>, options?: O) =>
      r.call<T.InventoryAdjustResponse>(as(op.inventoryAdjust), { path: { productId }, body, options })
  },
  loyalty: {
    getProgram: (options?: O) => r.call<T.LoyaltyGetProgramResponse>(as(op.loyaltyGetProgram), { options }),
    updateProgram: (body: BodyOf<T.LoyaltyUpdateProgramData>, options?: O) =>
      r.call<T.LoyaltyUpdateProgramResponse>(as(op.loyaltyUpdateProgram), { body, options }),
    get: (customerId: string, options?: O) =>
      r.call<T.LoyaltyGetResponse>(as(op.loyaltyGet), { path: { customerId }, options }),
    award: (customerId: string, body: BodyOf<T.LoyaltyAwardData>, options?: O) =>
      r.call<T.LoyaltyAwardResponse>(as(op.loyaltyAward), { path: { customerId }, body, options }),
    redeem: (customerId: string, body: BodyOf<T.LoyaltyRedeemData>, options?: O) =>
      r.call<T.LoyaltyRedeemResponse>(as(op.loyaltyRedeem), { path: { customerId }, body, options })
  },
  metafields: {
    list: (
      resourceType: T.MetafieldsListData["path"]["resourceType"],
      resourceId: string,
      query?: QueryOf<T.MetafieldsListData>,
      options?: O
    ) =>
      r.call<T.MetafieldsListResponse>(as(op.metafieldsList), { path: { resourceType, resourceId }, query, options }),
    create: (
      resourceType: T.MetafieldsCreateData["path"]["resourceType"],
      resourceId: string,
      body: BodyOf<T.MetafieldsCreateData>,
      options?: O
    ) =>
      r.call<T.MetafieldsCreateResponse>(as(op.metafieldsCreate), {
        path: { resourceType, resourceId },
        body,
        options
      }),
    update: (
      resourceType: T.MetafieldsUpdateData["path"]["resourceType"],
      resourceId: string,
      metafieldId: string,
      body: BodyOf<T.MetafieldsUpdateData>,
      options?: O
    ) =>
      r.call<T.MetafieldsUpdateResponse>(as(op.metafieldsUpdate), {
        path: { resourceType, resourceId, metafieldId },
        body,
        options
      }),
    delete: (
      resourceType: T.MetafieldsDeleteData["path"]["resourceType"],
      resourceId: string,
      metafieldId: string,
      options?: O
    ) =>
      r.call<T.MetafieldsDeleteResponse>(as(op.metafieldsDelete), {
        path: { resourceType, resourceId, metafieldId },
        options
      })
  },
  orders: {
    list: (query?: QueryOf<T.OrdersListData>, options?: O) =>
      r.list<T.OrdersListResponse>(as(op.ordersList), { query, options }),
    /** By id (`order_…`) or number (`ORD-1042`). */
    get: (orderId: string, options?: O) =>
      r.call<T.OrdersGetResponse>(as(op.ordersGet), { path: { orderId }, options }),
    refund: (orderId: string, body: BodyOf<T.OrdersRefundData>, options?: O) =>
      r.call<T.OrdersRefundResponse>(as(op.ordersRefund), { path: { orderId }, body, options })
  },
  promotions: {
    list: (query?: QueryOf<T.PromotionsListData>, options?: O) =>
      r.list<T.PromotionsListResponse>(as(op.promotionsList), { query, options }),
    create: (body: BodyOf<T.PromotionsCreateData>, options?: O) =>
      r.call<T.PromotionsCreateResponse>(as(op.promotionsCreate), { body, options }),
    update: (promotionId: string, body: BodyOf<T.PromotionsUpdateData>, options?: O) =>
      r.call<T.PromotionsUpdateResponse>(as(op.promotionsUpdate), { path: { promotionId }, body, options }),
    delete: (promotionId: string, options?: O) =>
      r.call<T.PromotionsDeleteResponse>(as(op.promotionsDelete), { path: { promotionId }, options }),
    validate: (body: BodyOf<T.PromotionsValidateData>, options?: O) =>
      r.call<T.PromotionsValidateResponse>(as(op.promotionsValidate), { body, options })
  },
  site: {
    get: (options?: O) => r.call<T.SiteGetResponse>(as(op.siteGet), { options })
  },
  storeCredit: {
    get: (customerId: string, options?: O) =>
      r.call<T.StoreCreditGetResponse>(as(op.storeCreditGet), { path: { customerId }, options }),
    createTransaction: (customerId: string, body: BodyOf<T.StoreCreditCreateTransactionData>, options?: O) =>
      r.call<T.StoreCreditCreateTransactionResponse>(as(op.storeCreditCreateTransaction), {
        path: { customerId },
        body,
        options
      })
  },
  webhooks: {
    list: (query?: QueryOf<T.WebhooksListData>, options?: O) =>
      r.list<T.WebhooksListResponse>(as(op.webhooksList), { query, options }),
    create: (body: BodyOf<T.WebhooksCreateData>, options?: O) =>
      r.call<T.WebhooksCreateResponse>(as(op.webhooksCreate), { body, options }),
    get: (webhookId: string, options?: O) =>
      r.call<T.WebhooksGetResponse>(as(op.webhooksGet), { path: { webhookId }, options }),
    delete: (webhookId: string, options?: O) =>
      r.call<T.WebhooksDeleteResponse>(as(op.webhooksDelete), { path: { webhookId }, options }),
    listDeliveries: (webhookId: string, query?: QueryOf<T.WebhooksListDeliveriesData>, options?: O) =>
      r.list<T.WebhooksListDeliveriesResponse>(as(op.webhooksListDeliveries), { path: { webhookId }, query, options }),
    redeliver: (webhookId: string, deliveryId: string, options?: O) =>
      r.call<T.WebhooksRedeliverResponse>(as(op.webhooksRedeliver), { path: { webhookId, deliveryId }, options }),
    /** Verifies an incoming webhook's `X-Shopvo-Signature`; never throws. */
    verify
  }
})

export type Resources = ReturnType<typeof resources>
