//! `orderdesk search items` and `orderdesk search customers` from the real
//! binary: JSON lines on standard output, the same results as the store's
//! searches the console runs, and the exit codes of the other commands.

use orderdesk::domain::money::Currency;
use orderdesk::store::{CustomerQuery, Store};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn orderdesk(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .args(["--db", db.to_str().unwrap(), "--operator", "cli"])
        .args(args)
        .output()
        .unwrap()
}

fn new_db() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = crate::common::temp_db();
    let out = orderdesk(&db, &["init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, db)
}

/// Standard output as JSON objects, one a line; the command succeeded.
fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn search_items_prints_the_catalog_screens_results_as_json_lines() {
    let (_dir, db) = new_db();
    let lines = json_lines(&orderdesk(
        &db,
        &["search", "items", "tnet", "--limit", "5"],
    ));
    assert_eq!(lines.len(), 5);
    let (store, _) = Store::open(&db, crate::common::BUSY).unwrap();
    let want = store.find_items(Currency::USD, "tnet", None, 5).unwrap();
    for (line, hit) in lines.iter().zip(&want) {
        assert_eq!(line["sku"], hit.item.sku.as_str());
        assert_eq!(line["name"], hit.item.name.as_str());
        assert_eq!(line["currency"], "USD");
        assert_eq!(
            line["price"],
            hit.item
                .price
                .map(|p| p.to_string())
                .unwrap_or_default()
                .as_str()
        );
        assert_eq!(line["available"], hit.item.available());
        assert_eq!(line["sku_match"], false);
    }
    // Why each was found: the typo, the word it stood for, where.
    let m = &lines[0]["matched"][0];
    assert_eq!(m["typed"], "tnet");
    assert_eq!(m["found"], "tent");
    assert_eq!(m["in"], "name");
    assert_eq!(m["typos"], 1);

    // A SKU, in another currency.
    let lines = json_lines(&orderdesk(
        &db,
        &["search", "items", "TNT-2001", "--currency", "jpy"],
    ));
    assert_eq!(lines[0]["sku"], "TNT-2001");
    assert_eq!(lines[0]["sku_match"], true);
    assert_eq!(lines[0]["currency"], "JPY");
    let yen = store
        .item_by_sku(Currency::JPY, "TNT-2001")
        .unwrap()
        .unwrap();
    assert_eq!(lines[0]["price"], yen.price.unwrap().to_string().as_str());

    // Nothing found: nothing printed, success.
    let out = orderdesk(&db, &["search", "items", "qqqqqqqq"]);
    assert!(json_lines(&out).is_empty());
}

#[test]
fn search_items_refuses_what_it_cannot_run() {
    let (_dir, db) = new_db();
    let out = orderdesk(&db, &["search", "items", "tent", "--currency", "XYZ"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown currency"), "{err}");
    assert!(out.stdout.is_empty());
    for bad in [
        &["search", "items"][..],
        &["search", "items", "x", "--limit", "0"],
    ] {
        let out = orderdesk(&db, bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(out.stdout.is_empty());
    }
    // A database that is not there: refused as every command refuses it.
    let out = orderdesk(
        &db.with_file_name("missing.db"),
        &["search", "items", "tent"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such database"));
}

#[test]
fn search_customers_prints_the_find_screens_results_as_json_lines() {
    let (_dir, db) = new_db();
    let (store, _) = Store::open(&db, crate::common::BUSY).unwrap();
    let lines = json_lines(&orderdesk(&db, &["search", "customers", "--last", "smi"]));
    let want = store
        .search_customers(
            &CustomerQuery {
                last_name: "smi".into(),
                ..Default::default()
            },
            20,
        )
        .unwrap();
    assert!(want.len() >= 2);
    assert_eq!(lines.len(), want.len());
    for (line, row) in lines.iter().zip(&want) {
        assert_eq!(line["id"], row.id);
        assert_eq!(line["last_name"], row.last_name.as_str());
        assert_eq!(line["first_name"], row.first_name.as_str());
        assert_eq!(line["email"], row.email.as_str());
        assert_eq!(line["postal_code"], row.postal_code.as_str());
    }
    // Fields combine with AND; --limit caps the lines.
    let lines = json_lines(&orderdesk(
        &db,
        &["search", "customers", "--last", "smi", "--first", "john"],
    ));
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["first_name"], "John");
    let lines = json_lines(&orderdesk(
        &db,
        &["search", "customers", "--last", "smi", "--limit", "1"],
    ));
    assert_eq!(lines.len(), 1);
    let lines = json_lines(&orderdesk(
        &db,
        &["search", "customers", "--logon", "jsmith"],
    ));
    assert_eq!(lines[0]["logon_id"], "jsmith");
    // No field, or only empty ones: refused, exit 2.
    for bad in [
        &["search", "customers"][..],
        &["search", "customers", "--last", " "],
    ] {
        let out = orderdesk(&db, bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(out.stdout.is_empty());
    }
}
