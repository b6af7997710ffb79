//! The command line beyond the console: `simulate` places orders and
//! `export` prints one as JSON or as text, from the real binary.

use std::process::Command;

fn orderdesk(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .args(["--db", db.to_str().unwrap(), "--operator", "cli"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn export_prints_a_placed_order_as_json_and_text() {
    let (_dir, db) = crate::common::temp_db();
    let out = orderdesk(
        &db,
        &["simulate", "--orders", "3", "--items", "TNT-2001,CKW-1001"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first: i64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("placed "))
        .and_then(|n| n.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no order placed: {stdout}"));

    let out = orderdesk(&db, &["export", &first.to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["order_no"], first);
    assert_eq!(json["operator"], "cli");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (total, lines): (String, i64) = conn
        .query_row(
            "SELECT grand_total, (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id)
             FROM orders o WHERE order_no = ?1",
            [first],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(json["grand_total"], total.as_str());
    assert_eq!(json["lines"].as_array().unwrap().len() as i64, lines);
    assert!(!json["shipments"].as_array().unwrap().is_empty());
    assert_eq!(json["payments"][0]["method"], "cod");

    let out = orderdesk(&db, &["export", &first.to_string(), "--text"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with(&format!("Order {first}")), "{text}");
    assert!(text.contains(&format!("Total {total:>12}")), "{text}");
    assert!(text.contains("Payment: Cash on delivery"), "{text}");

    let out = orderdesk(&db, &["export", "999999"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no order number 999999"), "{err}");
}
