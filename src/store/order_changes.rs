//! What an operator does to a placed order (docs/design.md, "After the
//! order"): change its lines and ship-tos, cancel it, hold it and lift the
//! hold. Each is one write transaction that checks the order's
//! version first (a change based on an older version is refused with what
//! happened since, and writes nothing), then the lifecycle rule, then
//! writes the change, its stock and its event.

use super::db::{self, Abort, Sql};
use super::order_record::{stored_order, write_event, NewEvent, StoredOrder};
use super::order_write::{clear_contents, write_contents, Contents};
use super::orders::{json, recheck_availability, SubmitError};
use super::warehouse::fill_waiting;
use super::{now_text, redemptions, Store, StoreError};
use crate::domain::lifecycle::{self, OrderStatus};
use crate::domain::order::Order;
use crate::domain::order_change::difference;
use crate::domain::quote::Quote;
use crate::domain::rules::{self, Facts, Violation};
use chrono::NaiveDate;
use rusqlite::{params, Transaction, TransactionBehavior};
use rust_decimal::Decimal;
use std::fmt;

/// Why an action on a placed order wrote nothing.
#[derive(Debug)]
pub enum ServiceError {
    NotFound(i64),
    /// The order moved on since `version`: what happened since, one line
    /// per event.
    Stale {
        since: Vec<String>,
    },
    /// The order's state does not allow it (a shipped shipment, a
    /// cancelled order, …), in words.
    Refused(String),
    /// Availability moved since the operator saw the change's effect.
    Changed(Vec<String>),
    /// Prices moved since the operator saw the change's effect.
    PricesChanged,
    /// Rules the changed order breaks (limits, credit).
    Violations(Vec<Violation>),
    Db(StoreError),
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceError::NotFound(n) => write!(f, "there is no order {n}"),
            ServiceError::Stale { since } => write!(
                f,
                "the order changed since you opened it: {}",
                since.join("; ")
            ),
            ServiceError::Refused(why) => f.write_str(why),
            ServiceError::Changed(lines) => write!(
                f,
                "availability changed: {}; look at the new difference and confirm again",
                lines.join("; ")
            ),
            ServiceError::PricesChanged => f.write_str(
                "prices changed since the difference was shown: look at it again and confirm",
            ),
            ServiceError::Violations(v) => {
                let list: Vec<&str> = v.iter().map(|v| v.message.as_str()).collect();
                f.write_str(&list.join("; "))
            }
            ServiceError::Db(e) => write!(f, "the database refused the change: {e}"),
        }
    }
}

impl From<rusqlite::Error> for ServiceError {
    fn from(e: rusqlite::Error) -> Self {
        ServiceError::Db(e.into())
    }
}

impl From<super::db::Error> for ServiceError {
    fn from(e: super::db::Error) -> Self {
        ServiceError::Db(e.into())
    }
}

impl From<SubmitError> for ServiceError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::Changed(lines) => ServiceError::Changed(lines),
            SubmitError::PricesChanged => ServiceError::PricesChanged,
            SubmitError::Refused(v) => ServiceError::Violations(v),
            SubmitError::Db(e) => ServiceError::Db(e),
            other => ServiceError::Refused(other.to_string()),
        }
    }
}

/// Who acts on which order, based on which version, and why.
#[derive(Debug, Clone, Copy)]
pub struct OrderAction<'a> {
    pub order_no: i64,
    pub version: i64,
    pub operator: &'a str,
    /// A reason code (cancel, hold) or the operator's words (change).
    pub reason: &'a str,
}

/// A change to a placed order, as the operator saw its effect.
pub struct ChangeInput<'a> {
    pub action: OrderAction<'a>,
    /// The order as changed (from `StoredOrder::order`).
    pub order: &'a Order,
    /// Its quote as shown ([`Store::quote_change`]).
    pub seen: &'a Quote,
    pub today: NaiveDate,
    /// What changed, one line each, for the history.
    pub description: &'a str,
}

impl Store {
    /// Changes a placed order's lines and ship-tos: re-priced under its
    /// original rules, availability checked again and its stock moved,
    /// in one transaction; what the change frees goes to the orders
    /// waiting for it. A card payment that goes down leaves a refund owed.
    pub fn change_order(&self, c: &ChangeInput) -> Result<StoredOrder, ServiceError> {
        let conn = self.sqlite("changing a placed order")?;
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let o = open(&tx, &c.action)?;
        o.may_change().map_err(ServiceError::Refused)?;
        if o.order.is_none() {
            return Err(ServiceError::Refused(
                "this order was placed before orders could be changed here: cancel it and place it again".into(),
            ));
        }
        let freed: Vec<i64> = o
            .order
            .iter()
            .flat_map(|x| x.lines.iter().map(|l| l.item_id))
            .collect();
        clear_contents(Sql::Sqlite(&tx), o.id)?;
        let fresh = self.quote_change(c.order, o.id, o.placed_on(), c.today)?;
        recheck_availability(c.order, &c.seen.availability, &fresh.availability)?;
        let violations = self.change_rules(c.order, &fresh, o.grand_total)?;
        if !violations.is_empty() {
            return Err(ServiceError::Violations(violations));
        }
        let breakdowns = |q: &Quote| q.parts.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>();
        if breakdowns(&fresh) != breakdowns(c.seen) {
            return Err(ServiceError::PricesChanged);
        }
        let Some((part, b)) = fresh.parts.first() else {
            return Err(ServiceError::Refused("nothing left in the order".into()));
        };
        if part.order.lines.is_empty() {
            return Err(ServiceError::Refused(
                "nothing left to ship: every line would be dropped; cancel the order instead"
                    .into(),
            ));
        }
        let now = now_text();
        let cur = o.currency;
        let money = |d: Decimal| cur.round(d).to_string();
        let method_names: Vec<String> = (part.order.ship_tos.iter())
            .map(|s| {
                let code = s.method.clone().unwrap_or_default();
                (fresh.methods.iter())
                    .find(|m| m.code == code)
                    .map(|m| m.name.clone())
                    .unwrap_or(code)
            })
            .collect();
        write_contents(
            Sql::Sqlite(&tx),
            &Contents {
                order_id: o.id,
                order_no: o.order_no,
                part,
                breakdown: b,
                method_names: &method_names,
                now: &now,
            },
        )
        .map_err(Abort::into_inner)?;
        tx.execute(
            "UPDATE orders SET merchandise_total = ?2, discount_total = ?3, shipping_total = ?4, tax_total = ?5,
                grand_total = ?6, breakdown = ?7, order_data = ?8, backorder_choice = ?9
             WHERE id = ?1",
            params![
                o.id,
                money(b.merchandise),
                money(b.discount_total),
                money(b.shipping_total),
                money(b.tax_total),
                money(b.grand_total),
                json(b)?,
                json(&part.order)?,
                part.order.backorder_choice.code()
            ],
        )?;
        tx.execute(
            "UPDATE payments SET amount = ?2 WHERE order_id = ?1",
            params![o.id, money(b.grand_total)],
        )?;
        owe_refund(&tx, &o, o.grand_total - b.grand_total, c.action, &now)?;
        let mut detail = c.description.to_string();
        detail += &dropped(c.order, part);
        detail += &coupon_uses(&tx, &o, c.order, b, &now)?;
        detail += &format!("\n{}", difference(cur, o.grand_total, b.grand_total));
        write_event(
            Sql::Sqlite(&tx),
            &NewEvent {
                order_id: o.id,
                order_no: o.order_no,
                operator: c.action.operator,
                action: "changed",
                reason: c.action.reason.trim(),
                detail: &detail,
                totals: Some((money(o.grand_total), money(b.grand_total))),
                now: &now,
            },
        )?;
        fill_waiting(&tx, &freed, c.today, c.action.operator, &now)?;
        let done = stored_order(Sql::Sqlite(&tx), o.order_no)?
            .ok_or(ServiceError::NotFound(o.order_no))?;
        tx.commit()?;
        Ok(done)
    }

    /// The rules of a change: each adjustment within its maker's limits,
    /// and the credit of an account.
    fn change_rules(
        &self,
        order: &Order,
        quote: &Quote,
        previous_total: Decimal,
    ) -> rusqlite::Result<Vec<Violation>> {
        let mut makers: Vec<(String, Facts)> = Vec::new();
        for a in &order.adjustments {
            if !makers.iter().any(|(m, _)| m == &a.operator) {
                makers.push((a.operator.clone(), self.facts(order, &a.operator)?));
            }
        }
        let credit = match makers.first() {
            Some((_, f)) => f.account.clone(),
            None => self.facts(order, "")?.account,
        };
        Ok(rules::change_violations(
            order,
            quote,
            &makers,
            credit.as_ref(),
            previous_total,
        ))
    }

    /// Cancels the whole order: its stock released (and given to the
    /// orders waiting for it), its shipments cancelled, its coupons' uses
    /// given back, the whole amount owed back when paid by card.
    pub fn cancel_order(
        &self,
        a: &OrderAction,
        today: NaiveDate,
    ) -> Result<StoredOrder, ServiceError> {
        let conn = self.sqlite("cancelling an order")?;
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let o = open(&tx, a)?;
        lifecycle::may_cancel(o.status, &o.shipment_states()).map_err(ServiceError::Refused)?;
        let reason = lifecycle::reason_code(lifecycle::CANCEL_REASONS, a.reason)
            .map_err(ServiceError::Refused)?;
        let now = now_text();
        let freed = release_stock(&tx, o.id)?;
        tx.execute(
            "UPDATE shipments SET status = 'cancelled' WHERE order_id = ?1 AND status = 'open'",
            [o.id],
        )?;
        set_status(&tx, o.id, OrderStatus::Cancelled)?;
        // A coupon's use is given back, unless the other order of a split
        // submit still has its share of the discount: the use goes with it.
        tx.execute(
            "UPDATE coupon_redemptions SET order_id = (SELECT x.id FROM orders x
                 WHERE x.order_no = ?2 AND x.status <> 'cancelled')
             WHERE order_id = ?1 AND EXISTS (SELECT 1 FROM order_discounts d JOIN orders x ON x.id = d.order_id
                 WHERE x.order_no = ?2 AND x.status <> 'cancelled' AND d.coupon_id = coupon_redemptions.coupon_id)",
            params![o.id, o.linked],
        )?;
        tx.execute("DELETE FROM coupon_redemptions WHERE order_id = ?1", [o.id])?;
        // The refund names the reason's code, as the history does, not
        // the words it was typed in.
        let coded = OrderAction { reason, ..*a };
        let owed = owe_refund(&tx, &o, o.grand_total, coded, &now)?;
        let cur = o.currency;
        let detail = match owed {
            Some(x) => format!(
                "order cancelled; {} {} owed back to the card",
                cur.format(x),
                cur.code()
            ),
            None => "order cancelled".to_string(),
        };
        write_event(
            Sql::Sqlite(&tx),
            &NewEvent {
                order_id: o.id,
                order_no: o.order_no,
                operator: a.operator,
                action: "cancelled",
                reason,
                detail: &detail,
                totals: None,
                now: &now,
            },
        )?;
        fill_waiting(&tx, &freed, today, a.operator, &now)?;
        let done = stored_order(Sql::Sqlite(&tx), o.order_no)?
            .ok_or(ServiceError::NotFound(o.order_no))?;
        tx.commit()?;
        Ok(done)
    }

    /// Holds the order ([`hold_order`]).
    pub fn hold_order(&self, a: &OrderAction) -> Result<StoredOrder, ServiceError> {
        hold_order(self.sql(), a)
    }

    /// Lifts the hold ([`release_hold`]).
    pub fn release_hold(&self, a: &OrderAction) -> Result<StoredOrder, ServiceError> {
        release_hold(self.sql(), a)
    }
}

/// A lifecycle rule's refusal, inside a write: rolled back, not retried.
fn refused(why: String) -> Abort<ServiceError> {
    Abort::Refused(ServiceError::Refused(why))
}

/// The order as it stands after an action, read in the action's
/// transaction.
fn reread(sql: Sql<'_>, order_no: i64) -> Result<StoredOrder, Abort<ServiceError>> {
    stored_order(sql, order_no)?.ok_or(Abort::Refused(ServiceError::NotFound(order_no)))
}

/// Holds the order: the warehouse does not get it (or gives it back). One
/// [`Sql::write`] on either backend.
pub fn hold_order(sql: Sql<'_>, a: &OrderAction) -> Result<StoredOrder, ServiceError> {
    sql.write(|tx| {
        let tx = **tx;
        let o = open_at(tx, a)?;
        lifecycle::may_hold(o.status).map_err(refused)?;
        let reason = lifecycle::reason_code(lifecycle::HOLD_REASONS, a.reason).map_err(refused)?;
        update_status(tx, o.id, OrderStatus::Held)?;
        let detail = format!("on hold (was {})", o.status);
        write_status_event(tx, &o, a.operator, "held", reason, &detail)?;
        reread(tx, o.order_no)
    })
    .map_err(Abort::into_inner)
}

/// Lifts the hold: the order is placed again (released with the next
/// release to the warehouse). One [`Sql::write`] on either backend.
pub fn release_hold(sql: Sql<'_>, a: &OrderAction) -> Result<StoredOrder, ServiceError> {
    sql.write(|tx| {
        let tx = **tx;
        let o = open_at(tx, a)?;
        lifecycle::may_release_hold(o.status).map_err(refused)?;
        let to = lifecycle::status_after_hold(&o.shipment_states());
        update_status(tx, o.id, to)?;
        let detail = format!("hold lifted: {to}");
        write_status_event(
            tx,
            &o,
            a.operator,
            "hold_released",
            a.reason.trim(),
            &detail,
        )?;
        reread(tx, o.order_no)
    })
    .map_err(Abort::into_inner)
}

/// What an order that drops backorders dropped of the change asked for
/// (not in stock now), one history line each: the history says what the
/// order holds, not only what was asked.
fn dropped(asked: &Order, part: &crate::domain::parts::Part) -> String {
    let mut out = String::new();
    for (i, l) in asked.lines.iter().enumerate() {
        let kept: u32 = (part.source_lines.iter().zip(&part.order.lines))
            .filter(|(s, _)| **s == i)
            .map(|(_, p)| p.quantity)
            .sum();
        if kept < l.quantity {
            out += &format!(
                "\n{} {}: {} of {} dropped: not in stock, and the order drops backorders",
                l.sku,
                l.name,
                l.quantity - kept,
                l.quantity
            );
        }
    }
    out
}

/// Keeps the coupon uses of a changed order in step with its discounts:
/// a coupon it no longer applies gives its use back, one that applies
/// again is used again (limits checked as at submit). The two orders of a
/// split submit share one use, recorded on the main order. Returns the
/// lines for the history.
fn coupon_uses(
    tx: &Transaction,
    o: &StoredOrder,
    order: &Order,
    b: &crate::domain::pricing::Breakdown,
    now: &str,
) -> Result<String, ServiceError> {
    let applied = redemptions::applied_codes([b]);
    let has = |list: &[String], code: &str| list.iter().any(|k| k.eq_ignore_ascii_case(code));
    let mut stmt = tx.prepare(
        "SELECT DISTINCT c.code FROM order_discounts d JOIN coupons c ON c.id = d.coupon_id
         JOIN orders x ON x.id = d.order_id WHERE x.order_no = ?1 AND x.status <> 'cancelled'",
    )?;
    let linked: Vec<String> = stmt
        .query_map([o.linked], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    let mut stmt = tx.prepare(
        "SELECT r.id, r.order_id, c.code FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id
         WHERE r.order_id = ?1 OR r.order_id = (SELECT id FROM orders WHERE order_no = ?2)",
    )?;
    let held: Vec<(i64, i64, String)> = stmt
        .query_map(params![o.id, o.linked], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    let mut detail = String::new();
    for (id, order_id, code) in &held {
        if *order_id == o.id && !has(&applied, code) && !has(&linked, code) {
            tx.execute("DELETE FROM coupon_redemptions WHERE id = ?1", [id])?;
            detail += &format!("\ncoupon {code} no longer applies: its use is given back");
        }
    }
    let again: Vec<String> = (applied.into_iter())
        .filter(|code| !held.iter().any(|(_, _, h)| h.eq_ignore_ascii_case(code)))
        .collect();
    if let (false, Some(customer)) = (again.is_empty(), o.customer_id) {
        let registered = order.customer.as_ref().and_then(|c| c.id).is_some();
        redemptions::redeem(
            super::db::Sql::Sqlite(tx),
            &again,
            o.id,
            customer,
            registered,
            now,
        )
        .map_err(super::db::Abort::into_inner)?;
        for code in &again {
            detail += &format!("\ncoupon {code} applies again: one use recorded");
        }
    }
    Ok(detail)
}

/// The order, if it is still at the version the action is based on.
fn open(tx: &Transaction, a: &OrderAction) -> Result<StoredOrder, ServiceError> {
    open_at(Sql::Sqlite(tx), a).map_err(Abort::into_inner)
}

/// [`open`] on either backend, inside a write: a missing or moved-on
/// order is the action's refusal.
fn open_at(sql: Sql<'_>, a: &OrderAction) -> Result<StoredOrder, Abort<ServiceError>> {
    let o =
        stored_order(sql, a.order_no)?.ok_or(Abort::Refused(ServiceError::NotFound(a.order_no)))?;
    if o.version != a.version {
        return Err(Abort::Refused(ServiceError::Stale {
            since: o.since(a.version),
        }));
    }
    Ok(o)
}

/// [`update_status`] in a rusqlite transaction (the warehouse's).
pub(super) fn set_status(tx: &Transaction, order_id: i64, s: OrderStatus) -> rusqlite::Result<()> {
    Ok(update_status(Sql::Sqlite(tx), order_id, s)?)
}

fn update_status(sql: Sql<'_>, order_id: i64, s: OrderStatus) -> Result<(), db::Error> {
    sql.execute(
        "UPDATE orders SET status = ?2 WHERE id = ?1",
        &[order_id.into(), s.code().into()],
    )?;
    Ok(())
}

/// [`write_status_event`] in a rusqlite transaction (the warehouse's).
pub(super) fn status_event(
    tx: &Transaction,
    o: &StoredOrder,
    operator: &str,
    action: &str,
    reason: &str,
    detail: &str,
) -> rusqlite::Result<i64> {
    Ok(write_status_event(
        Sql::Sqlite(tx),
        o,
        operator,
        action,
        reason,
        detail,
    )?)
}

/// A status change's event (no totals), now.
fn write_status_event(
    sql: Sql<'_>,
    o: &StoredOrder,
    operator: &str,
    action: &str,
    reason: &str,
    detail: &str,
) -> Result<i64, db::Error> {
    write_event(
        sql,
        &NewEvent {
            order_id: o.id,
            order_no: o.order_no,
            operator,
            action,
            reason,
            detail,
            totals: None,
            now: &now_text(),
        },
    )
}

/// Releases the stock the order's lines hold and have not shipped;
/// returns the items it frees.
fn release_stock(tx: &Transaction, order_id: i64) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = tx.prepare(
        "SELECT l.item_id, l.qty_now - COALESCE((SELECT SUM(sl.quantity) FROM shipment_lines sl
                    JOIN shipments s ON s.id = sl.shipment_id
                    WHERE sl.order_line_id = l.id AND s.status = 'shipped'), 0)
         FROM order_lines l WHERE l.order_id = ?1",
    )?;
    let held: Vec<(i64, i64)> = stmt
        .query_map([order_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (item, q) in &held {
        if *q > 0 {
            super::inventory::release(super::db::Sql::Sqlite(tx), *item, *q)?;
        }
    }
    Ok(held.into_iter().map(|(i, _)| i).collect())
}

/// Records `amount` as owed back when the order is paid by card and the
/// amount is positive; returns it then.
fn owe_refund(
    tx: &Transaction,
    o: &StoredOrder,
    amount: Decimal,
    a: OrderAction,
    now: &str,
) -> rusqlite::Result<Option<Decimal>> {
    if amount <= Decimal::ZERO || o.payment_method.as_deref() != Some("card") {
        return Ok(None);
    }
    tx.execute(
        "INSERT INTO refunds_owed (order_id, amount, currency, reason, operator, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            o.id,
            o.currency.round(amount).to_string(),
            o.currency.code(),
            a.reason,
            a.operator,
            now
        ],
    )?;
    Ok(Some(amount))
}
