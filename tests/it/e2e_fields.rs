//! End to end, typed quantity fields in the real binary (docs/design.md,
//! section 9): in a pseudo-terminal, a `2` typed into the catalog's
//! prefilled Qty adds 2 — on the cart screen and, once the order is placed,
//! in what `orderdesk export` reads back — and `123456` is refused at the
//! sixth key, its message shown whole, and nothing is added.

use crate::common::pty::{
    fresh_db, pick_customer, status_line, wait_status, Term, BACKSPACE, CTRL_U, ENTER, F6, F9, TAB,
    TIMEOUT,
};
use std::path::Path;
use std::process::Command;

const F5: &str = "\x1b[15~";
const TOO_LONG: &str = "! Quantity: 5 digits at most";

/// The row holding `text`, if one does.
fn row_with(rows: &[String], text: &str) -> Option<String> {
    rows.iter().find(|r| r.contains(text)).cloned()
}

/// The cart's rows for `sku`: whitespace-separated words of the line.
fn cart_words(rows: &[String], sku: &str) -> Vec<String> {
    rows.iter()
        .find(|r| r.get(2..).is_some_and(|rest| rest.starts_with(sku)))
        .map(|r| r.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

fn export(db: &Path, order_no: i64) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .arg("--db")
        .arg(db)
        .args(["export", &order_no.to_string()])
        .output()
        .expect("orderdesk export runs");
    assert!(
        out.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("export writes JSON")
}

#[test]
fn quantity_2_typed_over_the_prefilled_1_is_what_is_ordered_and_stored() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    pick_customer(&mut t, "doe", "Doe, Jane");
    t.send("TNT-2001");
    t.wait_for("> TNT-2001", TIMEOUT);
    // Tab to the prefilled Qty 1 and type 2: it replaces the 1.
    t.send(TAB);
    t.send("2");
    let rows = t.wait_rows("Qty 2", TIMEOUT, |rows| {
        row_with(rows, ">Qty").is_some_and(|r| r.contains("2_"))
    });
    let qty = row_with(&rows, ">Qty").unwrap_or_default();
    assert!(!qty.contains("12"), "{qty}");
    t.send(ENTER);
    wait_status(&t, "Added 2 x TNT-2001");

    // 123456 in the quantity (after an add the search has the keys): the
    // sixth key is refused on the spot, the message whole.
    t.send(TAB);
    t.send("123456");
    let rows = wait_status(&t, TOO_LONG);
    assert_eq!(status_line(&rows), TOO_LONG);
    let qty = row_with(&rows, ">Qty").unwrap_or_default();
    assert!(qty.contains("12345") && !qty.contains("123456"), "{qty}");
    // Enter adds nothing while the refusal stands.
    t.send(ENTER);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let rows = wait_status(&t, TOO_LONG);
    assert!(
        !rows.iter().any(|r| r.contains("Added 12345")),
        "{}",
        rows.join("\n")
    );
    // Edited, the message goes.
    t.send(BACKSPACE);
    t.wait_rows("the status line cleared", TIMEOUT, |rows| {
        status_line(rows).is_empty()
    });
    t.send(CTRL_U);

    // The cart shows one line of 2.
    t.send(F5);
    let rows = t.wait_rows("the cart's line", TIMEOUT, |rows| {
        !cart_words(rows, "TNT-2001").is_empty()
    });
    assert!(
        rows.iter().any(|r| r.contains("Cart — 1 line,")),
        "{}",
        rows.join("\n")
    );
    let words = cart_words(&rows, "TNT-2001");
    assert!(words.contains(&"2".to_string()), "{words:?}");
    assert!(!words.iter().any(|w| w.starts_with("1234")), "{words:?}");

    // Placed: shipping, a card, submit.
    t.send(F6);
    t.wait_for("Fulfillment", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Method for ship-to 1", TIMEOUT);
    t.send(ENTER);
    wait_status(&t, "Ship-to 1: GROUND");
    crate::common::pty::payment_list(&mut t);
    t.wait_for("> New card", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Card number", TIMEOUT);
    t.send("4111111111111111");
    t.send(TAB);
    t.send("12/2030");
    t.send(TAB);
    t.send("123");
    t.send(ENTER);
    wait_status(&t, "Payment: VISA ending 1111");
    t.send(F9);
    t.wait_for("Review", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Order number", TIMEOUT);

    let conn = rusqlite::Connection::open(&db).expect("the database");
    let order_no: i64 = conn
        .query_row("SELECT order_no FROM orders", [], |r| r.get(0))
        .expect("one order");
    let order = export(&db, order_no);
    let lines = order["lines"].as_array().cloned().unwrap_or_default();
    assert_eq!(lines.len(), 1, "{order}");
    assert_eq!(lines[0]["sku"], "TNT-2001", "{order}");
    assert_eq!(lines[0]["quantity"], 2, "{order}");
}
