//! The warehouse side on the command line (docs/design.md, "After the
//! order"), from the real binary: `receive`, `release` and `ship` print
//! one JSON object a line and answer 0 (done), 1 (refused, with a
//! `{"refused": …}` line) or 2 (unusable: bad arguments, a database that
//! fails); `export` carries status, shipments and history, and `export
//! --text` reads the changes back.

use crate::common::placing::{line_of, new_line, NewOrder, Shop};
use serde_json::Value;
use std::process::{Command, Output};

fn orderdesk(shop: &Shop, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .args(["--db", shop.path.to_str().unwrap(), "--operator", "cli"])
        .args(args)
        .output()
        .unwrap()
}

/// (exit code, the JSON lines on stdout, stderr).
fn run(shop: &Shop, args: &[&str]) -> (i32, Vec<Value>, String) {
    let out = orderdesk(shop, args);
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{args:?}: {l}: {e}")))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Done: exit 0 and one JSON line, returned.
fn done(shop: &Shop, args: &[&str]) -> Value {
    let (code, mut lines, err) = run(shop, args);
    assert_eq!(code, 0, "{args:?}: {err} {lines:?}");
    assert_eq!(lines.len(), 1, "{args:?}: {lines:?}");
    lines.remove(0)
}

/// Refused: exit 1, one `{"refused": …}` line containing `why`.
fn refused(shop: &Shop, args: &[&str], why: &str) {
    let (code, lines, err) = run(shop, args);
    assert_eq!(code, 1, "{args:?}: {err} {lines:?}");
    assert_eq!(lines.len(), 1, "{args:?}: {lines:?}");
    let text = lines[0]["refused"].as_str().unwrap_or_default();
    assert!(text.contains(why), "{args:?}: {text}");
    assert!(err.contains("refused"), "{err}");
}

/// Unusable: exit 2, nothing on stdout, the reason on stderr.
fn unusable(shop: &Shop, args: &[&str]) -> String {
    let out = orderdesk(shop, args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}: nothing done");
    assert!(!err.is_empty());
    err
}

fn shipment_statuses(v: &Value) -> Vec<(i64, String, i64)> {
    v["shipments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["shipment_no"].as_i64().unwrap(),
                s["status"].as_str().unwrap().to_string(),
                s["waiting"].as_i64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn receive_release_and_ship_print_json_and_answer_0_1_or_2() {
    let mut shop = Shop::new();
    // Jane: shipment 1 can leave, shipment 2 waits for two stoves; John's
    // one stove waits too.
    let jane = shop.place_one(&NewOrder::jane(&[("CMK-4011", 5), ("LGT-1002", 1)]));
    let john = shop.place_one(&NewOrder::jane(&[("CMK-4011", 1)]).by("jsmith"));
    let (jane_s, john_s) = (jane.to_string(), john.to_string());

    let v = done(&shop, &["release", &jane_s]);
    assert_eq!(v["order_no"], jane);
    assert_eq!(v["status"], "released");
    assert_eq!(v["version"], 2);
    assert_eq!(
        shipment_statuses(&v),
        [(1, "open".into(), 0), (2, "open".into(), 2)]
    );
    refused(&shop, &["release", &jane_s], "with the warehouse already");
    refused(&shop, &["release", "999999"], "there is no order 999999");
    refused(&shop, &["ship", &jane_s, "2"], "still waits for 2 pieces");
    refused(&shop, &["ship", &jane_s, "9"], "no shipment 9");
    refused(&shop, &["ship", &john_s, "1"], "not released");

    let v = done(&shop, &["ship", &jane_s, "1", "--tracking", "1Z42"]);
    assert_eq!(v["status"], "partly_shipped");
    assert_eq!(v["shipments"][0]["status"], "shipped");
    assert_eq!(v["shipments"][0]["tracking"], "1Z42");
    assert_eq!(shop.stock("CMK-4011"), (0, 0));
    assert_eq!(shop.stock("LGT-1002"), (395, 0));
    refused(&shop, &["ship", &jane_s, "1"], "shipped already");

    // Three stoves: Jane's two first (placed first), then John's.
    let v = done(&shop, &["receive", "CMK-4011", "3", "--date", "2026-12-01"]);
    assert_eq!(
        (&v["sku"], &v["quantity"], &v["on_hand"], &v["reserved"]),
        (&"CMK-4011".into(), &3.into(), &3.into(), &3.into())
    );
    let filled: Vec<(i64, Value, Value)> = v["filled"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["order_no"].as_i64().unwrap(),
                f["lines"].clone(),
                f["ready"].clone(),
            )
        })
        .collect();
    assert_eq!(
        filled,
        [
            (
                jane,
                serde_json::json!([[1, "CMK-4011", 2]]),
                serde_json::json!([2])
            ),
            (
                john,
                serde_json::json!([[1, "CMK-4011", 1]]),
                serde_json::json!([1])
            ),
        ]
    );
    assert_eq!(shop.stock("CMK-4011"), (3, 3));
    refused(
        &shop,
        &["receive", "NOPE-1", "1"],
        "there is no item NOPE-1",
    );
    refused(&shop, &["receive", "CMK-4011", "0"], "1 to 1000000000");
    refused(
        &shop,
        &["receive", "CMK-4011", "--", "-3"],
        "1 to 1000000000",
    );

    // Every placed order: John's.
    let (code, lines, err) = run(&shop, &["release", "--all"]);
    assert_eq!(code, 0, "{err}");
    let released: Vec<&Value> = lines.iter().map(|l| &l["order_no"]).collect();
    assert_eq!(released, [&Value::from(john)]);
    let (code, lines, _) = run(&shop, &["release", "--all"]);
    assert_eq!((code, lines.len()), (0, 0), "nothing left to release");

    assert_eq!(done(&shop, &["ship", &jane_s, "2"])["status"], "shipped");
    assert_eq!(done(&shop, &["ship", &john_s, "1"])["status"], "shipped");
    assert_eq!(shop.stock("CMK-4011"), (0, 0));

    // What clap refuses, before anything is done: exit 2.
    for args in [
        &["receive", "CMK-4011"][..],
        &["receive", "CMK-4011", "abc"],
        &["receive", "CMK-4011", "-3"],
        &["receive", "CMK-4011", "1", "--date", "2026-13-01"],
        &["release"],
        &["release", &jane_s, "--all"],
        &["ship", &jane_s],
        &["ship", &jane_s, "one"],
    ] {
        unusable(&shop, args);
    }
    assert_eq!(shop.stock("CMK-4011"), (0, 0));

    // The history the export carries, and the text read back.
    let out = orderdesk(&shop, &["export", &jane_s]);
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["status"], "shipped");
    assert_eq!(json["version"], 5);
    let actions: Vec<(&str, &str)> = json["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["operator"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("released", "cli"),
            ("shipped", "cli"),
            ("received", "cli"),
            ("shipped", "cli")
        ]
    );
    let shipments = json["shipments"].as_array().unwrap();
    assert_eq!(shipments[0]["tracking"], "1Z42");
    assert_eq!(shipments[1]["ship_date"], "2026-12-01");
    for s in shipments {
        assert_eq!(s["status"], "shipped");
        assert!(s["shipped_at"].is_string(), "{s}");
    }
    let out = orderdesk(&shop, &["export", &jane_s, "--text"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let shipped_on = &shipments[0]["shipped_at"].as_str().unwrap()[..10];
    for expect in [
        "Status shipped".to_string(),
        format!("Shipment 1 to ship-to 1 by GROUND: line 1 x3, line 2 x1; shipped {shipped_on}, tracking 1Z42"),
        "Changes since the order was placed:".into(),
        "cli released:".into(),
        "    released to the warehouse".into(),
        "    goods reserved: 2 CMK-4011 for line 1; shipment 2 can leave (2026-12-01)".into(),
        "    shipment 2 shipped (2 pieces); order shipped".into(),
    ] {
        assert!(text.contains(&expect), "{expect:?} in:\n{text}");
    }
    let out = orderdesk(&shop, &["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn export_reads_back_the_changes_and_the_refund_owed() {
    let mut shop = Shop::new();
    let no = shop.place_one(&NewOrder::jane(&[("TNT-2001", 1), ("LGT-1002", 1)]).by_card());
    let placed = shop.stored(no).grand_total;
    let (changed, _) = shop
        .change(no, |store, o| new_line(store, o, "LGT-1001", 2))
        .unwrap();
    let (smaller, _) = shop
        .change(no, |_, o| orderdesk::domain::order_change::Change::Remove {
            line: line_of(o, "TNT-2001"),
        })
        .unwrap();
    shop.cancel(no, "customer_request").unwrap();

    let out = orderdesk(&shop, &["export", &no.to_string()]);
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["status"], "cancelled");
    assert_eq!(json["version"], 4);
    assert_eq!(json["grand_total"], smaller.grand_total.to_string());
    let history = json["history"].as_array().unwrap();
    let totals: Vec<(&Value, &Value)> = history
        .iter()
        .map(|e| (&e["total_before"], &e["total_after"]))
        .collect();
    let t = |d: rust_decimal::Decimal| Value::from(d.to_string());
    assert_eq!(
        totals,
        [
            (&t(placed), &t(changed.grand_total)),
            (&t(changed.grand_total), &t(smaller.grand_total)),
            (&Value::Null, &Value::Null)
        ]
    );
    let owed: Vec<(&Value, &Value)> = json["refunds_owed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (&r["amount"], &r["reason"]))
        .collect();
    let cut = t(changed.grand_total - smaller.grand_total);
    let all = t(smaller.grand_total);
    assert_eq!(
        owed,
        [
            (&cut, &"customer called".into()),
            (&all, &"customer_request".into())
        ]
    );
    assert!(json["shipments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["status"] == "cancelled"));

    let out = orderdesk(&shop, &["export", &no.to_string(), "--text"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let diff = |a, b| orderdesk::domain::order_change::difference(smaller.currency, a, b);
    for expect in [
        "Status cancelled".to_string(),
        "Changes since the order was placed:".into(),
        "alice changed (customer called):".into(),
        "    LGT-1001 Beacon 400 Headlamp ×2: added".into(),
        format!("    {}", diff(placed, changed.grand_total)),
        "    TNT-2001 Ridgeline 2-Person Tent ×1: cancelled".into(),
        format!("    {}", diff(changed.grand_total, smaller.grand_total)),
        "alice cancelled (Customer asked):".into(),
        format!(
            "    order cancelled; {} USD owed back to the card",
            smaller.grand_total
        ),
        format!("Refund owed: {} USD", cut.as_str().unwrap()),
        format!("Refund owed: {} USD", all.as_str().unwrap()),
        "; cancelled".into(),
    ] {
        assert!(text.contains(&expect), "{expect:?} in:\n{text}");
    }
    assert!(
        !text.contains("open, ships"),
        "no shipment is open:\n{text}"
    );
}

/// A database that fails under a command (here a trigger standing in for
/// a failing disk) is not a refusal: exit 2, nothing on stdout, nothing
/// written.
#[test]
fn a_database_failure_under_a_warehouse_command_is_exit_2_and_writes_nothing() {
    let mut shop = Shop::new();
    let out = shop.place_one(&NewOrder::jane(&[("CMK-4011", 2)]));
    let placed = shop.place_one(&NewOrder::jane(&[("CMK-4011", 1)]).by("jsmith"));
    shop.release(out).unwrap();
    let conn = rusqlite::Connection::open(&shop.path).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER fail_orders BEFORE UPDATE ON orders BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;
         CREATE TRIGGER fail_stock BEFORE UPDATE ON inventory BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;",
    )
    .unwrap();
    let (out_s, placed_s) = (out.to_string(), placed.to_string());
    for args in [
        &["release", &placed_s][..],
        &["release", "--all"],
        &["ship", &out_s, "1"],
        &["receive", "CMK-4011", "2"],
    ] {
        let err = unusable(&shop, args);
        assert!(err.contains("disk on fire"), "{err}");
    }
    assert_eq!(shop.stock("CMK-4011"), (3, 3));
    for (no, version) in [(out, 2), (placed, 1)] {
        let o = shop.stored(no);
        assert_eq!(o.version, version, "order {no}: nothing written");
        assert!(o
            .shipments
            .iter()
            .all(|s| s.state.status == orderdesk::domain::lifecycle::ShipmentStatus::Open));
    }
}
