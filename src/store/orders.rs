//! Placing an order: one `BEGIN IMMEDIATE` transaction that re-checks
//! stock, numbers the order from the sequence, writes the order with its
//! snapshots, reserves stock, records the audit entry and removes the
//! draft (DESIGN.md section 7). All of it or none of it.

use super::{now_text, Store};
use crate::domain::order::{Order, Payment};
use crate::domain::pricing::Breakdown;
use crate::domain::text::fold;
use rusqlite::{params, OptionalExtension, Transaction};
use rust_decimal::Decimal;
use serde_json::json;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedOrder {
    pub id: i64,
    pub order_no: i64,
    pub grand_total: Decimal,
    /// True when this submit found the order placed by an earlier one.
    pub already_placed: bool,
}

#[derive(Debug)]
pub enum SubmitError {
    /// Stock changed since the operator saw it: (SKU, wanted, available now).
    Unavailable(Vec<(String, u32, i64)>),
    Invalid(String),
    Db(rusqlite::Error),
}

impl fmt::Display for SubmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubmitError::Unavailable(lines) => {
                write!(f, "availability changed, nothing was placed: ")?;
                let parts: Vec<String> = lines
                    .iter()
                    .map(|(sku, want, have)| format!("{sku} {want} wanted, {have} available"))
                    .collect();
                f.write_str(&parts.join("; "))
            }
            SubmitError::Invalid(m) => f.write_str(m),
            SubmitError::Db(e) => write!(f, "the database refused the order: {e}"),
        }
    }
}

impl From<rusqlite::Error> for SubmitError {
    fn from(e: rusqlite::Error) -> Self {
        SubmitError::Db(e)
    }
}

/// What submit needs besides the order: the reviewed price and the names of
/// the chosen shipping methods (ship-to index → method name).
pub struct SubmitInput<'a> {
    pub order: &'a Order,
    pub breakdown: &'a Breakdown,
    pub method_names: &'a [String],
    pub operator: &'a str,
    pub draft_id: Option<i64>,
}

impl Store {
    pub fn submit_order(&mut self, input: &SubmitInput) -> Result<PlacedOrder, SubmitError> {
        let order = input.order;
        if let Some(p) = order.problems().first() {
            return Err(SubmitError::Invalid(p.message.clone()));
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Some((id, order_no, total)) = tx
            .query_row(
                "SELECT id, order_no, grand_total FROM orders WHERE submit_token = ?1 AND part = 1",
                [&order.token],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?
        {
            if let Some(d) = input.draft_id {
                tx.execute("DELETE FROM drafts WHERE id = ?1", [d])?;
            }
            tx.commit()?;
            return Ok(PlacedOrder {
                id,
                order_no,
                grand_total: total.parse().unwrap_or_default(),
                already_placed: true,
            });
        }
        check_stock(&tx, order)?;
        let placed = write_order(&tx, input)?;
        if let Some(d) = input.draft_id {
            tx.execute("DELETE FROM drafts WHERE id = ?1", [d])?;
        }
        tx.commit()?;
        Ok(placed)
    }

    /// Stock of an item: (on hand, reserved).
    pub fn stock(&self, item_id: i64) -> rusqlite::Result<(i64, i64)> {
        self.conn.query_row(
            "SELECT on_hand, reserved FROM inventory WHERE item_id = ?1",
            [item_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// The number the next order will get (for display and tests).
    pub fn order_count(&self) -> rusqlite::Result<i64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))
    }
}

/// Every line must be coverable by stock available now; lines of the same
/// item count together.
fn check_stock(tx: &Transaction, order: &Order) -> Result<(), SubmitError> {
    let mut wanted: Vec<(i64, String, u32)> = Vec::new();
    for l in &order.lines {
        match wanted.iter_mut().find(|(id, _, _)| *id == l.item_id) {
            Some(w) => w.2 += l.quantity,
            None => wanted.push((l.item_id, l.sku.clone(), l.quantity)),
        }
    }
    let mut short = Vec::new();
    for (item_id, sku, qty) in wanted {
        let available: i64 = tx
            .query_row(
                "SELECT on_hand - reserved FROM inventory WHERE item_id = ?1",
                [item_id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        if available < i64::from(qty) {
            short.push((sku, qty, available));
        }
    }
    if short.is_empty() {
        Ok(())
    } else {
        Err(SubmitError::Unavailable(short))
    }
}

fn write_order(tx: &Transaction, input: &SubmitInput) -> Result<PlacedOrder, SubmitError> {
    let order = input.order;
    let b = input.breakdown;
    let cur = order.currency;
    let customer = order
        .customer
        .as_ref()
        .ok_or_else(|| SubmitError::Invalid("no customer".into()))?;
    let now = now_text();
    let order_no: i64 = tx.query_row(
        "UPDATE order_number_sequence SET next_no = next_no + 1 WHERE id = 1 RETURNING next_no - 1",
        [],
        |r| r.get(0),
    )?;
    let customer_id = match customer.id {
        Some(id) => id,
        None => {
            tx.execute(
                "INSERT INTO customers (first_name, last_name, first_key, last_key, currency, phone, email,
                    email_key, is_guest, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?9)",
                params![
                    customer.first_name,
                    customer.last_name,
                    fold(&customer.first_name),
                    fold(&customer.last_name),
                    cur.code(),
                    customer.phone,
                    customer.email,
                    fold(&customer.email),
                    now
                ],
            )?;
            tx.last_insert_rowid()
        }
    };
    let snapshot = json!({
        "name": customer.name(),
        "logon_id": customer.logon_id,
        "email": customer.email,
        "phone": customer.phone,
        "guest": customer.guest,
        "account": customer.account.as_ref().map(|a| &a.name),
    });
    let billing =
        serde_json::to_string(&order.billing).map_err(|e| SubmitError::Invalid(e.to_string()))?;
    let breakdown = serde_json::to_string(b).map_err(|e| SubmitError::Invalid(e.to_string()))?;
    tx.execute(
        "INSERT INTO orders (order_no, submit_token, customer_id, customer_snapshot, currency,
            backorder_choice, billing_address, merchandise_total, discount_total, shipping_total,
            tax_total, grand_total, breakdown, comment_customer, comment_warehouse, operator, placed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        params![
            order_no,
            order.token,
            customer_id,
            snapshot.to_string(),
            cur.code(),
            order.backorder_choice.code(),
            billing,
            b.merchandise.to_string(),
            b.discount_total.to_string(),
            b.shipping_total.to_string(),
            b.tax_total.to_string(),
            b.grand_total.to_string(),
            breakdown,
            order.comment_customer,
            order.comment_warehouse,
            input.operator,
            now
        ],
    )?;
    let order_id = tx.last_insert_rowid();
    for (i, s) in order.ship_tos.iter().enumerate() {
        if !order.lines.iter().any(|l| l.ship_to == i) {
            continue;
        }
        tx.execute(
            "INSERT INTO order_ship_tos (order_id, ship_to_no, address, method_code, method_name)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                order_id,
                i + 1,
                serde_json::to_string(&s.address)
                    .map_err(|e| SubmitError::Invalid(e.to_string()))?,
                s.method.clone().unwrap_or_default(),
                input.method_names.get(i).cloned().unwrap_or_default()
            ],
        )?;
    }
    let mut line_ids = Vec::new();
    for (i, l) in order.lines.iter().enumerate() {
        let amounts = b.lines.get(i);
        tx.execute(
            "INSERT INTO order_lines (order_id, line_no, item_id, sku, name, ship_to_no, quantity, qty_now,
                qty_backordered, unit_price, list_price, discount, line_total, tax)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 0, ?8, ?8, ?9, ?10, ?11)",
            params![
                order_id,
                i + 1,
                l.item_id,
                l.sku,
                l.name,
                l.ship_to + 1,
                l.quantity,
                l.unit_price.to_string(),
                amounts.map(|a| a.discount).unwrap_or_default().to_string(),
                amounts.map(|a| a.total).unwrap_or_default().to_string(),
                amounts.map(|a| a.tax).unwrap_or_default().to_string(),
            ],
        )?;
        line_ids.push(tx.last_insert_rowid());
        tx.execute(
            "UPDATE inventory SET reserved = reserved + ?1 WHERE item_id = ?2",
            params![l.quantity, l.item_id],
        )?;
    }
    for (n, s) in b.shipments.iter().enumerate() {
        let method = order
            .ship_tos
            .get(s.ship_to)
            .and_then(|st| st.method.clone())
            .unwrap_or_default();
        tx.execute(
            "INSERT INTO shipments (order_id, shipment_no, ship_to_no, method_code, ship_date, charge, computed_charge)
             VALUES (?1, ?2, ?3, ?4, date('now'), ?5, ?5)",
            params![order_id, n + 1, s.ship_to + 1, method, s.charge.to_string()],
        )?;
        let shipment_id = tx.last_insert_rowid();
        for (i, l) in order.lines.iter().enumerate() {
            if l.ship_to == s.ship_to {
                tx.execute(
                    "INSERT INTO shipment_lines (shipment_id, order_line_id, quantity) VALUES (?1, ?2, ?3)",
                    params![shipment_id, line_ids[i], l.quantity],
                )?;
            }
        }
    }
    if let Some(p) = &order.payment {
        let (brand, last4, m, y) = match p {
            Payment::Card(c) => (
                Some(c.brand.name()),
                Some(c.last4.clone()),
                Some(c.exp_month),
                Some(c.exp_year),
            ),
            Payment::StoredCard(s) => (
                Some(s.summary.brand.name()),
                Some(s.summary.last4.clone()),
                Some(s.summary.exp_month),
                Some(s.summary.exp_year),
            ),
            _ => (None, None, None, None),
        };
        let (account_id, po) = match p {
            Payment::Account { po_number } => (
                customer.account.as_ref().map(|a| a.id),
                Some(po_number.clone()),
            ),
            _ => (None, None),
        };
        tx.execute(
            "INSERT INTO payments (order_id, method, brand, last4, exp_month, exp_year, account_id, po_number, amount, summary)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![order_id, p.code(), brand, last4, m, y, account_id, po, b.grand_total.to_string(), p.describe()],
        )?;
    }
    tx.execute(
        "UPDATE customers SET last_order_at = ?1 WHERE id = ?2",
        params![now, customer_id],
    )?;
    tx.execute(
        "INSERT INTO audit (at, operator, action, subject, detail) VALUES (?1, ?2, 'order.placed', ?3, ?4)",
        params![
            now,
            input.operator,
            format!("order:{order_no}"),
            format!("{} {} for customer {}", cur.format(b.grand_total), cur.code(), customer_id)
        ],
    )?;
    Ok(PlacedOrder {
        id: order_id,
        order_no,
        grand_total: b.grand_total,
        already_placed: false,
    })
}
