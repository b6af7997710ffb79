//! Below 80x24 the console shows only the size it needs, and nothing is
//! done blind: keys other than Ctrl+C and Ctrl+L do nothing until the
//! window is big enough again.

use crate::common::pty::{fresh_db, Term, CTRL_C, DOWN, ENTER, F6, F9, TIMEOUT};
use rusqlite::Connection;
use std::time::Duration;

fn orders(db: &std::path::Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))
        .unwrap()
}

/// Jane Doe, one sleeping bag, Ground, cash on delivery, on the review.
fn ready_to_submit(t: &mut Term) {
    t.wait_for("recent customers", TIMEOUT);
    t.send("doe");
    t.wait_rows("Jane found", TIMEOUT, |rows| {
        rows.iter().any(|r| r.starts_with("> Doe, Jane"))
    });
    t.send(ENTER);
    t.wait_for("Catalog", TIMEOUT);
    t.send("SLP-1014");
    t.wait_for("> SLP-1014", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Added 1 x SLP-1014", TIMEOUT);
    t.send(F6);
    t.send(ENTER);
    t.send(ENTER);
    t.wait_for("Ship-to 1: GROUND", TIMEOUT);
    crate::common::pty::payment_list(t);
    t.wait_for("Cash on delivery", TIMEOUT);
    t.send(DOWN);
    t.send(DOWN);
    t.send(ENTER);
    t.wait_for("Payment: Cash on delivery", TIMEOUT);
    t.send(F9);
    let rows = t.wait_rows("a clean review", TIMEOUT, |rows| {
        rows.iter().any(|r| r.contains("TOTAL USD"))
    });
    assert!(!rows.iter().any(|r| r.starts_with("! ")), "{rows:#?}");
}

#[test]
fn keys_at_40x10_place_nothing() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    ready_to_submit(&mut t);
    t.resize(10, 40);
    t.wait_for("needs at least 80x24", TIMEOUT);
    // Enter (submit on the review), F2, typing: none of it acts.
    t.send(ENTER);
    t.send("\x1bOQdoe");
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(orders(&db), 0, "nothing placed blind");
    t.resize(24, 80);
    let rows = t.wait_rows("the review again", TIMEOUT, |rows| {
        rows.iter().any(|r| r.contains("TOTAL USD"))
    });
    assert!(
        rows.iter().any(|r| r.starts_with("Review")),
        "still on the review: {rows:#?}"
    );
    assert_eq!(orders(&db), 0);
    // Enter now submits: the keys act again at 80x24.
    t.send(ENTER);
    t.wait_for("placed", TIMEOUT);
    assert_eq!(orders(&db), 1);
}

#[test]
fn ctrl_c_at_a_small_size_quits_and_keeps_the_draft() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    ready_to_submit(&mut t);
    t.resize(10, 40);
    t.wait_for("Ctrl+C quits", TIMEOUT);
    t.send(CTRL_C);
    t.wait_exit(TIMEOUT);
    let drafts: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(drafts, 1, "the order stays a draft");
    assert_eq!(orders(&db), 0);
}

/// F3 after an abandoned new-customer form shows the order's customer,
/// not the form (issue: a stale form came back until restart).
#[test]
fn f3_after_an_abandoned_form_shows_the_orders_customer() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    t.wait_for("recent customers", TIMEOUT);
    // ^N: a new-customer form, half typed, then left with F2.
    t.send("\x0e");
    t.wait_for("New customer", TIMEOUT);
    t.send("halfway");
    t.wait_for("halfway", TIMEOUT);
    t.send("\x1bOQ");
    t.wait_for("Find customer", TIMEOUT);
    t.send("doe");
    t.wait_rows("Jane found", TIMEOUT, |rows| {
        rows.iter().any(|r| r.starts_with("> Doe, Jane"))
    });
    t.send(ENTER);
    t.wait_for("Customer: Jane Doe", TIMEOUT);
    t.send(crate::common::pty::F3);
    let rows = t.wait_rows("Jane's record", TIMEOUT, |rows| {
        rows.iter().any(|r| r.contains("jdoe"))
    });
    let screen = rows.join("\n");
    assert!(!screen.contains("halfway"), "{screen}");
    assert!(!screen.contains("New customer"), "{screen}");
    assert!(screen.contains("Jane"), "{screen}");
}
