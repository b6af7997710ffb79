//! The coupon usage model on real SQLite files (docs/design.md, section
//! 5): single-use codes of one customer, multi-use codes with limits in
//! all and per customer, each use recorded once per submit inside the
//! submit transaction, the coupons offered for an order, and the time an
//! adjustment was made kept with it.

use crate::common::{demo_store, today, BUSY};
use chrono::{DateTime, Duration, TimeZone, Utc};
use orderdesk::domain::coupon_offer::{offer, Offer};
use orderdesk::domain::money::Currency;
use orderdesk::domain::rules::Rule;
use orderdesk::session::{Command, Done, PayInput, Refusal, Session};
use orderdesk::store::Store;
use rusqlite::Connection;
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub(crate) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
}

pub(crate) fn session(path: &Path, operator: &str) -> Session {
    let (store, _) = Store::open(path, BUSY).unwrap();
    let mut s = Session::new(store, operator, today()).without_drafts();
    s.set_clock(t0());
    s
}

pub(crate) fn ok(s: &mut Session, cmd: Command) -> Done {
    let shown = format!("{cmd:?}");
    let done = s
        .apply(cmd)
        .unwrap_or_else(|r| panic!("{shown} refused: {r:?}"));
    s.refresh(false);
    done
}

pub(crate) fn refused(s: &mut Session, cmd: Command) -> Refusal {
    let shown = format!("{cmd:?}");
    let r = s.apply(cmd).expect_err(&shown);
    s.refresh(false);
    r
}

fn redeem(code: &str) -> Command {
    Command::RedeemCoupon { code: code.into() }
}

/// A fresh order for `logon` with one `sku`, Ground, cash on delivery.
pub(crate) fn ready(s: &mut Session, logon: &str, sku: &str) {
    let _ = s.apply(Command::NewOrder);
    ok(
        s,
        Command::PickCustomer {
            id: None,
            logon: Some(logon.into()),
        },
    );
    ok(
        s,
        Command::AddItem {
            sku: sku.into(),
            qty: 1,
        },
    );
    ok(
        s,
        Command::SetMethod {
            ship_to: 1,
            method: "GROUND".into(),
        },
    );
    ok(s, Command::Pay(PayInput::Cod));
}

/// (coupon, order number, customer logon) of every use, in order.
fn uses(path: &Path) -> Vec<(String, i64, String)> {
    let db = Connection::open(path).unwrap();
    let mut stmt = db
        .prepare(
            "SELECT c.code, o.order_no, COALESCE(k.logon_id, '') FROM coupon_redemptions r
             JOIN coupons c ON c.id = r.coupon_id JOIN orders o ON o.id = r.order_id
             JOIN customers k ON k.id = r.customer_id ORDER BY r.id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// The codes offered to `logon` on an order in `cur` with `merchandise`
/// after item discounts, with how (the adjustments step lists these).
fn offered(store: &Store, logon: &str, cur: Currency, merchandise: &str) -> Vec<(String, Offer)> {
    let id = store.customer_id_by_logon(logon).unwrap();
    store
        .available_coupons(id, today())
        .unwrap()
        .into_iter()
        .filter_map(|c| offer(&c, id, today(), cur, dec(merchandise)).map(|o| (c.code, o)))
        .collect()
}

fn has(list: &[(String, Offer)], code: &str) -> Option<Offer> {
    list.iter().find(|(c, _)| c == code).map(|(_, o)| o.clone())
}

/// WELCOME15 is once per customer and good for any number of customers:
/// Jane's second order is refused it with the reason, John Smith's is not.
#[test]
fn a_multi_use_code_stops_at_its_per_customer_limit() {
    let (_dir, path, store) = demo_store();
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe", "SLP-1014");
    ok(&mut s, redeem("WELCOME15"));
    ok(&mut s, Command::Submit);
    assert_eq!(
        uses(&path),
        vec![("WELCOME15".into(), 100001, "jdoe".into())]
    );

    ready(&mut s, "jdoe", "SLP-1014");
    let r = refused(&mut s, redeem("welcome15"));
    assert_eq!(r.rule, Rule::Coupon);
    assert!(
        r.message
            .contains("coupon WELCOME15 is once per customer: this customer has used it"),
        "{r:?}"
    );
    let usd = Currency::USD;
    assert_eq!(
        has(&offered(&store, "jdoe", usd, "119.00"), "WELCOME15"),
        None
    );

    let bob = offered(&store, "jsmith", usd, "119.00");
    assert_eq!(has(&bob, "WELCOME15"), Some(Offer::Usable), "{bob:?}");
    ready(&mut s, "jsmith", "SLP-1014");
    ok(&mut s, redeem("WELCOME15"));
    ok(&mut s, Command::Submit);
    assert_eq!(uses(&path).len(), 2);
    assert_eq!(uses(&path)[1].2, "jsmith");
}

/// VIP-JDOE is Jane's, good once: nobody else may use it, and once she
/// has it is neither offered nor accepted again.
#[test]
fn a_single_use_code_of_one_customer() {
    let (_dir, path, store) = demo_store();
    let mut s = session(&path, "alice");
    ready(&mut s, "jsmith", "SLP-1014");
    let r = refused(&mut s, redeem("VIP-JDOE"));
    assert!(r.message.contains("belongs to another customer"), "{r:?}");

    ready(&mut s, "jdoe", "SLP-1014");
    ok(&mut s, redeem("VIP-JDOE"));
    ok(&mut s, Command::Submit);
    assert_eq!(
        uses(&path),
        vec![("VIP-JDOE".into(), 100001, "jdoe".into())]
    );

    ready(&mut s, "jdoe", "SLP-1014");
    let r = refused(&mut s, redeem("VIP-JDOE"));
    assert!(r.message.contains("has already been used"), "{r:?}");
    assert_eq!(
        has(
            &offered(&store, "jdoe", Currency::USD, "119.00"),
            "VIP-JDOE"
        ),
        None
    );
}

/// Two consoles hold SAVE20 with one use left (2 in all, 1 taken): both
/// saw it usable; the first submit takes the last use, the second is
/// refused with the reason and places nothing.
#[test]
fn two_consoles_race_for_the_last_use() {
    let (_dir, path, store) = demo_store();
    let db = Connection::open(&path).unwrap();
    db.execute("UPDATE coupons SET max_uses = 2 WHERE code = 'SAVE20'", [])
        .unwrap();
    let mut first = session(&path, "alice");
    ready(&mut first, "zhartley", "SLP-1014");
    ok(&mut first, redeem("SAVE20"));
    ok(&mut first, Command::Submit);

    let mut a = session(&path, "alice");
    let mut b = session(&path, "bob");
    ready(&mut a, "jdoe", "SLP-1014");
    ready(&mut b, "jsmith", "SLP-1014");
    ok(&mut a, redeem("SAVE20"));
    ok(&mut b, redeem("SAVE20"));
    ok(&mut a, Command::Submit);
    let r = refused(&mut b, Command::Submit);
    assert_eq!(r.rule, Rule::Coupon, "{r:?}");
    assert!(
        r.message
            .contains("coupon SAVE20 has been used 2 times, all it is good for: remove it"),
        "{r:?}"
    );
    assert_eq!(store.order_count().unwrap(), 2, "nothing of b's placed");
    let taken: Vec<String> = uses(&path).into_iter().map(|u| u.2).collect();
    assert_eq!(taken, vec!["zhartley".to_string(), "jdoe".to_string()]);
    // Without the coupon b's order goes through.
    ok(
        &mut b,
        Command::RemoveCoupon {
            code: "SAVE20".into(),
        },
    );
    ok(&mut b, Command::Submit);
    assert_eq!(store.order_count().unwrap(), 3);
    assert_eq!(uses(&path).len(), 2);
}

/// The coupons offered: a customer's own only to them, with why they
/// cannot use it yet; nothing a JPY order cannot use; a coupon for
/// everyone only where the order reaches it.
#[test]
fn the_coupons_offered_are_those_the_order_can_use() {
    let (_dir, _path, store) = demo_store();
    let usd = Currency::USD;
    let jane = offered(&store, "jdoe", usd, "119.00");
    assert_eq!(has(&jane, "VIP-JDOE"), Some(Offer::Usable), "{jane:?}");
    assert_eq!(has(&jane, "SAVE20"), Some(Offer::Usable));
    assert_eq!(has(&jane, "WELCOME15"), Some(Offer::Usable));
    assert_eq!(has(&jane, "SUMMER-GONE"), None, "ended");
    assert_eq!(has(&jane, "THANKS-ZOE"), None, "Zoe's");
    let bob = offered(&store, "jsmith", usd, "119.00");
    assert_eq!(has(&bob, "VIP-JDOE"), None, "Jane's: {bob:?}");

    // Zoe's own code needs 100.00; at 79.00 she is told how much more.
    let zoe = offered(&store, "zhartley", usd, "79.00");
    assert_eq!(
        has(&zoe, "THANKS-ZOE"),
        Some(Offer::NotYet("needs 21.00 more".into())),
        "{zoe:?}"
    );
    // SAVE20 is everyone's: not offered under its threshold.
    assert_eq!(has(&zoe, "SAVE20"), None);

    // A yen order: WELCOME15's minimum spend is in dollars.
    let yen = offered(&store, "htanaka", Currency::JPY, "48000");
    assert_eq!(has(&yen, "WELCOME15"), None, "{yen:?}");
    assert_eq!(has(&yen, "SAVE20"), Some(Offer::Usable));
}

/// An adjustment keeps the time it was made and who made it, not the
/// time of the submit.
#[test]
fn an_adjustment_keeps_when_it_was_made_and_by_whom() {
    let (_dir, path, _store) = demo_store();
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe", "SLP-1014");
    ok(
        &mut s,
        Command::Adjust {
            target: "subtotal".into(),
            amount: Some("5.00".into()),
            unit_price: None,
            reason: "GOODWILL".into(),
            net: false,
        },
    );
    assert_eq!(
        s.order().adjustments[0].made_at.as_deref(),
        Some("2026-11-25T10:00:00Z")
    );
    s.set_clock(t0() + Duration::minutes(7));
    ok(&mut s, Command::Submit);
    let db = Connection::open(&path).unwrap();
    let (at, by, placed): (String, String, String) = db
        .query_row(
            "SELECT a.created_at, a.operator, o.placed_at FROM adjustments a
             JOIN orders o ON o.id = a.order_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (at.as_str(), by.as_str()),
        ("2026-11-25T10:00:00Z", "alice")
    );
    assert_ne!(placed, at, "the submit's own time is the order's");
}

/// A database of version 4 (each coupon good once, its use in
/// `coupons.redeemed_order_id`) keeps its meaning when opened: the used
/// coupon's use is carried over, and every coupon is still single-use.
#[test]
fn a_version_4_database_keeps_its_used_coupons() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.db");
    {
        let conn = Connection::open(&path).unwrap();
        for sql in [
            include_str!("../../schema.sql"),
            include_str!("../../migrations/002_order_session.sql"),
            include_str!("../../migrations/003_operators.sql"),
            include_str!("../../migrations/004_draft_fields.sql"),
        ] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "PRAGMA application_id = 1329877835;
             PRAGMA user_version = 4;
             INSERT INTO currencies (code, minor_units, name) VALUES ('USD', 2, 'US dollar');
             INSERT INTO customers (id, logon_id, logon_key, password_hash, first_name, last_name,
                 first_key, last_key, currency, created_at, updated_at)
               VALUES (7, 'ann', 'ann', 'x', 'Ann', 'Lee', 'ann', 'lee', 'USD', 't', 't');
             INSERT INTO promotions (id, code, name, kind, params, automatic)
               VALUES (1, 'TEN', '10% off', 'order_percent', '{\"percent\":\"10\"}', 0);
             INSERT INTO coupons (id, code, code_key, promotion_id) VALUES (1, 'USED', 'used', 1);
             INSERT INTO coupons (id, code, code_key, promotion_id) VALUES (2, 'FRESH', 'fresh', 1);
             INSERT INTO orders (id, order_no, submit_token, customer_id, customer_snapshot, currency,
                 backorder_choice, billing_address, merchandise_total, discount_total, shipping_total,
                 tax_total, grand_total, breakdown, operator, placed_at)
               VALUES (5, 100001, 'tok', 7, '{}', 'USD', 'ship_complete', '{}', '10.00', '1.00',
                 '0.00', '0.00', '9.00', '{}', 'amy', '2026-11-01T09:00:00Z');
             UPDATE coupons SET redeemed_order_id = 5, redeemed_at = '2026-11-01T09:00:01Z'
               WHERE code = 'USED';",
        )
        .unwrap();
    }
    let (store, created) = Store::open(&path, BUSY).unwrap();
    assert!(!created);
    let db = Connection::open(&path).unwrap();
    let carried: (i64, i64, i64, String) = db
        .query_row(
            "SELECT coupon_id, order_id, customer_id, redeemed_at FROM coupon_redemptions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(carried, (1, 5, 7, "2026-11-01T09:00:01Z".to_string()));
    let used = store.coupon_by_code("used", Some(8)).unwrap().unwrap();
    assert!(used.usage.single_use());
    assert_eq!(
        used.usage.check("USED", Some(8)),
        Err("coupon USED has already been used".to_string())
    );
    let fresh = store.coupon_by_code("FRESH", Some(8)).unwrap().unwrap();
    assert!(fresh.usage.single_use());
    assert_eq!(fresh.usage.check("FRESH", Some(8)), Ok(()));
}
