//! Waiving a shipment's charge (docs/design.md, sections 5 and 13): a
//! permission of its own with its own limit per role or operator and
//! currency (the largest charge waived), not a 100 % adjustment; beyond it a
//! supervisor approves, measured against their waiver.

use crate::common::demo_store;
use crate::common::desk::Desk;
use crate::coupons::{ok, ready, refused, session};
use crossterm::event::KeyCode;
use orderdesk::domain::money::Currency;
use orderdesk::domain::operator::Role;
use orderdesk::domain::rules::Rule;
use orderdesk::session::{Command, Pin};
use orderdesk::store::operators::{os_login, LimitsOf};
use rust_decimal::Decimal;
use std::str::FromStr;

fn waive(shipment: usize) -> Command {
    Command::Adjust {
        target: format!("shipment:{shipment}"),
        amount: Some("0".into()),
        unit_price: None,
        reason: "SHIP_DELAY".into(),
        net: false,
    }
}

/// Alice (operator role) may waive shipping in USD up to 5.00: Jane Doe's
/// Ground charge of 7.81 is more, refused naming her waiver limit; Sue, a
/// supervisor (waiver for any charge), approves it. The operator list
/// shows each waiver.
#[test]
fn a_waiver_over_the_operators_limit_needs_a_supervisor() {
    let (_dir, path, store) = demo_store();
    let me = os_login();
    store
        .add_operator("sue", Role::Supervisor, "Sue Park", "", &me)
        .unwrap();
    store.set_pin("sue", "4821", &me).unwrap();
    let mut limits = store.limits("alice", Currency::USD).unwrap();
    assert_eq!(
        (limits.shipping_waiver, limits.waiver_max),
        (false, Some(Decimal::from_str("15.00").unwrap())),
        "the operator role: no waiver, 15.00 once granted"
    );
    limits.shipping_waiver = true;
    limits.waiver_max = Some(Decimal::from_str("5.00").unwrap());
    store
        .set_limits(
            &LimitsOf::Operator("alice".into()),
            Currency::USD,
            &limits,
            &me,
        )
        .unwrap();

    let mut s = session(&path, "alice");
    ready(&mut s, "jdoe", "SLP-1014");
    let r = refused(&mut s, waive(1));
    assert_eq!(r.rule, Rule::AdjustmentLimit);
    assert!(
        r.message
            .contains("shipment 1: waiving 7.81 is over your shipping-waiver limit of 5.00"),
        "{r:?}"
    );
    assert!(s.order().adjustments.is_empty());
    ok(
        &mut s,
        Command::Approve {
            supervisor: "sue".into(),
            pin: Pin("4821".into()),
        },
    );
    let a = &s.order().adjustments[0];
    assert_eq!(
        a.approval.as_ref().map(|p| p.supervisor.as_str()),
        Some("sue")
    );
    assert_eq!(s.quote().breakdown.shipping_total, Decimal::ZERO);
    ok(&mut s, Command::Submit);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .arg("--db")
        .arg(&path)
        .args(["operators", "list"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    let row = |who: &str| {
        list.lines()
            .find(|l| l.starts_with(who) && l.contains(" USD "))
            .unwrap_or_else(|| panic!("no USD row of {who}:\n{list}"))
            .to_string()
    };
    assert!(row("alice").contains("up to 5.00"), "{list}");
    assert!(row("role operator").contains(" no "), "{list}");
    assert!(row("role supervisor").contains(" yes "), "{list}");
}

/// The waiver at 80x24: F8, a shipment's row, `w`: the charge and what it
/// becomes, the reason, whose waiver it is (alice's operator role has
/// none: a supervisor approves); Enter applies, Esc cancels.
#[test]
fn render_the_waiver_form_at_80x24() {
    let mut d = Desk::new();
    d.pick("doe");
    d.add("SLP-1014", 1);
    d.code(KeyCode::F(6));
    d.code(KeyCode::Enter);
    d.code(KeyCode::Enter);
    d.code(KeyCode::F(8));
    for _ in 0..20 {
        if d.lines().iter().any(|l| l.starts_with("> Shipping #1")) {
            break;
        }
        d.code(KeyCode::Down);
    }
    assert!(
        d.app.bindings().iter().any(|b| b.label == "Waive shipping"),
        "{}",
        d.screen()
    );
    d.type_text("w");
    let s = d.screen();
    assert!(
        s.contains("Waive the shipping charge of shipment #1 (7.81 → 0.00)"),
        "{s}"
    );
    assert!(d.app.bindings().iter().any(|b| b.label == "Apply"));
    insta::assert_snapshot!("waiver_form", s);
    // Typing does not put an amount in: the waiver has none.
    d.type_text("5");
    assert_eq!(d.screen(), s);
    d.code(KeyCode::Esc);
    assert!(!d.screen().contains("Waive the shipping charge"));
    assert!(d.app.order().adjustments.is_empty());
}
