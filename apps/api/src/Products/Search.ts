/**
 * What a `search=` string asks for, as the three matchers of the product search use it:
 *
 * - full text: the raw string goes to `websearch_to_tsquery` (quotes, `or`, `-word` work as on a
 *   web search engine), once with the `simple` configuration that indexed names and SKUs and
 *   once with `english` that indexed descriptions (so `shirts` finds "shirt");
 * - partial words: every plain word must occur somewhere in the name (`ILIKE '%hood%'`, served
 *   by the trigram index), so "hood" finds "Hoodie" and "class whi" finds "Classic White"; an
 *   excluded word (`-zip`) must not;
 * - exact SKU: the trimmed string as typed and upper-cased, against product and variant SKUs.
 *
 * And the sort key of a search result, as a cursor carries it.
 */
import * as Pagination from "../Platform/Pagination.js"

export interface Terms {
  /** The string for `websearch_to_tsquery`. */
  readonly text: string
  /** `ILIKE` patterns, one per word; empty when there is no usable word. */
  readonly namePatterns: ReadonlyArray<string>
  /** `NOT ILIKE` patterns, one per excluded (`-word`) word. */
  readonly excludedPatterns: ReadonlyArray<string>
  /** SKU spellings to match exactly. */
  readonly skus: ReadonlyArray<string>
}

/** More words than this add nothing to a product search but cost an index scan each. */
const maxWords = 8

const escapeLike = (word: string) => word.replace(/[\\%_]/g, (c) => `\\${c}`)

export const parse = (search: string): Terms => {
  const text = search.trim()
  const words: Array<string> = []
  const excluded: Array<string> = []
  for (const raw of text.split(/\s+/)) {
    // `or` is websearch syntax, not a word to require.
    if (raw.toLowerCase() === "or") continue
    const negated = raw.startsWith("-")
    const word = raw.replace(/^-?"*|"+$/g, "").toLowerCase()
    const into = negated ? excluded : words
    if (word !== "" && !into.includes(word) && words.length + excluded.length < maxWords) into.push(word)
  }
  const skus = text === "" ? [] : [...new Set([text, text.toUpperCase()])]
  const pattern = (word: string) => `%${escapeLike(word)}%`
  return { text, namePatterns: words.map(pattern), excludedPatterns: excluded.map(pattern), skus }
}

const scorePattern = /^\d+(\.\d+)?(e[-+]?\d+)?$/

/**
 * A score as PostgreSQL prints a `float8`, and reads it back: not one that overflows (`1e999`)
 * or underflows to zero (`1e-400`), which its `float8` input refuses with an error.
 */
const isScore = (text: string): boolean => {
  const score = Number(text)
  return scorePattern.test(text) && Number.isFinite(score) && (score !== 0 || !/[1-9]/.test(text.split("e")[0] ?? ""))
}

/**
 * Whether `sortKey` is the sort key of a search result: its score, then its creation time
 * (`<score>|<created_at>`). Results are ordered by score, newest first among equal scores, id
 * last; the cursor carries the score so the next page continues below it however many products
 * were added meanwhile.
 */
export const isSortKey = (sortKey: string): boolean => {
  const [score, createdAt, ...rest] = sortKey.split("|")
  return (
    rest.length === 0 &&
    score !== undefined &&
    createdAt !== undefined &&
    isScore(score) &&
    Pagination.isCreatedAt(createdAt)
  )
}
