//! The caller's words carried from the search, end to end in a
//! pseudo-terminal: a search with no match, ^N or ^D opens the form with
//! what was typed, and the caller who is already on file (same phone) is
//! listed before a second record is made: open them, or go on anyway.

use crate::common::pty::{fresh_db, Term, CTRL_D, CTRL_N, CTRL_S, ENTER, PGDN, TAB, TIMEOUT};
use std::path::PathBuf;

fn start() -> (tempfile::TempDir, PathBuf, Term) {
    let (dir, db) = fresh_db();
    let t = Term::spawn(&db, 24, 80, &[]);
    t.wait_for("recent customers", TIMEOUT);
    (dir, db, t)
}

fn row_with<'a>(rows: &'a [String], needle: &str) -> &'a str {
    rows.iter()
        .find(|r| r.contains(needle))
        .map(String::as_str)
        .unwrap_or("")
}

fn has(rows: &[String], needle: &str) -> bool {
    rows.iter().any(|r| r.contains(needle))
}

/// Searches for Janet Doe by Jane Doe's phone: nothing matches (the first
/// name differs).
fn search_janet(t: &mut Term) {
    // Past "Say it" to the explicit fields.
    t.send(TAB);
    t.send("Doe");
    t.send(TAB);
    t.send("Janet");
    t.send(TAB);
    t.send("555 123 4567");
    t.wait_rows("no match", TIMEOUT, |rows| {
        has(rows, "0 matches") && has(rows, "No customer matches")
    });
}

/// ^N after the search: the form holds the search; the rest is typed and
/// saved; the duplicate list comes up naming Jane Doe by her phone.
fn new_janet_up_to_the_duplicates(t: &mut Term) -> Vec<String> {
    search_janet(t);
    t.send(CTRL_N);
    let rows = t.wait_rows("the prefilled form", TIMEOUT, |rows| {
        has(rows, "New customer") && has(rows, ">Logon ID")
    });
    assert!(row_with(&rows, "First name").contains("Janet"), "{rows:#?}");
    assert!(row_with(&rows, "Last name").contains("Doe"), "{rows:#?}");
    assert!(
        row_with(&rows, "Phone").contains("555 123 4567"),
        "{rows:#?}"
    );
    // Logon, passwords; the prefilled names and phone are passed by.
    for value in [
        "jdoe2",
        "Harbor2024x",
        "Harbor2024x",
        "",
        "",
        "",
        "janet.doe@example.com",
    ] {
        t.send(value);
        t.send(TAB);
    }
    t.send("First pet's name?");
    t.send(TAB);
    t.send("Biscuit");
    t.send(PGDN);
    t.send(PGDN);
    t.wait_rows("the first address", TIMEOUT, |rows| {
        has(rows, "1 of 1: Home")
    });
    for value in ["12 Harbor Road", "", "Springfield", "il", "62704"] {
        t.send(value);
        t.send(TAB);
    }
    t.send("us");
    t.wait_rows("the address typed", TIMEOUT, |rows| {
        row_with(rows, "Country").contains("us")
    });
    t.send(CTRL_S);
    let rows = t.wait_rows("the duplicates", TIMEOUT, |rows| {
        has(rows, "Possible duplicates of the new customer") && has(rows, "Doe, Jane")
    });
    assert!(
        row_with(&rows, "Doe, Jane").contains("same phone"),
        "{rows:#?}"
    );
    assert!(
        row_with(&rows, "Doe, Jane").starts_with("> "),
        "selected: {rows:#?}"
    );
    let keys = rows.last().cloned().unwrap_or_default();
    assert!(keys.contains("Open customer"), "key bar: {keys}");
    assert!(keys.contains("^S Create anyway"), "key bar: {keys}");
    rows
}

fn count(db: &std::path::Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn no_match_new_customer_is_prefilled_and_a_duplicate_can_be_opened() {
    let (_dir, db, mut t) = start();
    new_janet_up_to_the_duplicates(&mut t);
    t.send(ENTER);
    let s = t.wait_for("Customer record — Jane Doe", TIMEOUT);
    assert!(s.contains("Jane Doe"), "{s}");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM customers WHERE logon_id = 'jdoe2'"
        ),
        0,
        "opening the customer on file creates nothing"
    );
}

#[test]
fn a_duplicate_warning_can_be_passed_and_the_customer_created_anyway() {
    let (_dir, db, mut t) = start();
    new_janet_up_to_the_duplicates(&mut t);
    t.send(CTRL_S);
    let s = t.wait_for("Customer jdoe2 created.", TIMEOUT);
    let header = s.lines().next().unwrap_or("");
    assert!(header.contains("Janet Doe (USD)"), "header: {header}");
    // What the screen showed is what was stored: the search's words.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (first, last, phone, postal): (String, String, String, String) = conn
        .query_row(
            "SELECT c.first_name, c.last_name, c.phone, a.postal_code FROM customers c
             JOIN addresses a ON a.customer_id = c.id AND a.is_default_shipping = 1
             WHERE c.logon_id = 'jdoe2'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (
            first.as_str(),
            last.as_str(),
            phone.as_str(),
            postal.as_str()
        ),
        ("Janet", "Doe", "555 123 4567", "62704")
    );
}

#[test]
fn no_match_guest_order_is_prefilled_and_its_duplicate_listed() {
    let (_dir, db, mut t) = start();
    search_janet(&mut t);
    t.send(CTRL_D);
    let rows = t.wait_rows("the prefilled guest form", TIMEOUT, |rows| {
        has(rows, "Guest order — only what the order needs") && has(rows, ">First name")
    });
    assert!(row_with(&rows, "First name").contains("Janet"), "{rows:#?}");
    assert!(row_with(&rows, "Last name").contains("Doe"), "{rows:#?}");
    assert!(
        row_with(&rows, "Phone").contains("555 123 4567"),
        "{rows:#?}"
    );
    for value in [
        "",
        "",
        "",
        "",
        "12 Harbor Road",
        "",
        "Springfield",
        "il",
        "62704",
    ] {
        t.send(value);
        t.send(TAB);
    }
    t.send("us");
    t.wait_rows("the guest form filled", TIMEOUT, |rows| {
        row_with(rows, ">Country").contains("us")
    });
    t.send(ENTER);
    let rows = t.wait_rows("the duplicates", TIMEOUT, |rows| {
        has(rows, "Possible duplicates of the guest") && has(rows, "Doe, Jane")
    });
    let keys = rows.last().cloned().unwrap_or_default();
    assert!(keys.contains("^S Guest anyway"), "key bar: {keys}");
    t.send(CTRL_S);
    let s = t.wait_for("Catalog — prices in USD", TIMEOUT);
    let header = s.lines().next().unwrap_or("");
    assert!(
        header.contains("Guest: Janet Doe (USD)"),
        "header: {header}"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM customers WHERE first_name = 'Janet'"
        ),
        0,
        "a guest is stored when the order is placed"
    );
}
