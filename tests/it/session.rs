//! The order session on a real SQLite file: commands, refusals, the rules
//! re-checked at submit, drafts held by one console, submit tokens bound to
//! content, and a property test driving random command sequences.

use crate::common::{demo_store, today};
use orderdesk::domain::rules::Rule;
use orderdesk::session::{BackorderKind, Command, PayInput, Refusal, Session};
use orderdesk::store::{DraftError, Store};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::Path;
use std::str::FromStr;

fn session(path: &Path, operator: &str) -> Session {
    let (store, _) = Store::open(path, crate::common::BUSY).unwrap();
    Session::new(store, operator, today())
}

fn ok(s: &mut Session, cmd: Command) {
    let shown = format!("{cmd:?}");
    if let Err(r) = s.apply(cmd) {
        panic!("{shown} refused: {r:?}");
    }
    s.refresh(false);
}

fn refused(s: &mut Session, cmd: Command) -> Refusal {
    let shown = format!("{cmd:?}");
    let r = s.apply(cmd).expect_err(&shown);
    s.refresh(false);
    r
}

fn pick(logon: &str) -> Command {
    Command::PickCustomer {
        id: None,
        logon: Some(logon.into()),
    }
}

fn add(sku: &str, qty: u32) -> Command {
    Command::AddItem {
        sku: sku.into(),
        qty,
    }
}

fn ready(s: &mut Session, logon: &str) {
    ok(s, pick(logon));
    ok(s, add("TNT-2001", 2));
    ok(
        s,
        Command::SetMethod {
            ship_to: 1,
            method: "GROUND".into(),
        },
    );
    ok(s, Command::Pay(PayInput::Cod));
}

fn orders(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_amount_off_is_held_to_the_limit_of_the_order_as_submitted() {
    let (_dir, path, _store) = demo_store();
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe");
    ok(&mut s, Command::SetQuantity { line: 1, qty: 3 });
    ok(
        &mut s,
        Command::Adjust {
            target: "subtotal".into(),
            amount: Some("50.00".into()),
            unit_price: None,
            reason: "GOODWILL".into(),
            net: false,
        },
    );
    ok(&mut s, Command::RemoveLine { line: 1 });
    ok(&mut s, add("SLP-1014", 1));
    let r = refused(&mut s, Command::Submit);
    assert_eq!(r.rule, Rule::AdjustmentLimit, "{r:?}");
    assert!(r.message.contains("subtotal"), "{r:?}");
    assert_eq!(orders(&path), 0);
    // Taking the amount off again within the limit places the order.
    ok(&mut s, Command::RemoveAdjustment { index: 1 });
    ok(&mut s, Command::Submit);
    assert_eq!(orders(&path), 1);
}

#[test]
fn a_price_override_is_limited_both_ways_and_follows_the_quantity() {
    let (_dir, path, _store) = demo_store();
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe");
    ok(&mut s, Command::SetQuantity { line: 1, qty: 1 });
    let r = refused(
        &mut s,
        Command::Adjust {
            target: "line:1".into(),
            amount: None,
            unit_price: Some("18,950.00".into()),
            reason: "PRICE_MATCH".into(),
            net: false,
        },
    );
    assert_eq!(r.rule, Rule::AdjustmentLimit, "{r:?}");
    assert!(r.message.contains("more"), "{r:?}");
    ok(
        &mut s,
        Command::Adjust {
            target: "line:1".into(),
            amount: None,
            unit_price: Some("172.00".into()),
            reason: "PRICE_MATCH".into(),
            net: false,
        },
    );
    ok(&mut s, Command::SetQuantity { line: 1, qty: 10 });
    let r = refused(&mut s, Command::Submit);
    assert_eq!(r.rule, Rule::AdjustmentLimit, "{r:?}");
    assert_eq!(orders(&path), 0);
}

#[test]
fn typed_amounts_are_stored_exactly_or_refused() {
    let (_dir, path, _store) = demo_store();
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe");
    for typed in ["1,5", "0,99", "1.2.3", "12.345", "１２", "-5", ""] {
        let r = refused(
            &mut s,
            Command::Adjust {
                target: "subtotal".into(),
                amount: Some(typed.into()),
                unit_price: None,
                reason: "GOODWILL".into(),
                net: false,
            },
        );
        assert_eq!(r.rule, Rule::InvalidInput, "{typed}: {r:?}");
    }
    assert!(s.order().adjustments.is_empty());
    let r = refused(&mut s, add("TNT-2001", 100_000));
    assert_eq!(r.rule, Rule::InvalidInput);
    let r = refused(&mut s, add("TNT-2001", 0));
    assert_eq!(r.rule, Rule::InvalidInput);
}

#[test]
fn a_stored_card_needs_the_challenge_answered_in_this_session() {
    let (_dir, path, _store) = demo_store();
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe");
    let stored = || {
        Command::Pay(PayInput::Stored {
            last4: "1111".into(),
        })
    };
    assert_eq!(refused(&mut s, stored()).rule, Rule::ChallengeRequired);
    let wrong = refused(
        &mut s,
        Command::VerifyChallenge {
            answer: "Fido".into(),
        },
    );
    assert_eq!(wrong.rule, Rule::ChallengeRequired);
    assert_eq!(refused(&mut s, stored()).rule, Rule::ChallengeRequired);
    ok(
        &mut s,
        Command::VerifyChallenge {
            answer: " rex ".into(),
        },
    );
    ok(&mut s, stored());
    // Another customer: the answer was not theirs.
    ok(&mut s, pick("jsmith"));
    ok(
        &mut s,
        Command::SetMethod {
            ship_to: 1,
            method: "GROUND".into(),
        },
    );
    let r = refused(&mut s, Command::Submit);
    assert!(
        matches!(r.rule, Rule::Incomplete | Rule::ChallengeRequired),
        "{r:?}"
    );
    assert_eq!(orders(&path), 0);
}

#[test]
fn a_disabled_customer_cannot_be_picked_nor_ordered_for() {
    let (_dir, path, _store) = demo_store();
    let conn = Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE customers SET enabled = 0 WHERE logon_id = 'jsmith'",
        [],
    )
    .unwrap();
    let mut s = session(&path, "alice");
    let r = refused(&mut s, pick("jsmith"));
    assert_eq!(r.rule, Rule::CustomerDisabled);
    assert!(s.order().customer.is_none());
    ready(&mut s, "jdoe");
    // Another console disables her after she was picked.
    conn.execute(
        "UPDATE customers SET enabled = 0 WHERE logon_id = 'jdoe'",
        [],
    )
    .unwrap();
    let r = refused(&mut s, Command::Submit);
    assert_eq!(r.rule, Rule::CustomerDisabled, "{r:?}");
    assert_eq!(orders(&path), 0);
}

#[test]
fn a_coupon_used_elsewhere_after_redeeming_refuses_the_submit() {
    let (_dir, path, _store) = demo_store();
    // SAVE20 with one use left.
    Connection::open(&path)
        .unwrap()
        .execute("UPDATE coupons SET max_uses = 1 WHERE code = 'SAVE20'", [])
        .unwrap();
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe");
    ok(
        &mut s,
        Command::RedeemCoupon {
            code: "save20".into(),
        },
    );
    // Another operator places an order with it first.
    let mut other = session(&path, "bob");
    ready(&mut other, "jsmith");
    ok(
        &mut other,
        Command::RedeemCoupon {
            code: "SAVE20".into(),
        },
    );
    ok(&mut other, Command::Submit);
    let r = refused(&mut s, Command::Submit);
    assert_eq!(r.rule, Rule::Coupon, "{r:?}");
    assert!(r.message.contains("SAVE20 has already been used"), "{r:?}");
    assert_eq!(orders(&path), 1);
}

#[test]
fn separate_backorders_only_with_ship_available() {
    let (_dir, path, _store) = demo_store();
    let mut s = session(&path, "alice");
    let r = refused(
        &mut s,
        Command::Backorder {
            choice: BackorderKind::Drop,
            separate: true,
        },
    );
    assert_eq!(r.rule, Rule::InvalidInput);
    ok(
        &mut s,
        Command::Backorder {
            choice: BackorderKind::Available,
            separate: true,
        },
    );
    assert!(s.order().backorder_choice.separate());
}

#[test]
fn a_draft_is_held_by_one_console_and_can_be_taken_over() {
    let (_dir, path, _store) = demo_store();
    let mut a = session(&path, "alice");
    ok(&mut a, pick("jdoe"));
    ok(&mut a, add("TNT-2001", 1));
    let mut b = session(&path, "alice");
    let draft = b.pending_draft().unwrap().expect("a's draft");
    assert!(draft.in_use_since.is_some(), "held by a live console");
    ok_done(b.resume(draft.id));
    // A is told at its next save (or renewal): nothing of that order can be
    // saved or placed there any more, so A starts a new order and says why.
    ok(&mut a, add("SLP-1014", 1));
    assert!(a
        .take_notice()
        .is_some_and(|n| n.contains("took this order over") && n.contains("new order")),);
    assert!(a.take_restart());
    assert!(a.order().is_empty(), "{:?}", a.order());
    assert_eq!(refused(&mut a, Command::Submit).rule, Rule::Incomplete);
    // B places the order it took over.
    ok(
        &mut b,
        Command::SetMethod {
            ship_to: 1,
            method: "GROUND".into(),
        },
    );
    ok(&mut b, Command::Pay(PayInput::Cod));
    ok(&mut b, Command::Submit);
    assert_eq!(orders(&path), 1);
    let lines: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM order_lines", [], |r| r.get(0))
        .unwrap();
    assert_eq!(lines, 1, "B's one line; A's never");
}

/// The draft placed by the console that took it over: the first console's
/// next save finds it gone and starts anew instead of keeping a draft that
/// could never be placed.
#[test]
fn a_draft_placed_elsewhere_is_not_kept_alive() {
    let (_dir, path, _store) = demo_store();
    let mut a = session(&path, "alice");
    ready(&mut a, "jdoe");
    let mut b = session(&path, "alice");
    let id = b.pending_draft().unwrap().unwrap().id;
    ok_done(b.resume(id));
    ok(&mut b, Command::Submit);
    ok(&mut a, add("SLP-1014", 1));
    assert!(a.take_restart());
    assert!(a
        .take_notice()
        .is_some_and(|n| n.contains("placed or discarded this order")));
    assert!(a.order().is_empty());
    let drafts: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(drafts, 0, "no draft left that could never be placed");
    assert_eq!(orders(&path), 1);
}

fn ok_done(r: Result<orderdesk::session::Done, Refusal>) {
    if let Err(r) = r {
        panic!("refused: {r:?}");
    }
}

#[test]
fn a_token_placed_with_other_content_is_never_answered_with_that_order() {
    let (_dir, path, _store) = demo_store();
    let mut a = session(&path, "alice");
    ready(&mut a, "jdoe");
    // The same order (same token) on a second console, placed there first.
    let (store, _) = Store::open(&path, crate::common::BUSY).unwrap();
    let order = a.order().clone();
    let quote = store.quote(&order, today()).unwrap();
    let rules =
        |_: &orderdesk::domain::quote::Quote, _: &orderdesk::domain::rules::Facts| Vec::new();
    let input = orderdesk::store::SubmitInput {
        order: &order,
        seen: &quote,
        operator: "alice",
        today: today(),
        draft: None,
        rules: &rules,
    };
    let placed = store.submit_order(&input).unwrap();
    // The same content again: the earlier order, nothing new.
    let again = store.submit_order(&input).unwrap();
    assert_eq!(again[0].order_no, placed[0].order_no);
    assert!(again[0].already_placed);
    // This console changed the order meanwhile: refused, named.
    ok(&mut a, add("SLP-1014", 1));
    let r = refused(&mut a, Command::Submit);
    assert_eq!(r.rule, Rule::AlreadyPlaced, "{r:?}");
    assert!(r.message.contains(&placed[0].order_no.to_string()), "{r:?}");
    assert!(r.message.contains("NOT placed"), "{r:?}");
    assert_eq!(orders(&path), 1);
}

#[test]
fn a_console_that_lost_its_draft_cannot_save_it() {
    let (_dir, _path, store) = demo_store();
    let order =
        orderdesk::domain::order::Order::new("t".into(), orderdesk::domain::money::Currency::USD);
    let id = store.save_draft(None, "alice", "one", &order).unwrap();
    store.take_draft(id, "alice", "two").unwrap().unwrap();
    assert!(matches!(
        store.save_draft(Some(id), "alice", "one", &order),
        Err(DraftError::TakenOver(_))
    ));
    assert!(matches!(
        store.renew_draft(id, "one"),
        Err(DraftError::TakenOver(_))
    ));
    store.renew_draft(id, "two").unwrap();
    store.release_draft(id, "two").unwrap();
    assert!(store
        .latest_draft("alice")
        .unwrap()
        .unwrap()
        .in_use_since
        .is_none());
}

// The property test -----------------------------------------------------

/// One random operator step.
#[derive(Debug, Clone)]
enum Step {
    Pick(usize),
    Add(usize, u32),
    Quantity(usize, u32),
    Remove(usize),
    Undo,
    SubtotalOff(u32),
    LinePrice(usize, i32),
    Shipping(u32),
    Coupon(usize),
    Verify(bool),
    PayStored,
    PayCod,
    /// Another console disables the customer on the order.
    DisableElsewhere,
    /// Another console uses a coupon of this order.
    UseCouponElsewhere,
    Submit,
}

const LOGONS: [&str; 3] = ["jdoe", "jsmith", "msmith"];
const ANSWERS: [&str; 3] = ["Rex", "Blue", "Maple"];
const SKUS: [&str; 4] = ["TNT-2001", "SLP-1014", "SLP-1017", "CKW-1001"];
const COUPONS: [&str; 2] = ["SAVE20", "WELCOME15"];

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => (0..LOGONS.len()).prop_map(Step::Pick),
        4 => (0..SKUS.len(), 1u32..4).prop_map(|(i, q)| Step::Add(i, q)),
        2 => (1usize..4, 1u32..12).prop_map(|(l, q)| Step::Quantity(l, q)),
        1 => (1usize..4).prop_map(Step::Remove),
        1 => Just(Step::Undo),
        2 => (1u32..90).prop_map(Step::SubtotalOff),
        2 => (1usize..3, -30i32..30).prop_map(|(l, p)| Step::LinePrice(l, p)),
        1 => (0u32..15).prop_map(Step::Shipping),
        1 => (0..COUPONS.len()).prop_map(Step::Coupon),
        1 => any::<bool>().prop_map(Step::Verify),
        1 => Just(Step::PayStored),
        1 => Just(Step::PayCod),
        1 => Just(Step::DisableElsewhere),
        1 => Just(Step::UseCouponElsewhere),
        3 => Just(Step::Submit),
    ]
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or("0")).unwrap()
}

/// The stored order keeps every rule: checked on what the database holds.
fn check_stored(conn: &Connection, store: &Store, order_no: i64, verified: bool) {
    let o = store.export_order(order_no).unwrap().unwrap();
    let (limit, pct) = (Decimal::new(5000, 2), Decimal::from(15));
    let within = |change: Decimal, base: Decimal| {
        let c = change.abs();
        c.is_zero() || (c <= limit && c * Decimal::ONE_HUNDRED <= base * pct)
    };
    let lines = o["lines"].as_array().unwrap();
    for a in o["adjustments"].as_array().unwrap() {
        let amount = dec(&a["amount"]);
        match a["kind"].as_str().unwrap() {
            "price_override" => {
                let n: usize = a["target"].as_str().unwrap().parse().unwrap();
                let l = &lines[n - 1];
                let q = Decimal::from(l["quantity"].as_i64().unwrap());
                let list = dec(&l["list_price"]) * q;
                let now = dec(&l["unit_price"]) * q;
                assert!(
                    within(list - now, list),
                    "order {order_no}: line override over the limit: {o}"
                );
            }
            "subtotal" => {
                let merchandise = dec(&o["merchandise_total"]);
                let before = merchandise - dec(&o["discount_total"]) + amount;
                assert!(
                    within(amount, before),
                    "order {order_no}: amount off over the limit: {o}"
                );
            }
            "shipping_override" => {
                let n: i64 = a["target"].as_str().unwrap().parse().unwrap();
                let s = o["shipments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["shipment_no"].as_i64() == Some(n))
                    .unwrap();
                let computed = dec(&s["computed_charge"]);
                let charge = dec(&s["charge"]);
                let free =
                    o["breakdown"]["shipments"][(n - 1) as usize]["free_shipping"].is_string();
                let before = if free { Decimal::ZERO } else { computed };
                assert!(
                    within(before - charge, before),
                    "order {order_no}: shipping override over the limit: {o}"
                );
            }
            other => panic!("unknown adjustment {other}"),
        }
    }
    let customer: i64 = o["customer_id"].as_i64().unwrap();
    let enabled: bool = conn
        .query_row(
            "SELECT enabled FROM customers WHERE id = ?1",
            [customer],
            |r| r.get(0),
        )
        .unwrap();
    assert!(enabled, "order {order_no} placed for a disabled customer");
    for p in o["payments"].as_array().unwrap() {
        if p["summary"].as_str().unwrap_or("").contains("(stored)") {
            assert!(
                verified,
                "order {order_no}: stored card without the challenge"
            );
        }
    }
    // The stored totals add up, and equal the lines, shipments and tax.
    let total = dec(&o["grand_total"]);
    let sum = dec(&o["merchandise_total"]) - dec(&o["discount_total"])
        + dec(&o["shipping_total"])
        + dec(&o["tax_total"]);
    assert_eq!(total, sum, "order {order_no}");
    let line_totals: Decimal = lines.iter().map(|l| dec(&l["line_total"])).sum();
    assert_eq!(
        line_totals,
        dec(&o["merchandise_total"]) - dec(&o["discount_total"]),
        "order {order_no}"
    );
    let charges: Decimal = o["shipments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| dec(&s["charge"]))
        .sum();
    assert_eq!(charges, dec(&o["shipping_total"]), "order {order_no}");
}

#[test]
fn random_command_sequences_never_place_an_order_that_breaks_a_rule() {
    let (_dir, path, _store) = demo_store();
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let conn = Connection::open(&path).unwrap();
    let placed_total = std::cell::Cell::new(0u32);
    let (store, _) = Store::open(&path, crate::common::BUSY).unwrap();
    let session = std::cell::RefCell::new(Session::new(store, "alice", today()).without_drafts());
    let (reader, _) = Store::open(&path, crate::common::BUSY).unwrap();
    let result = runner.run(&prop::collection::vec(step(), 1..14), |steps| {
        conn.execute_batch(
            "UPDATE customers SET enabled = 1;
             DELETE FROM coupon_redemptions;",
        )
        .unwrap();
        let mut s = session.borrow_mut();
        let _ = s.apply(Command::NewOrder);
        let mut verified = false;
        for st in steps {
            let cmd = match st {
                Step::Pick(i) => {
                    // The answer holds for the customer it was given for.
                    let same = s.order().customer.as_ref().and_then(|c| c.logon_id.as_deref())
                        == Some(LOGONS[i]);
                    verified &= same;
                    pick(LOGONS[i])
                }
                Step::Add(i, q) => add(SKUS[i], q),
                Step::Quantity(line, qty) => Command::SetQuantity { line, qty },
                Step::Remove(line) => Command::RemoveLine { line },
                Step::Undo => Command::Undo,
                Step::SubtotalOff(n) => Command::Adjust {
                    target: "subtotal".into(),
                    amount: Some(format!("{n}.00")),
                    unit_price: None,
                    reason: "GOODWILL".into(),
                    net: false,
                },
                Step::LinePrice(line, pct) => {
                    let Some(l) = s.order().lines.get(line - 1) else {
                        continue;
                    };
                    let price = (l.unit_price * Decimal::from(100 + pct) / Decimal::ONE_HUNDRED).round_dp(2);
                    Command::Adjust {
                        target: format!("line:{line}"),
                        amount: None,
                        unit_price: Some(price.to_string()),
                        reason: "PRICE_MATCH".into(),
                        net: pct % 2 != 0,
                    }
                }
                Step::Shipping(n) => Command::Adjust {
                    target: "shipment:1".into(),
                    amount: Some(format!("{n}.00")),
                    unit_price: None,
                    reason: "SHIP_DELAY".into(),
                    net: false,
                },
                Step::Coupon(i) => Command::RedeemCoupon {
                    code: COUPONS[i].into(),
                },
                Step::Verify(right) => {
                    let logon = s.order().customer.as_ref().and_then(|c| c.logon_id.clone());
                    let i = LOGONS.iter().position(|l| Some(l.to_string()) == logon).unwrap_or(0);
                    Command::VerifyChallenge {
                        answer: if right { ANSWERS[i] } else { "nope" }.into(),
                    }
                }
                Step::PayStored => {
                    let last4 = s
                        .order()
                        .customer
                        .as_ref()
                        .and_then(|c| c.cards.first())
                        .map(|c| c.summary.last4.clone())
                        .unwrap_or_default();
                    Command::Pay(PayInput::Stored { last4 })
                }
                Step::PayCod => Command::Pay(PayInput::Cod),
                Step::DisableElsewhere => {
                    if let Some(id) = s.order().customer.as_ref().and_then(|c| c.id) {
                        conn.execute("UPDATE customers SET enabled = 0 WHERE id = ?1", [id]).unwrap();
                    }
                    continue;
                }
                Step::UseCouponElsewhere => {
                    if let Some(code) = s.order().coupons.first() {
                        // Every use it may have, taken by an earlier order.
                        conn.execute(
                            "UPDATE coupons SET max_uses = 1 WHERE code = ?1",
                            [code],
                        )
                        .unwrap();
                        conn.execute(
                            "INSERT OR IGNORE INTO coupon_redemptions (coupon_id, order_id, customer_id, redeemed_at)
                             SELECT c.id, o.id, o.customer_id, 'x' FROM coupons c, orders o
                             WHERE c.code = ?1 AND o.id = (SELECT MIN(id) FROM orders)",
                            [code],
                        )
                        .unwrap();
                    }
                    continue;
                }
                Step::Submit => {
                    let _ = s.apply(Command::SetMethod {
                        ship_to: 1,
                        method: "GROUND".into(),
                    });
                    Command::Submit
                }
            };
            let is_verify = matches!(cmd, Command::VerifyChallenge { .. });
            let result = s.apply(cmd);
            if is_verify && result.is_ok() {
                verified = true;
            }
            s.refresh(false);
            if let Ok(done) = result {
                for p in &done.placed {
                    if !p.already_placed {
                        placed_total.set(placed_total.get() + 1);
                    }
                    check_stored(&conn, &reader, p.order_no, verified);
                }
                if !done.placed.is_empty() {
                    // The confirmation shows what was stored.
                    let shown: Decimal = done.placed.iter().map(|p| p.grand_total).sum();
                    prop_assert_eq!(shown, s.quote().total());
                    break;
                }
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        placed_total.get() > 0,
        "the property test placed no order at all"
    );
}
