/**
 * The reference's response envelopes. Handlers return a `Reply`; the pipeline serialises it once.
 */
export interface Reply {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

export const ok = (data: unknown): Reply => ({ status: 200, body: { success: true, data } })

export const created = (data: unknown): Reply => ({ status: 201, body: { success: true, data } })

export const deleted = (): Reply => ({ status: 200, body: { success: true, deleted: true } })

/** Any other success body (`{ success: true, … }` with extra top-level fields). */
export const custom = (status: number, body: Readonly<Record<string, unknown>>): Reply => ({
  status,
  body: { success: true, ...body }
})
