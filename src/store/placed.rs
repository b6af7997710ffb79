//! Reading placed orders back: the whole stored order as JSON (what
//! `orderdesk export` prints and the tests compare screens with), a
//! customer's recent orders, and an order's lines for a reorder.
//! Portable SQL (store/db): JSON is read and built here, in Rust.

use super::db::{self, Sql, Value};
use super::Store;
use serde_json::json;

/// A column's value as JSON: integers as numbers, text as strings; the
/// `parsed` columns hold JSON text, read as the JSON they hold.
fn to_json(v: &Value, parsed: bool) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Int(n) => json!(n),
        Value::Real(f) => json!(f),
        Value::Text(s) if parsed => {
            serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.clone()))
        }
        Value::Text(s) => serde_json::Value::String(s.clone()),
    }
}

/// Each row of `query` (one parameter: the order's id) as a JSON object of
/// `columns`, named in the order the query selects them; the columns in
/// `parsed` hold JSON text.
fn rows_as_json(
    sql: Sql<'_>,
    query: &str,
    id: i64,
    columns: &[&str],
    parsed: &[&str],
) -> Result<Vec<serde_json::Value>, db::Error> {
    sql.query(query, &[id.into()])?
        .iter()
        .map(|r| {
            let mut m = serde_json::Map::new();
            for (i, name) in columns.iter().enumerate() {
                m.insert(
                    (*name).to_string(),
                    to_json(r.value(i)?, parsed.contains(name)),
                );
            }
            Ok(serde_json::Value::Object(m))
        })
        .collect()
}

const HEAD: &[&str] = &[
    "order_no",
    "part",
    "parent_order_no",
    "customer_id",
    "customer",
    "currency",
    "status",
    "backorder_choice",
    "billing_address",
    "merchandise_total",
    "discount_total",
    "shipping_total",
    "tax_total",
    "grand_total",
    "breakdown",
    "comment_customer",
    "comment_warehouse",
    "operator",
    "placed_at",
    "version",
];

/// A placed order as JSON: the order row with its snapshots, ship-tos,
/// lines, shipments (with their lines), discounts, adjustments, payments,
/// history and refunds owed.
pub fn export_order(sql: Sql<'_>, order_no: i64) -> Result<Option<serde_json::Value>, db::Error> {
    let head = sql.query_opt(
        "SELECT id, order_no, part, (SELECT p.order_no FROM orders p WHERE p.id = orders.parent_order_id),
                customer_id, customer_snapshot, currency, status, backorder_choice, billing_address,
                merchandise_total, discount_total, shipping_total, tax_total, grand_total, breakdown,
                comment_customer, comment_warehouse, operator, placed_at, version
         FROM orders WHERE order_no = ?1",
        &[order_no.into()],
    )?;
    let Some(r) = head else {
        return Ok(None);
    };
    let id = r.get_i64(0)?;
    let mut order = serde_json::Map::new();
    for (i, name) in HEAD.iter().enumerate() {
        let parsed = matches!(*name, "customer" | "billing_address" | "breakdown");
        order.insert((*name).to_string(), to_json(r.value(i + 1)?, parsed));
    }
    let mut order = serde_json::Value::Object(order);
    order["ship_tos"] = json!(rows_as_json(
        sql,
        "SELECT ship_to_no, address, method_code, method_name FROM order_ship_tos
         WHERE order_id = ?1 ORDER BY ship_to_no",
        id,
        &["ship_to_no", "address", "method_code", "method_name"],
        &["address"],
    )?);
    order["lines"] = json!(rows_as_json(
        sql,
        "SELECT line_no, sku, name, ship_to_no, quantity, qty_now, qty_backordered, backorder_due,
                unit_price, list_price, discount, line_total, tax
         FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
        id,
        &[
            "line_no",
            "sku",
            "name",
            "ship_to_no",
            "quantity",
            "qty_now",
            "qty_backordered",
            "backorder_due",
            "unit_price",
            "list_price",
            "discount",
            "line_total",
            "tax",
        ],
        &[],
    )?);
    // Each shipment's lines, as SQLite's json_group_array gave them: in
    // the order of shipment_lines' key (a line once per shipment), [] for
    // none.
    let lines = sql.query(
        "SELECT sl.shipment_id, l.line_no, sl.quantity
         FROM shipment_lines sl JOIN order_lines l ON l.id = sl.order_line_id
         JOIN shipments s ON s.id = sl.shipment_id
         WHERE s.order_id = ?1 ORDER BY sl.shipment_id, sl.order_line_id",
        &[id.into()],
    )?;
    const SHIPMENT: &[&str] = &[
        "shipment_no",
        "ship_to_no",
        "method_code",
        "ship_date",
        "charge",
        "computed_charge",
        "status",
        "shipped_at",
        "tracking",
    ];
    let mut shipments = Vec::new();
    for r in sql.query(
        "SELECT shipment_no, ship_to_no, method_code, ship_date, charge, computed_charge,
                status, shipped_at, tracking, id
         FROM shipments WHERE order_id = ?1 ORDER BY shipment_no",
        &[id.into()],
    )? {
        let mut m = serde_json::Map::new();
        for (i, name) in SHIPMENT.iter().enumerate() {
            m.insert((*name).to_string(), to_json(r.value(i)?, false));
        }
        let shipment_id = r.get_i64(SHIPMENT.len())?;
        let mut its = Vec::new();
        for l in &lines {
            if l.get_i64(0)? == shipment_id {
                its.push(json!({"line_no": l.get_i64(1)?, "quantity": l.get_i64(2)?}));
            }
        }
        m.insert("lines".into(), serde_json::Value::Array(its));
        shipments.push(serde_json::Value::Object(m));
    }
    order["shipments"] = json!(shipments);
    order["discounts"] = json!(rows_as_json(
        sql,
        "SELECT name, amount FROM order_discounts WHERE order_id = ?1 ORDER BY id",
        id,
        &["name", "amount"],
        &[],
    )?);
    order["adjustments"] = json!(rows_as_json(
        sql,
        "SELECT kind, target, amount, reason_code, operator, created_at, approved_by, approved_at
         FROM adjustments WHERE order_id = ?1 ORDER BY id",
        id,
        &[
            "kind",
            "target",
            "amount",
            "reason_code",
            "operator",
            "created_at",
            "approved_by",
            "approved_at",
        ],
        &[],
    )?);
    order["payments"] = json!(rows_as_json(
        sql,
        "SELECT method, brand, last4, exp_month, exp_year, po_number, amount, summary
         FROM payments WHERE order_id = ?1 ORDER BY id",
        id,
        &[
            "method",
            "brand",
            "last4",
            "exp_month",
            "exp_year",
            "po_number",
            "amount",
            "summary",
        ],
        &[],
    )?);
    order["history"] = json!(rows_as_json(
        sql,
        "SELECT version, at, operator, action, reason, detail, total_before, total_after
         FROM order_events WHERE order_id = ?1 ORDER BY id",
        id,
        &[
            "version",
            "at",
            "operator",
            "action",
            "reason",
            "detail",
            "total_before",
            "total_after",
        ],
        &[],
    )?);
    order["refunds_owed"] = json!(rows_as_json(
        sql,
        "SELECT amount, currency, reason, operator, at FROM refunds_owed WHERE order_id = ?1 ORDER BY id",
        id,
        &["amount", "currency", "reason", "operator", "at"],
        &[],
    )?);
    Ok(Some(order))
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

/// The customer's most recent orders, newest first.
pub fn recent_orders(
    sql: Sql<'_>,
    customer_id: i64,
    limit: usize,
) -> Result<Vec<OrderSummary>, db::Error> {
    sql.query(
        "SELECT o.order_no, o.placed_at, o.currency, o.grand_total,
                (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id), o.status
         FROM orders o WHERE o.customer_id = ?1
         ORDER BY o.placed_at DESC, o.order_no DESC LIMIT ?2",
        &[
            customer_id.into(),
            i64::try_from(limit).unwrap_or(i64::MAX).into(),
        ],
    )?
    .iter()
    .map(|r| {
        Ok(OrderSummary {
            order_no: r.get_i64(0)?,
            placed_at: r.get_string(1)?,
            currency: r.get_string(2)?,
            grand_total: r.get_string(3)?,
            lines: r.get_i64(4)?,
            status: r.get_string(5)?,
        })
    })
    .collect()
}

/// The lines of a placed order as (item id, SKU, name, quantity), for
/// copying into a new cart.
pub fn order_lines_for_reorder(
    sql: Sql<'_>,
    order_no: i64,
) -> Result<Vec<(i64, String, String, u32)>, db::Error> {
    sql.query(
        "SELECT l.item_id, l.sku, l.name, l.quantity FROM order_lines l
         JOIN orders o ON o.id = l.order_id WHERE o.order_no = ?1 ORDER BY l.line_no",
        &[order_no.into()],
    )?
    .iter()
    .map(|r| {
        let q = r.get_i64(3)?;
        Ok((
            r.get_i64(0)?,
            crate::domain::text::clean(r.get_str(1)?),
            crate::domain::text::clean(r.get_str(2)?),
            u32::try_from(q).map_err(|_| db::Error::Column {
                index: 3,
                name: "quantity".into(),
                expected: "a quantity (0 to 4294967295)",
                found: q.to_string(),
            })?,
        ))
    })
    .collect()
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

/// Where a placed order shipped: its ship-tos and methods, and which
/// ship-to each line went to (in the order of [`order_lines_for_reorder`]).
/// An address that no longer reads is left out; its lines go to the
/// first ship-to.
pub fn reorder_ship_tos(sql: Sql<'_>, order_no: i64) -> Result<Option<ReorderShipTos>, db::Error> {
    let Some(head) = sql.query_opt(
        "SELECT id, customer_id FROM orders WHERE order_no = ?1",
        &[order_no.into()],
    )?
    else {
        return Ok(None);
    };
    let (id, customer_id) = (head.get_i64(0)?, head.get_opt_i64(1)?);
    let mut ship_tos = Vec::new();
    for r in sql.query(
        "SELECT ship_to_no, address, method_code FROM order_ship_tos
         WHERE order_id = ?1 ORDER BY ship_to_no",
        &[id.into()],
    )? {
        if let Ok(a) = serde_json::from_str::<crate::domain::order::Address>(r.get_str(1)?) {
            ship_tos.push((
                r.get_i64(0)?,
                a.cleaned(),
                crate::domain::text::clean(r.get_str(2)?),
            ));
        }
    }
    let line_ship_tos = sql
        .query(
            "SELECT ship_to_no FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
            &[id.into()],
        )?
        .iter()
        .map(|r| r.get_i64(0))
        .collect::<Result<Vec<i64>, db::Error>>()?;
    Ok(Some(ReorderShipTos {
        customer_id,
        ship_tos,
        line_ship_tos,
    }))
}

/// The shipping method of the customer's latest placed order (its first
/// ship-to): the method they are offered by default next time.
pub fn last_method(sql: Sql<'_>, customer_id: i64) -> Result<Option<String>, db::Error> {
    sql.query_opt(
        "SELECT s.method_code FROM orders o
           JOIN order_ship_tos s ON s.order_id = o.id
          WHERE o.customer_id = ?1 AND s.method_code <> ''
          ORDER BY o.placed_at DESC, o.order_no DESC, s.ship_to_no LIMIT 1",
        &[customer_id.into()],
    )?
    .map(|r| r.get_str(0).map(crate::domain::text::clean))
    .transpose()
}

impl Store {
    /// [`export_order`] on the store's connection.
    pub fn export_order(&self, order_no: i64) -> rusqlite::Result<Option<serde_json::Value>> {
        Ok(export_order(self.sql(), order_no)?)
    }

    /// [`recent_orders`] on the store's connection.
    pub fn recent_orders(
        &self,
        customer_id: i64,
        limit: usize,
    ) -> rusqlite::Result<Vec<OrderSummary>> {
        Ok(recent_orders(self.sql(), customer_id, limit)?)
    }

    /// [`order_lines_for_reorder`] on the store's connection.
    pub fn order_lines_for_reorder(
        &self,
        order_no: i64,
    ) -> rusqlite::Result<Vec<(i64, String, String, u32)>> {
        Ok(order_lines_for_reorder(self.sql(), order_no)?)
    }

    /// [`reorder_ship_tos`] on the store's connection.
    pub fn reorder_ship_tos(&self, order_no: i64) -> rusqlite::Result<Option<ReorderShipTos>> {
        Ok(reorder_ship_tos(self.sql(), order_no)?)
    }

    /// [`last_method`] on the store's connection.
    pub fn last_method(&self, customer_id: i64) -> rusqlite::Result<Option<String>> {
        Ok(last_method(self.sql(), customer_id)?)
    }
}
