//! Reading placed orders back: the whole stored order as JSON (what
//! `orderdesk export` prints and the tests compare screens with), a
//! customer's recent orders, and an order's lines for a reorder.

use super::Store;
use rusqlite::{params, OptionalExtension};
use serde_json::json;

impl Store {
    /// A placed order as JSON: the order row with its snapshots, ship-tos,
    /// lines, shipments (with their lines), discounts, adjustments and payment.
    pub fn export_order(&self, order_no: i64) -> rusqlite::Result<Option<serde_json::Value>> {
        let head = self
            .conn
            .query_row(
                "SELECT id, order_no, part, (SELECT p.order_no FROM orders p WHERE p.id = orders.parent_order_id), customer_id, customer_snapshot, currency, status,
                        backorder_choice, billing_address, merchandise_total, discount_total, shipping_total,
                        tax_total, grand_total, breakdown, comment_customer, comment_warehouse, operator, placed_at, version
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
                            "version": r.get::<_, i64>(20)?,
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
                    s.status, s.shipped_at, s.tracking,
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
            "SELECT kind, target, amount, reason_code, operator, created_at, approved_by, approved_at
             FROM adjustments WHERE order_id = ?1 ORDER BY id"
        )?);
        order["payments"] = json!(rows(
            "SELECT method, brand, last4, exp_month, exp_year, po_number, amount, summary FROM payments WHERE order_id = ?1 ORDER BY id"
        )?);
        order["history"] = json!(rows(
            "SELECT version, at, operator, action, reason, detail, total_before, total_after
             FROM order_events WHERE order_id = ?1 ORDER BY id"
        )?);
        order["refunds_owed"] = json!(rows(
            "SELECT amount, currency, reason, operator, at FROM refunds_owed WHERE order_id = ?1 ORDER BY id"
        )?);
        Ok(Some(order))
    }
}

/// One of a customer's placed orders, for reorder and history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderSummary {
    pub order_no: i64,
    pub placed_at: String,
    pub currency: String,
    pub grand_total: String,
    pub lines: i64,
    pub status: String,
}

impl Store {
    /// The customer's most recent orders, newest first.
    pub fn recent_orders(
        &self,
        customer_id: i64,
        limit: usize,
    ) -> rusqlite::Result<Vec<OrderSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.order_no, o.placed_at, o.currency, o.grand_total,
                    (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id), o.status
             FROM orders o WHERE o.customer_id = ?1
             ORDER BY o.placed_at DESC, o.order_no DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![customer_id, limit as i64], |r| {
            Ok(OrderSummary {
                order_no: r.get(0)?,
                placed_at: r.get(1)?,
                currency: r.get(2)?,
                grand_total: r.get(3)?,
                lines: r.get(4)?,
                status: r.get(5)?,
            })
        })?;
        rows.collect()
    }

    /// The lines of a placed order as (item id, SKU, name, quantity), for
    /// copying into a new cart.
    pub fn order_lines_for_reorder(
        &self,
        order_no: i64,
    ) -> rusqlite::Result<Vec<(i64, String, String, u32)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.item_id, l.sku, l.name, l.quantity FROM order_lines l
             JOIN orders o ON o.id = l.order_id WHERE o.order_no = ?1 ORDER BY l.line_no",
        )?;
        let rows = stmt.query_map([order_no], |r| {
            Ok((
                r.get(0)?,
                crate::domain::text::clean(&r.get::<_, String>(1)?),
                crate::domain::text::clean(&r.get::<_, String>(2)?),
                r.get(3)?,
            ))
        })?;
        rows.collect()
    }
}

/// What a reorder copies of a placed order besides its lines: whose it
/// was, and where each ship-to went by which method (by ship-to number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReorderShipTos {
    pub customer_id: Option<i64>,
    /// (ship-to number, address as placed, method code)
    pub ship_tos: Vec<(i64, crate::domain::order::Address, String)>,
    /// Each line's ship-to number, in line order.
    pub line_ship_tos: Vec<i64>,
}

impl Store {
    /// Where a placed order shipped: its ship-tos and methods, and which
    /// ship-to each line went to (in the order of
    /// [`Store::order_lines_for_reorder`]). An address that no longer reads
    /// is left out; its lines go to the first ship-to.
    pub fn reorder_ship_tos(&self, order_no: i64) -> rusqlite::Result<Option<ReorderShipTos>> {
        let head: Option<(i64, Option<i64>)> = self
            .conn
            .query_row(
                "SELECT id, customer_id FROM orders WHERE order_no = ?1",
                [order_no],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((id, customer_id)) = head else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT ship_to_no, address, method_code FROM order_ship_tos
             WHERE order_id = ?1 ORDER BY ship_to_no",
        )?;
        let ship_tos = stmt
            .query_map([id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .filter_map(|row| match row {
                Ok((no, address, method)) => {
                    serde_json::from_str(&address)
                        .ok()
                        .map(|a: crate::domain::order::Address| {
                            Ok((no, a.cleaned(), crate::domain::text::clean(&method)))
                        })
                }
                Err(e) => Some(Err(e)),
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT ship_to_no FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
        )?;
        let line_ship_tos = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(Some(ReorderShipTos {
            customer_id,
            ship_tos,
            line_ship_tos,
        }))
    }

    /// The shipping method of the customer's latest placed order (its
    /// first ship-to): the method they are offered by default next time.
    pub fn last_method(&self, customer_id: i64) -> rusqlite::Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT s.method_code FROM orders o
                   JOIN order_ship_tos s ON s.order_id = o.id
                  WHERE o.customer_id = ?1 AND s.method_code <> ''
                  ORDER BY o.placed_at DESC, o.order_no DESC, s.ship_to_no LIMIT 1",
                [customer_id],
                |r| r.get::<_, String>(0),
            )
            .optional()
            .map(|m| m.map(|m| crate::domain::text::clean(&m)))
    }
}
