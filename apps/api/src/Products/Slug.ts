/**
 * URL handles: lowercase ASCII words joined by single hyphens (`classic-white-t-shirt`), the
 * format the slug columns check. Derived from a name when the caller gives none.
 */

/** Longest derived slug: leaves room for a `-<n>` suffix within the column's 200 characters. */
export const maxDerivedLength = 180

const fallback = "item"

/**
 * The slug for a name: accents dropped (`Crème brûlée` → `creme-brulee`), every run of other
 * characters becomes one hyphen. A name with no Latin letters or digits gets `fallback`.
 */
export const fromName = (name: string, empty: string = fallback): string => {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    // ß, æ/Æ, ø/Ø and œ/Œ, escaped: a regular expression is copied into the bundle as written, and
    // one non-ASCII character there makes V8 hold the whole bundle's source at two bytes a character.
    .replace(/\u00df/g, "ss")
    .replace(/[\u00e6\u00c6]/g, "ae")
    .replace(/[\u00f8\u00d8]/g, "o")
    .replace(/[\u0153\u0152]/g, "oe")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxDerivedLength)
    .replace(/-+$/, "")
  return slug === "" ? empty : slug
}

/** `base`, then `base-2`, `base-3`… : the candidate after the highest suffix already taken. */
export const nextCandidate = (base: string, taken: ReadonlyArray<string>): string => {
  let highest = 0
  const suffixed = new RegExp(`^${base}-(\\d{1,9})$`)
  for (const slug of taken) {
    if (slug === base) highest = Math.max(highest, 1)
    const match = suffixed.exec(slug)
    if (match) highest = Math.max(highest, Number(match[1]))
  }
  return highest === 0 ? base : `${base}-${highest + 1}`
}
