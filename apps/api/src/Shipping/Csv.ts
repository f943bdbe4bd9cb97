/**
 * CSV as pickup-point imports send it (RFC 4180): a header row naming the fields, then one record
 * a line; a field may be double-quoted, holding commas, line breaks and `""` for a quote. Blank
 * lines are skipped. Each record becomes an object keyed by the header; the import checks it.
 */
import { Either } from "effect"

/** The rows of `text`, each field a string. */
const records = (text: string): Either.Either<Array<Array<string>>, string> => {
  const rows: Array<Array<string>> = []
  let row: Array<string> = []
  let field = ""
  let quoted = false
  let i = 0
  const endRow = () => {
    row.push(field)
    if (!(row.length === 1 && row[0] === "")) rows.push(row)
    row = []
    field = ""
  }
  while (i < text.length) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i += 2
        continue
      }
      if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field === "") quoted = true
    else if (c === ",") {
      row.push(field)
      field = ""
    } else if (c === "\n" || c === "\r") {
      endRow()
      if (c === "\r" && text[i + 1] === "\n") i++
    } else field += c
    i++
  }
  if (quoted) return Either.left("a quoted field is not closed")
  endRow()
  return Either.right(rows)
}

/** The records of `text` as objects keyed by its header row; `line` in an error counts from 1. */
export const parse = (text: string): Either.Either<Array<Record<string, string>>, string> =>
  Either.flatMap(records(text.replace(/^\uFEFF/, "")), ([header, ...rows]) => {
    if (header === undefined) return Either.left("the CSV has no header row")
    const names = header.map((name) => name.trim())
    const width = rows.findIndex((row) => row.length !== names.length)
    if (width !== -1) {
      return Either.left(`row ${width} has ${rows[width]!.length} fields, the header ${names.length}`)
    }
    return Either.right(rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i]!]))))
  })
