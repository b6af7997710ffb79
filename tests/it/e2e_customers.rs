//! Issue 3 end to end, the real binary in a pseudo-terminal: find a
//! customer by phone, create a new customer with two addresses, start a
//! guest order. Each test starts on a fresh data folder (demo data).

use crate::common::pty::{
    find_results, fresh_db, Term, CTRL_C, CTRL_D, CTRL_N, CTRL_S, CTRL_U, ENTER, F2, F9, PGDN,
    RIGHT, TAB, TIMEOUT,
};
use std::path::PathBuf;

const ROWS: u16 = 24;
const COLS: u16 = 80;

/// The binary on a fresh database, at the find screen, ready for keys.
fn start() -> (tempfile::TempDir, PathBuf, Term) {
    let (dir, db) = fresh_db();
    let t = Term::spawn(&db, ROWS, COLS, &[]);
    t.wait_for("Find customer", TIMEOUT);
    // The first search (recent customers) has run: the screen is live.
    t.wait_for("recent customers", TIMEOUT);
    (dir, db, t)
}

/// The first row containing `needle`, or "" when none does.
fn row_with<'a>(rows: &'a [String], needle: &str) -> &'a str {
    rows.iter()
        .find(|r| r.contains(needle))
        .map(String::as_str)
        .unwrap_or("")
}

/// Whether a row contains `needle`.
fn has(rows: &[String], needle: &str) -> bool {
    rows.iter().any(|r| r.contains(needle))
}

/// The one result is `name` and it is selected.
fn only_match(rows: &[String], name: &str) -> bool {
    let r = find_results(rows);
    r.len() == 1 && r[0].starts_with(&format!("> {name}"))
}

/// Bullets shown for a masked field on the row labelled `label`.
fn bullets(rows: &[String], label: &str) -> usize {
    row_with(rows, label).matches('•').count()
}

#[test]
fn finds_by_phone_with_punctuation_and_picks() {
    let (_dir, _db, mut t) = start();
    // Say it → Last name → First name → Phone.
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    // National digits, typed with the punctuation read from a screen.
    t.send("(555) 908-33");
    let rows = t.wait_rows("Daniel Kim alone", TIMEOUT, |rows| {
        only_match(rows, "Kim, Daniel") && row_with(rows, "Phone").contains("(555) 908-33")
    });
    let hit = &find_results(&rows)[0];
    assert!(hit.contains("dkim"), "{hit}");
    assert!(hit.contains("(555) 908-3321"), "{hit}");
    assert!(rows[2].contains("1 match"), "the count: {}", rows[2]);

    // Another style: the country code, spaces; Jane's phone is stored as
    // "+1 555 123 4567".
    t.send(CTRL_U);
    t.send("+1 555 123 4");
    let rows = t.wait_rows("Jane Doe alone", TIMEOUT, |rows| {
        only_match(rows, "Doe, Jane") && row_with(rows, "Phone").contains("+1 555 123 4")
    });
    assert!(
        find_results(&rows)[0].contains("+1 555 123 4567"),
        "{rows:#?}"
    );

    t.send(ENTER);
    let s = t.wait_for("Catalog — prices in USD", TIMEOUT);
    let header = s.lines().next().unwrap_or("");
    assert!(header.contains("Jane Doe (USD)"), "header: {header}");
    assert!(!header.contains("Guest"), "header: {header}");
}

#[test]
fn creates_a_customer_with_two_addresses_after_fixing_the_password() {
    let (dir, db, mut t) = start();
    t.send(CTRL_N);
    // Wait for the whole frame: its bytes can arrive in more than one read.
    let rows = t.wait_rows("the new customer form", TIMEOUT, |rows| {
        row_with(rows, "New customer").contains("^S saves")
            && has(rows, ">Logon ID")
            && rows.last().is_some_and(|keys| keys.contains("^S Save"))
    });
    // The key bar names the keys this test uses; they come from the same
    // bindings that dispatch them.
    let keys = &rows[rows.len() - 1];
    assert!(keys.contains("^S Save"), "key bar: {keys}");
    assert!(keys.contains("PgDn Section"), "key bar: {keys}");
    assert!(
        row_with(&rows, "Password policy").contains("8+ characters"),
        "{rows:#?}"
    );

    // Section 1, top to bottom; the confirmation differs in its last letter.
    for value in [
        "rquinn",
        "Harbor2024x",
        "Harbor2024y",
        "Riley",
        "Quinn",
        "+1 (555) 246-8013",
        "riley.quinn@example.com",
        "First pet's name?",
        "Biscuit",
    ] {
        t.send(value);
        t.send(TAB);
    }
    // Leaving the confirmation names the problem beside it at once.
    t.wait_rows("passwords differ beside the field", TIMEOUT, |rows| {
        row_with(rows, "Confirm password").contains("! passwords differ") && has(rows, ">Currency")
    });

    // Demographics, then the address book: a new book starts with "Home",
    // named after the customer, the focus on its street line.
    t.send(PGDN);
    t.send(PGDN);
    let rows = t.wait_rows("the first address", TIMEOUT, |rows| {
        has(rows, "1 of 1: Home") && has(rows, ">Address ")
    });
    assert!(row_with(&rows, "First name").contains("Riley"), "{rows:#?}");
    assert!(row_with(&rows, "Last name").contains("Quinn"), "{rows:#?}");
    let keys = &rows[rows.len() - 1];
    assert!(keys.contains("^N Add address"), "key bar: {keys}");
    for value in ["12 Harbor Road", "", "Portland", "or", "97201"] {
        t.send(value);
        t.send(TAB);
    }
    t.send("us");

    // A second address: ^N, a nickname, the names and country carried over.
    t.send(CTRL_N);
    t.wait_rows("the second address", TIMEOUT, |rows| {
        has(rows, "2 of 2: (new)") && has(rows, ">Nickname")
    });
    t.send("Office");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    for value in ["400 Commerce St", "Suite 5", "Seattle", "wa"] {
        t.send(value);
        t.send(TAB);
    }
    t.send("98101");
    let rows = t.wait_rows("the second address filled", TIMEOUT, |rows| {
        row_with(rows, "ZIP/postal").contains("98101")
    });
    assert!(has(&rows, "2 of 2: Office"), "{rows:#?}");
    // Carried over as typed ("us"); stored upper-case.
    assert!(row_with(&rows, "Country (2)").contains("us_"), "{rows:#?}");
    assert!(row_with(&rows, "Last name").contains("Quinn"), "{rows:#?}");

    // Saving with the confirmation wrong saves nothing: the form goes back to
    // the field, the message beside it, every typed character kept.
    t.send(CTRL_S);
    let rows = t.wait_rows("the refused save", TIMEOUT, |rows| {
        has(rows, "not saved: 1 field to fix")
    });
    let confirm = row_with(&rows, "Confirm password");
    assert!(confirm.starts_with(">"), "focus on the field: {confirm}");
    assert!(confirm.contains("! passwords differ"), "{confirm}");
    assert_eq!(bullets(&rows, "Confirm password"), "Harbor2024y".len());
    assert_eq!(bullets(&rows, "Password  "), "Harbor2024x".len());
    assert_eq!(bullets(&rows, "Challenge answer"), "Biscuit".len());
    for (label, value) in [
        ("Logon ID", "rquinn"),
        ("First name", "Riley"),
        ("Last name", "Quinn"),
        ("Phone", "+1 (555) 246-8013"),
        ("E-mail", "riley.quinn@example.com"),
        ("Challenge question", "First pet's name?"),
    ] {
        let row = row_with(&rows, label);
        assert!(row.contains(value), "{label} kept: {row}");
        assert!(!row.contains('!'), "{label} has no message: {row}");
    }
    let screen = rows.join("\n");
    assert!(!screen.contains("Harbor2024"), "secrets masked:\n{screen}");
    assert!(!screen.contains("Biscuit"), "secrets masked:\n{screen}");

    // Fixed: the message goes when the field is left.
    t.send(CTRL_U);
    t.send("Harbor2024x");
    t.send(TAB);
    let rows = t.wait_rows("the message gone", TIMEOUT, |rows| has(rows, ">First name"));
    assert!(
        !row_with(&rows, "Confirm password").contains("passwords differ"),
        "{rows:#?}"
    );
    assert_eq!(bullets(&rows, "Confirm password"), "Harbor2024x".len());

    // Both addresses are still there as typed.
    t.send(PGDN);
    t.send(PGDN);
    let rows = t.wait_rows("the address book again", TIMEOUT, |rows| {
        has(rows, "2 of 2: Office")
    });
    assert!(row_with(&rows, "City").contains("Seattle"), "{rows:#?}");
    assert!(
        row_with(&rows, "Address 2").contains("Suite 5"),
        "{rows:#?}"
    );
    // The focus is on the picker: → shows the other address.
    t.send(RIGHT);
    let rows = t.wait_rows("the first address again", TIMEOUT, |rows| {
        has(rows, "1 of 2: Home")
    });
    assert!(row_with(&rows, "City").contains("Portland"), "{rows:#?}");
    assert!(
        row_with(&rows, "Default shipping").contains("(•)"),
        "{rows:#?}"
    );

    t.send(CTRL_S);
    let s = t.wait_for("Catalog — prices in USD", TIMEOUT);
    let header = s.lines().next().unwrap_or("");
    assert!(header.contains("Riley Quinn (USD)"), "header: {header}");
    assert!(s.contains("Customer rquinn created."), "{s}");

    t.send(CTRL_C);
    t.wait_for("Quit orderdesk?", TIMEOUT);
    t.send("y");
    assert!(t.wait_exit(TIMEOUT).success());

    let conn = rusqlite::Connection::open(&db).unwrap();
    let (id, hash, answer_hash, who): (i64, String, String, String) = conn
        .query_row(
            "SELECT id, password_hash, challenge_answer_hash,
                    first_name || ' ' || last_name || ', ' || phone || ', ' || email
                    || ', guest ' || is_guest || ', enabled ' || enabled
             FROM customers WHERE logon_id = 'rquinn'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2"), "{hash}");
    assert!(!hash.contains("Harbor2024"), "{hash}");
    assert!(answer_hash.starts_with("$argon2"), "{answer_hash}");
    assert_eq!(
        who,
        "Riley Quinn, +1 (555) 246-8013, riley.quinn@example.com, guest 0, enabled 1"
    );
    let book: Vec<String> = conn
        .prepare(
            "SELECT nickname || ': ' || line1 || ', ' || line2 || ', ' || city || ' ' || region
                    || ' ' || postal_code || ', ' || country
                    || CASE WHEN is_default_shipping = 1 THEN ' [ship]' ELSE '' END
                    || CASE WHEN is_default_billing = 1 THEN ' [bill]' ELSE '' END
             FROM addresses WHERE customer_id = ?1 ORDER BY id",
        )
        .unwrap()
        .query_map([id], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    // Two addresses, the first the one default for shipping (and billing).
    assert_eq!(
        book,
        [
            "Home: 12 Harbor Road, , Portland OR 97201, US [ship] [bill]",
            "Office: 400 Commerce St, Suite 5, Seattle WA 98101, US",
        ]
    );
    drop(conn);
    // Neither password typed, nor the answer, is in any file of the folder.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        for secret in ["Harbor2024x", "Harbor2024y", "Biscuit", "biscuit"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} in {}",
                path.display()
            );
        }
    }
}

#[test]
fn starts_a_guest_order() {
    let (_dir, _db, mut t) = start();
    t.send(F2);
    t.send(CTRL_D);
    t.wait_rows("the guest form", TIMEOUT, |rows| {
        has(rows, "Guest order — only what the order needs") && has(rows, ">First name")
    });
    for value in [
        "Ava",
        "Lindgren",
        "555-867-5309",
        "",
        "77 Birch Lane",
        "",
        "Madison",
        "wi",
        "53703",
    ] {
        t.send(value);
        t.send(TAB);
    }
    t.send("us");
    t.wait_rows("the guest form filled", TIMEOUT, |rows| {
        row_with(rows, ">Country").contains("us")
    });
    t.send(ENTER);
    let s = t.wait_for("Catalog — prices in USD", TIMEOUT);
    let header = s.lines().next().unwrap_or("");
    assert!(
        header.contains("Guest: Ava Lindgren (USD)"),
        "header: {header}"
    );
    assert!(s.contains("Guest order for Ava Lindgren"), "{s}");

    // The review reads back what the guest form took: the contact and the
    // address the order ships to.
    t.send(F9);
    let s = t.wait_for("Review — read it back", TIMEOUT);
    assert!(
        s.contains("Customer  Ava Lindgren (guest)  555-867-5309"),
        "{s}"
    );
    assert!(s.contains("77 Birch Lane, Madison WI 53703, US"), "{s}");
}

/// ^D on the find screen is "Guest order" even when a registered customer
/// was picked first (the wrong one, say): the guest form opens and the
/// guest replaces them on the order.
#[test]
fn guest_order_after_a_registered_customer_was_picked() {
    let (_dir, _db, mut t) = start();
    t.send("doe");
    t.wait_for("> Doe, Jane", TIMEOUT);
    t.send(ENTER);
    t.wait_for("Catalog — prices in USD", TIMEOUT);
    t.send(F2);
    t.wait_for("Find customer", TIMEOUT);
    t.send(CTRL_D);
    t.wait_for("Guest order — only what the order needs", TIMEOUT);
    for value in [
        "Ava",
        "Lindgren",
        "555-867-5309",
        "",
        "77 Birch Lane",
        "",
        "Madison",
        "WI",
        "53703",
    ] {
        t.send(value);
        t.send(TAB);
    }
    t.send("US");
    t.send(ENTER);
    let s = t.wait_for("Catalog — prices in USD", TIMEOUT);
    let header = s.lines().next().unwrap_or("");
    assert!(
        header.contains("Guest: Ava Lindgren (USD)"),
        "header: {header}"
    );
}
