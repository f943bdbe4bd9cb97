/**
 * The spec's validators as a service, compiled once at start-up so no request pays for it.
 */
import { Spec, Validator } from "@shopvo/contract"
import { Context, Effect, Layer } from "effect"

export class ContractValidator extends Context.Tag("@shopvo/api/ContractValidator")<ContractValidator, Validator>() {}

export const layer = Layer.sync(ContractValidator, () => {
  const validator = new Validator()
  validator.compileAll(Spec.operations)
  return validator
}).pipe(Layer.tap(() => Effect.logDebug(`compiled validators for ${Spec.operations.length} operations`)))
