//! `orderdesk check` and `orderdesk backup` from the real binary, and the
//! start-up check: a sound database passes; broken rules and a damaged
//! index are found (exit 1); a damaged file is refused by the console and
//! the commands (exit 2) without a byte written; a backup made while two
//! `orderdesk simulate` processes write holds every order committed before
//! it began and passes `check`.

use orderdesk::store::{Create, OpenError, OpenOptions, Store};
use rusqlite::Connection;
use std::io::BufRead;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn orderdesk(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .arg("--db")
        .arg(db)
        .args(["--operator", "chk"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A demo database with orders placed by `simulate` and a script that
/// uses coupons, adjustments, a second ship-to and a separate backorder
/// order: every kind of amount `check` adds up.
fn db_with_orders() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = crate::common::temp_db();
    let out = orderdesk(&db, &["init"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = orderdesk(&db, &["simulate", "--orders", "30", "--seed", "3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let script = dir.path().join("calls.jsonl");
    std::fs::write(
        &script,
        r#"{"cmd":"pick_customer","logon":"jdoe"}
{"cmd":"add_item","sku":"TNT-2001","qty":2}
{"cmd":"add_item","sku":"TNT-2010","qty":1}
{"cmd":"add_item","sku":"LGT-1014","qty":3}
{"cmd":"redeem_coupon","code":"VIP-JDOE"}
{"cmd":"adjust","target":"subtotal","amount":"5.00","reason":"GOODWILL"}
{"cmd":"adjust","target":"line:1","unit_price":"180.00","reason":"PRICE_MATCH"}
{"cmd":"move_line","line":3,"qty":1,"address":{"line1":"9 Oak Ave","city":"Austin","region":"TX","postal_code":"78701","country":"US"}}
{"cmd":"set_method","ship_to":1,"method":"GROUND"}
{"cmd":"set_method","ship_to":2,"method":"EXPRESS"}
{"cmd":"pay","method":"cod"}
{"cmd":"submit"}
{"cmd":"new_order"}
{"cmd":"pick_customer","logon":"jdoe"}
{"cmd":"add_item","sku":"COF-3006","qty":40}
{"cmd":"add_item","sku":"TNT-2023","qty":2}
{"cmd":"set_method","ship_to":1,"method":"GROUND"}
{"cmd":"backorder","choice":"available","separate":true}
{"cmd":"pay","method":"cod"}
{"cmd":"submit"}
{"cmd":"new_order"}
{"cmd":"pick_customer","logon":"dkim"}
{"cmd":"add_item","sku":"TNT-2023","qty":1}
{"cmd":"redeem_coupon","code":"SHIPONUS"}
{"cmd":"set_method","ship_to":1,"method":"GROUND"}
{"cmd":"pay","method":"cod"}
{"cmd":"submit"}
"#,
    )
    .unwrap();
    let out = orderdesk(&db, &["play", script.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let placed: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|a: &serde_json::Value| a["cmd"] == "submit")
        .collect();
    assert_eq!(placed.len(), 3);
    for p in &placed {
        assert_eq!(p["ok"], true, "{p}");
    }
    assert_eq!(
        placed[1]["orders"].as_array().unwrap().len(),
        2,
        "a separate backorder order"
    );
    (dir, db)
}

fn sql(db: &Path, batch: &str) {
    Connection::open(db).unwrap().execute_batch(batch).unwrap();
}

#[test]
fn check_passes_a_sound_database_with_every_kind_of_order() {
    let (_dir, db) = db_with_orders();
    let n: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM orders o WHERE EXISTS (SELECT 1 FROM adjustments a WHERE a.order_id = o.id)
               AND EXISTS (SELECT 1 FROM order_discounts d WHERE d.order_id = o.id)
               AND (SELECT COUNT(*) FROM order_ship_tos s WHERE s.order_id = o.id) = 2",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1, "the script's first order has it all");
    let out = orderdesk(&db, &["check"]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}{}", text(&out.stderr));
    assert!(report.contains("sound: no problems found"), "{report}");
    assert!(!report.contains("FAILED"), "{report}");
    // The console's own invariants agree.
    let problems = crate::common::consistency_problems(&Connection::open(&db).unwrap());
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn check_names_each_broken_rule_and_exits_1() {
    let (_dir, db) = db_with_orders();
    let conn = Connection::open(&db).unwrap();
    let first: i64 = conn
        .query_row("SELECT MIN(order_no) FROM orders", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    sql(
        &db,
        &format!(
            "PRAGMA foreign_keys = OFF;
             UPDATE inventory SET reserved = reserved + 1
               WHERE item_id = (SELECT id FROM items WHERE sku = 'TNT-2023');
             UPDATE orders SET grand_total = '1.00' WHERE order_no = {first};
             DELETE FROM payments WHERE order_id = (SELECT id FROM orders WHERE order_no = {first} + 1);
             DELETE FROM order_ship_tos WHERE order_id = (SELECT id FROM orders WHERE order_no = {first} + 2);
             UPDATE order_lines SET line_total = '0.01'
               WHERE order_id = (SELECT id FROM orders WHERE order_no = {first} + 3) AND line_no = 1;
             INSERT INTO order_lines (order_id, line_no, item_id, sku, name, ship_to_no, quantity, qty_now,
                 qty_backordered, unit_price, list_price, line_total)
               VALUES (999999, 1, 1, 'X', 'x', 1, 1, 0, 1, '1', '1', '1');"
        ),
    );
    let out = orderdesk(&db, &["check"]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}{}", text(&out.stderr));
    for expect in [
        "TNT-2023: reserved",
        "but open orders hold",
        &format!("order {first}: the payment is for"),
        &format!("order {first}: total 1.00"),
        &format!("order {}: no payment", first + 1),
        &format!("order {}: no ship-to", first + 2),
        &format!("order {} line 1:", first + 3),
        "refers to a missing orders row",
        "problems found",
    ] {
        assert!(report.contains(expect), "{expect:?} not in:\n{report}");
    }
}

/// A file from before the customers' copy of their address (schema
/// version 9, as the console left it before migrations 10 to 12) is
/// sound: the check says the copy comes when a console opens it, and a
/// console opening it makes the copy, which the check then compares.
#[test]
fn check_passes_a_file_from_before_the_shown_address_copy() {
    let (_dir, db) = db_with_orders();
    sql(
        &db,
        "DROP INDEX customers_first_initial_email; DROP INDEX customers_email_initial_postal;
         DROP INDEX customers_last_initial_postal; DROP INDEX customers_first_initial_postal;
         ALTER TABLE customers DROP COLUMN shipping_city;
         ALTER TABLE customers DROP COLUMN shipping_postal_code;
         CREATE INDEX addresses_default_shipping ON addresses(customer_id, city, postal_code)
             WHERE is_default_shipping = 1;
         PRAGMA user_version = 9;",
    );
    let out = orderdesk(&db, &["check"]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}{}", text(&out.stderr));
    assert!(
        report.contains("no shown copy of their addresses yet"),
        "{report}"
    );
    drop(Store::open(&db, crate::common::BUSY).unwrap());
    let out = orderdesk(&db, &["check"]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}{}", text(&out.stderr));
    assert!(
        report.contains("the shown city and postal code are the default shipping address's"),
        "{report}"
    );
}

/// Overwrites part of the root page of index `index` in the (closed)
/// database: `garbage` makes the page unreadable; otherwise one byte of a
/// key in its cells is changed, the page still well formed (what
/// `quick_check` cannot see and only `integrity_check` finds).
fn damage_index(db: &Path, index: &str, garbage: bool) {
    let conn = Connection::open(db).unwrap();
    let root: i64 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND name = ?1",
            [index],
            |r| r.get(0),
        )
        .unwrap();
    let page_size: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    conn.close().unwrap();
    assert!(!PathBuf::from(format!("{}-wal", db.display())).exists());
    let mut bytes = std::fs::read(db).unwrap();
    let at = ((root - 1) * page_size) as usize;
    if garbage {
        bytes[at..at + 64].fill(0xff);
    } else {
        // Cells fill the page from its end: the last bytes are a key.
        bytes[at + page_size as usize - 20] ^= 0x20;
    }
    std::fs::write(db, bytes).unwrap();
}

/// The console and the commands refuse `db` with the damaged-database
/// message and exit 2, and its bytes do not change.
fn assert_refused_as_damaged(db: &Path) {
    let before = std::fs::read(db).unwrap();
    for args in [
        &[][..],
        &["simulate", "--orders", "3"],
        &["export", "100001"],
        &["play", "-"],
        &["backup", "/nonexistent-folder/copy.db"],
    ] {
        let out = orderdesk(db, args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err:?}");
        assert!(
            err.contains("damaged: run orderdesk check; restore from backup"),
            "{args:?}: {err}"
        );
        assert!(text(&out.stdout).is_empty(), "{}", text(&out.stdout));
        assert_eq!(std::fs::read(db).unwrap(), before, "{args:?} wrote to it");
    }
}

#[test]
fn a_damaged_index_page_fails_check_and_is_refused_at_start() {
    let (_dir, db) = db_with_orders();
    damage_index(&db, "customers_last_key", true);
    let out = orderdesk(&db, &["check"]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}{}", text(&out.stderr));
    assert!(
        report.contains("FAILED  SQLite integrity_check"),
        "{report}"
    );
    assert_refused_as_damaged(&db);
    // The library refuses it too when asked to check at start.
    let err = Store::open_with(
        &db,
        OpenOptions::new(crate::common::BUSY, Create::Never).startup_check(true),
    )
    .err()
    .expect("refused");
    assert!(matches!(err, OpenError::Damaged(_)), "{err:?}");
}

#[test]
fn a_wrong_key_in_the_coupon_index_is_refused_at_start() {
    // The issue's case: the file reads fine, but a valid coupon is not
    // found through its index. quick_check cannot see it; the start-up
    // check of the tables an order is priced with does.
    let (_dir, db) = db_with_orders();
    damage_index(&db, "sqlite_autoindex_coupons_2", false);
    let quick: String = Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(quick, "ok", "a damage quick_check alone would miss");
    let out = orderdesk(&db, &["check"]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("sqlite_autoindex_coupons_2"), "{report}");
    assert_refused_as_damaged(&db);
}

#[test]
fn backup_refuses_to_overwrite_and_makes_a_private_checked_copy() {
    let (dir, db) = db_with_orders();
    let existing = dir.path().join("old-copy.db");
    std::fs::write(&existing, b"yesterday's copy").unwrap();
    let out = orderdesk(&db, &["backup", existing.to_str().unwrap()]);
    assert_ne!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    assert!(err.contains("never overwrites"), "{err}");
    assert_eq!(std::fs::read(&existing).unwrap(), b"yesterday's copy");

    let out = orderdesk(&db, &["backup", "file:copy.db"]);
    assert_ne!(out.status.code(), Some(0));

    // Even under umask 000 the copy is 0600.
    let copy = dir.path().join("copy.db");
    let out = Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_orderdesk"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "backup",
            copy.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("integrity checked"),
        "{}",
        text(&out.stdout)
    );
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    let out = orderdesk(&copy, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let orders = |p: &Path| -> Vec<(i64, String)> {
        let conn = Connection::open(p).unwrap();
        let mut stmt = conn
            .prepare("SELECT order_no, grand_total FROM orders ORDER BY order_no")
            .unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        rows
    };
    assert_eq!(orders(&copy), orders(&db));
    // The copy is an orderdesk database the console opens.
    let out = orderdesk(&copy, &["simulate", "--orders", "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// Starts `orderdesk simulate` placing `orders` orders; a thread counts the
/// orders it reports placed into `placed`.
fn writer(db: &Path, seed: u32, orders: u32, placed: Arc<AtomicUsize>) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .arg("--db")
        .arg(db)
        .args(["--operator", &format!("w{seed}"), "simulate"])
        .args(["--orders", &orders.to_string(), "--seed", &seed.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines() {
            if line.is_ok_and(|l| l.starts_with("placed")) {
                placed.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    child
}

#[test]
fn a_backup_taken_while_two_operators_write_holds_every_order_committed_before_it() {
    let (dir, db) = crate::common::temp_db();
    let out = orderdesk(&db, &["init"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let placed = Arc::new(AtomicUsize::new(0));
    let mut writers = vec![
        writer(&db, 1, 400, placed.clone()),
        writer(&db, 2, 400, placed.clone()),
    ];
    let started = std::time::Instant::now();
    while placed.load(Ordering::SeqCst) < 20 {
        assert!(
            started.elapsed().as_secs() < 60,
            "the writers place nothing"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // Every order committed before the backup starts.
    let before: Vec<(i64, String)> = {
        let conn = Connection::open(&db).unwrap();
        let mut stmt = conn
            .prepare("SELECT order_no, grand_total FROM orders ORDER BY order_no")
            .unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        rows
    };
    let placed_before = placed.load(Ordering::SeqCst);
    let copy = dir.path().join("nightly.db");
    let out = orderdesk(&db, &["backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let placed_during = placed.load(Ordering::SeqCst);
    for w in &mut writers {
        assert!(
            w.try_wait().unwrap().is_none(),
            "the writers were still writing when the backup finished"
        );
    }

    let out = orderdesk(&copy, &["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let conn = Connection::open(&copy).unwrap();
    for (no, total) in &before {
        let found: Option<String> = conn
            .query_row(
                "SELECT grand_total FROM orders WHERE order_no = ?1",
                [no],
                |r| r.get(0),
            )
            .ok();
        assert_eq!(
            found.as_ref(),
            Some(total),
            "order {no} missing from the copy"
        );
    }
    drop(conn);

    for w in writers {
        let out = w.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{:?} {}",
            out.status,
            text(&out.stderr)
        );
    }
    assert!(placed_before >= 20 && placed_during >= placed_before);
    let out = orderdesk(&db, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}
