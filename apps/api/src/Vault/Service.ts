/**
 * The data vault: personal data about a customer or an order, in classes with TTLs, sealed with
 * AES-256-GCM under `VAULT_KEY` (64 hex characters or base64 of 32 bytes). Without a key the
 * vault's content operations are unavailable; a malformed key fails start-up. The webhook worker
 * deletes expired records and sends `vault.record.expired`.
 *
 * Erasure deletes a customer's vault records and anonymises their personal data, keeping
 * amounts, in one transaction, and returns a receipt.
 */
import { Database, Ids, Sealed, type Tenant } from "@shopvo/kernel"
import { Config, ConfigError, Data, Effect, Either, Option, Redacted } from "effect"
import { builtInClasses, type SubjectType, VaultRepo } from "./Repo.js"

export class VaultClassNotFound extends Data.TaggedError("VaultClassNotFound")<{ readonly name: string }> {}
export class VaultRecordNotFound extends Data.TaggedError("VaultRecordNotFound")<{ readonly id: string }> {}
export class VaultSubjectNotFound extends Data.TaggedError("VaultSubjectNotFound")<{
  readonly subjectType: string
  readonly subjectId: string
}> {}
export class VaultCustomerNotFound extends Data.TaggedError("VaultCustomerNotFound")<{ readonly id: string }> {}
/** No `VAULT_KEY` is configured. */
export class VaultNotConfigured extends Data.TaggedError("VaultNotConfigured")<Record<never, never>> {}

export interface NewVaultRecord {
  readonly class: string
  readonly subjectType: typeof SubjectType.Type
  readonly subjectId: string
  readonly contentType: string
  readonly content: string
}

// A malformed key fails start-up naming the variable; a missing one leaves the vault unavailable.
const vaultKey = Config.option(
  Config.redacted("VAULT_KEY").pipe(
    Config.mapOrFail((value) =>
      Either.mapLeft(Sealed.parseKey(Redacted.value(value)), (error) => ConfigError.InvalidData([], error.message))
    )
  )
)

/** What a sealed value is bound to: the row it belongs in. */
const associatedData = (tenant: Tenant, id: string) => `${tenant.siteId}:${tenant.livemode}:${id}`

export class Vault extends Effect.Service<Vault>()("@shopvo/api/Vault", {
  accessors: true,
  dependencies: [VaultRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* VaultRepo
    const key = yield* vaultKey
    const requireKey = Option.match(key, {
      onNone: () => Effect.fail(new VaultNotConfigured()),
      onSome: Effect.succeed
    })

    /** Built-in classes first (their TTL if set), then the site's own. */
    const classes = (tenant: Tenant) =>
      Effect.map(repo.classes(tenant), (rows) => {
        const ttlOf = new Map(rows.map((row) => [row.name, row.ttlSeconds]))
        const builtIn = builtInClasses.map((name) => ({ name, ttlSeconds: ttlOf.get(name) ?? null, builtIn: true }))
        const own = rows
          .filter((row) => !(builtInClasses as ReadonlyArray<string>).includes(row.name))
          .map((row) => ({ name: row.name, ttlSeconds: row.ttlSeconds, builtIn: false }))
        return [...builtIn, ...own]
      })

    return {
      classes,
      putClass: (tenant: Tenant, name: string, ttlSeconds: number | null) =>
        Effect.map(repo.upsertClass(tenant, name, ttlSeconds), (row) => ({
          name: row.name,
          ttlSeconds: row.ttlSeconds,
          builtIn: (builtInClasses as ReadonlyArray<string>).includes(row.name)
        })),
      create: (tenant: Tenant, input: NewVaultRecord) =>
        Effect.gen(function* () {
          const sealingKey = yield* requireKey
          const known = (yield* classes(tenant)).some((c) => c.name === input.class)
          if (!known) return yield* new VaultClassNotFound({ name: input.class })
          if (!(yield* repo.subjectExists(tenant, input.subjectType, input.subjectId))) {
            return yield* new VaultSubjectNotFound({ subjectType: input.subjectType, subjectId: input.subjectId })
          }
          const id = Ids.make("vrec")
          const sealed = Sealed.seal(sealingKey, input.content, associatedData(tenant, id))
          yield* repo.insert(tenant, {
            id,
            class: input.class,
            subjectType: input.subjectType,
            subjectId: input.subjectId,
            contentType: input.contentType,
            size: input.content.length,
            sealed
          })
          const stored = yield* repo.find(tenant, id)
          return Option.getOrThrow(stored)
        }),
      /** A record with its content opened. */
      get: (tenant: Tenant, id: string) =>
        Effect.gen(function* () {
          const sealingKey = yield* requireKey
          const found = yield* repo.find(tenant, id)
          if (Option.isNone(found)) return yield* new VaultRecordNotFound({ id })
          const { sealed, ...record } = found.value
          // A value that does not open was altered or sealed under another key: a defect, not input.
          const content = yield* Effect.orDie(Sealed.open(sealingKey, sealed, associatedData(tenant, id)))
          return { ...record, content }
        }),
      list: repo.list,
      remove: (tenant: Tenant, id: string) =>
        Effect.flatMap(repo.remove(tenant, id), (found) =>
          found ? Effect.void : Effect.fail(new VaultRecordNotFound({ id }))
        ),
      /** Erases a customer's personal data and returns the receipt. */
      erase: (tenant: Tenant, customerId: string) =>
        Database.transaction(
          Effect.gen(function* () {
            const erased = yield* repo.erase(tenant, customerId)
            if (erased === undefined) return yield* new VaultCustomerNotFound({ id: customerId })
            const receipt = { id: Ids.make("era"), customerId, ...erased }
            const erasedAt = yield* repo.insertReceipt(tenant, receipt)
            return { ...receipt, erasedAt }
          })
        )
    }
  })
}) {}
