//! A placed order as the order view and the changes to it need it: its
//! status and version, the order as the session held it, its shipments
//! with what each still waits for, and its history (docs/design.md,
//! "After the order"). Also where events are written: one row in
//! `order_events` (the order's history) and one in `audit` per change.

use super::customers::parse_currency;
use super::db::{self, Row, Sql, Value};
use super::Store;
use crate::domain::adjustment::AdjustmentKind;
use crate::domain::lifecycle::{OrderStatus, ShipmentState, ShipmentStatus};
use crate::domain::money::Currency;
use crate::domain::order::Order;
use crate::domain::pricing::Breakdown;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// One stored order (one part of a split submit).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOrder {
    pub id: i64,
    pub order_no: i64,
    /// 1 for the main order, 2 for the separate backorder order.
    pub part: u8,
    /// The other order of a split submit.
    pub linked: Option<i64>,
    /// That order's status.
    pub linked_status: Option<OrderStatus>,
    pub status: OrderStatus,
    /// Goes up with every change; a change names the version it is based on.
    pub version: i64,
    pub placed_at: String,
    /// The day whose promotions priced it (YYYY-MM-DD).
    pub priced_on: String,
    pub customer_id: Option<i64>,
    pub currency: Currency,
    pub grand_total: Decimal,
    /// The order as the session held it when placed or last changed; None
    /// for an order placed before changes were kept this way.
    pub order: Option<Order>,
    pub payment_method: Option<String>,
    pub shipments: Vec<StoredShipment>,
    pub events: Vec<OrderEvent>,
}

impl StoredOrder {
    /// The day whose promotions priced it: a change is priced under them.
    pub fn placed_on(&self) -> NaiveDate {
        self.priced_on
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or_default()
    }

    /// Why its lines, ship-tos or methods cannot change, if they cannot
    /// ([`lifecycle::may_change`]).
    pub fn may_change(&self) -> Result<(), String> {
        let priced_with = self.linked.zip(self.linked_status);
        crate::domain::lifecycle::may_change(self.status, &self.shipment_states(), priced_with)
    }

    /// What the lifecycle rules need of the shipments.
    pub fn shipment_states(&self) -> Vec<ShipmentState> {
        self.shipments.iter().map(|s| s.state.clone()).collect()
    }

    /// Events after `version`, one line each, for the operator whose
    /// change was based on it.
    pub fn since(&self, version: i64) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e.version > version)
            .map(OrderEvent::one_line)
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredShipment {
    pub state: ShipmentState,
    pub ship_to_no: u32,
    pub method_code: String,
    pub ship_date: Option<String>,
    pub tracking: String,
    /// (line number, SKU, quantity).
    pub lines: Vec<(u32, String, u32)>,
}

/// One thing that happened to an order after it was placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEvent {
    pub version: i64,
    pub at: String,
    pub operator: String,
    /// changed, cancelled, held, hold_released, released, received, shipped.
    pub action: String,
    pub reason: String,
    pub detail: String,
    pub total_before: Option<String>,
    pub total_after: Option<String>,
}

impl OrderEvent {
    /// "2026-12-02 10:02 bob changed (customer_request): LGT-1002 …".
    pub fn one_line(&self) -> String {
        let at = self.at.get(..16).unwrap_or(&self.at).replace('T', " ");
        let reason = if self.reason.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.reason)
        };
        let action = self.action.replace('_', " ");
        format!(
            "{at} {} {action}{reason}: {}",
            self.operator,
            self.detail.replace('\n', "; ")
        )
    }
}

/// The order one part of a split submit keeps in its `order_data`: each
/// amount off the subtotal as the part's share of it (what its breakdown
/// took off; a part with no share has none), so a change re-pricing the
/// part alone takes off its share, not the whole amount again.
pub(super) fn with_subtotal_shares(order: &Order, b: &Breakdown) -> Order {
    let mut shares = (b.adjustments.iter())
        .filter(|a| a.kind == "subtotal")
        .peekable();
    let mut out = order.clone();
    out.adjustments.retain_mut(|a| {
        let AdjustmentKind::SubtotalOff { amount } = &mut a.kind else {
            return true;
        };
        // A zero share is left out of the breakdown: match by who made it,
        // why and when.
        match shares.next_if(|s| {
            s.reason_code == a.reason_code && s.operator == a.operator && s.made_at == a.made_at
        }) {
            Some(s) => {
                *amount = s.amount;
                true
            }
            None => false,
        }
    });
    out
}

/// What an event records.
pub(super) struct NewEvent<'a> {
    pub order_id: i64,
    pub order_no: i64,
    pub operator: &'a str,
    pub action: &'a str,
    pub reason: &'a str,
    pub detail: &'a str,
    pub totals: Option<(String, String)>,
    pub now: &'a str,
}

/// Moves the order to its next version and records the event in its
/// history and the audit trail. Returns the new version.
pub(super) fn write_event(sql: Sql<'_>, e: &NewEvent) -> Result<i64, db::Error> {
    let version = sql
        .query_row(
            "UPDATE orders SET version = version + 1 WHERE id = ?1 RETURNING version",
            &[e.order_id.into()],
        )?
        .get_i64(0)?;
    let (before, after) = match &e.totals {
        Some((b, a)) => (Some(b.as_str()), Some(a.as_str())),
        None => (None, None),
    };
    sql.execute(
        "INSERT INTO order_events (order_id, version, at, operator, action, reason, detail, total_before, total_after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        &[
            e.order_id.into(),
            version.into(),
            e.now.into(),
            e.operator.into(),
            e.action.into(),
            e.reason.into(),
            e.detail.into(),
            before.into(),
            after.into(),
        ],
    )?;
    sql.execute(
        "INSERT INTO audit (at, operator, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            e.now.into(),
            e.operator.into(),
            format!("order.{}", e.action).into(),
            format!("order:{}", e.order_no).into(),
            match e.reason {
                "" => e.detail.to_string(),
                r => format!("{r}: {}", e.detail),
            }
            .into(),
        ],
    )?;
    Ok(version)
}

impl Store {
    /// The stored order numbered `order_no`, or None.
    pub fn stored_order(&self, order_no: i64) -> rusqlite::Result<Option<StoredOrder>> {
        Ok(stored_order(self.sql(), order_no)?)
    }
}

/// A column holding a small count or number (u32), read as one.
fn count(r: &Row, i: usize) -> Result<u32, db::Error> {
    let v = r.get_i64(i)?;
    u32::try_from(v).map_err(|_| db::Error::Column {
        index: i,
        name: String::new(),
        expected: "a count (0 to 4294967295)",
        found: v.to_string(),
    })
}

/// The stored order numbered `order_no` with its shipments and history,
/// or None.
pub fn stored_order(sql: Sql<'_>, order_no: i64) -> Result<Option<StoredOrder>, db::Error> {
    let head = sql.query_opt(
        "SELECT o.id, o.order_no, o.part,
                COALESCE((SELECT p.order_no FROM orders p WHERE p.id = o.parent_order_id),
                         (SELECT c.order_no FROM orders c WHERE c.parent_order_id = o.id)),
                o.status, o.version, o.placed_at, o.customer_id, o.currency, o.grand_total, o.order_data,
                (SELECT method FROM payments WHERE order_id = o.id ORDER BY id LIMIT 1),
                COALESCE(o.priced_on, substr(o.placed_at, 1, 10)),
                COALESCE((SELECT p.status FROM orders p WHERE p.id = o.parent_order_id),
                         (SELECT c.status FROM orders c WHERE c.parent_order_id = o.id))
         FROM orders o WHERE o.order_no = ?1",
        &[order_no.into()],
    )?;
    let Some(r) = head else {
        return Ok(None);
    };
    let part = r.get_i64(2)?;
    let mut o = StoredOrder {
        id: r.get_i64(0)?,
        order_no: r.get_i64(1)?,
        part: u8::try_from(part).map_err(|_| db::Error::Column {
            index: 2,
            name: "part".into(),
            expected: "a part number (1 or 2)",
            found: part.to_string(),
        })?,
        linked: r.get_opt_i64(3)?,
        linked_status: r.get_opt_str(13)?.and_then(OrderStatus::parse),
        status: OrderStatus::parse(r.get_str(4)?).unwrap_or(OrderStatus::Placed),
        version: r.get_i64(5)?,
        placed_at: r.get_string(6)?,
        priced_on: r.get_string(12)?,
        customer_id: r.get_opt_i64(7)?,
        currency: parse_currency(r.get_str(8)?),
        grand_total: r.get_decimal(9)?,
        order: r
            .get_opt_str(10)?
            .and_then(|d| serde_json::from_str(d).ok()),
        payment_method: r.get_opt_string(11)?,
        shipments: Vec::new(),
        events: Vec::new(),
    };
    o.shipments = order_shipments(sql, o.id)?;
    o.events = sql
        .query(
            "SELECT version, at, operator, action, reason, detail, total_before, total_after
             FROM order_events WHERE order_id = ?1 ORDER BY id",
            &[o.id.into()],
        )?
        .iter()
        .map(|r| {
            Ok(OrderEvent {
                version: r.get_i64(0)?,
                at: r.get_string(1)?,
                operator: r.get_string(2)?,
                action: r.get_string(3)?,
                reason: r.get_string(4)?,
                detail: r.get_string(5)?,
                total_before: r.get_opt_string(6)?,
                total_after: r.get_opt_string(7)?,
            })
        })
        .collect::<Result<_, db::Error>>()?;
    Ok(Some(o))
}

/// The order's shipments, each with how many of its pieces still wait for
/// goods: a line's stock (`qty_now`) covers its shipments in shipment
/// order, so the first shipments of a line are the first to be able to go.
pub fn order_shipments(sql: Sql<'_>, order_id: i64) -> Result<Vec<StoredShipment>, db::Error> {
    // A shipment without lines is one row with NULL line columns: NULLs
    // sort first on SQLite and last on PostgreSQL, which cannot matter
    // here (a shipment has such a row only when it has no other).
    let rows = sql.query(
        "SELECT s.shipment_no, s.status, substr(s.shipped_at, 1, 10), s.ship_to_no, s.method_code,
                s.ship_date, s.tracking, l.line_no, l.sku, sl.quantity, l.qty_now, l.id
         FROM shipments s
         LEFT JOIN shipment_lines sl ON sl.shipment_id = s.id
         LEFT JOIN order_lines l ON l.id = sl.order_line_id
         WHERE s.order_id = ?1 ORDER BY s.shipment_no, l.line_no",
        &[order_id.into()],
    )?;
    let mut out: Vec<StoredShipment> = Vec::new();
    // Per order line: stock not yet given to an earlier shipment.
    let mut left: std::collections::HashMap<i64, u32> = std::collections::HashMap::new();
    for r in &rows {
        let number = count(r, 0)?;
        if out.last().map(|s| s.state.number) != Some(number) {
            let status = ShipmentStatus::parse(r.get_str(1)?).unwrap_or(ShipmentStatus::Open);
            out.push(StoredShipment {
                state: ShipmentState {
                    number,
                    status,
                    shipped_on: r.get_opt_string(2)?,
                    waiting: 0,
                },
                ship_to_no: count(r, 3)?,
                method_code: r.get_string(4)?,
                ship_date: r.get_opt_string(5)?,
                tracking: r.get_string(6)?,
                lines: Vec::new(),
            });
        }
        if r.get_opt_i64(7)?.is_none() {
            continue;
        }
        let line_no = count(r, 7)?;
        let (sku, qty, now, line_id) = (
            r.get_string(8)?,
            count(r, 9)?,
            count(r, 10)?,
            r.get_i64(11)?,
        );
        let Some(s) = out.last_mut() else { continue };
        s.lines.push((line_no, sku, qty));
        let free = left.entry(line_id).or_insert(now);
        let covered = qty.min(*free);
        *free -= covered;
        if s.state.status == ShipmentStatus::Open {
            s.state.waiting += qty - covered;
        }
    }
    Ok(out)
}

/// One row of the orders found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundOrder {
    pub order_no: i64,
    pub placed_at: String,
    pub customer: String,
    pub status: OrderStatus,
    pub currency: String,
    pub grand_total: String,
    /// The earliest open shipment's date (None: none open, or unknown).
    pub next_ship: Option<String>,
}

/// What to find orders by; empty fields do not narrow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderQuery {
    pub order_no: Option<i64>,
    /// Customers to find orders of (from the customer search).
    pub customers: Vec<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub status: Option<OrderStatus>,
}

impl Store {
    /// Orders matching `q`, newest first, at most `limit`.
    pub fn find_orders(&self, q: &OrderQuery, limit: usize) -> rusqlite::Result<Vec<FoundOrder>> {
        Ok(find_orders(self.sql(), q, limit)?)
    }
}

/// Orders matching `q`, newest first, at most `limit`. The customer's
/// name is read from the order's snapshot here, in Rust (JSON is not
/// read in SQL: store/db).
pub fn find_orders(
    sql: Sql<'_>,
    q: &OrderQuery,
    limit: usize,
) -> Result<Vec<FoundOrder>, db::Error> {
    let mut text = String::from(
        "SELECT o.order_no, o.placed_at, o.customer_snapshot, o.status, o.currency, o.grand_total,
                (SELECT min(s.ship_date) FROM shipments s WHERE s.order_id = o.id AND s.status = 'open')
         FROM orders o WHERE 1 = 1",
    );
    let mut args: Vec<Value> = Vec::new();
    if let Some(n) = q.order_no {
        args.push(n.into());
        text += &format!(" AND o.order_no = ?{}", args.len());
    }
    if !q.customers.is_empty() {
        let (among, list) = sql.among_ids("o.customer_id", args.len() + 1, &q.customers);
        args.push(list);
        text += &format!(" AND {among}");
    }
    if let Some(d) = q.from {
        args.push(d.format("%Y-%m-%d").to_string().into());
        text += &format!(" AND o.placed_at >= ?{}", args.len());
    }
    if let Some(d) = q.to {
        // Through the whole day.
        args.push(format!("{}T99", d.format("%Y-%m-%d")).into());
        text += &format!(" AND o.placed_at < ?{}", args.len());
    }
    if let Some(s) = q.status {
        args.push(s.code().to_string().into());
        text += &format!(" AND o.status = ?{}", args.len());
    }
    args.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    text += &format!(
        " ORDER BY o.placed_at DESC, o.order_no DESC LIMIT ?{}",
        args.len()
    );
    sql.query(&text, &args)?
        .iter()
        .map(|r| {
            Ok(FoundOrder {
                order_no: r.get_i64(0)?,
                placed_at: r.get_string(1)?,
                customer: snapshot_name(r.get_str(2)?),
                status: OrderStatus::parse(r.get_str(3)?).unwrap_or(OrderStatus::Placed),
                currency: r.get_string(4)?,
                grand_total: r.get_string(5)?,
                next_ship: r.get_opt_string(6)?,
            })
        })
        .collect()
}

/// The customer's name in an order's snapshot; empty when it has none
/// (what SQLite's json_extract gave as NULL).
fn snapshot_name(snapshot: &str) -> String {
    serde_json::from_str::<serde_json::Value>(snapshot)
        .ok()
        .and_then(|v| match v.get("name") {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        })
        .unwrap_or_default()
}
