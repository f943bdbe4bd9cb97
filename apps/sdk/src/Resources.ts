/**
 * The resources of the client, one per area of the API, each method named after its operation id
 * (`products.listVariants` is `products.listVariants`). Arguments follow one rule: the ids that
 * name the resource first, in path order (a required query value such as `cartId`, or the `from`
 * and `to` of `settlement.report`, counts as one, in spec order), then
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
      r.call<T.B2bUpdateAccountResponse>(as(op.b2bUpdateAccount), { path: { accountId }, body, options }),
    getAccount: (accountId: string, options?: O) =>
      r.call<T.B2bGetAccountResponse>(as(op.b2bGetAccount), { path: { accountId }, options }),
    listPriceLists: (query?: QueryOf<T.B2bListPriceListsData>, options?: O) =>
      r.list<T.B2bListPriceListsResponse>(as(op.b2bListPriceLists), { query, options }),
    createPriceList: (body: BodyOf<T.B2bCreatePriceListData>, options?: O) =>
      r.call<T.B2bCreatePriceListResponse>(as(op.b2bCreatePriceList), { body, options }),
    getPriceList: (priceListId: string, options?: O) =>
      r.call<T.B2bGetPriceListResponse>(as(op.b2bGetPriceList), { path: { priceListId }, options }),
    updatePriceList: (priceListId: string, body: BodyOf<T.B2bUpdatePriceListData>, options?: O) =>
      r.call<T.B2bUpdatePriceListResponse>(as(op.b2bUpdatePriceList), { path: { priceListId }, body, options }),
    deletePriceList: (priceListId: string, options?: O) =>
      r.call<T.B2bDeletePriceListResponse>(as(op.b2bDeletePriceList), { path: { priceListId }, options })
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
      r.call<T.CategoriesListResponse>(as(op.categoriesList), { query, options }),
    create: (body: BodyOf<T.CategoriesCreateData>, options?: O) =>
      r.call<T.CategoriesCreateResponse>(as(op.categoriesCreate), { body, options }),
    update: (categoryId: string, body: BodyOf<T.CategoriesUpdateData>, options?: O) =>
      r.call<T.CategoriesUpdateResponse>(as(op.categoriesUpdate), { path: { categoryId }, body, options }),
    delete: (categoryId: string, options?: O) =>
      r.call<T.CategoriesDeleteResponse>(as(op.categoriesDelete), { path: { categoryId }, options })
  },
  brands: {
    list: (query?: QueryOf<T.BrandsListData>, options?: O) =>
      r.call<T.BrandsListResponse>(as(op.brandsList), { query, options }),
    create: (body: BodyOf<T.BrandsCreateData>, options?: O) =>
      r.call<T.BrandsCreateResponse>(as(op.brandsCreate), { body, options }),
    update: (brandId: string, body: BodyOf<T.BrandsUpdateData>, options?: O) =>
      r.call<T.BrandsUpdateResponse>(as(op.brandsUpdate), { path: { brandId }, body, options }),
    delete: (brandId: string, options?: O) =>
      r.call<T.BrandsDeleteResponse>(as(op.brandsDelete), { path: { brandId }, options })
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
      r.call<T.CustomersUpdateResponse>(as(op.customersUpdate), { path: { customerId }, body, options }),
    merge: (customerId: string, body: BodyOf<T.CustomersMergeData>, options?: O) =>
      r.call<T.CustomersMergeResponse>(as(op.customersMerge), { path: { customerId }, body, options })
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
      r.call<T.OrdersRefundResponse>(as(op.ordersRefund), { path: { orderId }, body, options }),
    listDownloads: (orderId: string, options?: O) =>
      r.call<T.OrdersListDownloadsResponse>(as(op.ordersListDownloads), { path: { orderId }, options }),
    updateStatus: (orderId: string, body: BodyOf<T.OrdersUpdateStatusData>, options?: O) =>
      r.call<T.OrdersUpdateStatusResponse>(as(op.ordersUpdateStatus), { path: { orderId }, body, options }),
    cancel: (orderId: string, body: BodyOf<T.OrdersCancelData>, options?: O) =>
      r.call<T.OrdersCancelResponse>(as(op.ordersCancel), { path: { orderId }, body, options }),
    /** Records a payment received outside the API (a B2B order on terms, paid by bank transfer). */
    markPaid: (orderId: string, body: BodyOf<T.OrdersMarkPaidData> = {}, options?: O) =>
      r.call<T.OrdersMarkPaidResponse>(as(op.ordersMarkPaid), { path: { orderId }, body, options }),
    listFulfilments: (orderId: string, options?: O) =>
      r.call<T.OrdersListFulfilmentsResponse>(as(op.ordersListFulfilments), { path: { orderId }, options }),
    createFulfilment: (orderId: string, body: BodyOf<T.OrdersCreateFulfilmentData>, options?: O) =>
      r.call<T.OrdersCreateFulfilmentResponse>(as(op.ordersCreateFulfilment), { path: { orderId }, body, options }),
    getTimeline: (orderId: string, options?: O) =>
      r.call<T.OrdersGetTimelineResponse>(as(op.ordersGetTimeline), { path: { orderId }, options })
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
  blacklist: {
    list: (query?: QueryOf<T.BlacklistListData>, options?: O) =>
      r.list<T.BlacklistListResponse>(as(op.blacklistList), { query, options }),
    add: (body: BodyOf<T.BlacklistAddData>, options?: O) =>
      r.call<T.BlacklistAddResponse>(as(op.blacklistAdd), { body, options }),
    remove: (entryId: string, options?: O) =>
      r.call<T.BlacklistRemoveResponse>(as(op.blacklistRemove), { path: { entryId }, options })
  },
  currencies: {
    get: (options?: O) => r.call<T.CurrenciesGetResponse>(as(op.currenciesGet), { options }),
    update: (body: BodyOf<T.CurrenciesUpdateData>, options?: O) =>
      r.call<T.CurrenciesUpdateResponse>(as(op.currenciesUpdate), { body, options }),
    listRates: (query?: QueryOf<T.CurrenciesListRatesData>, options?: O) =>
      r.list<T.CurrenciesListRatesResponse>(as(op.currenciesListRates), { query, options }),
    createRate: (body: BodyOf<T.CurrenciesCreateRateData>, options?: O) =>
      r.call<T.CurrenciesCreateRateResponse>(as(op.currenciesCreateRate), { body, options }),
    getProductPrices: (productId: string, options?: O) =>
      r.call<T.CurrenciesGetProductPricesResponse>(as(op.currenciesGetProductPrices), { path: { productId }, options }),
    setProductPrices: (productId: string, body: BodyOf<T.CurrenciesSetProductPricesData>, options?: O) =>
      r.call<T.CurrenciesSetProductPricesResponse>(as(op.currenciesSetProductPrices), {
        path: { productId },
        body,
        options
      })
  },
  settlement: {
    get: (options?: O) => r.call<T.SettlementGetResponse>(as(op.settlementGet), { options }),
    update: (body: BodyOf<T.SettlementUpdateData>, options?: O) =>
      r.call<T.SettlementUpdateResponse>(as(op.settlementUpdate), { body, options }),
    report: (from: string, to: string, options?: O) =>
      r.call<T.SettlementReportResponse>(as(op.settlementReport), { query: { from, to }, options })
  },
  downloads: {
    get: (
      orderItemId: string,
      expires: T.DownloadsGetData["query"]["expires"],
      mode: T.DownloadsGetData["query"]["mode"],
      signature: string,
      options?: O
    ) =>
      r.call<T.DownloadsGetResponse>(as(op.downloadsGet), {
        path: { orderItemId },
        query: { expires, mode, signature },
        options
      })
  },
  payments: {
    createSession: (body: BodyOf<T.PaymentsCreateSessionData>, options?: O) =>
      r.call<T.PaymentsCreateSessionResponse>(as(op.paymentsCreateSession), { body, options }),
    getSession: (paymentSessionId: string, options?: O) =>
      r.call<T.PaymentsGetSessionResponse>(as(op.paymentsGetSession), { path: { paymentSessionId }, options }),
    confirmSession: (paymentSessionId: string, body: BodyOf<T.PaymentsConfirmSessionData>, options?: O) =>
      r.call<T.PaymentsConfirmSessionResponse>(as(op.paymentsConfirmSession), {
        path: { paymentSessionId },
        body,
        options
      }),
    captureSession: (paymentSessionId: string, body: BodyOf<T.PaymentsCaptureSessionData>, options?: O) =>
      r.call<T.PaymentsCaptureSessionResponse>(as(op.paymentsCaptureSession), {
        path: { paymentSessionId },
        body,
        options
      }),
    voidSession: (paymentSessionId: string, body: BodyOf<T.PaymentsVoidSessionData>, options?: O) =>
      r.call<T.PaymentsVoidSessionResponse>(as(op.paymentsVoidSession), { path: { paymentSessionId }, body, options }),
    refundSession: (paymentSessionId: string, body: BodyOf<T.PaymentsRefundSessionData>, options?: O) =>
      r.call<T.PaymentsRefundSessionResponse>(as(op.paymentsRefundSession), {
        path: { paymentSessionId },
        body,
        options
      }),
    handleCallback: (body: BodyOf<T.PaymentsHandleCallbackData>, options?: O) =>
      r.call<T.PaymentsHandleCallbackResponse>(as(op.paymentsHandleCallback), { body, options })
  },
  shipping: {
    listZones: (options?: O) => r.call<T.ShippingListZonesResponse>(as(op.shippingListZones), { options }),
    createZone: (body: BodyOf<T.ShippingCreateZoneData>, options?: O) =>
      r.call<T.ShippingCreateZoneResponse>(as(op.shippingCreateZone), { body, options }),
    deleteZone: (zoneId: string, options?: O) =>
      r.call<T.ShippingDeleteZoneResponse>(as(op.shippingDeleteZone), { path: { zoneId }, options }),
    listOptions: (options?: O) => r.call<T.ShippingListOptionsResponse>(as(op.shippingListOptions), { options }),
    createOption: (body: BodyOf<T.ShippingCreateOptionData>, options?: O) =>
      r.call<T.ShippingCreateOptionResponse>(as(op.shippingCreateOption), { body, options }),
    deleteOption: (shippingOptionId: string, options?: O) =>
      r.call<T.ShippingDeleteOptionResponse>(as(op.shippingDeleteOption), { path: { shippingOptionId }, options }),
    searchPickupPoints: (query?: QueryOf<T.ShippingSearchPickupPointsData>, options?: O) =>
      r.call<T.ShippingSearchPickupPointsResponse>(as(op.shippingSearchPickupPoints), { query, options }),
    createPickupPoint: (body: BodyOf<T.ShippingCreatePickupPointData>, options?: O) =>
      r.call<T.ShippingCreatePickupPointResponse>(as(op.shippingCreatePickupPoint), { body, options }),
    importPickupPoints: (body: BodyOf<T.ShippingImportPickupPointsData>, options?: O) =>
      r.call<T.ShippingImportPickupPointsResponse>(as(op.shippingImportPickupPoints), { body, options }),
    deactivatePickupPoint: (pickupPointId: string, options?: O) =>
      r.call<T.ShippingDeactivatePickupPointResponse>(as(op.shippingDeactivatePickupPoint), {
        path: { pickupPointId },
        options
      }),
    setVariantParcel: (variantId: string, body: BodyOf<T.ShippingSetVariantParcelData>, options?: O) =>
      r.call<T.ShippingSetVariantParcelResponse>(as(op.shippingSetVariantParcel), {
        path: { variantId },
        body,
        options
      })
  },
  tax: {
    getSettings: (options?: O) => r.call<T.TaxGetSettingsResponse>(as(op.taxGetSettings), { options }),
    updateSettings: (body: BodyOf<T.TaxUpdateSettingsData>, options?: O) =>
      r.call<T.TaxUpdateSettingsResponse>(as(op.taxUpdateSettings), { body, options })
  },
  vault: {
    listClasses: (options?: O) => r.call<T.VaultListClassesResponse>(as(op.vaultListClasses), { options }),
    putClass: (className: string, body: BodyOf<T.VaultPutClassData>, options?: O) =>
      r.call<T.VaultPutClassResponse>(as(op.vaultPutClass), { path: { className }, body, options }),
    listRecords: (
      subjectType: T.VaultListRecordsData["query"]["subjectType"],
      subjectId: string,
      query?: Omit<QueryOf<T.VaultListRecordsData>, "subjectType" | "subjectId">,
      options?: O
    ) =>
      r.list<T.VaultListRecordsResponse>(as(op.vaultListRecords), {
        query: { ...query, subjectType, subjectId },
        options
      }),
    createRecord: (body: BodyOf<T.VaultCreateRecordData>, options?: O) =>
      r.call<T.VaultCreateRecordResponse>(as(op.vaultCreateRecord), { body, options }),
    getRecord: (recordId: string, options?: O) =>
      r.call<T.VaultGetRecordResponse>(as(op.vaultGetRecord), { path: { recordId }, options }),
    deleteRecord: (recordId: string, options?: O) =>
      r.call<T.VaultDeleteRecordResponse>(as(op.vaultDeleteRecord), { path: { recordId }, options }),
    eraseCustomer: (customerId: string, options?: O) =>
      r.call<T.VaultEraseCustomerResponse>(as(op.vaultEraseCustomer), { path: { customerId }, options })
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
    listDeliveryAttempts: (
      webhookId: string,
      deliveryId: string,
      query?: QueryOf<T.WebhooksListDeliveryAttemptsData>,
      options?: O
    ) =>
      r.list<T.WebhooksListDeliveryAttemptsResponse>(as(op.webhooksListDeliveryAttempts), {
        path: { webhookId, deliveryId },
        query,
        options
      }),
    replay: (webhookId: string, body: BodyOf<T.WebhooksReplayData>, options?: O) =>
      r.call<T.WebhooksReplayResponse>(as(op.webhooksReplay), { path: { webhookId }, body, options }),
    rotateSecret: (webhookId: string, body: BodyOf<T.WebhooksRotateSecretData>, options?: O) =>
      r.call<T.WebhooksRotateSecretResponse>(as(op.webhooksRotateSecret), { path: { webhookId }, body, options }),
    enable: (webhookId: string, options?: O) =>
      r.call<T.WebhooksEnableResponse>(as(op.webhooksEnable), { path: { webhookId }, options }),
    getSettings: (options?: O) => r.call<T.WebhooksGetSettingsResponse>(as(op.webhooksGetSettings), { options }),
    updateSettings: (body: BodyOf<T.WebhooksUpdateSettingsData>, options?: O) =>
      r.call<T.WebhooksUpdateSettingsResponse>(as(op.webhooksUpdateSettings), { body, options }),
    /** Verifies an incoming webhook's `X-Shopvo-Signature`; never throws. */
    verify
  }
})

export type Resources = ReturnType<typeof resources>
