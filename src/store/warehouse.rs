//! The warehouse side (docs/design.md, "After the order"): goods received
//! fill backorders first placed, first filled; placed orders are released
//! to the warehouse; a shipment leaves, taking its stock off the shelf and
//! out of the reservations together. Each is one transaction with its
//! events in the orders' histories.

use super::db::Sql;
use super::inventory::{self, Reservation};
use super::order_changes::{set_status, status_event, ServiceError};
use super::order_record::{record_event, shipments_of, stored_order_in, NewEvent, StoredOrder};
use super::{now_text, Store};
use crate::domain::lifecycle::{self, OrderStatus, ShipmentStatus};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

/// The most one receipt brings: far beyond any delivery, and far from
/// where stock figures would overflow (SQLite would turn them into reals).
pub const MAX_RECEIPT: i64 = 1_000_000_000;

/// Backorders a receipt (or freed stock) filled in one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filled {
    pub order_no: i64,
    /// (line number, SKU, quantity now reserved for it).
    pub lines: Vec<(u32, String, u32)>,
    /// Shipments that can leave now (they waited for these goods).
    pub ready: Vec<u32>,
}

/// What `orderdesk receive` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Received {
    pub sku: String,
    pub quantity: i64,
    pub on_hand: i64,
    pub reserved: i64,
    pub filled: Vec<Filled>,
}

impl Store {
    /// Goods arrive: on hand goes up, the expected receipts they were are
    /// used up (earliest first), and the backorders waiting for the item
    /// are filled in the order they were placed.
    pub fn receive(
        &self,
        sku: &str,
        quantity: i64,
        date: NaiveDate,
        operator: &str,
    ) -> Result<Received, ServiceError> {
        if !(1..=MAX_RECEIPT).contains(&quantity) {
            return Err(ServiceError::Refused(format!(
                "a quantity received is 1 to {MAX_RECEIPT}"
            )));
        }
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let (item, sku): (i64, String) = tx
            .query_row(
                "SELECT id, sku FROM items WHERE sku = ?1 COLLATE NOCASE",
                [sku.trim()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| ServiceError::Refused(format!("there is no item {}", sku.trim())))?;
        inventory::add_on_hand(Sql::Sqlite(&tx), item, quantity)?;
        // The goods were expected: the promises made on them are kept by
        // the stock now, so they do not count twice.
        let mut left = quantity;
        let mut stmt = tx.prepare(
            "SELECT id, quantity FROM expected_receipts WHERE item_id = ?1 ORDER BY due_date, id",
        )?;
        let expected: Vec<(i64, i64)> = stmt
            .query_map([item], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        for (id, q) in expected {
            if left == 0 {
                break;
            }
            let used = q.min(left);
            left -= used;
            if used == q {
                tx.execute("DELETE FROM expected_receipts WHERE id = ?1", [id])?;
            } else {
                tx.execute(
                    "UPDATE expected_receipts SET quantity = quantity - ?2 WHERE id = ?1",
                    params![id, used],
                )?;
            }
        }
        let filled = fill_waiting(&tx, &[item], date, operator, &now_text())?;
        let (on_hand, reserved) = tx.query_row(
            "SELECT on_hand, reserved FROM inventory WHERE item_id = ?1",
            [item],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tx.commit()?;
        Ok(Received {
            sku,
            quantity,
            on_hand,
            reserved,
            filled,
        })
    }

    /// Releases order `order_no` to the warehouse.
    pub fn release_order(
        &self,
        order_no: i64,
        operator: &str,
    ) -> Result<StoredOrder, ServiceError> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let o = stored_order_in(&tx, order_no)?.ok_or(ServiceError::NotFound(order_no))?;
        lifecycle::may_release(o.status).map_err(ServiceError::Refused)?;
        set_status(&tx, o.id, OrderStatus::Released)?;
        status_event(
            &tx,
            &o,
            operator,
            "released",
            "",
            "released to the warehouse",
        )?;
        let done = stored_order_in(&tx, order_no)?.ok_or(ServiceError::NotFound(order_no))?;
        tx.commit()?;
        Ok(done)
    }

    /// The placed orders (not held), oldest first: what `release --all`
    /// releases.
    pub fn placed_order_numbers(&self) -> rusqlite::Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT order_no FROM orders WHERE status = 'placed' ORDER BY placed_at, order_no",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect()
    }

    /// Shipment `number` of order `order_no` leaves: its stock comes off
    /// the shelf and out of the reservations together.
    pub fn ship(
        &self,
        order_no: i64,
        number: u32,
        tracking: &str,
        operator: &str,
    ) -> Result<StoredOrder, ServiceError> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let o = stored_order_in(&tx, order_no)?.ok_or(ServiceError::NotFound(order_no))?;
        let mut states = o.shipment_states();
        lifecycle::may_ship(o.status, &states, number).map_err(ServiceError::Refused)?;
        let now = now_text();
        let shipment_id: i64 = tx.query_row(
            "UPDATE shipments SET status = 'shipped', shipped_at = ?3, tracking = ?4
             WHERE order_id = ?1 AND shipment_no = ?2 RETURNING id",
            params![o.id, number, now, tracking.trim()],
            |r| r.get(0),
        )?;
        // The CHECKs (reserved <= on_hand, both >= 0) refuse what would
        // take more than the shelf holds.
        tx.execute(
            "UPDATE inventory SET on_hand = on_hand - s.q, reserved = reserved - s.q
             FROM (SELECT l.item_id AS item, SUM(sl.quantity) AS q FROM shipment_lines sl
                   JOIN order_lines l ON l.id = sl.order_line_id
                   WHERE sl.shipment_id = ?1 GROUP BY l.item_id) AS s
             WHERE inventory.item_id = s.item",
            [shipment_id],
        )?;
        for s in &mut states {
            if s.number == number {
                s.status = ShipmentStatus::Shipped;
            }
        }
        let to = lifecycle::status_after_shipping(o.status, &states);
        set_status(&tx, o.id, to)?;
        let pieces: u32 = (o.shipments.iter())
            .filter(|s| s.state.number == number)
            .flat_map(|s| s.lines.iter().map(|l| l.2))
            .sum();
        let detail = format!(
            "shipment {number} shipped ({pieces} piece{}){}; order {to}",
            if pieces == 1 { "" } else { "s" },
            match tracking.trim() {
                "" => String::new(),
                t => format!(", tracking {t}"),
            }
        );
        status_event(&tx, &o, operator, "shipped", "", &detail)?;
        let done = stored_order_in(&tx, order_no)?.ok_or(ServiceError::NotFound(order_no))?;
        tx.commit()?;
        Ok(done)
    }
}

/// Gives the free stock of each of `items` to the backorders waiting for
/// it, first placed first filled, inside the caller's transaction. A
/// shipment that no longer waits for anything gets `date` as its date.
pub(super) fn fill_waiting(
    tx: &Transaction,
    items: &[i64],
    date: NaiveDate,
    operator: &str,
    now: &str,
) -> rusqlite::Result<Vec<Filled>> {
    let mut seen = Vec::new();
    // Per order filled: its id, the shipments that waited, what it got.
    let mut by_order: Vec<(i64, Vec<u32>, Filled)> = Vec::new();
    for &item in items {
        if seen.contains(&item) {
            continue;
        }
        seen.push(item);
        let mut free: i64 = tx
            .query_row(
                "SELECT on_hand - reserved FROM inventory WHERE item_id = ?1",
                [item],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        if free <= 0 {
            continue;
        }
        let mut stmt = tx.prepare_cached(
            "SELECT l.id, o.id, o.order_no, l.line_no, l.sku, l.qty_backordered
             FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE l.item_id = ?1 AND l.qty_backordered > 0 AND o.status <> 'cancelled'
             ORDER BY o.placed_at, o.id, l.line_no",
        )?;
        let waiting: Vec<(i64, i64, i64, u32, String, i64)> = stmt
            .query_map([item], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (line_id, order_id, order_no, line_no, sku, back) in waiting {
            if free == 0 {
                break;
            }
            let k = back.min(free);
            free -= k;
            let at = match by_order.iter().position(|(id, _, _)| *id == order_id) {
                Some(i) => i,
                None => {
                    // Which of its shipments wait, before this fill: only
                    // those can become ready (and get the receipt's date).
                    let waited = (shipments_of(tx, order_id)?.into_iter())
                        .filter(|s| s.state.status == ShipmentStatus::Open && s.state.waiting > 0)
                        .map(|s| s.state.number)
                        .collect();
                    by_order.push((
                        order_id,
                        waited,
                        Filled {
                            order_no,
                            lines: Vec::new(),
                            ready: Vec::new(),
                        },
                    ));
                    by_order.len() - 1
                }
            };
            by_order[at].2.lines.push((line_no, sku, k as u32));
            tx.execute(
                "UPDATE order_lines SET qty_now = qty_now + ?2, qty_backordered = qty_backordered - ?2,
                    backorder_due = CASE WHEN qty_backordered = ?2 THEN NULL ELSE backorder_due END
                 WHERE id = ?1",
                params![line_id, k],
            )?;
            // k is at most what was free just above, in this transaction.
            if let Reservation::Short { free } = inventory::reserve(Sql::Sqlite(tx), item, k)? {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    format!("item {item}: {free} free, {k} to fill backorders").into(),
                ));
            }
        }
    }
    let day = date.format("%Y-%m-%d").to_string();
    let mut out = Vec::new();
    for (order_id, waited, mut f) in by_order {
        for s in shipments_of(tx, order_id)? {
            let was_waiting = waited.contains(&s.state.number);
            if s.state.status == ShipmentStatus::Open && s.state.waiting == 0 && was_waiting {
                tx.execute(
                    "UPDATE shipments SET ship_date = ?3 WHERE order_id = ?1 AND shipment_no = ?2",
                    params![order_id, s.state.number, day],
                )?;
                f.ready.push(s.state.number);
            }
        }
        let got: Vec<String> = f
            .lines
            .iter()
            .map(|(n, sku, q)| format!("{q} {sku} for line {n}"))
            .collect();
        let ready = match f.ready.as_slice() {
            [] => String::new(),
            list => {
                let n: Vec<String> = list.iter().map(|n| n.to_string()).collect();
                format!("; shipment {} can leave ({day})", n.join(", "))
            }
        };
        record_event(
            tx,
            &NewEvent {
                order_id,
                order_no: f.order_no,
                operator,
                action: "received",
                reason: "",
                detail: &format!("goods reserved: {}{ready}", got.join(", ")),
                totals: None,
                now,
            },
        )?;
        out.push(f);
    }
    Ok(out)
}
