//! A call about an order already placed, end to end: the real binary in a
//! pseudo-terminal. An order placed by `orderdesk play` is found on the
//! Orders screen (F10) by its number; a line is added, the ship-to moved
//! to another street, a line cancelled and the changes confirmed with a
//! reason; the new total read on screen is the one `orderdesk export`
//! prints, with its lines, address and history. Then the order is held
//! and released, its status on screen and in the export alike; ^J is
//! F10's twin (docs/design.md, sections 10 and 14).

use crate::common::pty::{fresh_db, status_line, Term, CTRL_C, ENTER, F2, TIMEOUT};
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::str::FromStr;

const F10: &str = "\x1b[21~";
const CTRL_J: &str = "\x0a";

fn orderdesk(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .arg("--db")
        .arg(db)
        .args(["--operator", "e2e"])
        .args(args)
        .output()
        .unwrap()
}

/// Jane Doe's order of two tents by Ground, cash on delivery, placed by a
/// script; its number.
fn place(db: &Path) -> i64 {
    let script = db.with_file_name("place.jsonl");
    std::fs::write(
        &script,
        r#"{"cmd":"pick_customer","logon":"jdoe"}
{"cmd":"add_item","sku":"TNT-2001","qty":2}
{"cmd":"set_method","ship_to":1,"method":"GROUND"}
{"cmd":"pay","method":"cod"}
{"cmd":"submit"}
"#,
    )
    .unwrap();
    let out = orderdesk(db, &["play", script.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    last["orders"][0]
        .as_i64()
        .unwrap_or_else(|| panic!("not placed: {text}"))
}

fn export(db: &Path, no: i64) -> Value {
    let out = orderdesk(db, &["export", &no.to_string()]);
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn money(text: &str) -> Decimal {
    Decimal::from_str(&text.replace(',', "")).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// The rows of the view's section `heading`, up to the next heading.
fn section<'a>(rows: &'a [String], heading: &str) -> Vec<&'a str> {
    let Some(at) = rows.iter().position(|r| r.trim_end() == heading) else {
        return Vec::new();
    };
    rows[at + 1..]
        .iter()
        .take_while(|r| r.starts_with("  "))
        .map(|r| r.trim_end())
        .collect()
}

/// "version 2 · total 123.45 USD": the version and the total shown.
fn version_and_total(rows: &[String]) -> (i64, Decimal) {
    let row = rows
        .iter()
        .find(|r| r.starts_with("Placed "))
        .unwrap_or_else(|| panic!("no summary row:\n{}", rows.join("\n")));
    let after = |word: &str| {
        row.split(word)
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no {word} in {row:?}"))
            .to_string()
    };
    (after("version ").parse().unwrap(), money(&after("total ")))
}

#[test]
fn find_change_confirm_hold_and_release_an_order_by_keys() {
    let (_dir, db) = fresh_db();
    let no = place(&db);
    let placed = export(&db, no);
    let mut t = Term::spawn(&db, 24, 80, &[]);
    t.wait_for("recent customers", TIMEOUT);

    // F10, the number, Enter finds it, Enter opens it.
    t.send(F10);
    t.wait_for("Find orders", TIMEOUT);
    t.send(&no.to_string());
    t.send(ENTER);
    t.wait_for(&format!("> {no}"), TIMEOUT);
    t.send(ENTER);
    let rows = t.wait_rows("the order", TIMEOUT, |rows| {
        rows.iter()
            .any(|r| r.starts_with(&format!("Order {no} — Jane Doe — placed")))
    });
    let (version, total) = version_and_total(&rows);
    assert_eq!(version, 1);
    assert_eq!(total, money(placed["grand_total"].as_str().unwrap()));

    // a: a headlamp, to ship-to 1 (prefilled), one (prefilled).
    t.send("a");
    t.wait_for("Add a line", TIMEOUT);
    t.send("LGT-1002");
    t.send(ENTER);
    t.wait_for("LGT-1002 Beacon 900 Headlamp ×1: added", TIMEOUT);
    // s: the street is selected; typing replaces it.
    t.send("s");
    t.wait_for("New address of ship-to 1", TIMEOUT);
    t.send("77 Lake Road");
    t.send(ENTER);
    t.wait_for("→ Jane", TIMEOUT);
    // x: the tents' line, number 1.
    t.send("x");
    t.wait_for("Cancel a line", TIMEOUT);
    t.send("1");
    t.send(ENTER);
    let rows = t.wait_rows("three changes waiting", TIMEOUT, |rows| {
        rows.iter()
            .any(|r| r.starts_with("3 changes not confirmed: "))
    });
    let waiting = rows
        .iter()
        .find(|r| r.starts_with("3 changes not confirmed: "))
        .unwrap()
        .trim_end()
        .to_string();
    let shown_new_total = money(waiting.rsplit("new total ").next().unwrap());

    // Enter asks why; Enter again confirms.
    t.send(ENTER);
    t.wait_for("why does the order change?", TIMEOUT);
    t.send("customer moved, wants a headlamp instead");
    t.send(ENTER);
    let rows = t.wait_rows("the change confirmed", TIMEOUT, |rows| {
        status_line(rows).starts_with(&format!("Order {no} changed: "))
    });
    let stored = export(&db, no);
    let (version, total) = version_and_total(&rows);
    assert_eq!(version, 2);
    assert_eq!(total, money(stored["grand_total"].as_str().unwrap()));
    assert_eq!(
        total, shown_new_total,
        "the difference shown before was right"
    );
    assert!(
        status_line(&rows).ends_with(&format!(
            "new total {}",
            stored["grand_total"].as_str().unwrap()
        )),
        "{}",
        status_line(&rows)
    );
    // The lines on screen are the lines stored.
    let lines = section(&rows, "Lines");
    let stored_lines = stored["lines"].as_array().unwrap();
    assert_eq!(lines.len(), stored_lines.len(), "{lines:?}\n{stored}");
    for (row, l) in lines.iter().zip(stored_lines) {
        let sku = l["sku"].as_str().unwrap();
        let qty = l["quantity"].as_i64().unwrap();
        assert!(row.contains(sku), "{row} vs {l}");
        assert!(row.contains(&format!(" {qty} x ")), "{row} vs {l}");
    }
    assert_eq!(stored_lines[0]["sku"], "LGT-1002");
    assert_eq!(stored["ship_tos"][0]["address"]["line1"], "77 Lake Road");
    assert!(
        rows.iter()
            .any(|r| r.starts_with("Ship-to 1 by GROUND: Jane Doe, 77 Lake Road")),
        "{}",
        rows.join("\n")
    );
    let event = &stored["history"][0];
    assert_eq!(event["action"], "changed");
    assert_eq!(event["operator"], "e2e");
    assert_eq!(event["reason"], "customer moved, wants a headlamp instead");
    assert!(
        rows.iter()
            .any(|r| r.contains("e2e changed (customer moved, wants a headlamp")),
        "{}",
        rows.join("\n")
    );

    // h: the first reason; the order is held, here and stored.
    t.send("h");
    t.wait_for("Hold the order: the reason", TIMEOUT);
    t.send(ENTER);
    t.wait_rows("held", TIMEOUT, |rows| {
        rows[2].starts_with(&format!("Order {no} — Jane Doe — held"))
    });
    let held = export(&db, no);
    assert_eq!(held["status"], "held");
    assert_eq!(held["history"][1]["reason"], "customer_request");
    // r: why the hold is lifted; placed again, here and stored.
    t.send("r");
    t.wait_for("Release the hold: why?", TIMEOUT);
    t.send("customer called back");
    t.send(ENTER);
    let rows = t.wait_rows("released", TIMEOUT, |rows| {
        rows[2].starts_with(&format!("Order {no} — Jane Doe — placed"))
            && status_line(rows).contains("released from hold")
    });
    assert!(rows
        .iter()
        .any(|r| r.contains("hold released (customer called back)")));
    let released = export(&db, no);
    assert_eq!(released["status"], "placed");
    assert_eq!(released["history"][2]["action"], "hold_released");

    // ^J, F10's twin, from another screen: the order is still open.
    t.send(F2);
    t.wait_for("Find customer", TIMEOUT);
    t.send(CTRL_J);
    t.wait_rows("the order again", TIMEOUT, |rows| {
        rows[2].starts_with(&format!("Order {no} — Jane Doe — placed"))
    });

    t.send(CTRL_C);
    t.wait_for("Quit orderdesk?", TIMEOUT);
    t.send("y");
    assert!(t.wait_exit(TIMEOUT).success());
}
