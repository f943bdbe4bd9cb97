/**
 * The demo store's content: the pages every shop has (about, shipping and returns, privacy,
 * terms, FAQ), one unpublished draft to show that drafts stay hidden, and the `main` and
 * `footer` menus linking them. Written through the content service, idempotent (a page or
 * menu that already exists is left as it is), so seeding twice changes nothing.
 */
import type { Tenant } from "@shopvo/kernel"
import { Effect } from "effect"
import { Content, type MenuItem, type NewPage } from "./Service.js"

/** A catalogue category to link from the main menu's "Shop" entry. */
export interface MenuCategory {
  readonly name: string
  readonly slug: string
}

export interface SeedOptions {
  /** Top-level categories for the "Shop" submenu, in display order (a generic list when omitted). */
  readonly categories?: ReadonlyArray<MenuCategory>
  /** The seed's "now": published pages are dated relative to it. */
  readonly now?: Date
}

export interface SeededContent {
  readonly pageIds: ReadonlyArray<string>
  readonly draftPageId: string
  readonly menuIds: ReadonlyArray<string>
}

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000)

const pages = (now: Date): ReadonlyArray<NewPage> => [
  {
    title: "About Us",
    slug: "about",
    content:
      "<h1>About Us</h1><p>We make small-batch everyday clothing from organic cotton and recycled fibres, " +
      "cut and sewn by partner workshops in Portugal since 2019.</p><p>Every product page lists where it was made " +
      "and by whom.</p>",
    seoTitle: "About Us | Shopvo Demo Store",
    seoDescription: "Who we are, where our clothes are made and why we keep batches small.",
    publishedAt: daysBefore(now, 120)
  },
  {
    title: "Shipping & Returns",
    slug: "shipping-returns",
    content:
      "<h1>Shipping &amp; Returns</h1><h2>Shipping</h2><p>Orders placed before 14:00 CET ship the same working day. " +
      "Standard delivery in the EU takes 2–5 working days and is free from €60.</p><h2>Returns</h2>" +
      "<p>Return unworn items within 30 days of delivery for a full refund. Start a return from your order " +
      "confirmation email; refunds reach your original payment method within 5 working days of receipt.</p>",
    seoTitle: "Shipping & Returns | Shopvo Demo Store",
    seoDescription: "Delivery times, shipping costs and our 30-day return policy.",
    publishedAt: daysBefore(now, 118)
  },
  {
    title: "Privacy Policy",
    slug: "privacy-policy",
    content:
      "<h1>Privacy Policy</h1><p>We collect only what we need to fulfil your order: your name, email, shipping " +
      "address and order history. Payment details are handled by our payment provider and never stored by us.</p>" +
      "<p>You can ask for a copy of your data or its deletion at any time by writing to privacy@demo.shopvo.localhost.</p>",
    seoTitle: null,
    seoDescription: "How we collect, use and protect your personal data.",
    publishedAt: daysBefore(now, 115)
  },
  {
    title: "Terms of Service",
    slug: "terms",
    content:
      "<h1>Terms of Service</h1><p>These terms govern purchases from the Shopvo Demo Store. Prices include VAT " +
      "where applicable. A contract is formed when we confirm your order by email.</p>",
    seoTitle: null,
    seoDescription: null,
    publishedAt: daysBefore(now, 115)
  },
  {
    title: "FAQ",
    slug: "faq",
    content:
      "<h1>Frequently Asked Questions</h1><h2>How do your sizes run?</h2><p>True to size; each product has a size " +
      "chart.</p><h2>Can I change my order?</h2><p>Within one hour of ordering, by replying to the confirmation " +
      "email.</p><h2>Do you ship outside the EU?</h2><p>Yes, to the UK, Switzerland and Norway.</p>",
    seoTitle: "FAQ | Shopvo Demo Store",
    seoDescription: "Sizing, order changes, shipping destinations and more.",
    publishedAt: daysBefore(now, 30)
  }
]

// Never published: the storefront must not see it.
const draft: NewPage = {
  title: "Autumn Lookbook",
  slug: "autumn-lookbook",
  content: "<h1>Autumn Lookbook</h1><p>Coming soon.</p>",
  seoTitle: null,
  seoDescription: null,
  publishedAt: null
}

const defaultCategories: ReadonlyArray<MenuCategory> = [
  { name: "T-Shirts", slug: "t-shirts" },
  { name: "Hoodies", slug: "hoodies" },
  { name: "Accessories", slug: "accessories" }
]

const leaf = (title: string, url: string): MenuItem => ({ title, url, children: [] })

/** Seeds the demo content for one site and mode. */
export const seedDemoContent = (tenant: Tenant, options: SeedOptions = {}) =>
  Effect.gen(function* () {
    const now = options.now ?? new Date()
    const pageIds: Array<string> = []
    for (const page of pages(now)) pageIds.push(yield* Content.putPage(tenant, page))
    const draftPageId = yield* Content.putPage(tenant, draft)

    const categories = options.categories ?? defaultCategories
    const main = yield* Content.putMenu(tenant, {
      handle: "main",
      title: "Main menu",
      items: [
        {
          title: "Shop",
          url: "/products",
          children: [leaf("All products", "/products"), ...categories.map((c) => leaf(c.name, `/categories/${c.slug}`))]
        },
        leaf("About", "/pages/about"),
        leaf("FAQ", "/pages/faq")
      ]
    })
    const footer = yield* Content.putMenu(tenant, {
      handle: "footer",
      title: "Footer menu",
      items: [
        {
          title: "Customer service",
          url: "/pages/faq",
          children: [leaf("FAQ", "/pages/faq"), leaf("Shipping & Returns", "/pages/shipping-returns")]
        },
        {
          title: "Legal",
          url: "/pages/terms",
          children: [leaf("Terms of Service", "/pages/terms"), leaf("Privacy Policy", "/pages/privacy-policy")]
        },
        leaf("About us", "/pages/about")
      ]
    })
    return { pageIds, draftPageId, menuIds: [main, footer] } satisfies SeededContent
  })
