//! Writing an order's contents — ship-tos, lines with their stock
//! reservations, shipments, discounts and adjustments — for a part being
//! placed and again for an order being changed: one writer, so a changed
//! order is stored exactly as a placed one. [`clear_contents`] takes them
//! away again, reservations released, inside the change's transaction.
//! Portable SQL (store/db): both run on either backend.

use super::db::{self, Abort, Sql};
use super::inventory::{self, Reservation};
use super::orders::{json, SubmitError};
use crate::domain::availability::LineAvailability;
use crate::domain::parts::Part;
use crate::domain::pricing::Breakdown;
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

/// A 0-based position as the 1-based number stored.
pub(super) fn number(i: usize) -> i64 {
    i64::try_from(i).map_or(i64::MAX, |i| i + 1)
}

/// Writes the contents of `c.part` under order `c.order_id`, reserving
/// what ships now ([`inventory::reserve`]: never more than is free). Run
/// it inside a write transaction: a shortage is refused
/// ([`Abort::Refused`], rolled back), a database error stays an
/// [`Abort::Db`] so a serialization failure runs the transaction again.
pub(super) fn write_contents(tx: Sql<'_>, c: &Contents) -> Result<(), Abort<SubmitError>> {
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
            &[
                order_id.into(),
                number(i).into(),
                json(&s.address).map_err(Abort::Refused)?.into(),
                s.method.clone().unwrap_or_default().into(),
                c.method_names.get(i).cloned().unwrap_or_default().into(),
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
        let line_id = tx
            .query_row(
                "INSERT INTO order_lines (order_id, line_no, item_id, sku, name, ship_to_no, quantity, qty_now,
                    qty_backordered, backorder_due, unit_price, list_price, discount, line_total, tax)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) RETURNING id",
                &[
                    order_id.into(),
                    number(i).into(),
                    l.item_id.into(),
                    l.sku.as_str().into(),
                    l.name.as_str().into(),
                    number(l.ship_to).into(),
                    l.quantity.into(),
                    a.now.into(),
                    a.backordered.into(),
                    a.due.map(|d| d.format("%Y-%m-%d").to_string()).into(),
                    money(amounts.map(|x| x.unit_price).unwrap_or(l.unit_price)).into(),
                    money(l.unit_price).into(),
                    money(amounts.map(|x| x.discount).unwrap_or_default()).into(),
                    money(amounts.map(|x| x.total).unwrap_or_default()).into(),
                    money(amounts.map(|x| x.tax).unwrap_or_default()).into(),
                ],
            )?
            .get_i64(0)?;
        line_ids.push(line_id);
        if a.now > 0 {
            // Availability was re-checked in this transaction; a shortage
            // here would mean that check was wrong, and refuses all the same.
            if let Reservation::Short { free } = inventory::reserve(tx, l.item_id, a.now.into())? {
                return Err(Abort::Refused(SubmitError::Changed(vec![format!(
                    "{}: {free} free now, {} wanted",
                    l.sku, a.now
                )])));
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
        let shipment_id = tx
            .query_row(
                "INSERT INTO shipments (order_id, shipment_no, ship_to_no, method_code, ship_date, charge, computed_charge)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                &[
                    order_id.into(),
                    number(n).into(),
                    number(s.ship_to).into(),
                    method.into(),
                    date.into(),
                    money(s.charge).into(),
                    money(s.computed).into(),
                ],
            )?
            .get_i64(0)?;
        for (line, qty) in &s.lines {
            if let Some(line_id) = line_ids.get(*line) {
                tx.execute(
                    "INSERT INTO shipment_lines (shipment_id, order_line_id, quantity) VALUES (?1, ?2, ?3)",
                    &[shipment_id.into(), (*line_id).into(), (*qty).into()],
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
            &[
                order_id.into(),
                d.promotion.into(),
                d.coupon.into(),
                d.name.into(),
                money(d.amount).into(),
            ],
        )?;
    }
    for a in &b.adjustments {
        let approval = a.approval.as_ref();
        tx.execute(
            "INSERT INTO adjustments (order_id, kind, target, amount, reason_code, operator, created_at,
                approval_id, approved_by, approved_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            &[
                order_id.into(),
                a.kind.as_str().into(),
                a.target.as_str().into(),
                money(a.amount).into(),
                a.reason_code.as_str().into(),
                a.operator.as_str().into(),
                a.made_at.as_deref().unwrap_or(now).into(),
                approval.map(|p| p.id).into(),
                approval.map(|p| p.supervisor.as_str()).into(),
                approval.map(|p| p.at.as_str()).into(),
            ],
        )?;
        if let Some(p) = approval {
            tx.execute(
                "INSERT INTO audit (at, operator, action, subject, detail)
                 VALUES (?1, ?2, 'adjustment.approved', ?3, ?4)",
                &[
                    now.into(),
                    a.operator.as_str().into(),
                    format!("order:{order_no}").into(),
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
                    .into(),
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
pub(super) fn clear_contents(tx: Sql<'_>, order_id: i64) -> Result<(), db::Error> {
    // SUM is NUMERIC on PostgreSQL: cast back to the column's BIGINT.
    tx.execute(
        "UPDATE inventory SET reserved = reserved - (
             SELECT CAST(SUM(l.qty_now) AS BIGINT) FROM order_lines l
             WHERE l.order_id = ?1 AND l.item_id = inventory.item_id)
         WHERE item_id IN (SELECT item_id FROM order_lines WHERE order_id = ?1 AND qty_now > 0)",
        &[order_id.into()],
    )?;
    tx.execute(
        "DELETE FROM shipment_lines WHERE shipment_id IN (SELECT id FROM shipments WHERE order_id = ?1)",
        &[order_id.into()],
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
            &[order_id.into()],
        )?;
    }
    Ok(())
}
