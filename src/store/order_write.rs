//! Writing an order's contents — ship-tos, lines with their stock
//! reservations, shipments, discounts and adjustments — for a part being
//! placed and again for an order being changed: one writer, so a changed
//! order is stored exactly as a placed one. [`clear_contents`] takes them
//! away again, reservations released, inside the change's transaction.

use super::db::Sql;
use super::inventory::{self, Reservation};
use super::orders::{json, SubmitError};
use crate::domain::availability::LineAvailability;
use crate::domain::parts::Part;
use crate::domain::pricing::Breakdown;
use rusqlite::{params, Transaction};
use rust_decimal::Decimal;

/// What the contents of one order are written from.
pub(super) struct Contents<'a> {
    pub order_id: i64,
    pub order_no: i64,
    pub part: &'a Part,
    pub breakdown: &'a Breakdown,
    /// Each ship-to's method name, for the record.
    pub method_names: &'a [String],
    pub now: &'a str,
}

/// Writes the contents of `c.part` under order `c.order_id`, reserving
/// what ships now ([`inventory::reserve`]: never more than is free).
pub(super) fn write_contents(tx: &Transaction, c: &Contents) -> Result<(), SubmitError> {
    let part = c.part;
    let order = &part.order;
    let b = c.breakdown;
    let cur = order.currency;
    let money = |d: Decimal| cur.round(d).to_string();
    let (order_id, order_no, now) = (c.order_id, c.order_no, c.now);
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
                json(&s.address)?,
                s.method.clone().unwrap_or_default(),
                c.method_names.get(i).cloned().unwrap_or_default()
            ],
        )?;
    }
    let mut line_ids = Vec::new();
    for (i, l) in order.lines.iter().enumerate() {
        let amounts = b.lines.get(i);
        let a = part
            .availability
            .get(i)
            .copied()
            .unwrap_or(LineAvailability {
                now: 0,
                backordered: l.quantity,
                due: None,
            });
        tx.execute(
            "INSERT INTO order_lines (order_id, line_no, item_id, sku, name, ship_to_no, quantity, qty_now,
                qty_backordered, backorder_due, unit_price, list_price, discount, line_total, tax)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                order_id,
                i + 1,
                l.item_id,
                l.sku,
                l.name,
                l.ship_to + 1,
                l.quantity,
                a.now,
                a.backordered,
                a.due.map(|d| d.format("%Y-%m-%d").to_string()),
                money(amounts.map(|x| x.unit_price).unwrap_or(l.unit_price)),
                money(l.unit_price),
                money(amounts.map(|x| x.discount).unwrap_or_default()),
                money(amounts.map(|x| x.total).unwrap_or_default()),
                money(amounts.map(|x| x.tax).unwrap_or_default()),
            ],
        )?;
        line_ids.push(tx.last_insert_rowid());
        if a.now > 0 {
            // Availability was re-checked in this transaction; a shortage
            // here would mean that check was wrong, and refuses all the same.
            if let Reservation::Short { free } =
                inventory::reserve(Sql::Sqlite(tx), l.item_id, a.now.into())?
            {
                return Err(SubmitError::Changed(vec![format!(
                    "{}: {free} free now, {} wanted",
                    l.sku, a.now
                )]));
            }
        }
    }
    for (n, s) in b.shipments.iter().enumerate() {
        let method = order
            .ship_tos
            .get(s.ship_to)
            .and_then(|st| st.method.clone())
            .unwrap_or_default();
        let date = part
            .shipments
            .get(n)
            .and_then(|p| p.date)
            .map(|d| d.format("%Y-%m-%d").to_string());
        tx.execute(
            "INSERT INTO shipments (order_id, shipment_no, ship_to_no, method_code, ship_date, charge, computed_charge)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![order_id, n + 1, s.ship_to + 1, method, date, money(s.charge), money(s.computed)],
        )?;
        let shipment_id = tx.last_insert_rowid();
        for (line, qty) in &s.lines {
            if let Some(line_id) = line_ids.get(*line) {
                tx.execute(
                    "INSERT INTO shipment_lines (shipment_id, order_line_id, quantity) VALUES (?1, ?2, ?3)",
                    params![shipment_id, line_id, qty],
                )?;
            }
        }
    }
    // Free shipping is a discount too (on shipping), and a coupon may bring it.
    for d in b
        .discount_lines()
        .into_iter()
        .chain(b.free_shipping.clone())
    {
        tx.execute(
            "INSERT INTO order_discounts (order_id, promotion_id, coupon_id, name, amount)
             VALUES (?1, (SELECT id FROM promotions WHERE code = ?2), (SELECT id FROM coupons WHERE code = ?3), ?4, ?5)",
            params![order_id, d.promotion, d.coupon, d.name, money(d.amount)],
        )?;
    }
    for a in &b.adjustments {
        let approval = a.approval.as_ref();
        tx.execute(
            "INSERT INTO adjustments (order_id, kind, target, amount, reason_code, operator, created_at,
                approval_id, approved_by, approved_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                order_id,
                a.kind,
                a.target,
                money(a.amount),
                a.reason_code,
                a.operator,
                a.made_at.as_deref().unwrap_or(now),
                approval.map(|p| p.id),
                approval.map(|p| &p.supervisor),
                approval.map(|p| &p.at)
            ],
        )?;
        if let Some(p) = approval {
            tx.execute(
                "INSERT INTO audit (at, operator, action, subject, detail)
                 VALUES (?1, ?2, 'adjustment.approved', ?3, ?4)",
                params![
                    now,
                    a.operator,
                    format!("order:{order_no}"),
                    format!(
                        "{} {} {} {} ({}): asked by {}, approved by {} at {}",
                        a.kind,
                        a.target,
                        money(a.amount),
                        cur.code(),
                        a.reason_code,
                        a.operator,
                        p.supervisor,
                        p.at
                    )
                ],
            )?;
        }
    }
    Ok(())
}

/// Removes the contents of order `order_id` (what [`write_contents`]
/// wrote), releasing the stock its lines hold; the order row, its events,
/// payments and redemptions stay. Only for an order of which nothing has
/// shipped (docs/design.md): a shipped shipment is never rewritten.
pub(super) fn clear_contents(tx: &Transaction, order_id: i64) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE inventory SET reserved = reserved - (
             SELECT SUM(l.qty_now) FROM order_lines l
             WHERE l.order_id = ?1 AND l.item_id = inventory.item_id)
         WHERE item_id IN (SELECT item_id FROM order_lines WHERE order_id = ?1 AND qty_now > 0)",
        [order_id],
    )?;
    tx.execute(
        "DELETE FROM shipment_lines WHERE shipment_id IN (SELECT id FROM shipments WHERE order_id = ?1)",
        [order_id],
    )?;
    for table in [
        "shipments",
        "order_lines",
        "order_discounts",
        "adjustments",
        "order_ship_tos",
    ] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE order_id = ?1"),
            [order_id],
        )?;
    }
    Ok(())
}
