//! End to end, the order session's rules where they once let an order
//! through: the real binary, driven by keys in a pseudo-terminal (asserting
//! on the screen) or by `orderdesk play` (asserting on its JSON answers),
//! and the database it wrote. Each test is one reproduction; every one of
//! them must now be refused, or handled, as the operator is told.

use crate::common::pty::{
    add_item, fresh_db, pick_customer, status_line, wait_status, Term, BACKSPACE, DOWN, ENTER, F6,
    F9, TAB, TIMEOUT, UP,
};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const F5: &str = "\x1b[15~";
const F8: &str = "\x1b[19~";
const DELETE: &str = "\x1b[3~";
const CARD: &str = "4111111111111111";

/// Jane Doe's stored card and the answer to her challenge question
/// (assets/customers.json).
const STORED_LAST4: &str = "1111";
const CHALLENGE_ANSWER: &str = "Rex";

// ---- the console in a pseudo-terminal ----

/// F6: the first (default) method for ship-to 1.
fn ship_ground(t: &mut Term) {
    t.send(F6);
    t.wait_for("Fulfillment", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Method for ship-to 1", TIMEOUT);
    t.send(ENTER);
    wait_status(t, "Ship-to 1: GROUND");
}

/// F7: a new card typed in.
fn pay_card(t: &mut Term) {
    crate::common::pty::payment_list(t);
    t.wait_for("New card", TIMEOUT);
    select_row(t, "New card");
    t.send(ENTER);
    t.wait_for("Card number", TIMEOUT);
    t.send(CARD);
    t.send(TAB);
    t.send("12/30");
    t.send(TAB);
    t.send("123");
    t.send(ENTER);
    wait_status(t, "Payment: VISA ending 1111");
}

/// Moves the list's marker to the row holding `text`.
fn select_row(t: &mut Term, text: &str) {
    let rows = t.wait_rows(&format!("a list row with {text:?}"), TIMEOUT, |rows| {
        rows.iter().any(|r| r.contains(text)) && rows.iter().any(|r| r.starts_with("> "))
    });
    let target = rows.iter().position(|r| r.contains(text)).unwrap();
    let at = rows.iter().position(|r| r.starts_with("> ")).unwrap();
    let key = if target > at { DOWN } else { UP };
    for _ in 0..target.abs_diff(at) {
        t.send(key);
    }
    t.wait_rows(&format!("{text:?} selected"), TIMEOUT, |rows| {
        rows.iter().any(|r| r.starts_with("> ") && r.contains(text))
    });
}

/// On the adjustments screen: opens the form of the row holding `row`,
/// types `amount`, steps the reason (↓) to `reason`, applies; waits for
/// the list to show `shown`.
fn adjust(t: &mut Term, row: &str, amount: &str, reason: &str, shown: &str) {
    select_row(t, row);
    t.send(ENTER);
    t.wait_for("Your limit", TIMEOUT);
    t.send(amount);
    t.wait_for(amount, TIMEOUT);
    let mut steps = 0;
    loop {
        let rows = t.rows();
        let current = rows
            .iter()
            .find(|r| r.starts_with(" Reason"))
            .cloned()
            .unwrap_or_default();
        if current.contains(&format!("< {reason} ")) {
            break;
        }
        assert!(steps < 10, "reason {reason} not offered: {current}");
        steps += 1;
        t.send(DOWN);
        t.wait_rows("the reason to change", TIMEOUT, |rows| {
            rows.iter()
                .find(|r| r.starts_with(" Reason"))
                .is_some_and(|r| *r != current)
        });
    }
    t.send(ENTER);
    t.wait_for(shown, TIMEOUT);
}

/// F9 then Enter: submits from the review; returns the screen once the
/// status line has answered with `expect`.
fn submit(t: &mut Term, expect: &str) -> Vec<String> {
    t.send(F9);
    t.wait_for("Review — read it back", TIMEOUT);
    t.send(ENTER);
    wait_status(t, expect)
}

/// Nothing on the screen says an order was placed.
fn assert_not_placed(rows: &[String]) {
    let screen = rows.join("\n");
    for placed in [
        "Order placed",
        "Order number",
        " placed.",
        "was placed already",
    ] {
        assert!(
            !screen.contains(placed),
            "the screen says {placed:?}:\n{screen}"
        );
    }
}

fn quit(t: &mut Term) {
    t.send("\x03");
    t.wait_for("Quit orderdesk?", TIMEOUT);
    t.send("y");
    assert!(t.wait_exit(TIMEOUT).success());
}

// ---- the binary's other commands, and the database ----

/// Runs `orderdesk play -` on `db` as operator e2e with `script` on its
/// input; returns one answer per command.
fn play(db: &Path, script: &[Value]) -> Vec<Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .arg("--db")
        .arg(db)
        .args(["--operator", "e2e", "play", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        for cmd in script {
            writeln!(input, "{cmd}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "play failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect();
    assert_eq!(answers.len(), script.len(), "one answer per command");
    answers
}

/// `orderdesk export N` as JSON.
fn export(db: &Path, order_no: i64) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .arg("--db")
        .arg(db)
        .args(["export", &order_no.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_ok(answer: &Value) {
    assert_eq!(answer["ok"], true, "{answer}");
}

/// A refusal by `rule` whose message holds `text`.
fn assert_refused(answer: &Value, rule: &str, text: &str) {
    assert_eq!(answer["ok"], false, "{answer}");
    assert_eq!(answer["rule"], rule, "{answer}");
    let message = answer["message"].as_str().unwrap_or_default();
    assert!(message.contains(text), "{text:?} not in {answer}");
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Nothing of an order was written: no order, line, payment, adjustment,
/// and no stock reserved.
fn assert_nothing_written(db: &Path) {
    for table in [
        "orders",
        "order_lines",
        "payments",
        "adjustments",
        "shipments",
    ] {
        assert_eq!(
            count(db, &format!("SELECT COUNT(*) FROM {table}")),
            0,
            "rows in {table}"
        );
    }
    assert_eq!(
        count(db, "SELECT COALESCE(SUM(reserved), 0) FROM inventory"),
        0,
        "stock reserved"
    );
}

/// The demo database, made by the binary itself (an empty script).
fn demo_db(db: &Path) {
    play(db, &[]);
    assert_eq!(count(db, "SELECT COUNT(*) FROM orders"), 0);
}

fn set_enabled(db: &Path, logon: &str, enabled: bool) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let n = conn
        .execute(
            "UPDATE customers SET enabled = ?1 WHERE logon_id = ?2",
            rusqlite::params![enabled, logon],
        )
        .unwrap();
    assert_eq!(n, 1, "customer {logon}");
}

fn card() -> Value {
    serde_json::json!({"cmd": "pay", "method": "card", "number": CARD, "expiry": "12/30", "cvv": "123"})
}

// ---- the reproductions ----

/// 1. An amount off the subtotal, within the limit when made, stays
///    limited when the cart changes under it: 50.00 off 2 x 219.00 is
///    accepted; with that line replaced by a 29.50 pillow the same 50.00
///    is refused at submit, and nothing is written.
#[test]
fn amount_off_within_the_limit_is_refused_once_the_cart_shrinks() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    pick_customer(&mut t, "doe", "Doe, Jane");
    add_item(&mut t, "SLP-1011", 2);
    ship_ground(&mut t);
    pay_card(&mut t);

    // 50.00 off 416.10 (438.00 less 5% off orders over 250) is 12%: within
    // the default 50.00 / 15%.
    t.send(F8);
    t.wait_for("Adjustments — discounts", TIMEOUT);
    t.wait_for("Amount off the subtotal (416.10): none", TIMEOUT);
    adjust(
        &mut t,
        "Amount off the subtotal",
        "50.00",
        "GOODWILL",
        "Amount off the subtotal (416.10): -50.00 (GOODWILL, e2e)",
    );
    let rows = wait_status(&t, "Adjustment made.");
    assert!(!status_line(&rows).starts_with("! "), "{rows:#?}");

    // The cart changes: the quilts go, a 29.50 pillow comes.
    t.send(F5);
    t.wait_for("Cart — 1 line", TIMEOUT);
    t.wait_for("> SLP-1011", TIMEOUT);
    t.send(DELETE);
    wait_status(&t, "Removed SLP-1011");
    t.send("SLP-1024");
    t.send(ENTER);
    wait_status(&t, "Added 1 x SLP-1024");

    // The review names what stands in the way; submit is refused by it.
    t.send(F9);
    let s = t.wait_for("Review — read it back", TIMEOUT);
    assert!(
        s.contains("! 50.00 off the subtotal is more than the subtotal, 29.50"),
        "{s}"
    );
    t.send(ENTER);
    let rows = wait_status(
        &t,
        "! 50.00 off the subtotal is more than the subtotal, 29.50",
    );
    assert!(status_line(&rows).contains("(F8 goes there)"), "{rows:#?}");
    assert_not_placed(&rows);
    assert_nothing_written(&db);

    // Two pillows (59.00): still refused, now by the percent limit.
    t.send(F5);
    t.wait_for("> SLP-1024", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Quantity", TIMEOUT);
    t.send(&format!("{BACKSPACE}2"));
    t.send(ENTER);
    wait_status(&t, "SLP-1024: quantity 2");
    let rows = submit(
        &mut t,
        "! subtotal: 50.00 off 59.00 is 84.75%, over your adjustment limit of 15%",
    );
    assert_not_placed(&rows);
    quit(&mut t);
    assert_nothing_written(&db);
}

/// 2. A price override of 9% at quantity 1 is within the limit; at
///    quantity 10 the same unit price takes 107.10 off: submit is refused.
#[test]
fn price_override_accepted_at_one_piece_is_refused_at_ten() {
    let (_dir, db) = fresh_db();
    let answers = play(
        &db,
        &[
            serde_json::json!({"cmd": "pick_customer", "logon": "jdoe"}),
            serde_json::json!({"cmd": "add_item", "sku": "SLP-1014", "qty": 1}),
            // 119.00 less 9%.
            serde_json::json!({"cmd": "adjust", "target": "line:1", "unit_price": "108.29", "reason": "PRICE_MATCH"}),
            serde_json::json!({"cmd": "set_method", "ship_to": 1, "method": "GROUND"}),
            card(),
            serde_json::json!({"cmd": "set_quantity", "line": 1, "qty": 10}),
            serde_json::json!({"cmd": "submit"}),
        ],
    );
    for a in &answers[..6] {
        assert_ok(a);
    }
    assert_refused(
        &answers[6],
        "adjustment_limit",
        "line 1 (10 x SLP-1014): 107.10 off is over your adjustment limit of 50.00",
    );
    assert_eq!(answers[6]["area"], "adjustments", "{}", answers[6]);
    assert!(answers[6].get("orders").is_none(), "{}", answers[6]);
    assert_nothing_written(&db);
}

/// 3. Raising a price is limited like lowering it: 189.00 to 18,950.00 is
///    refused at the adjust command and leaves the order as it was, so
///    the order placed next carries no override.
#[test]
fn price_raised_to_18950_is_refused_at_the_adjust_command() {
    let (_dir, db) = fresh_db();
    let answers = play(
        &db,
        &[
            serde_json::json!({"cmd": "pick_customer", "logon": "jdoe"}),
            serde_json::json!({"cmd": "add_item", "sku": "TNT-2001", "qty": 1}),
            serde_json::json!({"cmd": "adjust", "target": "line:1", "unit_price": "18,950.00", "reason": "PRICE_MATCH"}),
            serde_json::json!({"cmd": "set_method", "ship_to": 1, "method": "GROUND"}),
            card(),
            serde_json::json!({"cmd": "submit"}),
        ],
    );
    assert_ok(&answers[0]);
    assert_ok(&answers[1]);
    assert_refused(
        &answers[2],
        "adjustment_limit",
        "18761.00 more is over your adjustment limit of 50.00",
    );
    assert_eq!(answers[2]["area"], "adjustments", "{}", answers[2]);
    for a in &answers[3..] {
        assert_ok(a);
    }
    // The refused override is nowhere: not in the total, not stored.
    assert_eq!(answers[5]["total"], answers[1]["total"], "{answers:#?}");
    let order_no = answers[5]["orders"][0].as_i64().unwrap();
    let order = export(&db, order_no);
    assert_eq!(order["adjustments"], serde_json::json!([]), "{order}");
    assert_eq!(order["lines"][0]["sku"], "TNT-2001");
    assert_eq!(order["lines"][0]["list_price"], "189.00");
    assert!(!order.to_string().contains("18950"), "{order}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM adjustments"), 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM orders"), 1);
}

/// 4. A stored card only after the challenge question: refused before it,
///    refused after a wrong answer (which is recorded), accepted after the
///    right one; the order is paid with that stored card.
#[test]
fn stored_card_needs_the_challenge_answered_first() {
    let (_dir, db) = fresh_db();
    let stored = serde_json::json!({"cmd": "pay", "method": "stored", "last4": STORED_LAST4});
    let answers = play(
        &db,
        &[
            serde_json::json!({"cmd": "pick_customer", "logon": "jdoe"}),
            serde_json::json!({"cmd": "add_item", "sku": "SLP-1014", "qty": 1}),
            serde_json::json!({"cmd": "set_method", "ship_to": 1, "method": "GROUND"}),
            stored.clone(),
            serde_json::json!({"cmd": "verify_challenge", "answer": "Max"}),
            stored.clone(),
            serde_json::json!({"cmd": "submit"}),
            serde_json::json!({"cmd": "verify_challenge", "answer": CHALLENGE_ANSWER}),
            stored,
            serde_json::json!({"cmd": "submit"}),
        ],
    );
    for a in &answers[..3] {
        assert_ok(a);
    }
    let needs = "a stored card needs the challenge question answered first";
    assert_refused(&answers[3], "challenge_required", needs);
    assert_refused(
        &answers[4],
        "challenge_required",
        "wrong answer to the challenge question (recorded; 1 wrong so far)",
    );
    assert_refused(&answers[5], "challenge_required", needs);
    // The refused commands changed nothing: the default card, preselected
    // at the pick, still waits for its challenge.
    assert_refused(&answers[6], "challenge_required", needs);
    assert_ok(&answers[7]);
    assert_ok(&answers[8]);
    assert_eq!(
        answers[8]["message"], "Payment: VISA ending 1111, exp 12/29 (stored)",
        "{}",
        answers[8]
    );
    assert_ok(&answers[9]);
    let order_no = answers[9]["orders"][0].as_i64().unwrap();

    let conn = rusqlite::Connection::open(&db).unwrap();
    let (method, brand, last4, amount, grand): (String, String, String, String, String) = conn
        .query_row(
            "SELECT p.method, p.brand, p.last4, p.amount, o.grand_total
             FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = ?1",
            [order_no],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        (method.as_str(), brand.as_str(), last4.as_str()),
        ("card", "VISA", STORED_LAST4)
    );
    assert_eq!(amount, grand);
    assert_eq!(answers[9]["totals"][0], grand.as_str());
    let failures: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM audit a JOIN customers c ON a.subject = 'customer:' || c.id
             WHERE c.logon_id = 'jdoe' AND a.action = 'challenge.failed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failures, 1, "the wrong answer is recorded");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM orders"), 1);
    let order = export(&db, order_no);
    assert_eq!(order["payments"][0]["method"], "card", "{order}");
    assert_eq!(order["payments"][0]["last4"], STORED_LAST4, "{order}");
    assert!(
        order["payments"][0]["summary"]
            .as_str()
            .is_some_and(|s| s.contains("(stored)")),
        "{order}"
    );
}

/// 5a. A disabled customer cannot be picked, by logon or by record id.
#[test]
fn disabled_customer_cannot_be_picked() {
    let (_dir, db) = fresh_db();
    demo_db(&db);
    set_enabled(&db, "jsmith", false);
    let id = count(&db, "SELECT id FROM customers WHERE logon_id = 'jsmith'");
    let answers = play(
        &db,
        &[
            serde_json::json!({"cmd": "pick_customer", "logon": "jsmith"}),
            serde_json::json!({"cmd": "pick_customer", "id": id}),
            serde_json::json!({"cmd": "add_item", "sku": "SLP-1014", "qty": 1}),
            serde_json::json!({"cmd": "submit"}),
        ],
    );
    for a in &answers[..2] {
        assert_refused(
            a,
            "customer_disabled",
            "John Smith is disabled: orders cannot be placed for them",
        );
        assert_eq!(a["area"], "customer", "{a}");
    }
    // The refused picks left the order without a customer.
    assert_ok(&answers[2]);
    assert_refused(&answers[3], "incomplete", "no customer");
    assert_eq!(answers[3]["area"], "customer", "{}", answers[3]);
    assert_nothing_written(&db);
}

/// 5b. A customer disabled by another connection after being picked (the
///     review was clean): submit is refused and nothing is written.
#[test]
fn customer_disabled_after_the_pick_is_refused_at_submit() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    pick_customer(&mut t, "doe", "Doe, Jane");
    add_item(&mut t, "SLP-1014", 1);
    ship_ground(&mut t);
    pay_card(&mut t);
    t.send(F9);
    let rows = t.wait_rows("the review with its total", TIMEOUT, |rows| {
        rows.iter().any(|r| r.contains("TOTAL USD"))
    });
    assert!(
        !rows.iter().any(|r| r.starts_with("! ")),
        "nothing missing:\n{}",
        rows.join("\n")
    );

    // Meanwhile, at another desk: Jane Doe's record is disabled.
    set_enabled(&db, "jdoe", false);

    // Refused, by the session's check or by the store's inside the submit
    // transaction ("nothing was placed: ..."); the review then names it.
    t.send(ENTER);
    let disabled = "Jane Doe is disabled: orders cannot be placed for them";
    let rows = wait_status(&t, disabled);
    assert!(status_line(&rows).starts_with("! "), "{rows:#?}");
    assert!(
        rows.iter()
            .any(|r| r.starts_with(&format!("! {disabled} — F2"))),
        "{rows:#?}"
    );
    assert_not_placed(&rows);
    quit(&mut t);
    assert_nothing_written(&db);
}

/// Another console of the same operator, on the same database, starting:
/// it is told the draft is open elsewhere, and takes it over (T).
fn take_over(b: &mut Term) {
    let s = b.wait_for("Your draft is open elsewhere", TIMEOUT);
    assert!(s.contains("Jane Doe, 1 line"), "{s}");
    assert!(s.contains("In use in another console since"), "{s}");
    b.send("T");
    wait_status(b, "Resumed: Jane Doe, 1 line");
}

/// Places the order as it is, with a typed card; returns the order
/// number the confirmation shows.
fn place(b: &mut Term) -> i64 {
    ship_ground(b);
    pay_card(b);
    b.send(F9);
    b.wait_for("Review — read it back", TIMEOUT);
    b.send(ENTER);
    let s = b.wait_for("Order number", TIMEOUT);
    s.lines()
        .find_map(|l| l.split_once("Order number").map(|(_, r)| r.to_string()))
        .and_then(|r| r.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or_else(|| panic!("no order number on screen:\n{s}"))
}

/// The database holds exactly order `order_no`, with the one line the
/// draft had when it was taken over.
fn assert_only_the_taken_over_order(db: &Path, order_no: i64) {
    assert_eq!(count(db, "SELECT COUNT(*) FROM orders"), 1);
    let order = export(db, order_no);
    let lines: Vec<(String, i64)> = order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["sku"].as_str().unwrap().to_string(),
                l["quantity"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, vec![("SLP-1014".to_string(), 1)], "{order}");
    assert_eq!(count(db, "SELECT COUNT(*) FROM order_lines"), 1);
    let reserved = |sku: &str| {
        count(
            db,
            &format!(
                "SELECT v.reserved FROM inventory v JOIN items i ON i.id = v.item_id WHERE i.sku = '{sku}'"
            ),
        )
    };
    assert_eq!(reserved("SLP-1014"), 1);
    assert_eq!(reserved("SLP-1024"), 0);
}

/// 6. Two consoles of one operator: A takes an order (customer and one
///    line); B takes the draft over and places it; A, not yet told, adds a
///    line. A never shows anything as placed: at its next save (or
///    renewal) it is told the order went elsewhere and starts a new one;
///    the database holds B's order with its one line.
#[test]
fn draft_taken_over_and_placed_elsewhere_is_not_placed_again() {
    let (_dir, db) = fresh_db();
    let mut a = Term::spawn(&db, 24, 80, &[]);
    pick_customer(&mut a, "doe", "Doe, Jane");
    add_item(&mut a, "SLP-1014", 1);

    let mut b = Term::spawn(&db, 24, 80, &[]);
    take_over(&mut b);
    let order_no = place(&mut b);
    assert_only_the_taken_over_order(&db, order_no);

    // A adds a line: its save finds the draft placed elsewhere (or A's
    // renewal told it first); either way A starts anew and says why.
    a.send("SLP-1024");
    a.send(ENTER);
    let rows = a.wait_rows("A told the order went elsewhere", TIMEOUT, |rows| {
        status_line(rows).contains("a new order starts here")
    });
    let status = status_line(&rows);
    assert!(
        status.contains("placed or discarded this order")
            || status.contains("another console took this order over at"),
        "{status}"
    );
    let screen = rows.join("\n");
    assert!(screen.contains("no customer yet"), "{screen}");
    assert!(screen.contains("Find customer"), "{screen}");
    assert_not_placed(&rows);
    // A's submit of the empty new order places nothing: refused, and A
    // is taken to the step that fixes it.
    a.send(F9);
    a.wait_for("Review — read it back", TIMEOUT);
    a.send(ENTER);
    let rows = a.wait_rows("A's refused submit", TIMEOUT, |rows| {
        status_line(rows).starts_with("! no customer")
            && rows.iter().any(|r| r.starts_with("Find customer"))
    });
    assert_not_placed(&rows);
    assert_only_the_taken_over_order(&db, order_no);
    quit(&mut a);
    quit(&mut b);
    assert_only_the_taken_over_order(&db, order_no);
    let drafts: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(drafts, 0, "no draft left behind that could never be placed");
}

/// 6b. As 6, but A renews its hold (every 10 s) after the takeover and
///     before B places: A is told at once and starts a new order; what it
///     types next is a new order, never B's.
#[test]
fn console_told_of_the_takeover_refuses_changes_and_submit() {
    let (_dir, db) = fresh_db();
    let mut a = Term::spawn(&db, 24, 80, &[]);
    pick_customer(&mut a, "doe", "Doe, Jane");
    add_item(&mut a, "SLP-1014", 1);

    let mut b = Term::spawn(&db, 24, 80, &[]);
    take_over(&mut b);
    // A's next renewal (within 10 s of its start) finds another holder.
    let rows = a.wait_rows("A told of the takeover", Duration::from_secs(25), |rows| {
        status_line(rows).starts_with("! another console took this order over at")
    });
    let screen = rows.join("\n");
    assert!(
        status_line(&rows).contains("a new order starts here"),
        "{screen}"
    );
    assert!(screen.contains("no customer yet"), "{screen}");

    // B places the order as it took it over, with its one line.
    let order_no = place(&mut b);
    // A goes on with a new order: nothing of it reaches B's.
    pick_customer(&mut a, "doe", "Doe, Jane");
    add_item(&mut a, "SLP-1024", 1);
    a.send(F9);
    let rows = a.wait_rows("A's review", TIMEOUT, |rows| {
        rows.iter().any(|r| r.contains("TOTAL USD"))
    });
    let screen = rows.join("\n");
    assert!(screen.contains("SLP-1024"), "{screen}");
    assert!(
        !screen.contains("SLP-1014"),
        "B's line is not on A's new order:\n{screen}"
    );
    assert_only_the_taken_over_order(&db, order_no);
    quit(&mut a);
    quit(&mut b);
    assert_only_the_taken_over_order(&db, order_no);
}
