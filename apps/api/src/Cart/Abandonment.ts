/**
 * The abandoned-cart sweep, run by the webhook worker: an `ACTIVE` cart with items and no activity
 * for `idleFor` becomes `ABANDONED` and `cart.abandoned` is sent with the cart as `cart.get` shows
 * it. Once per period of inactivity: any change makes the cart `ACTIVE` again (`CartRepo.touch`).
 * Carts are claimed with `SKIP LOCKED`, so several workers sweep without sending twice.
 */
import { SqlClient } from "@effect/sql"
import { Database, Outbox } from "@shopvo/kernel"
import { Duration, Effect } from "effect"
import { serialize } from "./Http.js"
import { Cart } from "./Service.js"

/** Abandons up to `limit` idle carts and returns how many. */
export const sweep = (idleFor: Duration.Duration, limit = 100) =>
  Database.transaction(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const idle = yield* sql<{ readonly id: string; readonly siteId: string; readonly livemode: boolean }>`
        update carts c set status = 'ABANDONED'
        where (c.site_id, c.id) in (
          select site_id, id from carts
          where status = 'ACTIVE'
            and last_activity_at <= now() - ${Duration.toMillis(idleFor)} * interval '1 millisecond'
            and exists (select 1 from cart_lines l where l.site_id = carts.site_id and l.cart_id = carts.id)
          order by last_activity_at
          limit ${limit}
          for update skip locked)
        returning c.id, c.site_id as "siteId", c.livemode`
      for (const { id, siteId, livemode } of idle) {
        const tenant = { siteId, livemode }
        const cart = yield* Cart.get(tenant, id).pipe(Effect.orDie)
        yield* Outbox.emit(tenant, "cart.abandoned", serialize(cart))
      }
      return idle.length
    })
  )
