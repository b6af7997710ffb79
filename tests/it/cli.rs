//! The command line beyond the console: `simulate` places orders and
//! `export` prints one as JSON or as text; which `--db` paths are used,
//! created or refused (`init`, `demo`, URIs, missing paths, other
//! programs' files), from the real binary.

use std::path::{Path, PathBuf};
use std::process::Command;

fn orderdesk(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .args(["--db", db.to_str().unwrap(), "--operator", "cli"])
        .args(args)
        .output()
        .unwrap()
}

/// A temporary folder with a new demo database made by `orderdesk init`.
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

#[test]
fn export_prints_a_placed_order_as_json_and_text() {
    let (_dir, db) = new_db();
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
    let (_dir, db) = new_db();
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
    let (_dir, db) = new_db();
    let (code, answers, err) = play(
        &db,
        "{\"cmd\":\"pick_customer\",\"logon\":\"jdoe\"}\n{\"cmd\":\"fly\"}\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(answers.is_empty(), "nothing ran: {answers:?}");
    assert!(err.contains("line 2"), "{err}");
}

// ---- which database: created, used or refused ----

/// The binary in `cwd` with `args` (no `--db` added); stdin is empty.
fn run_in(cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .current_dir(cwd)
        .args(["--operator", "cli"])
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// Every file and folder under `dir`, as paths relative to it.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Exit code 2 and one line on stderr containing `expect`.
fn assert_refused(out: &std::process::Output, expect: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(err.contains(expect), "{err}");
    assert!(!err.contains("CREATE"), "the schema was printed: {err}");
}

#[test]
fn an_explicit_missing_database_is_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &[][..],
        &["simulate", "--orders", "1"],
        &["export", "100001"],
        &["play", "-"],
        &["check"],
        &["backup", "copy.db"],
    ] {
        for db in ["o.db", "new/folders/o.db"] {
            let mut all = vec!["--db", db];
            all.extend_from_slice(args);
            let out = run_in(dir.path(), &all);
            assert_refused(&out, &format!("orderdesk init --db {db}"));
            assert!(
                tree(dir.path()).is_empty(),
                "{args:?}: {:?}",
                tree(dir.path())
            );
        }
    }
}

#[test]
fn init_creates_a_database_with_or_without_the_demo_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["--db", "o.db", "init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_in(dir.path(), &["--db", "empty.db", "init", "--no-demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let customers = |name: &str| -> i64 {
        rusqlite::Connection::open(dir.path().join(name))
            .unwrap()
            .query_row("SELECT COUNT(*) FROM customers", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(customers("o.db"), 50);
    assert_eq!(customers("empty.db"), 0);

    // Now the console's commands use it.
    let out = run_in(dir.path(), &["--db", "o.db", "simulate", "--orders", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // init never overwrites, and never creates folders.
    let before = std::fs::read(dir.path().join("o.db")).unwrap();
    let out = run_in(dir.path(), &["--db", "o.db", "init"]);
    assert_refused(&out, "already there");
    assert_eq!(std::fs::read(dir.path().join("o.db")).unwrap(), before);
    let out = run_in(dir.path(), &["--db", "no/such/o.db", "init"]);
    assert_refused(&out, "does not exist");
    assert!(!dir.path().join("no").exists());
}

#[test]
fn demo_creates_a_missing_database_but_not_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["--db", "big.db", "demo", "--customers", "10"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let n: i64 = rusqlite::Connection::open(dir.path().join("big.db"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM customers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 60, "the demo data and ten more");
    let out = run_in(dir.path(), &["--db", "no/big.db", "demo"]);
    assert_refused(&out, "does not exist");
    assert!(!dir.path().join("no").exists());
}

#[test]
fn uris_and_in_memory_databases_are_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    for db in [
        "file:o.db?mode=memory",
        "file:o.db",
        ":memory:",
        // postgres://… is PostgreSQL (pg_cli.rs); one slash short is a
        // scheme, not a folder.
        "postgres:/host/db",
    ] {
        for args in [&["simulate", "--orders", "1"][..], &[], &["init"]] {
            let mut all = vec!["--db", db];
            all.extend_from_slice(args);
            let out = run_in(dir.path(), &all);
            assert_refused(&out, "not a database file path");
            assert!(
                tree(dir.path()).is_empty(),
                "{db} {args:?}: {:?}",
                tree(dir.path())
            );
        }
    }
}

#[test]
fn the_default_database_is_created_on_first_start_only() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_orderdesk"))
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .args(["--operator", "cli"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["check"]);
    assert_refused(&out, "no such database");
    let out = run(&["simulate", "--orders", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = home
        .path()
        .join("data")
        .join("orderdesk")
        .join("orderdesk.db");
    assert!(db.is_file());
    let out = run(&["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn another_programs_database_is_refused_by_every_command_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.db");
    let clash = dir.path().join("shop.db");
    rusqlite::Connection::open(&notes)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('milk');")
        .unwrap();
    rusqlite::Connection::open(&clash)
        .unwrap()
        .execute_batch(
            "CREATE TABLE orders (id INTEGER PRIMARY KEY); INSERT INTO orders VALUES (7);",
        )
        .unwrap();
    for db in [&notes, &clash] {
        let before = std::fs::read(db).unwrap();
        let files = tree(dir.path());
        for args in [
            &[][..],
            &["simulate", "--orders", "1"],
            &["init"],
            &["demo"],
            &["check"],
            &["backup", "copy.db"],
        ] {
            let mut all = vec!["--db", db.to_str().unwrap()];
            all.extend_from_slice(args);
            let out = run_in(dir.path(), &all);
            assert_refused(&out, "not orderdesk's");
            assert_eq!(std::fs::read(db).unwrap(), before, "{args:?} changed it");
            assert_eq!(tree(dir.path()), files, "{args:?}");
        }
    }
}

/// The operations log names what was placed and refused by ids and rules,
/// never a card number or a customer's name.
#[test]
fn the_log_holds_ids_and_rules_not_personal_data() {
    let (dir, db) = crate::common::temp_db();
    let logs = dir.path().join("log");
    let file = db.with_file_name("script.jsonl");
    std::fs::write(
        &file,
        r#"{"cmd":"pick_customer","logon":"jdoe"}
{"cmd":"add_item","sku":"TNT-2001","qty":1}
{"cmd":"set_method","ship_to":1,"method":"GROUND"}
{"cmd":"pay","method":"card","number":"4111 1111 1111 1111","expiry":"12/39","cvv":"737"}
{"cmd":"adjust","target":"subtotal","amount":"1,5","reason":"GOODWILL"}
{"cmd":"submit"}
"#,
    )
    .unwrap();
    let init = Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .args(["--db", db.to_str().unwrap(), "--operator", "cli", "init"])
        .env("ORDERDESK_LOG_DIR", &logs)
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .args(["--db", db.to_str().unwrap(), "--operator", "cli", "play"])
        .arg(&file)
        .env("ORDERDESK_LOG_DIR", &logs)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text: String = std::fs::read_dir(&logs)
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(text.contains("start"), "{text}");
    assert!(text.contains("placed") && text.contains("100001"), "{text}");
    assert!(text.contains("rule=invalid_input"), "{text}");
    // Each line after its timestamp: the clock's digits ("…14.107379Z")
    // may hold "737" or "4111" by chance.
    let written: String = text
        .lines()
        .map(|l| l.split_once(' ').map_or(l, |(_, rest)| rest))
        .collect::<Vec<_>>()
        .join("\n");
    for secret in ["4111", "737", "Jane", "Doe"] {
        assert!(!written.contains(secret), "{secret} in the log: {text}");
    }
}
