/**
 * What the proof found, part by part: the cases tried, the failures (each one written out) and
 * the figures. Printed at the end of every run; with `PROOF_OUT` it is also written as Markdown
 * (`pnpm proof` writes the repository's PROOF.md).
 */
import * as fs from "node:fs"

export interface Part {
  readonly title: string
  /** What the part checks, in a sentence or two. */
  readonly claim: string
  cases: number
  readonly failures: Array<string>
  readonly figures: Array<readonly [string, string]>
  /** Cases not run, with the reason. */
  readonly skipped: Array<string>
}

const parts: Array<Part> = []

export const part = (title: string, claim: string): Part => {
  const created: Part = { title, claim, cases: 0, failures: [], figures: [], skipped: [] }
  parts.push(created)
  return created
}

export const figure = (p: Part, name: string, value: string | number) => p.figures.push([name, String(value)])

export const statusCounts = (statuses: ReadonlyArray<number | string>): string => {
  const counts = new Map<string, number>()
  for (const status of statuses) counts.set(String(status), (counts.get(String(status)) ?? 0) + 1)
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}: ${n}`)
    .join(", ")
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ")

export const markdown = (meta: { readonly profile: string; readonly started: Date; readonly seconds: number }) => {
  const lines = [
    "# PROOF",
    "",
    "Written by `pnpm proof` (apps/api/proof). Do not edit: run it again. It starts the bundled API",
    "server in a fresh folder with its own embedded PostgreSQL, seeds two stores with the same",
    "look-alike demo data (one by the server's first start, one by `shopvo seed --demo`), and runs",
    "each part below against them over HTTP. The quick profile (fewer cases) runs in `pnpm test`.",
    "",
    `Profile **${meta.profile}**, run ${meta.started.toISOString()}, ${meta.seconds} s.`,
    "",
    "| part | cases | failures |",
    "| ---- | ----: | -------: |",
    ...parts.map((p) => `| ${p.title} | ${p.cases} | ${p.failures.length} |`),
    ""
  ]
  for (const p of parts) {
    lines.push(`## ${p.title}`, "", p.claim, "", `Cases: ${p.cases}. Failures: ${p.failures.length}.`, "")
    if (p.figures.length > 0) {
      lines.push(
        "| figure | value |",
        "| ------ | ----- |",
        ...p.figures.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`),
        ""
      )
    }
    if (p.skipped.length > 0) lines.push("Not run:", "", ...p.skipped.map((s) => `- ${s}`), "")
    if (p.failures.length > 0) lines.push("Failures:", "", ...p.failures.slice(0, 50).map((f) => `- ${cell(f)}`), "")
  }
  return `${lines.join("\n")}\n`
}

export const summary = () => parts.map((p) => `${p.title}: ${p.cases} cases, ${p.failures.length} failures`).join("\n")

export const write = (file: string, meta: Parameters<typeof markdown>[0]) => fs.writeFileSync(file, markdown(meta))
