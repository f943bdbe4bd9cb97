/**
 * The routes the baseline and the framework floor answer: each benchmarked URL with the SQL the API
 * ran for it, as run.ts captured them into the file `BENCH_ROUTES` names.
 */
import { readFileSync } from "node:fs"

export interface Query {
  readonly text: string
  readonly values: ReadonlyArray<unknown>
}

/** The statements to replay for each URL. */
export const routes: ReadonlyMap<string, ReadonlyArray<Query>> = new Map(
  (
    JSON.parse(readFileSync(process.env["BENCH_ROUTES"]!, "utf8")) as ReadonlyArray<{
      readonly path: string
      readonly queries: ReadonlyArray<Query>
    }>
  ).map((route) => [route.path, route.queries])
)
