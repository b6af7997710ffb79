//! Two consoles edit one customer record, in the real binary: the later
//! save is refused with what changed, keeps what its operator typed, and a
//! second save keeps both changes; a stored value longer than the form's
//! limit survives an edit of another field byte for byte.

use crate::common::pty::{fresh_db, Term, CTRL_S, CTRL_U, ENTER, F3, TAB, TIMEOUT};
use rusqlite::Connection;
use std::path::Path;

/// A console at Jane Doe's record in edit mode (a second console of the
/// same operator first declines the offer to resume the other's draft).
fn edit_jane(db: &Path, row: &str) -> Term {
    let mut t = Term::spawn(db, 24, 80, &[]);
    t.wait_for("Find customer", TIMEOUT);
    if t.contents().contains("Your draft is open elsewhere") {
        t.esc();
    }
    t.wait_for("recent customers", TIMEOUT);
    t.send("doe");
    t.wait_rows("Jane Doe found", TIMEOUT, |rows| {
        rows.iter().any(|r| r.starts_with(row))
    });
    t.send(ENTER);
    t.wait_for("Catalog", TIMEOUT);
    t.send(F3);
    t.wait_for("Edit record", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Edit customer jdoe", TIMEOUT);
    t
}

fn stored(db: &Path, column: &str) -> String {
    Connection::open(db)
        .unwrap()
        .query_row(
            &format!("SELECT {column} FROM customers WHERE logon_id = 'jdoe'"),
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn status(t: &Term) -> String {
    t.rows().get(22).cloned().unwrap_or_default()
}

#[test]
fn the_later_save_is_refused_with_what_changed_and_nothing_is_lost() {
    let (_dir, db) = fresh_db();
    let mut a = edit_jane(&db, "> Doe, Jane");
    let mut b = edit_jane(&db, "> Doe, Jane");

    // A changes the last name and saves.
    a.send(TAB);
    a.send(TAB);
    a.send(CTRL_U);
    a.send("Smith");
    a.send(CTRL_S);
    a.wait_rows("A saved", TIMEOUT, |_| stored(&db, "last_name") == "Smith");

    // B, still on the record as it was, changes the phone and saves.
    for _ in 0..3 {
        b.send(TAB);
    }
    b.send(CTRL_U);
    b.send("+1 555 777 0000");
    b.send(CTRL_S);
    let rows = b.wait_rows("B refused", TIMEOUT, |rows| {
        rows.get(22)
            .is_some_and(|r| r.contains("not saved: changed by another console"))
    });
    let screen = rows.join("\n");
    assert!(
        status(&b).contains("last name now 'Smith'"),
        "the change named: {screen}"
    );
    assert!(
        rows.iter().any(|r| r.contains("+1 555 777 0000")),
        "B's typed phone kept: {screen}"
    );
    assert_eq!(
        stored(&db, "phone"),
        "+1 555 123 4567",
        "nothing of B's yet"
    );

    // B saves again: both changes are kept.
    b.send(CTRL_S);
    b.wait_rows("B saved", TIMEOUT, |_| {
        stored(&db, "phone") == "+1 555 777 0000"
    });
    assert_eq!(stored(&db, "last_name"), "Smith");
    let version: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT version FROM customers WHERE logon_id = 'jdoe'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, 3, "two saves on top of the first version");
}

#[test]
fn a_stored_value_longer_than_the_form_is_kept_whole() {
    let (_dir, db) = fresh_db();
    // The demo data is loaded on the first start.
    let t = Term::spawn(&db, 24, 80, &[]);
    t.wait_for("recent customers", TIMEOUT);
    drop(t);
    let long = "Doe-Montgomery-Fitzwilliam-Ashworth-Pemberton-Q";
    assert_eq!(long.chars().count(), 47);
    Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE customers SET last_name = ?1 WHERE logon_id = 'jdoe'",
            [long],
        )
        .unwrap();
    let mut t = edit_jane(&db, "> Doe-Montgomery");
    for _ in 0..3 {
        t.send(TAB);
    }
    t.send(CTRL_U);
    t.send("+1 555 222 3333");
    t.send(CTRL_S);
    t.wait_rows("saved", TIMEOUT, |_| {
        stored(&db, "phone") == "+1 555 222 3333"
    });
    assert_eq!(stored(&db, "last_name"), long, "kept byte for byte");
}
