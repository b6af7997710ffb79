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
    // Amounts are stored with exactly the currency's decimals ("0.00", "700").
    let money = |d: Decimal| cur.round(d).to_string();
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
            money(b.merchandise),
            money(b.discount_total),
            money(b.shipping_total),
            money(b.tax_total),
            money(b.grand_total),
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
                money(l.unit_price),
                money(amounts.map(|a| a.discount).unwrap_or_default()),
                money(amounts.map(|a| a.total).unwrap_or_default()),
                money(amounts.map(|a| a.tax).unwrap_or_default()),
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
            params![order_id, n + 1, s.ship_to + 1, method, money(s.charge)],
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
            params![order_id, p.code(), brand, last4, m, y, account_id, po, money(b.grand_total), p.describe()],
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

impl Store {
    /// A placed order as JSON: the order row with its snapshots, ship-tos,
    /// lines, shipments (with their lines), discounts, adjustments and payment.
    pub fn export_order(&self, order_no: i64) -> rusqlite::Result<Option<serde_json::Value>> {
        let head = self
            .conn
            .query_row(
                "SELECT id, order_no, part, parent_order_id, customer_id, customer_snapshot, currency, status,
                        backorder_choice, billing_address, merchandise_total, discount_total, shipping_total,
                        tax_total, grand_total, breakdown, comment_customer, comment_warehouse, operator, placed_at
                 FROM orders WHERE order_no = ?1",
                [order_no],
                |r| {
                    let parsed = |i: usize| -> rusqlite::Result<serde_json::Value> {
                        let s: String = r.get(i)?;
                        Ok(serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s)))
                    };
                    Ok((
                        r.get::<_, i64>(0)?,
                        json!({
                            "order_no": r.get::<_, i64>(1)?,
                            "part": r.get::<_, i64>(2)?,
                            "parent_order_no": r.get::<_, Option<i64>>(3)?,
                            "customer_id": r.get::<_, Option<i64>>(4)?,
                            "customer": parsed(5)?,
                            "currency": r.get::<_, String>(6)?,
                            "status": r.get::<_, String>(7)?,
                            "backorder_choice": r.get::<_, String>(8)?,
                            "billing_address": parsed(9)?,
                            "merchandise_total": r.get::<_, String>(10)?,
                            "discount_total": r.get::<_, String>(11)?,
                            "shipping_total": r.get::<_, String>(12)?,
                            "tax_total": r.get::<_, String>(13)?,
                            "grand_total": r.get::<_, String>(14)?,
                            "breakdown": parsed(15)?,
                            "comment_customer": r.get::<_, String>(16)?,
                            "comment_warehouse": r.get::<_, String>(17)?,
                            "operator": r.get::<_, String>(18)?,
                            "placed_at": r.get::<_, String>(19)?,
                        }),
                    ))
                },
            )
            .optional()?;
        let Some((id, mut order)) = head else {
            return Ok(None);
        };
        let rows = |sql: &str| -> rusqlite::Result<Vec<serde_json::Value>> {
            let mut stmt = self.conn.prepare(sql)?;
            let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
            let out = stmt
                .query_map([id], |r| {
                    let mut m = serde_json::Map::new();
                    for (i, n) in names.iter().enumerate() {
                        let v: rusqlite::types::Value = r.get(i)?;
                        let j = match v {
                            rusqlite::types::Value::Null => serde_json::Value::Null,
                            rusqlite::types::Value::Integer(n) => json!(n),
                            rusqlite::types::Value::Real(f) => json!(f),
                            rusqlite::types::Value::Text(s) => {
                                if n == "address" {
                                    serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s))
                                } else {
                                    serde_json::Value::String(s)
                                }
                            }
                            rusqlite::types::Value::Blob(_) => serde_json::Value::Null,
                        };
                        m.insert(n.clone(), j);
                    }
                    Ok(serde_json::Value::Object(m))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(out)
        };
        order["ship_tos"] = json!(rows(
            "SELECT ship_to_no, address, method_code, method_name FROM order_ship_tos WHERE order_id = ?1 ORDER BY ship_to_no"
        )?);
        order["lines"] = json!(rows(
            "SELECT line_no, sku, name, ship_to_no, quantity, qty_now, qty_backordered, backorder_due,
                    unit_price, list_price, discount, line_total, tax
             FROM order_lines WHERE order_id = ?1 ORDER BY line_no"
        )?);
        order["shipments"] = json!(rows(
            "SELECT s.shipment_no, s.ship_to_no, s.method_code, s.ship_date, s.charge, s.computed_charge,
                    (SELECT json_group_array(json_object('line_no', l.line_no, 'quantity', sl.quantity))
                       FROM shipment_lines sl JOIN order_lines l ON l.id = sl.order_line_id
                      WHERE sl.shipment_id = s.id) AS lines
             FROM shipments s WHERE s.order_id = ?1 ORDER BY s.shipment_no"
        )?);
        if let Some(list) = order["shipments"].as_array_mut() {
            for s in list {
                if let Some(text) = s["lines"].as_str() {
                    s["lines"] = serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
                }
            }
        }
        order["discounts"] = json!(rows(
            "SELECT name, amount FROM order_discounts WHERE order_id = ?1 ORDER BY id"
        )?);
        order["adjustments"] = json!(rows(
            "SELECT kind, target, amount, reason_code, operator, created_at FROM adjustments WHERE order_id = ?1 ORDER BY id"
        )?);
        order["payments"] = json!(rows(
            "SELECT method, brand, last4, exp_month, exp_year, po_number, amount, summary FROM payments WHERE order_id = ?1 ORDER BY id"
        )?);
        Ok(Some(order))
    }
}
