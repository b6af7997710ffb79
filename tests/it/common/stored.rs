//! What the database holds of an order after the call, read back for
//! the lifecycle tests' assertions: totals, refunds owed, coupon uses,
//! line stock, the history's last event, and a change confirmed and
//! checked as the operator saw it.

use super::placing::Shop;
use chrono::NaiveDate;
use orderdesk::domain::order::Order;
use orderdesk::domain::order_change::{difference, Change};
use orderdesk::domain::pricing::Breakdown;
use orderdesk::domain::quote::Quote;
use orderdesk::store::{OrderEvent, ServiceError, Store, StoredOrder};
use rust_decimal::Decimal;
use std::str::FromStr;

/// (line number, SKU, quantity) of a shipment or a fill.
pub type Pieces = Vec<(u32, String, u32)>;

pub fn refused(r: Result<StoredOrder, ServiceError>) -> String {
    match r {
        Err(ServiceError::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// The order's stored (merchandise, discount, shipping, tax, grand) totals.
pub fn stored_totals(shop: &Shop, order_no: i64) -> [Decimal; 5] {
    let conn = rusqlite::Connection::open(&shop.path).unwrap();
    let row: [String; 5] = conn
        .query_row(
            "SELECT merchandise_total, discount_total, shipping_total, tax_total, grand_total
             FROM orders WHERE order_no = ?1",
            [order_no],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]),
        )
        .unwrap();
    row.map(|t| Decimal::from_str(&t).unwrap())
}

pub fn totals_of(b: &Breakdown) -> [Decimal; 5] {
    [
        b.merchandise,
        b.discount_total,
        b.shipping_total,
        b.tax_total,
        b.grand_total,
    ]
    .map(|d| b.currency.round(d))
}

/// The stored totals are what the operator was shown before confirming
/// (one order: a change never splits one) and what a fresh pricing of the
/// stored order comes to.
pub fn assert_priced_as_shown(shop: &Shop, order_no: i64, shown: &Quote) {
    assert_eq!(shown.parts.len(), 1, "a change keeps one order");
    let stored = stored_totals(shop, order_no);
    assert_eq!(stored, totals_of(&shown.parts[0].1), "stored as shown");
    let fresh = shop
        .store()
        .price_stored(&shop.stored(order_no))
        .unwrap()
        .expect("a changed order is priced afresh");
    assert_eq!(stored, totals_of(&fresh), "a fresh pricing agrees");
}

pub fn last_event(o: &StoredOrder) -> &OrderEvent {
    o.events.last().expect("an event")
}

pub fn audit_actions(shop: &Shop, order_no: i64) -> Vec<String> {
    let conn = rusqlite::Connection::open(&shop.path).unwrap();
    let mut stmt = conn
        .prepare("SELECT action FROM audit WHERE subject = ?1 ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([format!("order:{order_no}")], |r| r.get(0))
        .unwrap();
    rows.map(|r| r.unwrap()).collect()
}

pub fn refunds(shop: &Shop, order_no: i64) -> Vec<(String, String, String)> {
    let conn = rusqlite::Connection::open(&shop.path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT r.amount, r.currency, r.reason FROM refunds_owed r JOIN orders o ON o.id = r.order_id
             WHERE o.order_no = ?1 ORDER BY r.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([order_no], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.map(|r| r.unwrap()).collect()
}

/// (qty_now, qty_backordered) of `sku`'s line in order `order_no`.
pub fn line_stock(shop: &Shop, order_no: i64, sku: &str) -> (i64, i64) {
    let conn = rusqlite::Connection::open(&shop.path).unwrap();
    conn.query_row(
        "SELECT l.qty_now, l.qty_backordered FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.order_no = ?1 AND l.sku = ?2",
        rusqlite::params![order_no, sku],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

pub fn assert_sound(shop: &Shop) {
    let problems = shop.problems();
    assert!(problems.is_empty(), "{problems:#?}");
    let report = orderdesk::store::check::check_database(&shop.path, crate::common::BUSY).unwrap();
    assert!(report.is_sound(), "{report}");
}

/// One change, confirmed: the stored totals are as shown and as priced
/// afresh, the history names the change and the difference, the order is
/// one version on. Returns (total before, total after).
pub fn changed(
    shop: &Shop,
    no: i64,
    edit: impl FnOnce(&Store, &Order) -> Change,
    names: &str,
) -> (Decimal, Decimal) {
    let before = shop.stored(no);
    let (after, shown) = shop.change(no, edit).unwrap();
    assert_eq!(after, shop.stored(no), "what the change returned is stored");
    assert_eq!(after.version, before.version + 1);
    assert_priced_as_shown(shop, no, &shown);
    let e = last_event(&after);
    assert_eq!(
        (e.action.as_str(), e.reason.as_str()),
        ("changed", "customer called")
    );
    let diff = difference(after.currency, before.grand_total, after.grand_total);
    assert_eq!(
        e.detail.lines().collect::<Vec<_>>(),
        [names, diff.as_str()],
        "the history says what changed and the difference"
    );
    assert_eq!(
        (e.total_before.as_deref(), e.total_after.as_deref()),
        (
            Some(before.grand_total.to_string().as_str()),
            Some(after.grand_total.to_string().as_str())
        )
    );
    assert_sound(shop);
    (before.grand_total, after.grand_total)
}

/// Coupons applied on an order and their recorded uses, as stored.
pub fn coupon_uses(shop: &Shop, order_no: i64) -> (Vec<String>, Vec<String>) {
    let conn = rusqlite::Connection::open(&shop.path).unwrap();
    let list = |sql: &str| -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([order_no], |r| r.get(0)).unwrap();
        rows.map(|r| r.unwrap()).collect()
    };
    (
        list(
            "SELECT c.code FROM order_discounts d JOIN coupons c ON c.id = d.coupon_id
             JOIN orders o ON o.id = d.order_id WHERE o.order_no = ?1 ORDER BY c.code",
        ),
        list(
            "SELECT c.code FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id
             JOIN orders o ON o.id = r.order_id WHERE o.order_no = ?1 ORDER BY c.code",
        ),
    )
}
