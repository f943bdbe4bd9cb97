/**
 * Data vault routes: classes and their TTLs, records (content only on `vault.getRecord`), and a
 * customer's erasure.
 */
import type { ErasureReceipt, Operation, VaultRecord as ContractVaultRecord } from "@shopvo/contract"
import type { SqlClient } from "@effect/sql"
import type { DatabaseUnavailable } from "@shopvo/kernel"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import type { VaultRecord } from "./Repo.js"
import {
  Vault,
  type VaultClassNotFound,
  type VaultCustomerNotFound,
  type VaultNotConfigured,
  type VaultRecordNotFound,
  type VaultSubjectNotFound
} from "./Service.js"

const serialize = (r: VaultRecord): Operation.Immutable<ContractVaultRecord> => ({
  id: r.id,
  class: r.class,
  subjectType: r.subjectType,
  subjectId: r.subjectId,
  contentType: r.contentType,
  size: r.size,
  expiresAt: r.expiresAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString()
})

const toApiError = (
  error:
    | VaultClassNotFound
    | VaultRecordNotFound
    | VaultSubjectNotFound
    | VaultCustomerNotFound
    | VaultNotConfigured
    | DatabaseUnavailable
) => {
  switch (error._tag) {
    case "VaultClassNotFound":
      return ApiError.unprocessable(
        `Vault class ${error.name} does not exist; define it with vault.putClass`,
        "validation_error"
      )
    case "VaultSubjectNotFound": {
      const message = `No ${error.subjectType} ${error.subjectId} in this site and mode`
      return error.subjectType === "customer"
        ? ApiError.unprocessable(message, "customer_not_found")
        : ApiError.unprocessable(message, "order_not_found")
    }
    case "VaultRecordNotFound":
      return ApiError.notFound("Vault record")
    case "VaultCustomerNotFound":
      return ApiError.notFound("Customer")
    case "VaultNotConfigured":
      return ApiError.unavailable(60)
    case "DatabaseUnavailable":
      return error
  }
}

const listClasses: Handler<"vault.listClasses", Vault> = (request) =>
  Effect.map(Vault.classes(request.tenant), (items) => ({
    status: 200 as const,
    body: { success: true as const, items }
  }))

const putClass: Handler<"vault.putClass", Vault> = (request) =>
  Effect.map(Vault.putClass(request.tenant, request.params.className, request.body.ttlSeconds), ok)

const listRecords: Handler<"vault.listRecords", Vault> = (request) => {
  const page = Pagination.offset(request.query)
  return Effect.map(Vault.list(request.tenant, request.query.subjectType, request.query.subjectId, page), (items) =>
    Pagination.offsetPage(items.map(serialize), page, items[0]?.total ?? 0)
  )
}

const createRecord: Handler<"vault.createRecord", Vault> = (request) =>
  Vault.create(request.tenant, {
    class: request.body.class,
    subjectType: request.body.subjectType,
    subjectId: request.body.subjectId,
    contentType: request.body.contentType ?? "text/plain",
    content: request.body.content
  }).pipe(
    Effect.map((record) => created(serialize(record))),
    Effect.mapError(toApiError)
  )

const getRecord: Handler<"vault.getRecord", Vault> = (request) =>
  Vault.get(request.tenant, request.params.recordId).pipe(
    Effect.map((record) => ok({ ...serialize(record), content: record.content })),
    Effect.mapError(toApiError)
  )

const deleteRecord: Handler<"vault.deleteRecord", Vault> = (request) =>
  Vault.remove(request.tenant, request.params.recordId).pipe(Effect.as(deleted()), Effect.mapError(toApiError))

const eraseCustomer: Handler<"vault.eraseCustomer", Vault | SqlClient.SqlClient> = (request) =>
  Vault.erase(request.tenant, request.params.customerId).pipe(
    Effect.map(
      (receipt): Operation.Immutable<ErasureReceipt> => ({ ...receipt, erasedAt: receipt.erasedAt.toISOString() })
    ),
    Effect.map(ok),
    Effect.mapError(toApiError)
  )

export const handlers = {
  "vault.listClasses": listClasses,
  "vault.putClass": putClass,
  "vault.listRecords": listRecords,
  "vault.createRecord": createRecord,
  "vault.getRecord": getRecord,
  "vault.deleteRecord": deleteRecord,
  "vault.eraseCustomer": eraseCustomer
}
