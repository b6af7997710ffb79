//! The warehouse side (docs/design.md, "After the order"): goods received
//! fill backorders first placed, first filled; placed orders are released
//! to the warehouse; a shipment leaves, taking its stock off the shelf and
//! out of the reservations together. Each is one transaction with its
//! events in the orders' histories.
//!
//! The warehouse's own SQL is written once, for both backends, as free
//! functions over a [`Sql`] handle ([`receive_stock`], stock through
//! `inventory.rs`); the transactions still run on the store's SQLite
//! connection, because the order records and events they write
//! (`order_record.rs`, `order_changes.rs`) are read and written there.

use super::db::{self, Sql};
use super::inventory::{self, Reservation};
use super::order_changes::{set_status, status_event, ServiceError};
use super::order_record::{order_shipments, stored_order, write_event, NewEvent, StoredOrder};
use super::{now_text, Store};
use crate::domain::lifecycle::{self, OrderStatus, ShipmentStatus};
use chrono::NaiveDate;
use rusqlite::{Connection, Transaction, TransactionBehavior};
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
        let tx = Transaction::new_unchecked(
            self.sqlite("receiving goods")?,
            TransactionBehavior::Immediate,
        )?;
        let Stocked {
            item_id: item, sku, ..
        } = receive_stock(Sql::Sqlite(&tx), sku, quantity)?
            .ok_or_else(|| ServiceError::Refused(format!("there is no item {}", sku.trim())))?;
        let filled = fill_waiting(&tx, &[item], date, operator, &now_text())?;
        let (on_hand, reserved) = inventory::stock(Sql::Sqlite(&tx), item)?.unwrap_or((0, 0));
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
        let tx = Transaction::new_unchecked(
            self.sqlite("releasing an order")?,
            TransactionBehavior::Immediate,
        )?;
        let o =
            stored_order(Sql::Sqlite(&tx), order_no)?.ok_or(ServiceError::NotFound(order_no))?;
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
        let done =
            stored_order(Sql::Sqlite(&tx), order_no)?.ok_or(ServiceError::NotFound(order_no))?;
        tx.commit()?;
        Ok(done)
    }

    /// The placed orders (not held), oldest first: what `release --all`
    /// releases.
    pub fn placed_order_numbers(&self) -> rusqlite::Result<Vec<i64>> {
        Ok(placed_order_numbers(self.sql())?)
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
        let tx =
            Transaction::new_unchecked(self.sqlite("shipping")?, TransactionBehavior::Immediate)?;
        let o =
            stored_order(Sql::Sqlite(&tx), order_no)?.ok_or(ServiceError::NotFound(order_no))?;
        let mut states = o.shipment_states();
        lifecycle::may_ship(o.status, &states, number).map_err(ServiceError::Refused)?;
        let now = now_text();
        let shipment_id = Sql::Sqlite(&tx)
            .query_row(
                "UPDATE shipments SET status = 'shipped', shipped_at = ?3, tracking = ?4
                 WHERE order_id = ?1 AND shipment_no = ?2 RETURNING id",
                &[
                    o.id.into(),
                    number.into(),
                    now.as_str().into(),
                    tracking.trim().into(),
                ],
            )?
            .get_i64(0)?;
        inventory::ship_shipment(Sql::Sqlite(&tx), shipment_id)?;
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
        let done =
            stored_order(Sql::Sqlite(&tx), order_no)?.ok_or(ServiceError::NotFound(order_no))?;
        tx.commit()?;
        Ok(done)
    }
}

/// The stock of an item goods arrived for ([`receive_stock`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stocked {
    pub item_id: i64,
    /// As stored.
    pub sku: String,
    pub on_hand: i64,
    pub reserved: i64,
}

/// Goods of the item with this SKU (any case, as typed) arrive: on hand
/// goes up, and the expected receipts they were are used up, earliest
/// first. The item's new stock; None when there is no such item.
/// Backorders are filled by the caller, in the same transaction.
pub fn receive_stock(sql: Sql<'_>, sku: &str, quantity: i64) -> Result<Option<Stocked>, db::Error> {
    // upper() on both sides: SQLite's NOCASE, on either backend (SKUs are
    // ASCII).
    let Some(r) = sql.query_opt(
        "SELECT id, sku FROM items WHERE upper(sku) = upper(?1) ORDER BY id LIMIT 1",
        &[sku.trim().into()],
    )?
    else {
        return Ok(None);
    };
    let (item, sku) = (r.get_i64(0)?, r.get_string(1)?);
    let (mut on_hand, mut reserved) = inventory::add_on_hand(sql, item, quantity)?;
    // The goods were expected: the promises made on them are kept by the
    // stock now, so they do not count twice.
    let mut left = quantity;
    for r in sql.query(
        "SELECT id, quantity FROM expected_receipts WHERE item_id = ?1 ORDER BY due_date, id",
        &[item.into()],
    )? {
        if left == 0 {
            break;
        }
        let (id, q) = (r.get_i64(0)?, r.get_i64(1)?);
        let used = q.min(left);
        left -= used;
        if used == q {
            sql.execute("DELETE FROM expected_receipts WHERE id = ?1", &[id.into()])?;
        } else {
            sql.execute(
                "UPDATE expected_receipts SET quantity = quantity - ?2 WHERE id = ?1",
                &[id.into(), used.into()],
            )?;
        }
    }
    if let Some(now) = inventory::stock(sql, item)? {
        (on_hand, reserved) = now;
    }
    Ok(Some(Stocked {
        item_id: item,
        sku,
        on_hand,
        reserved,
    }))
}

/// The placed orders (not held), oldest first: what `release --all`
/// releases.
pub fn placed_order_numbers(sql: Sql<'_>) -> Result<Vec<i64>, db::Error> {
    sql.query(
        "SELECT order_no FROM orders WHERE status = 'placed' ORDER BY placed_at, order_no",
        &[],
    )?
    .iter()
    .map(|r| r.get_i64(0))
    .collect()
}

/// Gives the free stock of each of `items` to the backorders waiting for
/// it, first placed first filled, inside the caller's transaction. A
/// shipment that no longer waits for anything gets `date` as its date.
pub(super) fn fill_waiting(
    tx: &Connection,
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
        let sql = Sql::Sqlite(tx);
        let mut free =
            inventory::stock(sql, item)?.map_or(0, |(on_hand, reserved)| on_hand - reserved);
        if free <= 0 {
            continue;
        }
        let mut waiting = Vec::new();
        for r in sql.query(
            "SELECT l.id, o.id, o.order_no, l.line_no, l.sku, l.qty_backordered
             FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE l.item_id = ?1 AND l.qty_backordered > 0 AND o.status <> 'cancelled'
             ORDER BY o.placed_at, o.id, l.line_no",
            &[item.into()],
        )? {
            let line_no = r.get_i64(3)?;
            waiting.push((
                r.get_i64(0)?,
                r.get_i64(1)?,
                r.get_i64(2)?,
                u32::try_from(line_no).map_err(|_| db::Error::Column {
                    index: 3,
                    name: "line_no".into(),
                    expected: "a line number",
                    found: line_no.to_string(),
                })?,
                r.get_string(4)?,
                r.get_i64(5)?,
            ));
        }
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
                    let waited = (order_shipments(Sql::Sqlite(tx), order_id)?.into_iter())
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
            Sql::Sqlite(tx).execute(
                "UPDATE order_lines SET qty_now = qty_now + ?2, qty_backordered = qty_backordered - ?2,
                    backorder_due = CASE WHEN qty_backordered = ?2 THEN NULL ELSE backorder_due END
                 WHERE id = ?1",
                &[line_id.into(), k.into()],
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
        for s in order_shipments(Sql::Sqlite(tx), order_id)? {
            let was_waiting = waited.contains(&s.state.number);
            if s.state.status == ShipmentStatus::Open && s.state.waiting == 0 && was_waiting {
                Sql::Sqlite(tx).execute(
                    "UPDATE shipments SET ship_date = ?3 WHERE order_id = ?1 AND shipment_no = ?2",
                    &[order_id.into(), s.state.number.into(), day.as_str().into()],
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
        write_event(
            Sql::Sqlite(tx),
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
