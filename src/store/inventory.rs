//! Stock figures for availability (docs/design.md): on hand, reserved,
//! expected receipts and the backorders of placed orders, per item.

use super::Store;
use crate::domain::availability::ItemStock;
use chrono::NaiveDate;
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

impl Store {
    /// The stock of each item in `item_ids` (duplicates allowed), read in
    /// one transaction so the figures agree with each other. Every id gets
    /// an entry; an item without an inventory row has none on hand.
    /// Feed the result to [`crate::domain::availability::allocate`].
    pub fn item_stock(&self, item_ids: &[i64]) -> rusqlite::Result<HashMap<i64, ItemStock>> {
        // Inside submit's transaction the snapshot is that transaction's.
        if !self.conn.is_autocommit() {
            return item_stock_in(&self.conn, item_ids);
        }
        // A read transaction gives one snapshot under concurrent submits.
        let tx = self.conn.unchecked_transaction()?;
        let stock = item_stock_in(&tx, item_ids)?;
        tx.commit()?;
        Ok(stock)
    }
}

/// [`Store::item_stock`] on a connection or transaction the caller holds.
fn item_stock_in(conn: &Connection, item_ids: &[i64]) -> rusqlite::Result<HashMap<i64, ItemStock>> {
    let mut inventory =
        conn.prepare_cached("SELECT on_hand, reserved FROM inventory WHERE item_id = ?1")?;
    let mut receipts = conn.prepare_cached(
        "SELECT due_date, quantity FROM expected_receipts WHERE item_id = ?1 ORDER BY due_date, id",
    )?;
    // The partial index order_lines_item_backorder serves this query.
    let mut backorders = conn.prepare_cached(
        "SELECT COALESCE(SUM(l.qty_backordered), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE l.item_id = ?1 AND l.qty_backordered > 0 AND o.status <> 'cancelled'",
    )?;
    let mut out = HashMap::with_capacity(item_ids.len());
    for &item_id in item_ids {
        if out.contains_key(&item_id) {
            continue;
        }
        let (on_hand, reserved) = inventory
            .query_row([item_id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })
            .optional()?
            .unwrap_or((0, 0));
        let receipts = receipts
            .query_map([item_id], |r| {
                let text: String = r.get(0)?;
                let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(0, Type::Text, Box::new(e))
                })?;
                Ok((date, r.get::<_, i64>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let earlier_backorders: i64 = backorders.query_row([item_id], |r| r.get(0))?;
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
