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

/// `orderdesk play` on a script; (exit code, one JSON value per answer).
fn play(db: &std::path::Path, script: &str) -> (i32, Vec<serde_json::Value>, String) {
    let file = db.with_file_name("script.jsonl");
    std::fs::write(&file, script).unwrap();
    let out = orderdesk(db, &["play", file.to_str().unwrap()]);
    let answers = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        answers,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn play_answers_every_command_and_places_through_the_session() {
    let (_dir, db) = crate::common::temp_db();
    let (code, answers, err) = play(
        &db,
        r#"{"cmd":"pick_customer","logon":"jdoe"}
{"cmd":"add_item","sku":"TNT-2001","qty":2}
# comments and blank lines are skipped

{"cmd":"adjust","target":"subtotal","amount":"1,5","reason":"GOODWILL"}
{"cmd":"adjust","target":"line:1","unit_price":"18,950.00","reason":"PRICE_MATCH"}
{"cmd":"pay","method":"stored","last4":"1111"}
{"cmd":"set_method","ship_to":1,"method":"GROUND"}
{"cmd":"pay","method":"cod"}
{"cmd":"submit"}
"#,
    );
    assert_eq!(code, 0, "{err}");
    let ok: Vec<bool> = answers.iter().map(|a| a["ok"].as_bool().unwrap()).collect();
    assert_eq!(
        ok,
        [true, true, false, false, false, true, true, true],
        "{answers:?}"
    );
    assert_eq!(answers[2]["rule"], "invalid_input");
    assert_eq!(answers[3]["rule"], "adjustment_limit");
    assert_eq!(answers[4]["rule"], "challenge_required");
    let no = answers[7]["orders"][0].as_i64().unwrap();
    // What play said was placed is what the database holds.
    let out = orderdesk(&db, &["export", &no.to_string()]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["grand_total"], answers[7]["totals"][0]);
    assert_eq!(json["lines"][0]["quantity"], 2);
    assert_eq!(json["operator"], "cli");
}

#[test]
fn play_refuses_a_malformed_script_before_running_any_of_it() {
    let (_dir, db) = crate::common::temp_db();
    let (code, answers, err) = play(
        &db,
        "{\"cmd\":\"pick_customer\",\"logon\":\"jdoe\"}\n{\"cmd\":\"fly\"}\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(answers.is_empty(), "nothing ran: {answers:?}");
    assert!(err.contains("line 2"), "{err}");
}
