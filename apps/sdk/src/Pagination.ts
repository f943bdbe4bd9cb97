/**
 * A list call: `await` it for one page, or iterate it with `for await` for every item of every
 * page. Offset lists (`pagination.page`/`totalPages`) advance `page`; cursor lists (`cursor`,
 * `hasNextPage`; a call given a `cursor`) follow the cursor, so no item is skipped or repeated while
 * the list changes.
 */

type Query = Readonly<Record<string, unknown>>

interface OffsetMeta {
  readonly pagination: { readonly page: number; readonly totalPages: number }
}
interface CursorMeta {
  readonly cursor: string | null
  readonly hasNextPage: boolean
}

/** A page of any list: its `items` (`data` for content pages), with offset or cursor pagination. */
export type Page<Item = unknown> = { readonly items: ReadonlyArray<Item> } | { readonly data: ReadonlyArray<Item> }

export type ItemOf<P> = P extends { readonly items: ReadonlyArray<infer Item> }
  ? Item
  : P extends { readonly data: ReadonlyArray<infer Item> }
    ? Item
    : never

const itemsOf = <P extends Page>(page: P): ReadonlyArray<ItemOf<P>> =>
  ("items" in page ? page.items : page.data) as ReadonlyArray<ItemOf<P>>

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

/**
 * The query of the page after `page`, or undefined when it was the last. The page itself says where
 * the next one starts (its page number, its cursor), so the caller's query is the only base needed.
 */
export const nextQuery = (query: Query, page: unknown): Query | undefined => {
  if (!isRecord(page)) return undefined
  if ("hasNextPage" in page) {
    const { cursor, hasNextPage } = page as unknown as CursorMeta
    return hasNextPage && typeof cursor === "string" && cursor !== "" ? { ...query, cursor } : undefined
  }
  if (isRecord(page["pagination"])) {
    const { page: current, totalPages } = (page as unknown as OffsetMeta).pagination
    return current < totalPages ? { ...query, page: current + 1 } : undefined
  }
  return undefined
}

export class PagedCall<P extends Page> implements PromiseLike<P>, AsyncIterable<ItemOf<P>> {
  #first: Promise<P> | undefined
  readonly #fetch: (query: Query) => Promise<P>
  readonly #query: Query

  constructor(fetchPage: (query: Query) => Promise<P>, query: Query) {
    this.#fetch = fetchPage
    this.#query = query
  }

  #firstPage(): Promise<P> {
    this.#first ??= this.#fetch(this.#query)
    return this.#first
  }

  // biome-ignore lint/suspicious/noThenProperty: a list call is awaited like the promise of its first page
  then<A = P, B = never>(
    onFulfilled?: ((page: P) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null
  ): Promise<A | B> {
    return this.#firstPage().then(onFulfilled, onRejected)
  }

  /** Every page, starting with the first, until the last. */
  async *pages(): AsyncGenerator<P, void, undefined> {
    let page = await this.#firstPage()
    for (;;) {
      yield page
      const query = nextQuery(this.#query, page)
      if (query === undefined) return
      page = await this.#fetch(query)
      if (itemsOf(page).length === 0) return
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ItemOf<P>> {
    for await (const page of this.pages()) yield* itemsOf(page)
  }
}
