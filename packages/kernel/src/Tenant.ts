/**
 * Whose data a request works on: one site, in test or live mode. Every repository query is
 * scoped by both, so a row of another site or mode does not exist for the caller.
 */
export interface Tenant {
  readonly siteId: string
  readonly livemode: boolean
}
