//! What an operator does to a placed order (docs/design.md, "After the
//! order"): change its lines and ship-tos, cancel it, hold it and lift the
//! hold. Each is one write transaction that checks the order's
//! version first (a change based on an older version is refused with what
//! happened since, and writes nothing), then the lifecycle rule, then
//! writes the change, its stock and its event.

use super::db::{self, Abort, Sql};
use super::order_record::{stored_order, write_event, NewEvent, StoredOrder};
use super::order_write::{clear_contents, write_contents, Contents};
use super::orders::{json as json_text, recheck_availability, Reread, SubmitError};
use super::warehouse::fill_waiting;
use super::{inventory, now_text, quote, redemptions, Store, StoreError};
use crate::domain::lifecycle::{self, OrderStatus};
use crate::domain::order::Order;
use crate::domain::order_change::difference;
use crate::domain::quote::Quote;
use crate::domain::rules::{self, Facts, Violation};
use chrono::NaiveDate;
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
    /// Changes a placed order ([`change_order`]); the rules read the
    /// store's facts.
    pub fn change_order(&self, c: &ChangeInput) -> Result<StoredOrder, ServiceError> {
        change_order(self.sql(), c, self)
    }

    /// Cancels the whole order ([`cancel_order`]).
    pub fn cancel_order(
        &self,
        a: &OrderAction,
        today: NaiveDate,
    ) -> Result<StoredOrder, ServiceError> {
        cancel_order(self.sql(), a, today)
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

/// Changes a placed order's lines and ship-tos: re-priced under its
/// original rules ([`quote::quote_change`]), availability checked again
/// and its stock moved, in one [`Sql::write`] on either backend; what the
/// change frees goes to the orders waiting for it. A card payment that
/// goes down leaves a refund owed. `reread` gives the facts the change's
/// rules need, read inside the transaction (only its facts are used).
pub fn change_order(
    sql: Sql<'_>,
    c: &ChangeInput,
    reread: &dyn Reread,
) -> Result<StoredOrder, ServiceError> {
    sql.write(|tx| change_in(**tx, c, reread))
        .map_err(Abort::into_inner)
}

/// The body of [`change_order`], in its transaction.
fn change_in(
    tx: Sql<'_>,
    c: &ChangeInput,
    reread: &dyn Reread,
) -> Result<StoredOrder, Abort<ServiceError>> {
    let refuse = |e: ServiceError| Abort::Refused(e);
    let o = open_at(tx, &c.action)?;
    o.may_change().map_err(refused)?;
    if o.order.is_none() {
        return Err(refused(
            "this order was placed before orders could be changed here: cancel it and place it again".into(),
        ));
    }
    let freed: Vec<i64> = o
        .order
        .iter()
        .flat_map(|x| x.lines.iter().map(|l| l.item_id))
        .collect();
    clear_contents(tx, o.id)?;
    let fresh = quote::quote_change(tx, c.order, o.id, o.placed_on(), c.today)?;
    recheck_availability(c.order, &c.seen.availability, &fresh.availability)
        .map_err(|e| refuse(e.into()))?;
    let violations = change_rules(tx, reread, c.order, &fresh, o.grand_total)?;
    if !violations.is_empty() {
        return Err(refuse(ServiceError::Violations(violations)));
    }
    let breakdowns = |q: &Quote| q.parts.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>();
    if breakdowns(&fresh) != breakdowns(c.seen) {
        return Err(refuse(ServiceError::PricesChanged));
    }
    let Some((part, b)) = fresh.parts.first() else {
        return Err(refused("nothing left in the order".into()));
    };
    if part.order.lines.is_empty() {
        return Err(refused(
            "nothing left to ship: every line would be dropped; cancel the order instead".into(),
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
        tx,
        &Contents {
            order_id: o.id,
            order_no: o.order_no,
            part,
            breakdown: b,
            method_names: &method_names,
            now: &now,
        },
    )
    .map_err(from_submit)?;
    let json = |v: Result<String, SubmitError>| v.map_err(|e| refuse(e.into()));
    tx.execute(
        "UPDATE orders SET merchandise_total = ?2, discount_total = ?3, shipping_total = ?4, tax_total = ?5,
            grand_total = ?6, breakdown = ?7, order_data = ?8, backorder_choice = ?9
         WHERE id = ?1",
        &[
            o.id.into(),
            money(b.merchandise).into(),
            money(b.discount_total).into(),
            money(b.shipping_total).into(),
            money(b.tax_total).into(),
            money(b.grand_total).into(),
            json(json_text(b))?.into(),
            json(json_text(&part.order))?.into(),
            part.order.backorder_choice.code().into(),
        ],
    )?;
    tx.execute(
        "UPDATE payments SET amount = ?2 WHERE order_id = ?1",
        &[o.id.into(), money(b.grand_total).into()],
    )?;
    owe_refund(tx, &o, o.grand_total - b.grand_total, c.action, &now)?;
    let mut detail = c.description.to_string();
    detail += &dropped(c.order, part);
    detail += &coupon_uses(tx, &o, c.order, b, &now)?;
    detail += &format!("\n{}", difference(cur, o.grand_total, b.grand_total));
    write_event(
        tx,
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
    fill_waiting(tx, &freed, c.today, c.action.operator, &now)?;
    reread_order(tx, o.order_no)
}

/// The rules of a change: each adjustment within its maker's limits,
/// and the credit of an account; the facts read inside the change's
/// transaction.
fn change_rules(
    tx: Sql<'_>,
    reread: &dyn Reread,
    order: &Order,
    quote: &Quote,
    previous_total: Decimal,
) -> Result<Vec<Violation>, db::Error> {
    let mut makers: Vec<(String, Facts)> = Vec::new();
    for a in &order.adjustments {
        if !makers.iter().any(|(m, _)| m == &a.operator) {
            makers.push((a.operator.clone(), reread.facts(tx, order, &a.operator)?));
        }
    }
    let credit = match makers.first() {
        Some((_, f)) => f.account.clone(),
        None => reread.facts(tx, order, "")?.account,
    };
    Ok(rules::change_violations(
        order,
        quote,
        &makers,
        credit.as_ref(),
        previous_total,
    ))
}

/// Cancels the whole order, in one [`Sql::write`] on either backend: its
/// stock released (and given to the orders waiting for it), its
/// shipments cancelled, its coupons' uses given back, the whole amount
/// owed back when paid by card.
pub fn cancel_order(
    sql: Sql<'_>,
    a: &OrderAction,
    today: NaiveDate,
) -> Result<StoredOrder, ServiceError> {
    sql.write(|tx| cancel_in(**tx, a, today))
        .map_err(Abort::into_inner)
}

/// The body of [`cancel_order`], in its transaction.
fn cancel_in(
    tx: Sql<'_>,
    a: &OrderAction,
    today: NaiveDate,
) -> Result<StoredOrder, Abort<ServiceError>> {
    let o = open_at(tx, a)?;
    lifecycle::may_cancel(o.status, &o.shipment_states()).map_err(refused)?;
    let reason = lifecycle::reason_code(lifecycle::CANCEL_REASONS, a.reason).map_err(refused)?;
    let now = now_text();
    let freed = release_stock(tx, o.id)?;
    tx.execute(
        "UPDATE shipments SET status = 'cancelled' WHERE order_id = ?1 AND status = 'open'",
        &[o.id.into()],
    )?;
    update_status(tx, o.id, OrderStatus::Cancelled)?;
    // A coupon's use is given back, unless the other order of a split
    // submit still has its share of the discount: the use goes with it.
    tx.execute(
        "UPDATE coupon_redemptions SET order_id = (SELECT x.id FROM orders x
             WHERE x.order_no = ?2 AND x.status <> 'cancelled')
         WHERE order_id = ?1 AND EXISTS (SELECT 1 FROM order_discounts d JOIN orders x ON x.id = d.order_id
             WHERE x.order_no = ?2 AND x.status <> 'cancelled' AND d.coupon_id = coupon_redemptions.coupon_id)",
        &[o.id.into(), o.linked.into()],
    )?;
    tx.execute(
        "DELETE FROM coupon_redemptions WHERE order_id = ?1",
        &[o.id.into()],
    )?;
    // The refund names the reason's code, as the history does, not
    // the words it was typed in.
    let coded = OrderAction { reason, ..*a };
    let owed = owe_refund(tx, &o, o.grand_total, coded, &now)?;
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
        tx,
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
    fill_waiting(tx, &freed, today, a.operator, &now)?;
    reread_order(tx, o.order_no)
}

/// Submit's refusals (a shortage, a coupon over its limit) as the
/// change's; the database's errors stay retryable.
fn from_submit(e: Abort<SubmitError>) -> Abort<ServiceError> {
    match e {
        Abort::Db(e) => Abort::Db(e),
        Abort::Refused(e) => Abort::Refused(e.into()),
    }
}

/// A lifecycle rule's refusal, inside a write: rolled back, not retried.
fn refused(why: String) -> Abort<ServiceError> {
    Abort::Refused(ServiceError::Refused(why))
}

/// The order as it stands after an action, read in the action's
/// transaction.
fn reread_order(sql: Sql<'_>, order_no: i64) -> Result<StoredOrder, Abort<ServiceError>> {
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
        reread_order(tx, o.order_no)
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
        reread_order(tx, o.order_no)
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
    tx: Sql<'_>,
    o: &StoredOrder,
    order: &Order,
    b: &crate::domain::pricing::Breakdown,
    now: &str,
) -> Result<String, Abort<ServiceError>> {
    let applied = redemptions::applied_codes([b]);
    let has = |list: &[String], code: &str| list.iter().any(|k| k.eq_ignore_ascii_case(code));
    let linked: Vec<String> = tx
        .query(
            "SELECT DISTINCT c.code FROM order_discounts d JOIN coupons c ON c.id = d.coupon_id
             JOIN orders x ON x.id = d.order_id WHERE x.order_no = ?1 AND x.status <> 'cancelled'",
            &[o.linked.into()],
        )?
        .iter()
        .map(|r| r.get_string(0))
        .collect::<Result<_, _>>()?;
    let held: Vec<(i64, i64, String)> = tx
        .query(
            "SELECT r.id, r.order_id, c.code FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id
             WHERE r.order_id = ?1 OR r.order_id = (SELECT id FROM orders WHERE order_no = ?2)",
            &[o.id.into(), o.linked.into()],
        )?
        .iter()
        .map(|r| Ok((r.get_i64(0)?, r.get_i64(1)?, r.get_string(2)?)))
        .collect::<Result<_, db::Error>>()?;
    let mut detail = String::new();
    for (id, order_id, code) in &held {
        if *order_id == o.id && !has(&applied, code) && !has(&linked, code) {
            tx.execute(
                "DELETE FROM coupon_redemptions WHERE id = ?1",
                &[(*id).into()],
            )?;
            detail += &format!("\ncoupon {code} no longer applies: its use is given back");
        }
    }
    let again: Vec<String> = (applied.into_iter())
        .filter(|code| !held.iter().any(|(_, _, h)| h.eq_ignore_ascii_case(code)))
        .collect();
    if let (false, Some(customer)) = (again.is_empty(), o.customer_id) {
        let registered = order.customer.as_ref().and_then(|c| c.id).is_some();
        redemptions::redeem(tx, &again, o.id, customer, registered, now).map_err(from_submit)?;
        for code in &again {
            detail += &format!("\ncoupon {code} applies again: one use recorded");
        }
    }
    Ok(detail)
}

/// The order, if it is still at the version the action is based on,
/// read inside the action's write: a missing or moved-on order is the
/// action's refusal.
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

/// Sets the order's status.
pub(super) fn update_status(sql: Sql<'_>, order_id: i64, s: OrderStatus) -> Result<(), db::Error> {
    sql.execute(
        "UPDATE orders SET status = ?2 WHERE id = ?1",
        &[order_id.into(), s.code().into()],
    )?;
    Ok(())
}

/// A status change's event (no totals), now.
pub(super) fn write_status_event(
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
fn release_stock(tx: Sql<'_>, order_id: i64) -> Result<Vec<i64>, db::Error> {
    // The shipped sum is NUMERIC on PostgreSQL; the layer reads a whole
    // one as an integer.
    let held: Vec<(i64, i64)> = tx
        .query(
            "SELECT l.item_id, l.qty_now - COALESCE((SELECT SUM(sl.quantity) FROM shipment_lines sl
                        JOIN shipments s ON s.id = sl.shipment_id
                        WHERE sl.order_line_id = l.id AND s.status = 'shipped'), 0)
             FROM order_lines l WHERE l.order_id = ?1",
            &[order_id.into()],
        )?
        .iter()
        .map(|r| Ok((r.get_i64(0)?, r.get_i64(1)?)))
        .collect::<Result<_, db::Error>>()?;
    for (item, q) in &held {
        if *q > 0 {
            inventory::release(tx, *item, *q)?;
        }
    }
    Ok(held.into_iter().map(|(i, _)| i).collect())
}

/// Records `amount` as owed back when the order is paid by card and the
/// amount is positive; returns it then.
fn owe_refund(
    tx: Sql<'_>,
    o: &StoredOrder,
    amount: Decimal,
    a: OrderAction,
    now: &str,
) -> Result<Option<Decimal>, db::Error> {
    if amount <= Decimal::ZERO || o.payment_method.as_deref() != Some("card") {
        return Ok(None);
    }
    tx.execute(
        "INSERT INTO refunds_owed (order_id, amount, currency, reason, operator, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            o.id.into(),
            o.currency.round(amount).to_string().into(),
            o.currency.code().into(),
            a.reason.into(),
            a.operator.into(),
            now.into(),
        ],
    )?;
    Ok(Some(amount))
}
