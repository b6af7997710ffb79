//! The warehouse side (docs/design.md, "After the order"): goods received
//! fill backorders first placed, first filled; placed orders are released
//! to the warehouse; a shipment leaves, taking its stock off the shelf and
//! out of the reservations together. Each is one transaction with its
//! events in the orders' histories.
//!
//! Written once, for both backends, as free functions over a [`Sql`]
//! handle: each transaction is one [`Sql::write`] (run again whole when
//! PostgreSQL says another writer won), its refusals [`Abort::Refused`].

use super::db::{self, Abort, Sql};
use super::inventory::{self, Reservation};
use super::order_changes::{update_status, write_status_event, ServiceError};
use super::order_record::{order_shipments, stored_order, write_event, NewEvent, StoredOrder};
use super::{now_text, Store};
use crate::domain::lifecycle::{self, OrderStatus, ShipmentStatus};
use chrono::NaiveDate;
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
    /// Goods arrive ([`receive`]).
    pub fn receive(
        &self,
        sku: &str,
        quantity: i64,
        date: NaiveDate,
        operator: &str,
    ) -> Result<Received, ServiceError> {
        receive(self.sql(), sku, quantity, date, operator)
    }

    /// Releases order `order_no` to the warehouse ([`release_order`]).
    pub fn release_order(
        &self,
        order_no: i64,
        operator: &str,
    ) -> Result<StoredOrder, ServiceError> {
        release_order(self.sql(), order_no, operator)
    }

    /// The placed orders (not held), oldest first: what `release --all`
    /// releases.
    pub fn placed_order_numbers(&self) -> rusqlite::Result<Vec<i64>> {
        Ok(placed_order_numbers(self.sql())?)
    }

    /// Shipment `number` of order `order_no` leaves ([`ship`]).
    pub fn ship(
        &self,
        order_no: i64,
        number: u32,
        tracking: &str,
        operator: &str,
    ) -> Result<StoredOrder, ServiceError> {
        ship(self.sql(), order_no, number, tracking, operator)
    }
}

/// A refusal inside a warehouse write: rolled back, not run again.
fn refused(why: String) -> Abort<ServiceError> {
    Abort::Refused(ServiceError::Refused(why))
}

/// Order `order_no` as it stands, inside the write.
fn order_at(tx: Sql<'_>, order_no: i64) -> Result<StoredOrder, Abort<ServiceError>> {
    stored_order(tx, order_no)?.ok_or(Abort::Refused(ServiceError::NotFound(order_no)))
}

/// Goods arrive: on hand goes up, the expected receipts they were are
/// used up (earliest first), and the backorders waiting for the item are
/// filled in the order they were placed. One [`Sql::write`].
pub fn receive(
    sql: Sql<'_>,
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
    sql.write(|tx| {
        let tx = **tx;
        let Stocked {
            item_id: item, sku, ..
        } = receive_stock(tx, sku, quantity)?
            .ok_or_else(|| refused(format!("there is no item {}", sku.trim())))?;
        let filled = fill_waiting(tx, &[item], date, operator, &now_text())?;
        let (on_hand, reserved) = inventory::stock(tx, item)?.unwrap_or((0, 0));
        Ok(Received {
            sku,
            quantity,
            on_hand,
            reserved,
            filled,
        })
    })
    .map_err(Abort::into_inner)
}

/// Releases order `order_no` to the warehouse. One [`Sql::write`].
pub fn release_order(
    sql: Sql<'_>,
    order_no: i64,
    operator: &str,
) -> Result<StoredOrder, ServiceError> {
    sql.write(|tx| {
        let tx = **tx;
        let o = order_at(tx, order_no)?;
        lifecycle::may_release(o.status).map_err(refused)?;
        update_status(tx, o.id, OrderStatus::Released)?;
        write_status_event(
            tx,
            &o,
            operator,
            "released",
            "",
            "released to the warehouse",
        )?;
        order_at(tx, order_no)
    })
    .map_err(Abort::into_inner)
}

/// Shipment `number` of order `order_no` leaves: its stock comes off the
/// shelf and out of the reservations together. One [`Sql::write`].
pub fn ship(
    sql: Sql<'_>,
    order_no: i64,
    number: u32,
    tracking: &str,
    operator: &str,
) -> Result<StoredOrder, ServiceError> {
    sql.write(|tx| {
        let tx = **tx;
        let o = order_at(tx, order_no)?;
        let mut states = o.shipment_states();
        lifecycle::may_ship(o.status, &states, number).map_err(refused)?;
        let shipment_id = tx
            .query_row(
                "UPDATE shipments SET status = 'shipped', shipped_at = ?3, tracking = ?4
                 WHERE order_id = ?1 AND shipment_no = ?2 RETURNING id",
                &[
                    o.id.into(),
                    number.into(),
                    now_text().into(),
                    tracking.trim().into(),
                ],
            )?
            .get_i64(0)?;
        inventory::ship_shipment(tx, shipment_id)?;
        for s in &mut states {
            if s.number == number {
                s.status = ShipmentStatus::Shipped;
            }
        }
        let to = lifecycle::status_after_shipping(o.status, &states);
        update_status(tx, o.id, to)?;
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
        write_status_event(tx, &o, operator, "shipped", "", &detail)?;
        order_at(tx, order_no)
    })
    .map_err(Abort::into_inner)
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
/// it, first placed first filled, inside the caller's write transaction.
/// A shipment that no longer waits for anything gets `date` as its date.
pub(super) fn fill_waiting(
    tx: Sql<'_>,
    items: &[i64],
    date: NaiveDate,
    operator: &str,
    now: &str,
) -> Result<Vec<Filled>, Abort<ServiceError>> {
    let mut seen = Vec::new();
    // Per order filled: its id, the shipments that waited, what it got.
    let mut by_order: Vec<(i64, Vec<u32>, Filled)> = Vec::new();
    for &item in items {
        if seen.contains(&item) {
            continue;
        }
        seen.push(item);
        let mut free =
            inventory::stock(tx, item)?.map_or(0, |(on_hand, reserved)| on_hand - reserved);
        if free <= 0 {
            continue;
        }
        for (line_id, order_id, order_no, line_no, sku, back) in waiting_lines(tx, item)? {
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
                    let waited = (order_shipments(tx, order_id)?.into_iter())
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
                &[line_id.into(), k.into()],
            )?;
            // k is at most what was free just above, in this transaction:
            // a shortage means the figures are wrong, and writes nothing.
            if let Reservation::Short { free } = inventory::reserve(tx, item, k)? {
                return Err(Abort::Refused(ServiceError::Refused(format!(
                    "item {item}: {free} free, {k} to fill backorders"
                ))));
            }
        }
    }
    let day = date.format("%Y-%m-%d").to_string();
    let mut out = Vec::new();
    for (order_id, waited, mut f) in by_order {
        for s in order_shipments(tx, order_id)? {
            let was_waiting = waited.contains(&s.state.number);
            if s.state.status == ShipmentStatus::Open && s.state.waiting == 0 && was_waiting {
                tx.execute(
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

/// A backordered line waiting for goods: (line id, order id, order
/// number, line number, SKU, quantity backordered).
type Waiting = (i64, i64, i64, u32, String, i64);

/// The lines waiting for `item`, first placed first.
fn waiting_lines(tx: Sql<'_>, item: i64) -> Result<Vec<Waiting>, db::Error> {
    let mut waiting = Vec::new();
    for r in tx.query(
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
    Ok(waiting)
}
