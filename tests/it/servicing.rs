//! Servicing placed orders through the session (src/session/servicing.rs)
//! on a real SQLite file: changes re-quoted and confirmed, two operators
//! on one order (the second keeps what they typed), finding orders, and
//! the rules a change must still meet.

use crate::common::{demo_store, today};
use orderdesk::domain::order_change::Change;
use orderdesk::domain::rules::Rule;
use orderdesk::session::servicing::OrderSearch;
use orderdesk::session::{Command, PayInput, Session};
use orderdesk::store::Store;
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

/// Places jdoe's order of `lines` by Ground, cash on delivery; returns its number.
fn place(path: &Path, lines: &[(&str, u32)], amount_off: Option<&str>) -> i64 {
    let mut s = session(path, "alice");
    ok(
        &mut s,
        Command::PickCustomer {
            id: None,
            logon: Some("jdoe".into()),
        },
    );
    for (sku, qty) in lines {
        ok(
            &mut s,
            Command::AddItem {
                sku: sku.to_string(),
                qty: *qty,
            },
        );
    }
    ok(
        &mut s,
        Command::SetMethod {
            ship_to: 1,
            method: "GROUND".into(),
        },
    );
    ok(&mut s, Command::Pay(PayInput::Cod));
    if let Some(amount) = amount_off {
        ok(
            &mut s,
            Command::Adjust {
                target: "subtotal".into(),
                amount: Some(amount.into()),
                unit_price: None,
                reason: "GOODWILL".into(),
                net: false,
            },
        );
    }
    let done = s.apply(Command::Submit).expect("placed");
    done.placed[0].order_no
}

fn export(path: &Path, order_no: i64) -> Value {
    let (store, _) = Store::open(path, crate::common::BUSY).unwrap();
    store.export_order(order_no).unwrap().expect("stored")
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().expect("a decimal string")).unwrap()
}

#[test]
fn a_change_shows_its_difference_first_and_stores_exactly_that() {
    let (_dir, path, _store) = demo_store();
    let no = place(&path, &[("TNT-2001", 2)], None);
    let before = dec(&export(&path, no)["grand_total"]);
    let mut s = session(&path, "alice");
    s.open_order(no).unwrap();
    let said = s
        .change_order(Change::Quantity {
            line: 0,
            quantity: 3,
        })
        .unwrap();
    assert!(
        said.contains("TNT-2001") && said.contains("2 → 3"),
        "{said}"
    );
    let case = s.case().unwrap();
    let shown = case.preview.as_ref().unwrap().total();
    assert!(shown > before);
    assert!(case.difference().unwrap().starts_with('+'), "{said}");
    // Nothing is written until it is confirmed, and not without a reason.
    assert_eq!(dec(&export(&path, no)["grand_total"]), before);
    assert_eq!(s.confirm_changes(" ").unwrap_err().rule, Rule::InvalidInput);
    let said = s.confirm_changes("customer wants one more").unwrap();
    assert!(said.contains(&format!("Order {no} changed: +")), "{said}");
    let stored = export(&path, no);
    assert_eq!(dec(&stored["grand_total"]), shown, "stored as shown");
    assert_eq!(stored["lines"][0]["quantity"], 3);
    assert_eq!(stored["version"], 2);
    let event = &stored["history"][0];
    assert_eq!(event["action"], "changed");
    assert_eq!(event["operator"], "alice");
    assert_eq!(event["reason"], "customer wants one more");
    let detail = event["detail"].as_str().unwrap();
    assert!(
        detail.contains("quantity 2 → 3") && detail.contains("new total"),
        "{detail}"
    );
    // The reservation moved with the quantity, in the same transaction.
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert!(crate::common::consistency_problems(&conn).is_empty());
    // The case is the new version, with nothing pending.
    let case = s.case().unwrap();
    assert_eq!((case.stored.version, case.changes.len()), (2, 0));
}

#[test]
fn the_second_operator_is_told_what_changed_and_keeps_their_change() {
    let (_dir, path, _store) = demo_store();
    let no = place(&path, &[("TNT-2001", 2)], None);
    let mut alice = session(&path, "alice");
    let mut bob = session(&path, "bob");
    alice.open_order(no).unwrap();
    bob.open_order(no).unwrap();
    alice
        .change_order(Change::Quantity {
            line: 0,
            quantity: 1,
        })
        .unwrap();
    bob.add_to_order("LGT-1002", 1, 0).unwrap();
    alice.confirm_changes("one tent is enough").unwrap();
    let r = bob.confirm_changes("add a lantern").unwrap_err();
    assert!(
        r.message.contains("changed since you opened it") && r.message.contains("alice changed"),
        "{r:?}"
    );
    assert!(r.message.contains("kept"), "{r:?}");
    // Bob's lantern waits on the new version; confirming again writes it.
    let case = bob.case().unwrap();
    assert_eq!((case.stored.version, case.changes.len()), (2, 1));
    bob.confirm_changes("add a lantern").unwrap();
    let stored = export(&path, no);
    let skus: Vec<(&str, i64)> = (stored["lines"].as_array().unwrap().iter())
        .map(|l| (l["sku"].as_str().unwrap(), l["quantity"].as_i64().unwrap()))
        .collect();
    assert_eq!(skus, vec![("TNT-2001", 1), ("LGT-1002", 1)]);
    assert_eq!(stored["history"].as_array().unwrap().len(), 2);
}

#[test]
fn a_change_is_held_to_the_limits_of_whoever_made_the_adjustments() {
    let (_dir, path, _store) = demo_store();
    // 50.00 off is within alice's limits on three tents and a bag…
    let no = place(&path, &[("TNT-2001", 3), ("SLP-1014", 1)], Some("50.00"));
    let mut s = session(&path, "alice");
    s.open_order(no).unwrap();
    s.change_order(Change::Remove { line: 0 }).unwrap();
    // …and not on the bag alone: the change is refused, nothing written.
    let r = s.confirm_changes("no tents").unwrap_err();
    assert_eq!(r.rule, Rule::AdjustmentLimit, "{r:?}");
    assert!(r.message.starts_with("not changed"), "{r:?}");
    assert_eq!(export(&path, no)["lines"].as_array().unwrap().len(), 2);
    assert_eq!(export(&path, no)["version"], 1);
}

#[test]
fn status_actions_follow_the_lifecycle_and_refuse_with_the_reason() {
    let (_dir, path, _store) = demo_store();
    let no = place(&path, &[("TNT-2001", 1)], None);
    let mut s = session(&path, "alice");
    s.open_order(no).unwrap();
    assert!(s
        .hold_order("no such reason")
        .unwrap_err()
        .message
        .contains("payment"));
    s.hold_order("payment").unwrap();
    assert_eq!(export(&path, no)["status"], "held");
    assert!(s
        .hold_order("payment")
        .unwrap_err()
        .message
        .contains("on hold already"));
    s.release_hold("card checked").unwrap();
    assert_eq!(export(&path, no)["status"], "placed");
    s.cancel_order("duplicate").unwrap();
    let stored = export(&path, no);
    assert_eq!(stored["status"], "cancelled");
    assert_eq!(stored["shipments"][0]["status"], "cancelled");
    let r = s
        .change_order(Change::Quantity {
            line: 0,
            quantity: 2,
        })
        .unwrap_err();
    assert!(r.message.contains("the order is cancelled"), "{r:?}");
    let actions: Vec<&str> = (stored["history"].as_array().unwrap().iter())
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["held", "hold_released", "cancelled"]);
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert!(crate::common::consistency_problems(&conn).is_empty());
}

#[test]
fn orders_are_found_by_number_customer_phone_dates_and_status() {
    let (_dir, path, _store) = demo_store();
    let first = place(&path, &[("TNT-2001", 1)], None);
    let second = place(&path, &[("LGT-1002", 1)], None);
    let s = session(&path, "alice");
    let numbers = |q: OrderSearch| -> Vec<i64> {
        s.find_orders(&q)
            .unwrap()
            .iter()
            .map(|o| o.order_no)
            .collect()
    };
    assert_eq!(
        numbers(OrderSearch {
            order_no: first.to_string(),
            ..OrderSearch::default()
        }),
        vec![first]
    );
    let newest_first = vec![second, first];
    assert_eq!(
        numbers(OrderSearch {
            last_name: "doe".into(),
            ..OrderSearch::default()
        }),
        newest_first
    );
    let phone = export(&path, first)["customer"]["phone"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        numbers(OrderSearch {
            phone,
            ..OrderSearch::default()
        }),
        newest_first
    );
    // Dates are those of placed_at (the clock's, in UTC).
    let placed = export(&path, first)["placed_at"]
        .as_str()
        .unwrap()
        .to_string();
    let day = placed[..10].to_string();
    assert_eq!(
        numbers(OrderSearch {
            from: day.clone(),
            to: day.clone(),
            status: "placed".into(),
            ..OrderSearch::default()
        }),
        newest_first
    );
    assert!(numbers(OrderSearch {
        status: "shipped".into(),
        ..OrderSearch::default()
    })
    .is_empty());
    assert!(numbers(OrderSearch {
        last_name: "nosuchname".into(),
        ..OrderSearch::default()
    })
    .is_empty());
    let bad = |q: OrderSearch| s.find_orders(&q).unwrap_err().message;
    assert!(bad(OrderSearch {
        from: "2026-13-01".into(),
        ..OrderSearch::default()
    })
    .contains("YYYY-MM-DD"));
    assert!(bad(OrderSearch {
        order_no: "10x".into(),
        ..OrderSearch::default()
    })
    .contains("digits only"));
    assert!(bad(OrderSearch {
        from: day.clone(),
        to: "2020-01-01".into(),
        ..OrderSearch::default()
    })
    .contains("after"));
    let found = s
        .find_orders(&OrderSearch {
            order_no: first.to_string(),
            ..OrderSearch::default()
        })
        .unwrap();
    assert_eq!(found[0].customer, "Jane Doe");
    let ships = today().format("%Y-%m-%d").to_string();
    assert_eq!(found[0].next_ship.as_deref(), Some(ships.as_str()));
}

/// `orderdesk play` on a script, as operator `cli`: one JSON value per answer.
fn play(db: &Path, script: &str) -> Vec<Value> {
    let file = db.with_file_name("servicing.jsonl");
    std::fs::write(&file, script).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .args(["--db", db.to_str().unwrap(), "--operator", "cli", "play"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

#[test]
fn a_script_services_an_order_as_the_console_does() {
    let (_dir, path, _store) = demo_store();
    let no = place(&path, &[("TNT-2001", 2)], None);
    let answers = play(
        &path,
        &format!(
            r#"{{"cmd":"open_order","order_no":{no}}}
{{"cmd":"order_quantity","line":1,"qty":3}}
{{"cmd":"order_add_item","sku":"LGT-1002","qty":1}}
{{"cmd":"order_remove_line","line":9}}
{{"cmd":"confirm_changes","reason":"phoned back"}}
{{"cmd":"hold_order","reason":"address"}}
{{"cmd":"release_hold","reason":"address confirmed"}}
{{"cmd":"cancel_order","reason":"not a reason"}}"#
        ),
    );
    let ok: Vec<bool> = answers.iter().map(|a| a["ok"] == true).collect();
    assert_eq!(
        ok,
        [true, true, true, false, true, true, true, false],
        "{answers:#?}"
    );
    assert_eq!(answers[2]["pending"], 2);
    let shown = answers[2]["difference"].as_str().unwrap().to_string();
    assert!(answers[3]["message"]
        .as_str()
        .unwrap()
        .contains("no line 9"));
    let stored = export(&path, no);
    // What the script was shown is what is stored.
    assert!(
        shown.ends_with(&format!(
            "new total {}",
            stored["grand_total"].as_str().unwrap()
        )),
        "{shown} vs {}",
        stored["grand_total"]
    );
    assert_eq!(answers[4]["total"], stored["grand_total"]);
    assert_eq!(stored["status"], "placed");
    assert_eq!(stored["version"], 4);
    assert!(answers[7]["message"]
        .as_str()
        .unwrap()
        .contains("customer_request"));
    let history: Vec<(&str, &str)> = (stored["history"].as_array().unwrap().iter())
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["operator"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            ("changed", "cli"),
            ("held", "cli"),
            ("hold_released", "cli")
        ]
    );
}
