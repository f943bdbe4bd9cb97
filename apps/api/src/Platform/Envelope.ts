/**
 * The reference's response envelopes. Handlers return one of these; the pipeline serialises it once.
 * The literal statuses and `success: true` let the compiler hold each reply against the spec's
 * declared responses for its operation.
 */

/** Any reply, as the pipeline sees it. */
export interface Reply {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

export const ok = <A>(data: A) => ({ status: 200 as const, body: { success: true as const, data } })

export const created = <A>(data: A) => ({ status: 201 as const, body: { success: true as const, data } })

export const deleted = () => ({ status: 200 as const, body: { success: true as const, deleted: true as const } })
