/**
 * The demo catalogue: categories (a small tree), brands and a few hundred products with sizes and
 * colours, prices in minor units, some on sale, stock counts including low and sold-out variants,
 * placeholder CDN images and a handful of featured products.
 *
 * Reproducible: every choice comes from a pseudo-random generator seeded with an integer, so
 * the same seed gives the same names, prices, stock and order (ids and timestamps differ).
 * Everything is created through the services the API uses (slugs, SKU and reference checks,
 * statuses derived from the site's low-stock threshold, `product.created` events as for an API
 * call), composed in transactions: the categories and brands in one, then the products with
 * their variants 250 per transaction (each holds one advisory lock per SKU until it commits), so
 * a 10,000-product benchmark catalogue seeds without exhausting PostgreSQL's lock table.
 */
import { Database, type Tenant } from "@shopvo/kernel"
import { Clock, Effect } from "effect"
import { Brands } from "../Brands/Service.js"
import { Categories } from "../Categories/Service.js"
import { Inventory } from "../Inventory/Service.js"
import { type InitialVariant, Variants } from "../Variants/Service.js"
import { type NewProduct, Products } from "./Service.js"

/** mulberry32: a tiny, well-distributed 32-bit generator; enough for demo data, not for secrets. */
export const prng = (seed: number) => {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(next() * items.length)]!
  const chance = (p: number) => next() < p
  const shuffle = <A>(items: ReadonlyArray<A>): Array<A> => {
    const out = [...items]
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1))
      ;[out[i], out[j]] = [out[j]!, out[i]!]
    }
    return out
  }
  return { next, int, pick, chance, shuffle }
}

type Random = ReturnType<typeof prng>

interface CategorySpec {
  readonly key: string
  readonly name: string
  readonly description: string
  readonly parent?: string
}

const categories: ReadonlyArray<CategorySpec> = [
  { key: "apparel", name: "Apparel", description: "Clothing for every day, made to last." },
  { key: "t-shirts", name: "T-Shirts", description: "Tees in organic and heavyweight cotton.", parent: "apparel" },
  { key: "hoodies", name: "Hoodies & Sweatshirts", description: "Brushed fleece for colder days.", parent: "apparel" },
  { key: "trousers", name: "Trousers", description: "Chinos, joggers and denim.", parent: "apparel" },
  { key: "footwear", name: "Footwear", description: "Sneakers, boots and everything in between." },
  { key: "accessories", name: "Accessories", description: "The finishing touches." },
  { key: "bags", name: "Bags", description: "Totes, backpacks and weekenders.", parent: "accessories" },
  { key: "home", name: "Home & Living", description: "Mugs, candles and textiles for the home." }
]

const brands: ReadonlyArray<{ readonly name: string; readonly description: string }> = [
  { name: "Essentials", description: "Wardrobe basics made to last." },
  { name: "Northwind Outfitters", description: "Outdoor-ready clothing and gear." },
  { name: "Urban Loom", description: "City staples woven in Portugal." },
  { name: "Terra Basics", description: "Organic fibres, fair factories." },
  { name: "Alpine Thread", description: "Warm layers from the mountains." },
  { name: "Harbor & Co.", description: "Homeware with a coastal calm." }
]

interface Family {
  /** The category the products are filed in (its parent is added too). */
  readonly category: string
  readonly code: string
  readonly types: ReadonlyArray<string>
  readonly adjectives: ReadonlyArray<string>
  /** Price range in whole currency units; prices end in .99 or .00. */
  readonly price: readonly [number, number]
  readonly sizes: ReadonlyArray<string>
  readonly colours: ReadonlyArray<string>
  readonly materials: ReadonlyArray<string>
  readonly brands: ReadonlyArray<number>
}

const apparelSizes = ["XS", "S", "M", "L", "XL", "XXL"]
const shoeSizes = ["38", "39", "40", "41", "42", "43", "44", "45", "46"]

const families: ReadonlyArray<Family> = [
  {
    category: "t-shirts",
    code: "TS",
    types: ["T-Shirt", "V-Neck Tee", "Pocket Tee", "Long Sleeve Tee", "Henley", "Boxy Tee"],
    adjectives: ["Classic", "Organic", "Heavyweight", "Slub", "Vintage Wash", "Essential", "Relaxed", "Slim Fit"],
    price: [19, 45],
    sizes: apparelSizes,
    colours: ["White", "Black", "Navy", "Heather Grey", "Olive", "Sand", "Rust"],
    materials: ["organic cotton", "combed cotton jersey", "slub cotton", "cotton and linen"],
    brands: [0, 2, 3]
  },
  {
    category: "hoodies",
    code: "HD",
    types: ["Hoodie", "Zip Hoodie", "Crewneck Sweatshirt", "Half-Zip Fleece", "Oversized Hoodie"],
    adjectives: ["Organic", "Brushed", "Heavyweight", "Loopback", "Everyday", "Recycled", "Alpine", "Midweight"],
    price: [49, 95],
    sizes: apparelSizes,
    colours: ["Black", "Charcoal", "Forest", "Oatmeal", "Navy", "Burgundy"],
    materials: ["brushed organic cotton", "recycled polyester fleece", "French terry", "loopback cotton"],
    brands: [0, 1, 4]
  },
  {
    category: "trousers",
    code: "TR",
    types: ["Chinos", "Joggers", "Cargo Pants", "Straight Jeans", "Linen Trousers", "Corduroy Trousers"],
    adjectives: ["Tapered", "Relaxed", "Stretch", "Everyday", "Workwear", "Tailored", "Organic", "Lightweight"],
    price: [45, 120],
    sizes: ["28", "30", "32", "34", "36", "38"],
    colours: ["Khaki", "Navy", "Black", "Stone", "Indigo", "Olive"],
    materials: ["stretch cotton twill", "selvedge denim", "European linen", "cotton corduroy"],
    brands: [0, 2, 3]
  },
  {
    category: "footwear",
    code: "FW",
    types: ["Sneakers", "Canvas Shoes", "Chelsea Boots", "Running Shoes", "Slides", "Hiking Boots"],
    adjectives: ["Court", "Low-Top", "High-Top", "Trail", "Leather", "Suede", "Everyday", "Lightweight"],
    price: [39, 189],
    sizes: shoeSizes,
    colours: ["White", "Black", "Tan", "Grey", "Navy"],
    materials: ["full-grain leather", "organic canvas", "suede", "recycled mesh"],
    brands: [1, 2, 4]
  },
  {
    category: "accessories",
    code: "AC",
    types: ["Beanie", "Cap", "Scarf", "Belt", "Socks 3-Pack", "Gloves"],
    adjectives: ["Ribbed", "Merino", "Classic", "Waxed", "Everyday", "Chunky Knit", "Leather", "Organic"],
    price: [12, 59],
    sizes: ["One Size"],
    colours: ["Black", "Camel", "Grey", "Navy", "Mustard", "Forest"],
    materials: ["merino wool", "organic cotton", "vegetable-tanned leather", "waxed cotton"],
    brands: [0, 1, 4]
  },
  {
    category: "bags",
    code: "BG",
    types: ["Tote Bag", "Backpack", "Crossbody Bag", "Weekender", "Laptop Sleeve", "Duffel Bag"],
    adjectives: ["Canvas", "Roll-Top", "Waxed", "Everyday", "Commuter", "Leather", "Recycled", "Packable"],
    price: [29, 179],
    sizes: ["One Size"],
    colours: ["Black", "Olive", "Sand", "Navy", "Tan"],
    materials: ["waxed canvas", "recycled nylon", "full-grain leather", "heavy cotton canvas"],
    brands: [1, 2, 3]
  },
  {
    category: "home",
    code: "HM",
    types: ["Mug", "Scented Candle", "Throw Blanket", "Cushion Cover", "Tea Towel Set", "Ceramic Vase"],
    adjectives: ["Stoneware", "Speckled", "Hand-Thrown", "Linen", "Wool", "Minimal", "Coastal", "Rustic"],
    price: [9, 89],
    sizes: ["Standard"],
    colours: ["Chalk", "Sage", "Terracotta", "Charcoal", "Ocean"],
    materials: ["glazed stoneware", "soy wax", "washed linen", "lambswool"],
    brands: [5, 3]
  }
]

const features = [
  "Pre-washed for a soft hand and minimal shrinkage.",
  "Reinforced seams where it matters.",
  "Designed in Lisbon, made in small batches.",
  "Certified to the Global Organic Textile Standard.",
  "Ships in plastic-free packaging.",
  "Backed by our two-year repair promise."
]

export interface CatalogOptions {
  /** The generator's seed: the same seed makes the same catalogue. Default 5. */
  readonly seed?: number
  /** How many products to create (default 232, of which about 95% active). */
  readonly products?: number
}

export interface CatalogSummary {
  readonly categories: number
  readonly brands: number
  readonly products: number
  readonly variants: number
}

/** Stock with realistic gaps: about 12% sold out, 15% low, the rest between 6 and 140. */
const stockCount = (random: Random, threshold: number) => {
  const roll = random.next()
  if (roll < 0.12) return 0
  if (roll < 0.27) return random.int(1, Math.max(1, threshold))
  return random.int(threshold + 1, 140)
}

/** A price in minor units ending in 99 (most) or 00. */
const price = (random: Random, [min, max]: readonly [number, number]) =>
  random.int(min, max) * 100 + (random.chance(0.8) ? -1 : 0)

/**
 * Product names: every (adjective, type) of every family, shuffled per family and interleaved
 * across families so that any prefix of the plan mixes categories. Past the last combination
 * (large benchmark catalogues) the names repeat as numbered editions.
 */
const productPlan = (random: Random, count: number) => {
  const plan: Array<{ family: Family; name: string }> = []
  for (let edition = 1; plan.length < count; edition++) {
    const suffix = edition === 1 ? "" : ` (Edition ${edition})`
    const queues = families.map((family) =>
      random.shuffle(
        family.adjectives.flatMap((adjective) =>
          family.types.map((type) => ({ family, name: `${adjective} ${type}${suffix}` }))
        )
      )
    )
    for (let i = 0; plan.length < count && queues.some((queue) => queue.length > 0); i++) {
      const next = queues[i % queues.length]!.shift()
      if (next) plan.push(next)
    }
  }
  return plan
}

/** A short code for a colour, unique within every family's palette (`Chalk` CHAL, `Charcoal` CHAR). */
const colourCode = (colour: string) =>
  colour
    .replace(/[^A-Za-z]/g, "")
    .slice(0, 4)
    .toUpperCase()

/** A product of the plan: the service's input, with brand and categories by key. */
export interface PlannedProduct {
  readonly input: Omit<NewProduct, "brandId" | "categoryIds" | "createdAt">
  readonly brand: number
  readonly categories: ReadonlyArray<string>
  readonly variants: ReadonlyArray<PlannedVariant>
}

export interface PlannedVariant {
  readonly name: string
  readonly sku: string
  readonly price: number | null
  readonly count: number
  readonly options: Readonly<Record<string, string>>
  readonly isDefault: boolean
}

/**
 * The whole catalogue as data, before anything is written: a pure function of the options (and
 * of the low-stock threshold, which shapes the stock counts), hence reproducible.
 */
export const plan = (options: CatalogOptions = {}, threshold = 5): ReadonlyArray<PlannedProduct> => {
  const random = prng(options.seed ?? 5)
  return productPlan(random, options.products ?? 232).map(({ family, name }, index): PlannedProduct => {
    const sku = `${family.code}-${String(index + 1).padStart(4, "0")}`
    const base = price(random, family.price)
    const onSale = random.chance(0.22)
    const material = random.pick(family.materials)
    const category = categories.find((c) => c.key === family.category)!
    const roll = random.next()
    const input: PlannedProduct["input"] = {
      name,
      description: `${name} in ${material}. ${random.pick(features)} ${random.pick(features)}`,
      sku,
      status: roll < 0.03 ? "DRAFT" : roll < 0.05 ? "ARCHIVED" : "ACTIVE",
      featured: random.chance(0.1),
      price: base,
      compareAtPrice: onSale ? base + random.int(1, 4) * 500 : null,
      images: Array.from(
        { length: random.int(1, 3) },
        (_, i) => `https://cdn.shopvo.eu/demo/${sku.toLowerCase()}/${i + 1}.jpg`
      )
    }
    // 1–4 variants: sizes × colours where the family has sizes, colours otherwise.
    const variantCount = random.int(1, 4)
    const colours = random.shuffle(family.colours)
    const sized = family.sizes.length > 1
    const sizes = sized ? random.shuffle(family.sizes) : family.sizes
    const combos: Array<{ size: string; colour: string }> = []
    for (let i = 0; combos.length < variantCount && i < sizes.length * colours.length; i++) {
      combos.push({ size: sizes[i % sizes.length]!, colour: colours[Math.floor(i / sizes.length) % colours.length]! })
    }
    const defaultIndex = random.int(0, combos.length - 1)
    const variants = combos.map(({ size, colour }, i): PlannedVariant => {
      // Larger sizes sometimes cost a little more; a variant price of null means the product's.
      const premium = sized && (size === "XXL" || size === "46") && random.chance(0.5)
      return {
        name: sized ? `${size} / ${colour}` : colour,
        sku: `${sku}-${sized ? `${size.toUpperCase()}-` : ""}${colourCode(colour)}`,
        price: premium ? base + 200 : null,
        count: stockCount(random, threshold),
        options: sized ? { Size: size, Color: colour } : { Color: colour },
        isDefault: i === defaultIndex
      }
    })
    return {
      input,
      brand: random.pick(family.brands),
      categories: category.parent === undefined ? [category.key] : [category.key, category.parent],
      variants
    }
  })
}

/** Products per transaction: each holds one advisory lock per SKU until it commits. */
const chunkSize = 250

/** The gap between two seeded products' creation times, so "newest first" follows the plan. */
const spacingMillis = (9 * 60 + 17) * 60 * 1000

/**
 * Creates the demo catalogue in the tenant's site and mode. Call it once per site: the category
 * and brand slugs are taken after a first run, so a second run fails before writing anything.
 */
export const seedDemoCatalog = (tenant: Tenant, options: CatalogOptions = {}) =>
  Effect.gen(function* () {
    const threshold = yield* Inventory.threshold(tenant)
    const products = plan(options, threshold)
    const now = yield* Clock.currentTimeMillis

    const { brandIds, categoryIds } = yield* Database.transaction(
      Effect.gen(function* () {
        const categoryIds = new Map<string, string>()
        for (const [position, spec] of categories.entries()) {
          const made = yield* Categories.create(tenant, {
            name: spec.name,
            slug: spec.key,
            description: spec.description,
            parentId: spec.parent === undefined ? null : categoryIds.get(spec.parent)!,
            position
          })
          categoryIds.set(spec.key, made.id)
        }
        const brandIds: Array<string> = []
        for (const brand of brands) brandIds.push((yield* Brands.create(tenant, brand)).id)
        return { brandIds, categoryIds }
      })
    )

    let variants = 0
    for (let start = 0; start < products.length; start += chunkSize) {
      const chunk = products.slice(start, start + chunkSize)
      yield* Database.transaction(
        Effect.gen(function* () {
          // Spread over the past months, the plan's first product the oldest.
          const made = yield* Products.createMany(
            tenant,
            chunk.map((planned, i) => ({
              ...planned.input,
              brandId: brandIds[planned.brand]!,
              categoryIds: planned.categories.map((key) => categoryIds.get(key)!),
              createdAt: new Date(now - (products.length - 1 - start - i) * spacingMillis)
            }))
          )
          // Each product's variants a millisecond apart in plan order: "oldest first" is the plan's order.
          const rows = chunk.flatMap((planned, i) =>
            planned.variants.map(
              (variant, position): InitialVariant => ({
                productId: made[i]!.id,
                name: variant.name,
                sku: variant.sku,
                price: variant.price,
                compareAtPrice: null,
                inventoryCount: variant.count,
                inventoryStatus: undefined,
                options: variant.options,
                isDefault: variant.isDefault,
                createdAt: new Date(now + position)
              })
            )
          )
          yield* Variants.createMany(tenant, rows)
          variants += rows.length
        })
      )
    }
    return {
      categories: categories.length,
      brands: brands.length,
      products: products.length,
      variants
    } satisfies CatalogSummary
  }).pipe(
    // The plan's slugs, SKUs and references are valid by construction.
    Effect.catchTags({
      SlugTaken: Effect.die,
      SkuTaken: Effect.die,
      UnknownBrand: Effect.die,
      UnknownCategories: Effect.die,
      DefaultConflict: Effect.die
    })
  )
