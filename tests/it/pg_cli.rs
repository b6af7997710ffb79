//! The real binary on PostgreSQL: `--db postgres://…` (or ORDERDESK_DB)
//! makes, fills, reads, checks and describes the backup of a store in the
//! tests' throwaway cluster; generating goes into a new database only,
//! and is refused with the reason elsewhere; an SQLite path chosen the
//! same ways still works.

use crate::common::pg::{self, url};
use orderdesk::store::db::{Db, Value};
use std::path::Path;
use std::process::{Command, Output};

/// The login the commands run as: the creator, so the store's admin.
const LOGIN: &str = "pgadmin";

/// The test cluster's `key=value` connection string as the URL `--db`
/// takes: the socket folder percent-encoded as the host.
fn orderdesk_env(env_db: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_orderdesk"));
    c.env_remove("ORDERDESK_DB")
        .env("USER", LOGIN)
        .env("LOGNAME", LOGIN)
        .args(args)
        .stdin(std::process::Stdio::null());
    if let Some(db) = env_db {
        c.env("ORDERDESK_DB", db);
    }
    c.output().expect("the orderdesk binary runs")
}

fn orderdesk(db: &str, args: &[&str]) -> Output {
    let mut all = vec!["--db", db];
    all.extend_from_slice(args);
    orderdesk_env(None, &all)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_ok(out: &Output) {
    assert!(out.status.success(), "{}", stderr(out));
}

fn count(db: &Db, sql: &str) -> i64 {
    db.sql()
        .query_row(sql, &[])
        .and_then(|r| r.get_i64(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// An SQLite store with the demo data and three placed orders, moved to a
/// fresh PostgreSQL database: (its folder, the file, the URL, an order
/// number).
fn moved_store() -> (tempfile::TempDir, std::path::PathBuf, String, i64) {
    let (dir, file) = crate::common::temp_db();
    let file_arg = file.to_str().expect("a UTF-8 path");
    assert_ok(&orderdesk(file_arg, &["init"]));
    let out = orderdesk(
        file_arg,
        &[
            "--operator",
            LOGIN,
            "simulate",
            "--orders",
            "3",
            "--items",
            "TNT-2001,CKW-1001",
        ],
    );
    assert_ok(&out);
    let first: i64 = stdout(&out)
        .lines()
        .find_map(|l| l.strip_prefix("placed "))
        .and_then(|n| n.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no order placed: {}", stdout(&out)));
    let params = pg::fresh_database();
    let out = orderdesk_env(None, &["migrate", "--from", file_arg, "--to", &params]);
    assert_ok(&out);
    (dir, file, url(&params), first)
}

#[test]
fn init_with_the_demo_data_then_operators_and_a_second_init_refused() {
    let params = pg::fresh_database();
    let db = url(&params);
    let out = orderdesk(&db, &["init"]);
    assert_ok(&out);
    let said = stderr(&out);
    assert!(said.contains("created postgres://postgres@"), "{said}");
    assert!(said.contains("with the demo data"), "{said}");

    let pg = Db::connect_postgres(&params).expect("connect");
    assert!(count(&pg, "SELECT COUNT(*) FROM items") > 10);
    assert!(count(&pg, "SELECT COUNT(*) FROM customers") > 5);
    let admins = count(
        &pg,
        &format!("SELECT COUNT(*) FROM operators WHERE login = '{LOGIN}' AND role = 'admin'"),
    );
    assert_eq!(admins, 1, "whoever made the store is its admin");

    let out = orderdesk(&db, &["operators", "list"]);
    assert_ok(&out);
    let list = stdout(&out);
    assert!(list.starts_with("LOGIN"), "{list}");
    assert!(
        list.lines()
            .any(|l| l.starts_with(LOGIN) && l.contains("admin")),
        "{list}"
    );

    // A store is made once: init again is refused, and nothing changed.
    let items = count(&pg, "SELECT COUNT(*) FROM items");
    let out = orderdesk(&db, &["init"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("already holds an orderdesk store"),
        "{}",
        stderr(&out)
    );
    assert_eq!(count(&pg, "SELECT COUNT(*) FROM items"), items);
}

#[test]
fn orderdesk_db_selects_postgres_and_demo_makes_an_empty_store_only_once() {
    let params = pg::fresh_database();
    let db = url(&params);
    // demo without --db: ORDERDESK_DB says where; a new store gets the demo
    // data and --no-demo is kept to.
    let out = orderdesk_env(Some(&db), &["--no-demo", "demo"]);
    assert_ok(&out);
    let pg = Db::connect_postgres(&params).expect("connect");
    assert_eq!(count(&pg, "SELECT COUNT(*) FROM items"), 0);
    assert_eq!(count(&pg, "SELECT COUNT(*) FROM operators"), 1);

    let other = pg::fresh_database();
    let out = orderdesk_env(Some(&url(&other)), &["demo"]);
    assert_ok(&out);
    assert!(
        stderr(&out).contains("loading the demo data"),
        "{}",
        stderr(&out)
    );
    let pg2 = Db::connect_postgres(&other).expect("connect");
    let items = count(&pg2, "SELECT COUNT(*) FROM items");
    assert!(items > 10);
    // A second demo finds the store and leaves it as it was.
    assert_ok(&orderdesk_env(Some(&url(&other)), &["demo"]));
    assert_eq!(count(&pg2, "SELECT COUNT(*) FROM items"), items);

    let out = orderdesk_env(Some(&url(&other)), &["operators", "list"]);
    assert_ok(&out);
    assert!(stdout(&out).contains(LOGIN), "{}", stdout(&out));
}

#[test]
fn export_on_postgres_equals_the_export_of_the_file_it_was_moved_from() {
    let (_dir, file, db, first) = moved_store();
    let no = first.to_string();
    let from_file = orderdesk(file.to_str().expect("UTF-8"), &["export", &no]);
    assert_ok(&from_file);
    let from_pg = orderdesk(&db, &["export", &no]);
    assert_ok(&from_pg);
    let a: serde_json::Value = serde_json::from_slice(&from_file.stdout).expect("JSON");
    let b: serde_json::Value = serde_json::from_slice(&from_pg.stdout).expect("JSON");
    assert_eq!(b["order_no"], first);
    assert_eq!(a, b);

    let text = orderdesk(&db, &["export", &no, "--text"]);
    assert_ok(&text);
    assert!(
        stdout(&text).starts_with(&format!("Order {first}")),
        "{}",
        stdout(&text)
    );

    let out = orderdesk(&db, &["export", "999999"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("no order number 999999 in postgres://"),
        "{err}"
    );
}

#[test]
fn check_reads_stock_and_orders_and_finds_what_is_wrong() {
    let (_dir, _file, db, _) = moved_store();
    let out = orderdesk(&db, &["check"]);
    assert_ok(&out);
    let report = stdout(&out);
    assert!(report.contains("schema: PostgreSQL version"), "{report}");
    assert!(report.contains("ok      stock:"), "{report}");
    assert!(report.contains("sound: no problems found"), "{report}");

    // One more unit reserved than the open orders hold.
    let params = params_of(&db);
    let pg = Db::connect_postgres(&params).expect("connect");
    pg.sql()
        .execute(
            "UPDATE inventory SET reserved = reserved + 1
             WHERE item_id = (SELECT id FROM items WHERE sku = ?1)",
            &[Value::from("CKW-1001")],
        )
        .expect("update");
    let out = orderdesk(&db, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = stdout(&out);
    assert!(report.contains("FAILED  stock:"), "{report}");
    assert!(report.contains("CKW-1001: reserved"), "{report}");

    // A database without orderdesk's schema cannot be checked: exit 2.
    let out = orderdesk(&url(&pg::fresh_database()), &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no orderdesk database there"),
        "{}",
        stderr(&out)
    );
}

/// The key=value string back from a test URL (for the test's own reads).
fn params_of(url: &str) -> String {
    let rest = url.strip_prefix("postgres://").expect("a test URL");
    let (user, rest) = rest.split_once('@').expect("a user");
    let (hostport, dbname) = rest.split_once('/').expect("a database");
    let (host, port) = hostport.rsplit_once(':').expect("a port");
    format!(
        "host={} port={port} user={user} dbname={dbname}",
        host.replace("%2F", "/")
    )
}

#[test]
fn backup_prints_a_pg_dump_command_that_works_and_no_password() {
    let params = pg::fresh_database();
    let db = url(&params);
    assert_ok(&orderdesk(&db, &["init"]));
    let dir = tempfile::tempdir().expect("temp dir");
    let dump = dir.path().join("shop.dump");
    // A password in the URL is never printed.
    let with_password = db.replacen("postgres@", "postgres:s3cret@", 1);
    let out = orderdesk(&with_password, &["backup", dump.to_str().expect("UTF-8")]);
    assert_ok(&out);
    let command = stdout(&out);
    assert_eq!(command.lines().count(), 1, "{command}");
    assert!(command.starts_with("pg_dump --format=custom"), "{command}");
    let dbname = params_of(&db)
        .rsplit_once("dbname=")
        .map(|(_, d)| d.to_owned())
        .expect("a name");
    assert!(command.contains(&format!("--dbname={dbname}")), "{command}");
    assert!(command.contains("--username=postgres"), "{command}");
    assert!(!command.contains("s3cret") && !stderr(&out).contains("s3cret"));
    assert!(!dump.exists(), "orderdesk itself writes nothing");

    // The command as printed makes a dump pg_restore can read.
    let bindir = Path::new("/usr/lib/postgresql/15/bin");
    if bindir.join("pg_dump").exists() {
        let path = format!(
            "{}:{}",
            bindir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let ran = Command::new("sh")
            .args(["-c", command.trim()])
            .env("PATH", path)
            .output()
            .expect("sh runs");
        assert!(
            ran.status.success(),
            "{}",
            String::from_utf8_lossy(&ran.stderr)
        );
        let head = std::fs::read(&dump).expect("the dump");
        assert!(head.starts_with(b"PGDMP"), "a custom-format dump");
    }

    // Never over a file that is there.
    let out = orderdesk(&db, &["backup", dump.to_str().expect("UTF-8")]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already there"), "{}", stderr(&out));
}

#[test]
fn demo_generates_into_a_new_database_and_refuses_one_with_data() {
    // A new database gets the demo data and the generated rows beside it.
    let made = pg::fresh_database();
    let out = orderdesk(&url(&made), &["demo", "--customers", "40", "--items", "10"]);
    assert_ok(&out);
    assert!(
        stderr(&out).contains("added 40 customers and 10 items"),
        "{}",
        stderr(&out)
    );
    let plain = pg::fresh_database();
    assert_ok(&orderdesk(&url(&plain), &["init"]));
    let (made_db, plain_db) = (
        Db::connect_postgres(&made).expect("connect"),
        Db::connect_postgres(&plain).expect("connect"),
    );
    for (table, more) in [("customers", 40), ("items", 10)] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        assert_eq!(
            count(&made_db, &sql),
            count(&plain_db, &sql) + more,
            "{table}"
        );
    }
    // A generated customer is found by the search as any other.
    let last = made_db
        .sql()
        .query_row(
            "SELECT last_name FROM customers ORDER BY id DESC LIMIT 1",
            &[],
        )
        .and_then(|r| r.get_string(0))
        .expect("the last customer");
    let found = orderdesk(&url(&made), &["search", "customers", "--last", &last]);
    assert_ok(&found);
    assert!(stdout(&found).contains(&last), "{}", stdout(&found));

    // A database with data, or generating without the demo data: refused
    // in one line, and nothing written.
    let bare = pg::fresh_database();
    for (db, args) in [
        (&plain, &["demo", "--customers", "5"][..]),
        (&plain, &["demo", "--items", "5"][..]),
        (&bare, &["--no-demo", "demo", "--customers", "5"][..]),
    ] {
        let out = orderdesk(&url(db), args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
        assert!(err.contains("new, empty database"), "{args:?}: {err}");
    }
    assert_eq!(
        count(&plain_db, "SELECT COUNT(*) FROM customers"),
        count(&made_db, "SELECT COUNT(*) FROM customers") - 40
    );
    let bare_db = Db::connect_postgres(&bare).expect("connect");
    assert_eq!(
        count(
            &bare_db,
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
        ),
        0
    );
}

#[test]
fn a_database_that_is_not_a_store_is_refused_with_the_reason() {
    // An empty database is not a store: every command but init and demo
    // says how to make one, and makes nothing.
    let empty = pg::fresh_database();
    let out = orderdesk(&url(&empty), &["operators", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("create one with orderdesk init"),
        "{}",
        stderr(&out)
    );
    let pg = Db::connect_postgres(&empty).expect("connect");
    assert_eq!(
        count(
            &pg,
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
        ),
        0
    );
}

#[test]
fn an_sqlite_path_from_orderdesk_db_or_db_still_opens_sqlite() {
    let (_dir, file) = crate::common::temp_db();
    let file_arg = file.to_str().expect("UTF-8");
    // ORDERDESK_DB names the file as --db would: it must exist.
    let out = orderdesk_env(Some(file_arg), &["operators", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no such database"),
        "{}",
        stderr(&out)
    );
    assert_ok(&orderdesk_env(Some(file_arg), &["init"]));
    assert!(file.exists());
    let out = orderdesk_env(Some(file_arg), &["operators", "list"]);
    assert_ok(&out);
    assert!(stdout(&out).contains(LOGIN), "{}", stdout(&out));
    let out = orderdesk_env(Some(file_arg), &["check"]);
    assert_ok(&out);
    assert!(stdout(&out).contains("integrity_check"), "{}", stdout(&out));

    // --db wins over ORDERDESK_DB: the URL in the environment is not used.
    let params = pg::fresh_database();
    let out = orderdesk_env(
        Some(&url(&params)),
        &["--db", file_arg, "operators", "list"],
    );
    assert_ok(&out);
    let pg = Db::connect_postgres(&params).expect("connect");
    assert_eq!(
        count(
            &pg,
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
        ),
        0
    );
}

#[test]
fn search_on_postgres_prints_what_it_prints_on_the_file_it_was_moved_from() {
    let (_dir, file, db, _) = moved_store();
    let file = file.to_str().expect("a UTF-8 path");
    for args in [
        &["search", "items", "tnet", "--limit", "5"][..],
        &["search", "items", "lanterns"][..],
        &["search", "customers", "--last", "o brien"][..],
        &["search", "customers", "--last", "mueller"][..],
        &["search", "customers", "--phone", "020 7946"][..],
        &["search", "customers", "--last", "s", "--postal", "9"][..],
    ] {
        let (lite, pg) = (orderdesk(file, args), orderdesk(&db, args));
        assert_ok(&lite);
        assert_ok(&pg);
        assert!(!stdout(&lite).is_empty(), "{args:?} finds something");
        assert_eq!(stdout(&pg), stdout(&lite), "{args:?}");
    }
}
