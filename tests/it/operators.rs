//! Operators, roles and supervisor approval (docs/design.md, section 13):
//! roles and limits per currency in the store; adjustments beyond an
//! operator's limits approved with a supervisor's PIN (recorded with the
//! adjustment and in the audit, checked again at submit); five wrong PINs
//! lock the PIN for 15 minutes; five wrong challenge answers lock a
//! customer's stored payment until a supervisor unlocks it; `--operator`
//! naming someone else only for a login allowed to; the approval box in
//! the console.

use crate::common::desk::Desk;
use crate::common::{chars, ctrl, demo_store, key, today, BUSY};
use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::KeyCode;
use orderdesk::domain::money::Currency;
use orderdesk::domain::operator::Role;
use orderdesk::domain::rules::{Limits, Rule};
use orderdesk::session::{Command, Done, PayInput, Pin, Refusal, Session};
use orderdesk::store::operators::{os_login, LimitsOf};
use orderdesk::store::Store;
use rusqlite::Connection;
use rust_decimal::Decimal;
use std::path::Path;
use std::process::{Command as Process, Output, Stdio};
use std::str::FromStr;

const SUE_PIN: &str = "4821";
const ADA_PIN: &str = "7310";

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Sue, a supervisor, and Ada, an admin, each with a PIN.
fn add_supervisors(store: &Store) {
    let me = os_login();
    store
        .add_operator("sue", Role::Supervisor, "Sue Park", "", &me)
        .unwrap();
    store.set_pin("sue", SUE_PIN, &me).unwrap();
    store
        .add_operator("ada", Role::Admin, "Ada Lind", "", &me)
        .unwrap();
    store.set_pin("ada", ADA_PIN, &me).unwrap();
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
}

/// A session of `operator` on `path`, its clock at 10:00 UTC.
fn session(path: &Path, operator: &str) -> Session {
    let (store, _) = Store::open(path, BUSY).unwrap();
    let mut s = Session::new(store, operator, today());
    s.set_clock(t0());
    s
}

fn ok(s: &mut Session, cmd: Command) -> Done {
    let shown = format!("{cmd:?}");
    let done = s
        .apply(cmd)
        .unwrap_or_else(|r| panic!("{shown} refused: {r:?}"));
    s.refresh(false);
    done
}

fn refused(s: &mut Session, cmd: Command) -> Refusal {
    let shown = format!("{cmd:?}");
    let r = s.apply(cmd).expect_err(&shown);
    s.refresh(false);
    r
}

fn approve(who: &str, pin: &str) -> Command {
    Command::Approve {
        supervisor: who.into(),
        pin: Pin(pin.into()),
    }
}

fn pick(logon: &str) -> Command {
    Command::PickCustomer {
        id: None,
        logon: Some(logon.into()),
    }
}

fn unit_price(line: usize, price: &str) -> Command {
    Command::Adjust {
        target: format!("line:{line}"),
        amount: None,
        unit_price: Some(price.into()),
        reason: "PRICE_MATCH".into(),
        net: false,
    }
}

/// `logon` with one `sku`, Ground, cash on delivery: ready to submit.
fn ready(s: &mut Session, logon: &str, sku: &str) {
    ready_by(s, logon, sku, "GROUND");
}

fn ready_by(s: &mut Session, logon: &str, sku: &str, method: &str) {
    ok(s, pick(logon));
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
            method: method.into(),
        },
    );
    ok(s, Command::Pay(PayInput::Cod));
}

fn rows(conn: &Connection, sql: &str) -> Vec<Vec<String>> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                Ok(match r.get::<_, rusqlite::types::Value>(i)? {
                    rusqlite::types::Value::Null => "NULL".to_string(),
                    rusqlite::types::Value::Integer(v) => v.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })
            })
            .collect::<rusqlite::Result<Vec<String>>>()
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

// The store: roles and limits per currency ----------------------------------

#[test]
fn a_new_database_has_role_limits_per_currency_with_yen_in_yen() {
    let (_dir, _path, store) = demo_store();
    let op = store.limits("someone-new", Currency::USD).unwrap();
    assert_eq!(
        op,
        Limits {
            amount: dec("50.00"),
            percent: dec("15"),
            shipping_waiver: false,
            price_increase: true,
            waiver_max: Some(dec("15.00")),
        }
    );
    // Yen are yen: 5,000 JPY for an operator, not 50.
    assert_eq!(
        store.limits("someone-new", Currency::JPY).unwrap().amount,
        dec("5000")
    );
    for (cur, operator, supervisor) in [
        (Currency::EUR, "50.00", "250.00"),
        (Currency::GBP, "40.00", "200.00"),
        (Currency::CAD, "65.00", "325.00"),
        (Currency::JPY, "5000", "25000"),
    ] {
        let rows = store.limit_rows().unwrap();
        let of = |role: Role| {
            rows.iter()
                .find(|r| r.of == LimitsOf::Role(role) && r.currency == cur.code())
                .unwrap_or_else(|| panic!("no {role} limits in {cur}"))
                .limits
        };
        assert_eq!(of(Role::Operator).amount, dec(operator), "{cur}");
        assert_eq!(of(Role::Supervisor).amount, dec(supervisor), "{cur}");
        assert!(of(Role::Supervisor).shipping_waiver, "{cur}");
        assert!(!of(Role::Operator).shipping_waiver, "{cur}");
        assert!(
            of(Role::Admin).amount > of(Role::Supervisor).amount,
            "{cur}"
        );
    }
    // The login that loaded the demo data is its admin, acting as anyone.
    let me = store.operator(&os_login()).unwrap().expect("the creator");
    assert_eq!(
        (me.role, me.act_as.as_str(), me.enabled),
        (Role::Admin, "*", true)
    );
    // The settings row anyone could change no longer sets limits.
    assert_eq!(store.setting("adjust.limit_amount").unwrap(), None);
}

#[test]
fn roles_and_an_operators_own_limits_hold_per_currency() {
    let (_dir, _path, store) = demo_store();
    add_supervisors(&store);
    assert_eq!(store.role_of("sue").unwrap(), Role::Supervisor);
    assert_eq!(store.role_of("walk-in").unwrap(), Role::Operator);
    assert_eq!(
        store.limits("sue", Currency::JPY).unwrap().amount,
        dec("25000")
    );

    // Ann's own EUR limits replace her role's in EUR only.
    store
        .add_operator("ann", Role::Operator, "", "", "admin")
        .unwrap();
    let own = Limits {
        amount: dec("80.00"),
        percent: dec("20"),
        shipping_waiver: true,
        price_increase: false,
        waiver_max: None,
    };
    store
        .set_limits(
            &LimitsOf::Operator("ann".into()),
            Currency::EUR,
            &own,
            "admin",
        )
        .unwrap();
    assert_eq!(store.limits("ann", Currency::EUR).unwrap(), own);
    assert_eq!(
        store.limits("ann", Currency::USD).unwrap().amount,
        dec("50.00")
    );

    // A new role makes her a supervisor everywhere but in EUR.
    store.set_role("ann", Role::Supervisor, "admin").unwrap();
    assert_eq!(
        store.limits("ann", Currency::USD).unwrap().amount,
        dec("250.00")
    );
    assert_eq!(store.limits("ann", Currency::EUR).unwrap(), own);
    assert!(store.clear_limits("ann", Currency::EUR, "admin").unwrap());
    assert_eq!(
        store.limits("ann", Currency::EUR).unwrap().amount,
        dec("250.00")
    );

    // Disabled: nothing at all.
    store.set_enabled("ann", false, "admin").unwrap();
    assert_eq!(
        store.limits("ann", Currency::USD).unwrap(),
        Limits::default()
    );
    // The last enabled admin cannot be disabled or demoted.
    store.set_enabled("ada", false, "admin").unwrap();
    let last = store.set_role(&os_login(), Role::Operator, "admin");
    assert!(last.is_err(), "{last:?}");
    assert_eq!(store.role_of(&os_login()).unwrap(), Role::Admin);
    // Every change is audited.
    let conn = Connection::open(_path).unwrap();
    assert!(
        count(
            &conn,
            "SELECT COUNT(*) FROM audit WHERE subject = 'operator:ann' AND action LIKE 'operator.%'"
        ) >= 5
    );
}

#[test]
fn an_upgraded_database_keeps_its_limits_in_the_default_currency() {
    let (_dir, path) = crate::common::temp_db();
    {
        // A database of schema version 2: one limit for every currency.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../../schema.sql"))
            .unwrap();
        conn.execute_batch(include_str!("../../migrations/002_order_session.sql"))
            .unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 2;
             PRAGMA application_id = 1329877835;
             INSERT INTO settings (key, value) VALUES ('default_currency', 'EUR'),
                 ('adjust.limit_amount', '30.00'), ('adjust.limit_percent', '10');
             INSERT INTO operator_limits (operator, limit_amount, limit_percent)
                 VALUES ('ann', '75.00', '20');",
        )
        .unwrap();
    }
    let (store, created) = Store::open(&path, BUSY).unwrap();
    assert!(!created);
    let eur = store.limits("bob", Currency::EUR).unwrap();
    assert_eq!((eur.amount, eur.percent), (dec("30.00"), dec("10")));
    assert_eq!(
        store.limits("bob", Currency::USD).unwrap().amount,
        dec("50.00")
    );
    assert_eq!(
        store.limits("ann", Currency::EUR).unwrap(),
        Limits {
            amount: dec("75.00"),
            percent: dec("20"),
            shipping_waiver: false,
            price_increase: true,
            waiver_max: None,
        }
    );
    assert_eq!(
        store.limits("ann", Currency::USD).unwrap().amount,
        dec("50.00")
    );
    assert_eq!(store.setting("adjust.limit_amount").unwrap(), None);
    // Nobody is admin yet: the first is to be made.
    assert!(!store.has_admin().unwrap());
}

// The session: approval of an adjustment beyond the operator's limits -------

#[test]
fn an_adjustment_over_the_limit_is_refused_then_approved_with_a_supervisor_pin() {
    let (_dir, path, store) = demo_store();
    add_supervisors(&store);
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe", "SLP-1014");

    // 119.00 to 100.00: 19.00 off is 15.97 %, over the operator's 15 %.
    let r = refused(&mut s, unit_price(1, "100.00"));
    assert_eq!(r.rule, Rule::AdjustmentLimit);
    assert!(
        r.message
            .contains("19.00 off 119.00 is 15.97%, over your adjustment limit of 15%"),
        "{r:?}"
    );
    assert!(s.awaiting_approval().is_some());
    assert!(s.order().adjustments.is_empty());

    // Nobody approves their own request; a wrong PIN is refused.
    let r = refused(&mut s, approve("alice", "1234"));
    assert_eq!(r.rule, Rule::Approval);
    let r = refused(&mut s, approve("sue", "0000"));
    assert_eq!(r.rule, Rule::Approval);
    assert!(r.message.contains("wrong PIN for sue (1 of 5"), "{r:?}");
    assert!(s.order().adjustments.is_empty());

    let done = ok(&mut s, approve("sue", SUE_PIN));
    assert_eq!(done.message, "Adjustment made, approved by sue.");
    let a = &s.order().adjustments[0];
    assert_eq!(a.operator, "alice");
    assert_eq!(
        a.approval.as_ref().map(|p| p.supervisor.as_str()),
        Some("sue")
    );
    assert!(s.awaiting_approval().is_none());
    assert!(s.violations().is_empty(), "{:?}", s.violations());

    let done = ok(&mut s, Command::Submit);
    let order_no = done.placed[0].order_no;
    let conn = Connection::open(&path).unwrap();
    assert_eq!(
        rows(
            &conn,
            "SELECT kind, target, amount, operator, approved_by, approved_at,
                    (SELECT supervisor || ' for ' || operator FROM approvals p WHERE p.id = approval_id)
             FROM adjustments"
        ),
        vec![vec![
            "price_override",
            "1",
            "19.00",
            "alice",
            "sue",
            "2026-11-25T10:00:00Z",
            "sue for alice"
        ]]
    );
    let granted = rows(
        &conn,
        "SELECT operator, detail FROM audit WHERE action = 'approval.granted'",
    );
    assert_eq!(granted.len(), 1, "{granted:?}");
    assert_eq!(granted[0][0], "alice");
    assert!(
        granted[0][1].contains("asked by alice, approved by sue"),
        "{granted:?}"
    );
    let placed = rows(
        &conn,
        &format!(
            "SELECT operator, detail FROM audit WHERE action = 'adjustment.approved' AND subject = 'order:{order_no}'"
        ),
    );
    assert_eq!(placed.len(), 1, "{placed:?}");
    assert!(
        placed[0][1].contains("asked by alice, approved by sue"),
        "{placed:?}"
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM audit WHERE action = 'approval.pin_wrong'"
        ),
        1
    );
}

#[test]
fn beyond_the_supervisors_limits_too_an_admin_may_approve() {
    let (_dir, path, store) = demo_store();
    add_supervisors(&store);
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe", "SLP-1014");
    // 69.00 off 119.00 is 57.98 %: over Sue's 40 %, within Ada's 60 %.
    refused(&mut s, unit_price(1, "50.00"));
    let r = refused(&mut s, approve("sue", SUE_PIN));
    assert_eq!(r.rule, Rule::Approval);
    assert!(
        r.message.contains("beyond sue's limits too")
            && r.message.contains("over sue's adjustment limit of 40%"),
        "{r:?}"
    );
    assert!(s.awaiting_approval().is_some(), "still waiting");
    // An operator's name and PIN approve nothing.
    let r = refused(&mut s, approve("bob", "1234"));
    assert!(r.message.contains("bob is not a supervisor"), "{r:?}");
    ok(&mut s, approve("ada", ADA_PIN));
    assert_eq!(
        s.order().adjustments[0]
            .approval
            .as_ref()
            .map(|a| a.supervisor.as_str()),
        Some("ada")
    );
}

#[test]
fn an_approval_is_checked_again_at_submit_against_the_supervisor_now() {
    let (_dir, path, store) = demo_store();
    add_supervisors(&store);
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe", "SLP-1014");
    refused(&mut s, unit_price(1, "100.00"));
    ok(&mut s, approve("sue", SUE_PIN));

    // Sue's USD limit goes down to 10 %: the approved 15.97 % no longer fits.
    let me = os_login();
    let tight = Limits {
        amount: dec("250.00"),
        percent: dec("10"),
        shipping_waiver: true,
        price_increase: true,
        waiver_max: None,
    };
    store
        .set_limits(
            &LimitsOf::Operator("sue".into()),
            Currency::USD,
            &tight,
            &me,
        )
        .unwrap();
    let r = refused(&mut s, Command::Submit);
    assert_eq!(r.rule, Rule::AdjustmentLimit, "{r:?}");
    assert!(
        r.message.contains("over sue's adjustment limit of 10%"),
        "{r:?}"
    );
    store.clear_limits("sue", Currency::USD, &me).unwrap();

    // Sue is no longer a supervisor: her approval does not hold.
    store.set_role("sue", Role::Operator, &me).unwrap();
    s.refresh(true);
    let r = refused(&mut s, Command::Submit);
    assert_eq!(r.rule, Rule::Approval, "{r:?}");
    assert!(r.message.contains("sue is no longer a supervisor"), "{r:?}");
    let conn = Connection::open(&path).unwrap();
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM orders"), 0);

    store.set_role("sue", Role::Supervisor, &me).unwrap();
    s.refresh(true);
    ok(&mut s, Command::Submit);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM orders"), 1);
}

#[test]
fn five_wrong_pins_lock_the_supervisors_pin_for_fifteen_minutes() {
    let (_dir, path, store) = demo_store();
    add_supervisors(&store);
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe", "SLP-1014");
    refused(&mut s, unit_price(1, "100.00"));
    for n in 1..=4 {
        let r = refused(&mut s, approve("sue", "1111"));
        assert!(
            r.message.contains(&format!("wrong PIN for sue ({n} of 5")),
            "{r:?}"
        );
    }
    let r = refused(&mut s, approve("sue", "1111"));
    assert!(r.message.contains("lock it until 10:15 UTC"), "{r:?}");
    let conn = Connection::open(&path).unwrap();
    assert_eq!(
        rows(
            &conn,
            "SELECT pin_locked_until FROM operators WHERE login = 'sue'"
        ),
        vec![vec!["2026-11-25T10:15:00Z"]]
    );

    // The right PIN is refused while locked, without being checked.
    s.set_clock(t0() + Duration::minutes(14) + Duration::seconds(59));
    let r = refused(&mut s, approve("sue", SUE_PIN));
    assert_eq!(r.rule, Rule::Approval);
    assert!(
        r.message.contains("sue's PIN is locked until 10:15 UTC"),
        "{r:?}"
    );
    assert!(s.order().adjustments.is_empty());
    // Another supervisor is not locked by it.
    assert!(store
        .verify_supervisor_pin("ada", ADA_PIN, "alice", t0())
        .map(|c| matches!(c, orderdesk::store::operators::PinCheck::Approved { .. }))
        .unwrap());

    // Fifteen minutes on, the PIN works again.
    s.set_clock(t0() + Duration::minutes(15));
    ok(&mut s, approve("sue", SUE_PIN));
    assert_eq!(s.order().adjustments.len(), 1);
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM audit WHERE action = 'approval.pin_locked'"
        ),
        1
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM audit WHERE action = 'approval.pin_refused'"
        ),
        1
    );
}

#[test]
fn a_shipping_waiver_and_a_price_increase_are_permissions_of_their_own() {
    let (_dir, path, store) = demo_store();
    add_supervisors(&store);
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe", "SLP-1014");
    let waive = Command::Adjust {
        target: "shipment:1".into(),
        amount: Some("0.00".into()),
        unit_price: None,
        reason: "SHIP_DELAY".into(),
        net: false,
    };
    let r = refused(&mut s, waive.clone());
    assert_eq!(r.rule, Rule::AdjustmentLimit);
    assert!(
        r.message
            .contains("shipment 1: waiving shipping of 7.81 needs the shipping-waiver permission"),
        "{r:?}"
    );
    // Alice may waive shipping in USD; 0.00 is then no 100 % adjustment.
    let me = os_login();
    let mut own = store.limits("alice", Currency::USD).unwrap();
    own.shipping_waiver = true;
    own.price_increase = false;
    store
        .set_limits(
            &LimitsOf::Operator("alice".into()),
            Currency::USD,
            &own,
            &me,
        )
        .unwrap();
    ok(&mut s, waive);
    // But not raise a price, even by 1.00.
    let r = refused(&mut s, unit_price(1, "120.00"));
    assert!(
        r.message
            .contains("1.00 more: raising a price is beyond your limits"),
        "{r:?}"
    );
    // Sue may.
    ok(&mut s, approve("sue", SUE_PIN));
}

#[test]
fn a_yen_order_is_measured_in_yen() {
    let (_dir, path, _store) = demo_store();
    let mut s = session(&path, "alice");
    ready_by(&mut s, "htanaka", "TNT-2005", "INTL");
    assert_eq!(s.order().currency, Currency::JPY);
    let off = |a: &str| Command::Adjust {
        target: "subtotal".into(),
        amount: Some(a.into()),
        unit_price: None,
        reason: "GOODWILL".into(),
        net: false,
    };
    let r = refused(&mut s, off("5,001"));
    assert!(
        r.message
            .contains("5001 off is over your adjustment limit of 5000"),
        "{r:?}"
    );
    ok(&mut s, off("5,000"));
}

// The session: a disabled customer ------------------------------------------

#[test]
fn an_order_for_a_disabled_customer_needs_a_supervisors_approval() {
    let (_dir, path, store) = demo_store();
    add_supervisors(&store);
    let conn = Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE customers SET enabled = 0 WHERE logon_id = 'jsmith'",
        [],
    )
    .unwrap();
    let mut s = session(&path, "alice");
    let r = refused(&mut s, pick("jsmith"));
    assert_eq!(r.rule, Rule::CustomerDisabled);
    assert!(s.awaiting_approval().is_some());
    // Another command first: the approval is for the command refused last.
    ok(&mut s, Command::NewOrder);
    let r = refused(&mut s, approve("sue", SUE_PIN));
    assert_eq!(r.rule, Rule::NotFound);

    refused(&mut s, pick("jsmith"));
    let done = ok(&mut s, approve("sue", SUE_PIN));
    assert!(done.message.contains("approved by sue"), "{done:?}");
    ok(
        &mut s,
        Command::AddItem {
            sku: "SLP-1014".into(),
            qty: 1,
        },
    );
    ok(
        &mut s,
        Command::SetMethod {
            ship_to: 1,
            method: "GROUND".into(),
        },
    );
    ok(&mut s, Command::Pay(PayInput::Cod));
    assert!(s.violations().is_empty(), "{:?}", s.violations());
    ok(&mut s, Command::Submit);
    assert_eq!(
        rows(
            &conn,
            "SELECT p.action, p.operator, p.supervisor FROM orders o JOIN approvals p ON p.id = o.approval_id"
        ),
        vec![vec!["disabled_customer", "alice", "sue"]]
    );
}

// The session: challenge lockout ---------------------------------------------

fn verify(answer: &str) -> Command {
    Command::VerifyChallenge {
        answer: answer.into(),
    }
}

#[test]
fn five_wrong_answers_lock_stored_payment_even_when_the_sixth_is_right() {
    let (_dir, path, store) = demo_store();
    add_supervisors(&store);
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe", "SLP-1014");
    for n in 1..=4 {
        let r = refused(&mut s, verify("Max"));
        assert_eq!(r.rule, Rule::ChallengeRequired);
        assert!(r.message.contains(&format!("{n} wrong so far")), "{r:?}");
    }
    let r = refused(&mut s, verify("Max"));
    assert_eq!(r.rule, Rule::ChallengeLocked);
    assert!(r.message.contains("stored payment is locked"), "{r:?}");

    // The right answer is not accepted now, nor checked.
    let r = refused(&mut s, verify("Rex"));
    assert_eq!(r.rule, Rule::ChallengeLocked);
    assert!(s.view().verified.is_none());
    let stored = Command::Pay(PayInput::Stored {
        last4: "1111".into(),
    });
    let r = refused(&mut s, stored.clone());
    assert_eq!(r.rule, Rule::ChallengeLocked, "{r:?}");
    // Another console, another operator: locked there too.
    let mut other = session(&path, "bob");
    ok(&mut other, pick("jdoe"));
    assert_eq!(
        refused(&mut other, verify("Rex")).rule,
        Rule::ChallengeLocked
    );

    // A supervisor unlocks it; the answer given is checked then.
    refused(&mut s, verify("Rex"));
    let done = ok(&mut s, approve("sue", SUE_PIN));
    assert_eq!(
        done.message,
        "Unlocked by sue; challenge answered correctly."
    );
    assert!(s.view().verified.is_some());
    ok(&mut s, stored);

    let conn = Connection::open(&path).unwrap();
    let jdoe = count(&conn, "SELECT id FROM customers WHERE logon_id = 'jdoe'");
    let actions = rows(
        &conn,
        &format!(
            "SELECT action, COUNT(*) FROM audit WHERE subject = 'customer:{jdoe}' GROUP BY action ORDER BY action"
        ),
    );
    assert_eq!(
        actions,
        vec![
            vec!["approval.granted", "1"],
            vec!["challenge.failed", "5"],
            vec!["challenge.locked", "1"],
            vec!["challenge.passed", "1"],
            vec!["challenge.refused", "3"],
            vec!["challenge.unlocked", "1"],
        ]
    );
    let unlocked = rows(
        &conn,
        "SELECT operator, detail FROM audit WHERE action = 'challenge.unlocked'",
    );
    assert_eq!(unlocked[0][0], "alice");
    assert!(unlocked[0][1].contains("approved by sue"), "{unlocked:?}");
}

#[test]
fn a_stored_card_refused_while_locked_is_paid_with_once_unlocked() {
    let (_dir, path, store) = demo_store();
    add_supervisors(&store);
    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe", "SLP-1014");
    ok(&mut s, verify("Rex"));
    // Meanwhile another console gets five wrong answers for her.
    let mut other = session(&path, "bob");
    ok(&mut other, pick("jdoe"));
    for _ in 0..5 {
        refused(&mut other, verify("Max"));
    }
    let stored = Command::Pay(PayInput::Stored {
        last4: "1111".into(),
    });
    let r = refused(&mut s, stored);
    assert_eq!(r.rule, Rule::ChallengeLocked, "{r:?}");
    let done = ok(&mut s, approve("sue", SUE_PIN));
    assert!(
        done.message
            .starts_with("Unlocked by sue; payment: VISA ending 1111"),
        "{done:?}"
    );
    assert!(s.violations().is_empty(), "{:?}", s.violations());
    ok(&mut s, Command::Submit);
}

#[test]
fn wrong_answers_count_within_the_hour_since_the_last_right_one() {
    let (_dir, path, store) = demo_store();
    add_supervisors(&store);
    let mut s = session(&path, "alice");
    ok(&mut s, pick("jdoe"));
    for _ in 0..4 {
        refused(&mut s, verify("Max"));
    }
    // An hour and a minute later the four no longer count.
    s.set_clock(t0() + Duration::minutes(61));
    let r = refused(&mut s, verify("Max"));
    assert!(r.message.contains("1 wrong so far"), "{r:?}");
    // A right answer starts the count again.
    ok(&mut s, verify("Rex"));
    for _ in 0..4 {
        refused(&mut s, verify("Max"));
    }
    assert_eq!(refused(&mut s, verify("Max")).rule, Rule::ChallengeLocked);
    // Locked by the fifth wrong answer: unlocked, it is asked again.
    let done = ok(&mut s, approve("sue", SUE_PIN));
    assert!(
        done.message
            .contains("unlocked by sue: ask the challenge question again"),
        "{done:?}"
    );
    ok(&mut s, verify("Rex"));
}

// The real binary: who may name another operator, `operators`, play -----------

fn orderdesk(db: &Path, login: &str, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Process::new(env!("CARGO_BIN_EXE_orderdesk"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("USER", login)
        .env("LOGNAME", login)
        .env_remove("ORDERDESK_OPERATOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn answers(out: &Output) -> Vec<serde_json::Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const SCRIPT_START: &str = r#"{"cmd":"pick_customer","logon":"jdoe"}
{"cmd":"add_item","sku":"SLP-1014","qty":1}
"#;

#[test]
fn naming_another_operator_is_for_a_login_allowed_to_and_is_audited() {
    let (_dir, path, store) = demo_store();
    drop(store);
    let creator = os_login();

    // A plain login may not name another operator.
    let out = orderdesk(
        &path,
        "plain",
        &["--operator", "e2e", "play", "-"],
        SCRIPT_START,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("login plain may not act as operator e2e"),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "nothing ran");
    // Nor through the environment; as themselves they may start.
    let out = Process::new(env!("CARGO_BIN_EXE_orderdesk"))
        .arg("--db")
        .arg(&path)
        .args(["play", "-"])
        .env("USER", "plain")
        .env("ORDERDESK_OPERATOR", "e2e")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let out = orderdesk(&path, "plain", &["play", "-"], SCRIPT_START);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Only an admin adds operators: the login that created the database.
    let out = orderdesk(
        &path,
        "plain",
        &["operators", "add", "kiosk", "--act-as", "*"],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not an admin"),
        "{}",
        text(&out.stderr)
    );
    let out = orderdesk(
        &path,
        &creator,
        &["operators", "add", "kiosk", "--act-as", "*"],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = orderdesk(
        &path,
        &creator,
        &["operators", "add", "desk2", "--act-as", "ann,bob"],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The kiosk login acts as e2e; the orders and the audit say so.
    let out = orderdesk(
        &path,
        "kiosk",
        &["--operator", "e2e", "play", "-"],
        &format!("{SCRIPT_START}{{\"cmd\":\"set_method\",\"ship_to\":1,\"method\":\"GROUND\"}}\n{{\"cmd\":\"pay\",\"method\":\"cod\"}}\n{{\"cmd\":\"submit\"}}\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let a = answers(&out);
    assert_eq!(a[4]["ok"], true, "{a:?}");
    let conn = Connection::open(&path).unwrap();
    assert_eq!(
        rows(&conn, "SELECT operator FROM orders"),
        vec![vec!["e2e"]]
    );
    assert_eq!(
        rows(
            &conn,
            "SELECT operator, subject FROM audit WHERE action = 'operator.acts_as'"
        ),
        vec![vec!["e2e", "operator:kiosk"]]
    );
    // A login allowed some operators only: those.
    let out = orderdesk(&path, "desk2", &["--operator", "bob", "play", "-"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = orderdesk(&path, "desk2", &["--operator", "carl", "play", "-"], "");
    assert_eq!(out.status.code(), Some(1));

    // A disabled operator cannot start, nor be acted as.
    let out = orderdesk(&path, &creator, &["operators", "disable", "kiosk"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = orderdesk(&path, "kiosk", &["--operator", "e2e", "play", "-"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("disabled"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn operators_are_managed_from_the_command_line_and_approve_in_play() {
    let (_dir, path, store) = demo_store();
    drop(store);
    let me = os_login();
    let run = |args: &[&str], stdin: &str| {
        let out = orderdesk(&path, &me, args, stdin);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    run(
        &[
            "operators",
            "add",
            "sue",
            "--role",
            "supervisor",
            "--name",
            "Sue Park",
        ],
        "",
    );
    // The PIN comes from standard input, never the command line.
    run(&["operators", "set-pin", "sue"], "4821\n");
    run(
        &[
            "operators",
            "set-limits",
            "cli",
            "--currency",
            "JPY",
            "--amount",
            "3,000",
        ],
        "",
    );
    run(
        &[
            "operators",
            "set-limits",
            "--role",
            "operator",
            "--currency",
            "GBP",
            "--shipping-waiver",
            "yes",
        ],
        "",
    );
    let list = run(&["operators", "list"], "");
    assert!(list.contains("sue "), "{list}");
    assert!(list.contains("supervisor"), "{list}");
    assert!(
        list.lines()
            .any(|l| l.starts_with("cli ") && l.contains("JPY") && l.contains("3000")),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("role operator") && l.contains("JPY") && l.contains(" 5000")),
        "{list}"
    );
    assert!(!list.contains("4821"), "{list}");
    let bad = orderdesk(&path, &me, &["operators", "set-pin", "sue"], "12\n");
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("4 to 12 digits"),
        "{}",
        text(&bad.stderr)
    );

    // In play: the over-limit adjustment waits; approve applies it.
    let script = format!(
        "{SCRIPT_START}{}\n{}\n{}\n",
        r#"{"cmd":"adjust","target":"line:1","unit_price":"100.00","reason":"PRICE_MATCH"}"#,
        r#"{"cmd":"approve","supervisor":"sue","pin":"0000"}"#,
        r#"{"cmd":"approve","supervisor":"sue","pin":"4821"}"#,
    );
    let out = orderdesk(&path, &me, &["--operator", "cli", "play", "-"], &script);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let a = answers(&out);
    assert_eq!(a[2]["rule"], "adjustment_limit", "{:?}", a[2]);
    assert_eq!(a[2]["awaits_approval"], true, "{:?}", a[2]);
    assert_eq!(a[3]["rule"], "approval", "{:?}", a[3]);
    assert_eq!(a[4]["ok"], true, "{:?}", a[4]);
    assert_eq!(a[4]["message"], "Adjustment made, approved by sue.");
    assert!(
        !text(&out.stdout).contains("4821"),
        "the PIN is never printed"
    );
}

// The console: the approval box ----------------------------------------------

impl Desk {
    /// On the adjustments screen (F8): selects the row holding `row`,
    /// opens its form, types `amount` and applies with the first reason
    /// moved `reason_steps` (negative: up).
    fn adjust_row(&mut self, row: &str, amount: &str, reason_steps: i32) {
        self.code(KeyCode::F(8));
        for _ in 0..30 {
            self.code(KeyCode::PageUp);
        }
        let mut found = false;
        for _ in 0..30 {
            if self
                .lines()
                .iter()
                .any(|l| l.starts_with("> ") && l.contains(row))
            {
                found = true;
                break;
            }
            self.code(KeyCode::Down);
        }
        assert!(found, "no row {row}:\n{}", self.screen());
        self.code(KeyCode::Enter);
        self.press(ctrl('u'));
        self.type_text(amount);
        let k = if reason_steps < 0 {
            KeyCode::Up
        } else {
            KeyCode::Down
        };
        for _ in 0..reason_steps.unsigned_abs() {
            self.code(k);
        }
        self.code(KeyCode::Enter);
    }
}

#[test]
fn the_console_opens_an_approval_box_and_a_supervisor_approves_there() {
    let mut d = Desk::new();
    add_supervisors(d.app.session.store());
    d.pick("doe");
    d.add("SLP-1014", 1);
    d.adjust_row("Line 1 SLP-1014", "100.00", -2); // PRICE_MATCH
    let s = d.screen();
    assert!(s.contains("Supervisor approval"), "{s}");
    assert!(s.contains("over your adjustment limit of 15%"), "{s}");
    assert!(s.contains("approve (name and PIN as typed)"), "{s}");
    assert!(d.app.order().adjustments.is_empty());

    // A wrong PIN: the box stays, says so, and the PIN is never shown.
    d.type_text("sue");
    d.code(KeyCode::Tab);
    d.type_text("9999");
    assert!(!d.screen().contains("9999"), "{}", d.screen());
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains("! wrong PIN for sue (1 of 5"), "{s}");
    assert!(d.app.order().adjustments.is_empty());

    // The right one: approved, the form closes, the list names both.
    d.type_text(SUE_PIN);
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(!s.contains("Supervisor approval"), "{s}");
    assert!(s.contains("Adjustment made, approved by sue."), "{s}");
    let a = &d.app.order().adjustments[0];
    assert_eq!(
        (
            a.operator.as_str(),
            a.approval.as_ref().map(|p| p.supervisor.as_str())
        ),
        ("alice", Some("sue"))
    );

    // Esc: the refusal stands at the form, which stays open to correct.
    d.adjust_row("Amount off the subtotal", "60.00", 2); // GOODWILL
    assert!(d.screen().contains("Supervisor approval"));
    d.code(KeyCode::Esc);
    let s = d.screen();
    assert!(!s.contains("Supervisor approval"), "{s}");
    assert!(s.contains("over your adjustment limit of 50.00"), "{s}");
    d.press(ctrl('u'));
    d.type_text("10.00");
    d.code(KeyCode::Enter);
    assert_eq!(d.app.order().adjustments.len(), 2, "{}", d.screen());
}

#[test]
fn the_record_screen_challenge_locks_and_a_supervisor_unlocks_it() {
    let mut d = Desk::new();
    add_supervisors(d.app.session.store());
    d.pick("doe");
    d.code(KeyCode::F(3));
    d.press(ctrl('y'));
    for _ in 0..5 {
        d.type_text("Max");
        d.code(KeyCode::Enter);
    }
    let s = d.screen();
    assert!(s.contains("Supervisor approval"), "{s}");
    assert!(s.contains("stored payment is locked"), "{s}");
    // Esc: still locked; even the right answer is not accepted.
    d.code(KeyCode::Esc);
    d.type_text("Rex");
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(!s.contains("ending"), "cards stay hidden:\n{s}");
    assert!(s.contains("Supervisor approval"), "{s}");
    // The supervisor unlocks; the answer given (right) is checked then.
    for k in chars("sue") {
        d.press(k);
    }
    d.press(key(KeyCode::Tab));
    d.type_text(SUE_PIN);
    d.code(KeyCode::Enter);
    let s = d.screen();
    assert!(!s.contains("Supervisor approval"), "{s}");
    assert!(
        s.contains("Unlocked by sue; challenge answered correctly."),
        "{s}"
    );
    assert!(s.contains("ending"), "cards shown:\n{s}");
}

// The real console in a pseudo-terminal ---------------------------------------

#[test]
fn end_to_end_a_supervisor_approves_an_adjustment_in_the_console() {
    use crate::common::pty::{pick_customer, Term, BACKSPACE, DOWN, ENTER, TAB, TIMEOUT, UP};
    const F8: &str = "\x1b[19~";
    let (_dir, path, store) = demo_store();
    add_supervisors(&store);
    drop(store);
    // Started as the login that made the database, acting as e2e.
    let mut t = Term::spawn(&path, 24, 80, &[]);
    pick_customer(&mut t, "doe", "Doe, Jane");
    t.send("SLP-1014");
    t.wait_for("> SLP-1014", TIMEOUT);
    t.send(TAB);
    t.send(&format!("{BACKSPACE}1"));
    t.send(ENTER);
    t.wait_for("Added 1 x SLP-1014", TIMEOUT);

    t.send(F8);
    t.wait_for("Adjustments — discounts", TIMEOUT);
    let list = t.wait_rows("the line's row", TIMEOUT, |rows| {
        rows.iter().any(|r| r.contains("Line 1 SLP-1014"))
            && rows.iter().any(|r| r.starts_with("> "))
    });
    let target = list
        .iter()
        .position(|r| r.contains("Line 1 SLP-1014"))
        .unwrap();
    let at = list.iter().position(|r| r.starts_with("> ")).unwrap();
    for _ in 0..target.abs_diff(at) {
        t.send(if target > at { DOWN } else { UP });
    }
    t.wait_rows("the line selected", TIMEOUT, |rows| {
        rows.iter()
            .any(|r| r.starts_with("> ") && r.contains("Line 1 SLP-1014"))
    });
    t.send(ENTER);
    t.wait_for("Your limit", TIMEOUT);
    t.send("100.00");
    for _ in 0..10 {
        if t.rows()
            .iter()
            .any(|r| r.starts_with(" Reason") && r.contains("< PRICE_MATCH "))
        {
            break;
        }
        let before = t.rows();
        t.send(DOWN);
        t.wait_rows("the reason to change", TIMEOUT, |rows| *rows != before);
    }
    t.send(ENTER);
    let s = t.wait_for("Supervisor approval", TIMEOUT);
    assert!(s.contains("over your adjustment limit of 15%"), "{s}");

    t.send("sue");
    t.send(TAB);
    t.send("1234");
    t.send(ENTER);
    let s = t.wait_for("wrong PIN for sue (1 of 5", TIMEOUT);
    assert!(!s.contains("1234"), "the PIN is not shown:\n{s}");
    t.send(SUE_PIN);
    t.send(ENTER);
    let s = t.wait_for("Adjustment made, approved by sue.", TIMEOUT);
    assert!(!s.contains("Supervisor approval"), "{s}");
    assert!(s.contains("(PRICE_MATCH, e2e)"), "{s}");

    t.send("\x03");
    t.wait_for("Quit orderdesk?", TIMEOUT);
    t.send("y");
    assert!(t.wait_exit(TIMEOUT).success());
    // The draft keeps the approval with the adjustment; the audit has it.
    let conn = Connection::open(&path).unwrap();
    let draft: String = conn
        .query_row("SELECT data FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert!(draft.contains("\"supervisor\":\"sue\""), "{draft}");
    assert_eq!(
        rows(
            &conn,
            "SELECT operator FROM audit WHERE action = 'approval.granted'"
        ),
        vec![vec!["e2e"]]
    );
}
