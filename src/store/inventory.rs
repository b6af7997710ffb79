//! Stock and reservations (docs/design.md, "Submit"): on hand, reserved,
//! expected receipts and the backorders of placed orders, per item, and
//! the writes that move `reserved`. The SQL is written once, for both
//! backends, as free functions over a [`Sql`] handle; the `Store` methods
//! run them on the store's connection, and submit and order changes run
//! them inside their own transactions.
//!
//! No oversell: [`reserve`] takes stock only while the row still has it
//! free, in the one statement that writes it; the CHECK (reserved <=
//! on_hand) refuses whatever a writer that forgot to look would do. Two
//! writers racing for the last unit: SQLite queues them at `BEGIN
//! IMMEDIATE`; PostgreSQL fails the second one's update (serialization
//! failure) and [`Sql::write`] runs it again on fresh figures, where it
//! finds the stock gone. Either way the loser gets [`Reservation::Short`].

use super::db::{self, Sql, Value};
use super::Store;
use crate::domain::availability::ItemStock;
use chrono::NaiveDate;
use std::collections::HashMap;

/// What [`reserve`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The quantity is reserved.
    Reserved,
    /// Not enough free stock (on hand less reserved; 0 for an item
    /// without an inventory row): nothing was reserved.
    Short { free: i64 },
}

/// An item's (on hand, reserved); None when it has no inventory row.
pub fn stock(sql: Sql<'_>, item_id: i64) -> Result<Option<(i64, i64)>, db::Error> {
    sql.query_opt(
        "SELECT on_hand, reserved FROM inventory WHERE item_id = ?1",
        &[item_id.into()],
    )?
    .map(|r| Ok((r.get_i64(0)?, r.get_i64(1)?)))
    .transpose()
}

/// Reserves `quantity` (at least 1) of the item if that much is free.
/// Run it in the transaction that decided to reserve, so a refusal rolls
/// back with the rest.
pub fn reserve(sql: Sql<'_>, item_id: i64, quantity: i64) -> Result<Reservation, db::Error> {
    if quantity < 1 {
        return Err(db::Error::Parameter {
            index: 1,
            problem: format!("a reservation is at least 1, not {quantity}"),
        });
    }
    let n = sql.execute(
        "UPDATE inventory SET reserved = reserved + ?1
         WHERE item_id = ?2 AND on_hand - reserved >= ?1",
        &[quantity.into(), item_id.into()],
    )?;
    if n == 1 {
        return Ok(Reservation::Reserved);
    }
    let free = stock(sql, item_id)?.map_or(0, |(on_hand, reserved)| on_hand - reserved);
    Ok(Reservation::Short { free })
}

/// Gives back `quantity` (at least 1) of the item's reservations. More
/// than is reserved is refused by the CHECK (reserved >= 0): a release
/// never hides a miscount.
pub fn release(sql: Sql<'_>, item_id: i64, quantity: i64) -> Result<(), db::Error> {
    if quantity < 1 {
        return Err(db::Error::Parameter {
            index: 1,
            problem: format!("a release is at least 1, not {quantity}"),
        });
    }
    let n = sql.execute(
        "UPDATE inventory SET reserved = reserved - ?1 WHERE item_id = ?2",
        &[quantity.into(), item_id.into()],
    )?;
    if n == 0 {
        // Nothing was reserved for an item that has no stock row.
        return Err(db::Error::NoRow);
    }
    Ok(())
}

/// Goods arrive: on hand goes up by `quantity`, the row made when the
/// item had none. Its new (on hand, reserved).
pub fn add_on_hand(sql: Sql<'_>, item_id: i64, quantity: i64) -> Result<(i64, i64), db::Error> {
    let row = sql.query_row(
        "INSERT INTO inventory (item_id, on_hand, reserved) VALUES (?1, ?2, 0)
         ON CONFLICT (item_id) DO UPDATE SET on_hand = inventory.on_hand + excluded.on_hand
         RETURNING on_hand, reserved",
        &[item_id.into(), quantity.into()],
    )?;
    Ok((row.get_i64(0)?, row.get_i64(1)?))
}

/// A shipment leaves: what its lines carry comes off the shelf and out of
/// the reservations together, per item. The CHECKs (reserved <= on_hand,
/// both >= 0) refuse what would take more than the shelf holds. How many
/// items' rows it changed.
pub fn ship_shipment(sql: Sql<'_>, shipment_id: i64) -> Result<u64, db::Error> {
    sql.execute(
        "UPDATE inventory SET on_hand = on_hand - s.q, reserved = reserved - s.q
         FROM (SELECT l.item_id AS item, CAST(SUM(sl.quantity) AS BIGINT) AS q
               FROM shipment_lines sl JOIN order_lines l ON l.id = sl.order_line_id
               WHERE sl.shipment_id = ?1 GROUP BY l.item_id) AS s
         WHERE inventory.item_id = s.item",
        &[shipment_id.into()],
    )
}

/// The stock of each item in `item_ids` (duplicates allowed); every id
/// gets an entry, an item without an inventory row has none on hand.
/// Several statements: run it in a transaction for figures that agree
/// with each other (see [`Store::item_stock`]).
pub fn item_stock(sql: Sql<'_>, item_ids: &[i64]) -> Result<HashMap<i64, ItemStock>, db::Error> {
    let mut out = HashMap::with_capacity(item_ids.len());
    for &item_id in item_ids {
        if out.contains_key(&item_id) {
            continue;
        }
        let id: Value = item_id.into();
        let (on_hand, reserved) = stock(sql, item_id)?.unwrap_or((0, 0));
        let receipts = sql
            .query(
                "SELECT due_date, quantity FROM expected_receipts WHERE item_id = ?1
                 ORDER BY due_date, id",
                std::slice::from_ref(&id),
            )?
            .iter()
            .map(|r| {
                let text = r.get_str(0)?;
                let date =
                    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| db::Error::Column {
                        index: 0,
                        name: "due_date".into(),
                        expected: "a date (YYYY-MM-DD)",
                        found: format!("{text:?} ({e})"),
                    })?;
                Ok((date, r.get_i64(1)?))
            })
            .collect::<Result<Vec<_>, db::Error>>()?;
        // The partial index order_lines_item_backorder serves this query.
        // SUM is NUMERIC on PostgreSQL; the layer reads it as an integer.
        let earlier_backorders = sql
            .query_row(
                "SELECT COALESCE(SUM(l.qty_backordered), 0) FROM order_lines l
                 JOIN orders o ON o.id = l.order_id
                 WHERE l.item_id = ?1 AND l.qty_backordered > 0 AND o.status <> 'cancelled'",
                &[id],
            )?
            .get_i64(0)?;
        out.insert(
            item_id,
            ItemStock {
                item_id,
                on_hand,
                reserved,
                receipts,
                earlier_backorders,
            },
        );
    }
    Ok(out)
}

impl Store {
    /// Stock of an item: (on hand, reserved); QueryReturnedNoRows when it
    /// has no inventory row.
    pub fn stock(&self, item_id: i64) -> rusqlite::Result<(i64, i64)> {
        stock(self.sql(), item_id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)
    }

    /// [`item_stock`] on the store's connection, in one read transaction
    /// so the figures agree with each other. Every id gets an entry.
    /// Feed the result to [`crate::domain::availability::allocate`].
    pub fn item_stock(&self, item_ids: &[i64]) -> rusqlite::Result<HashMap<i64, ItemStock>> {
        let Ok(conn) = self.sqlite("the stock figures") else {
            // PostgreSQL: statement by statement outside a transaction
            // (figures for a screen; submit and a change read them again
            // inside theirs, serializable).
            return Ok(item_stock(self.sql(), item_ids)?);
        };
        // Inside submit's transaction the snapshot is that transaction's.
        if !conn.is_autocommit() {
            return Ok(item_stock(self.sql(), item_ids)?);
        }
        // A deferred (read) transaction, not the layer's write one: a read
        // must not queue behind, or hold up, the writers.
        let tx = conn.unchecked_transaction()?;
        let stock = item_stock(Sql::Sqlite(&tx), item_ids)?;
        tx.commit()?;
        Ok(stock)
    }
}
