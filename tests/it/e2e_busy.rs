//! Another program holds the database's write lock: the console says it is
//! waiting within moments instead of freezing, keys typed meanwhile are
//! kept and handled after the wait, in order, and the work goes through
//! once the lock is released.

use crate::common::pty::{fresh_db, Term, ENTER, TIMEOUT};
use rusqlite::Connection;
use std::time::{Duration, Instant};

#[test]
fn a_held_lock_shows_waiting_and_loses_no_key() {
    let (_dir, db) = fresh_db();
    let mut t = Term::spawn(&db, 24, 80, &[]);
    t.wait_for("recent customers", TIMEOUT);
    t.send("doe");
    t.wait_rows("Jane found", TIMEOUT, |rows| {
        rows.iter().any(|r| r.starts_with("> Doe, Jane"))
    });
    // Another program takes the write lock and keeps it.
    let other = Connection::open(&db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let held = Instant::now();
    // Picking the customer saves the draft: the write waits.
    t.send(ENTER);
    t.wait_for("waiting for the database", Duration::from_secs(3));
    assert!(
        held.elapsed() < Duration::from_secs(3),
        "told within moments"
    );
    // Keys typed while it waits are kept.
    t.send("SLP-1014");
    std::thread::sleep(Duration::from_millis(300));
    other.execute_batch("COMMIT").unwrap();
    let rows = t.wait_rows("the search typed during the wait", TIMEOUT, |rows| {
        rows.iter().any(|r| r.starts_with("> SLP-1014"))
    });
    let screen = rows.join("\n");
    assert!(screen.contains("Jane Doe (USD)"), "{screen}");
    assert!(!screen.contains("waiting for the database"), "{screen}");
    let drafts: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(drafts, 1, "the draft was saved after the wait");
}
