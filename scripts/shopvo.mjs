// `pnpm shopvo …`: the operator CLI from the API's single-file build (rebuilt first only when a
// source changed), which starts in a fraction of the time of compiling the CLI from source.
import { pathToFileURL } from "node:url"
import { bundle, installed } from "./built.mjs"

installed()
await import(pathToFileURL(bundle("cli")).href)
