//! `orderdesk migrate` (store/move_to_postgres): a SQLite store with the
//! demo data, generated customers and items, placed, held, shipped and
//! cancelled orders, a draft and audit rows, moved into a fresh PostgreSQL
//! database and compared row by row; refusals and a failure part way leave
//! the target as it was.

use crate::common::placing::{NewOrder, Shop, OPERATOR};
use crate::common::{pg, today, BUSY};
use orderdesk::domain::money::Currency;
use orderdesk::domain::order::Order;
use orderdesk::session::Session;
use orderdesk::store::db::{pg_migrate, Db, Sql, Value};
use orderdesk::store::move_to_postgres::{move_to_postgres, MoveError, Moved};
use std::path::Path;
use std::process::Command;

/// What pg/schema.sql fills itself; every other table starts empty.
const SEEDED: &[&str] = &[
    "catalog_version",
    "order_number_sequence",
    "role_limits",
    "schema_version",
];

/// A store with some of everything: demo data, 40 generated customers and
/// 25 items, a category numbered before its parent, five orders (two of
/// one submit, one shipped, one held, one cancelled), a draft and audit
/// rows.
fn busy_store() -> Shop {
    let (dir, path) = crate::common::temp_db();
    let mut store = crate::common::open_demo(&path);
    store.generate(40, 25, today(), &mut |_, _| {}).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "INSERT INTO categories (id, parent_id, code, name) VALUES (901, NULL, 'late', 'Late parent');
             INSERT INTO categories (id, parent_id, code, name) VALUES (900, 901, 'early', 'Early child');",
        )
        .unwrap();
    }
    let s = Session::new(store, OPERATOR, today()).without_drafts();
    let mut shop = Shop { _dir: dir, path, s };
    // Two orders of one submit, the second (the backorders) linked to the
    // first.
    let split = shop.place(&NewOrder::jane(&[("CMK-4011", 5), ("LGT-1002", 1)]).separate());
    assert_eq!(split.len(), 2);
    let shipped = shop.place_one(&NewOrder::jane(&[("TNT-2001", 1), ("LGT-1002", 1)]));
    let held = shop.place_one(&NewOrder::jane(&[("TNT-2001", 1)]).by("jsmith").by_card());
    let cancelled = shop.place_one(&NewOrder::jane(&[("LGT-1002", 3)]));
    shop.hold(held, "Payment to check").unwrap();
    shop.release(shipped).unwrap();
    shop.ship(shipped, 1).unwrap();
    shop.cancel(cancelled, "customer_request").unwrap();
    let draft = Order::new("draft-token".into(), Currency::USD);
    shop.store()
        .save_draft(None, "bob", "console-2", &draft)
        .unwrap();
    shop.store()
        .audit("alice", "test.note", "order:1", "détail ✓ 'quoted'")
        .unwrap();
    shop
}

/// A fresh PostgreSQL database's connection string.
fn fresh() -> String {
    pg::fresh_database()
}

fn connect(params: &str) -> Db {
    Db::connect_postgres(params).expect("PostgreSQL connection")
}

fn run(path: &Path, params: &str) -> (Result<Moved, MoveError>, Vec<String>) {
    let mut lines = Vec::new();
    let result = move_to_postgres(path, params, BUSY, &mut |l| lines.push(l.to_string()));
    (result, lines)
}

/// The store's tables (less the catalog's FTS index) and their columns.
fn sqlite_tables(conn: &rusqlite::Connection) -> Vec<(String, Vec<String>)> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM pragma_table_list
              WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    names
        .into_iter()
        .map(|t| {
            let cols: Vec<String> = conn
                .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
                .unwrap()
                .query_map([&t], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (t, cols)
        })
        .collect()
}

/// Every row of `table`, all its columns: the same SELECT on both sides
/// (the rows are sorted in Rust: the two order NULLs apart).
fn select(table: &str, cols: &[String]) -> String {
    let list: Vec<String> = cols.iter().map(|c| format!("\"{c}\"")).collect();
    format!("SELECT {} FROM \"{table}\"", list.join(", "))
}

fn lite_rows(
    conn: &rusqlite::Connection,
    table: &str,
    cols: &[String],
) -> Vec<Vec<Option<String>>> {
    let mut stmt = conn.prepare(&select(table, cols)).unwrap();
    let mut rows = stmt.query([]).unwrap();
    let mut out = Vec::new();
    while let Some(r) = rows.next().unwrap() {
        out.push(
            (0..cols.len())
                .map(|i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Null => None,
                    rusqlite::types::ValueRef::Integer(v) => Some(v.to_string()),
                    rusqlite::types::ValueRef::Real(v) => Some(v.to_string()),
                    rusqlite::types::ValueRef::Text(t) => {
                        Some(String::from_utf8(t.to_vec()).unwrap())
                    }
                    other => panic!("{table}: {other:?}"),
                })
                .collect(),
        );
    }
    out.sort();
    out
}

fn pg_rows(sql: Sql<'_>, table: &str, cols: &[String]) -> Vec<Vec<Option<String>>> {
    let mut rows: Vec<Vec<Option<String>>> = sql
        .query(&select(table, cols), &[])
        .unwrap()
        .iter()
        .map(|r| {
            (0..cols.len())
                .map(|i| match r.value(i).unwrap() {
                    Value::Null => None,
                    Value::Int(v) => Some(v.to_string()),
                    Value::Real(v) => Some(v.to_string()),
                    Value::Text(s) => Some(s.clone()),
                })
                .collect()
        })
        .collect();
    rows.sort();
    rows
}

fn pg_count(sql: Sql<'_>, table: &str) -> i64 {
    sql.query_row(&format!("SELECT COUNT(*) FROM \"{table}\""), &[])
        .unwrap()
        .get_i64(0)
        .unwrap()
}

/// Every table's row count in PostgreSQL, by name.
fn pg_counts(sql: Sql<'_>) -> Vec<(String, i64)> {
    let tables: Vec<String> = sql
        .query(
            "SELECT table_name::text FROM information_schema.tables
              WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get_string(0).unwrap())
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let n = pg_count(sql, &t);
            (t, n)
        })
        .collect()
}

#[test]
fn a_store_moves_whole_with_its_ids_and_the_sequences_past_them() {
    let shop = busy_store();
    let params = fresh();
    let (moved, lines) = run(&shop.path, &params);
    let moved = moved.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        lines.iter().any(|l| l == "copied customers: 90 rows"),
        "{lines:?}"
    );
    let verified = lines.iter().position(|l| l.starts_with("verified: "));
    assert_eq!(verified, Some(lines.len() - 2), "{lines:?}");
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("vacuumed and analysed in "),
        "{lines:?}"
    );

    let lite = rusqlite::Connection::open(&shop.path).unwrap();
    let db = connect(&params);
    let sql = db.sql();
    let tables = sqlite_tables(&lite);
    assert!(tables.len() > 35, "{}", tables.len());
    assert!(!tables.iter().any(|(t, _)| t.starts_with("items_fts")));
    assert_eq!(moved.tables.len(), tables.len());
    // Every table, every row, every column: equal as text.
    for (table, cols) in &tables {
        let ours = lite_rows(&lite, table, cols);
        let theirs = pg_rows(sql, table, cols);
        assert_eq!(ours.len(), theirs.len(), "{table}");
        assert_eq!(ours, theirs, "{table}");
        let reported = moved.tables.iter().find(|(t, _)| t == table).unwrap().1;
        assert_eq!(reported as usize, ours.len(), "{table}");
    }
    // Some of everything was there to move.
    for table in [
        "customers",
        "orders",
        "order_lines",
        "shipments",
        "shipment_lines",
        "payments",
        "inventory",
        "order_events",
        "drafts",
        "audit",
    ] {
        assert!(pg_count(sql, table) > 0, "{table}");
    }
    assert_eq!(pg_count(sql, "customers"), 90);
    // Vacuumed and analysed: the planner knows the customers' keys. (Not
    // the visibility map: with other transactions open on the server, as
    // in a parallel test run, VACUUM may leave the pages for autovacuum to
    // mark.)
    let stats = sql
        .query_row(
            "SELECT (SELECT count(*) FROM pg_stat_user_tables
                     WHERE relname = 'customers' AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL),
                    (SELECT count(*) FROM pg_stats WHERE tablename = 'customers' AND attname = 'last_key')",
            &[],
        )
        .unwrap();
    assert_eq!(
        stats.get_i64(0).unwrap(),
        1,
        "customers vacuumed and analysed"
    );
    assert_eq!(stats.get_i64(1).unwrap(), 1, "statistics on last_key");
    assert_eq!(pg_count(sql, "orders"), 5);
    let linked = sql
        .query_row(
            "SELECT COUNT(*) FROM orders o JOIN orders p ON p.id = o.parent_order_id",
            &[],
        )
        .unwrap();
    assert_eq!(linked.get_i64(0).unwrap(), 1);

    // A customer, an order with its lines and totals, stock, the audit.
    let jane: (String, String, i64) = lite
        .query_row(
            "SELECT first_name, email, id FROM customers WHERE logon_id = 'jdoe'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let row = sql
        .query_row(
            "SELECT first_name, email, id FROM customers WHERE logon_id = 'jdoe'",
            &[],
        )
        .unwrap();
    assert_eq!(
        (
            row.get_string(0).unwrap(),
            row.get_string(1).unwrap(),
            row.get_i64(2).unwrap()
        ),
        jane
    );
    let first: i64 = lite
        .query_row("SELECT MIN(order_no) FROM orders", [], |r| r.get(0))
        .unwrap();
    let totals = |sum: &str| -> String {
        let q = format!("SELECT o.grand_total, ({sum}) FROM orders o WHERE o.order_no = {first}");
        let lite_row: (String, String) = lite
            .query_row(&q, [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        let pg_row = sql.query_row(&q, &[]).unwrap();
        assert_eq!(pg_row.get_str(0).unwrap(), lite_row.0);
        assert_eq!(pg_row.get_str(1).unwrap(), lite_row.1);
        lite_row.0
    };
    let grand = totals("SELECT string_agg(l.line_total, ',' ORDER BY l.line_no) FROM order_lines l WHERE l.order_id = o.id");
    let grand_total = moved
        .totals
        .iter()
        .find(|t| t.table == "orders" && t.column == "grand_total")
        .unwrap();
    assert!(grand_total.sum >= grand.parse().unwrap());
    let stock =
        "SELECT CAST(SUM(on_hand) AS TEXT) || '/' || CAST(SUM(reserved) AS TEXT) FROM inventory";
    let lite_stock: String = lite.query_row(stock, [], |r| r.get(0)).unwrap();
    assert_eq!(
        sql.query_row(stock, &[]).unwrap().get_string(0).unwrap(),
        lite_stock
    );
    let note = sql
        .query_row(
            "SELECT operator, detail FROM audit WHERE action = 'test.note'",
            &[],
        )
        .unwrap();
    assert_eq!(note.get_str(1).unwrap(), "détail ✓ 'quoted'");
    // The child category numbered before its parent came over too.
    let parent = sql
        .query_row("SELECT parent_id FROM categories WHERE id = 900", &[])
        .unwrap();
    assert_eq!(parent.get_i64(0).unwrap(), 901);

    // New rows get ids past the copied ones, in every table with rows.
    let max_audit: i64 = lite
        .query_row("SELECT MAX(id) FROM audit", [], |r| r.get(0))
        .unwrap();
    let id = sql
        .query_row(
            "INSERT INTO audit (at, operator, action) VALUES ('2026-11-25T00:00:00Z', 'x', 'after') RETURNING id",
            &[],
        )
        .unwrap()
        .get_i64(0)
        .unwrap();
    assert_eq!(id, max_audit + 1);
    for (table, cols) in &tables {
        if !cols.iter().any(|c| c == "id") {
            continue;
        }
        let max: Option<i64> = lite
            .query_row(&format!("SELECT MAX(id) FROM \"{table}\""), [], |r| {
                r.get(0)
            })
            .unwrap();
        let sequence = sql
            .query_row(
                &format!("SELECT pg_get_serial_sequence('{table}', 'id')"),
                &[],
            )
            .unwrap()
            .get_opt_string(0)
            .unwrap();
        let Some(sequence) = sequence else { continue };
        let next = sql
            .query_row(&format!("SELECT nextval('{sequence}')"), &[])
            .unwrap()
            .get_i64(0)
            .unwrap();
        assert!(
            next > max.unwrap_or(0),
            "{table}: next id {next}, copied up to {max:?}"
        );
    }

    // Every index the migrations make is there again, those the copy set
    // aside (the customers' search indexes) made again after their rows.
    let indexes = |sql: Sql<'_>| -> Vec<String> {
        sql.query(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()
             ORDER BY indexname",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get_string(0).unwrap())
        .collect()
    };
    let schema_only = connect(&fresh());
    pg_migrate::run(&schema_only).unwrap();
    let made = indexes(schema_only.sql());
    assert!(made.len() > 60, "{}", made.len());
    assert_eq!(indexes(sql), made);

    // A second move into the same database is refused and changes nothing.
    let before = pg_counts(sql);
    let (again, _) = run(&shop.path, &params);
    let e = again.expect_err("a database holding a store");
    assert!(matches!(e, MoveError::Refused(_)), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("already holds orderdesk data") && text.contains("customers: 90 rows"),
        "{text}"
    );
    assert_eq!(pg_counts(sql), before);
}

#[test]
fn a_failure_part_way_leaves_the_target_without_a_row() {
    let shop = busy_store();
    let params = fresh();
    let db = connect(&params);
    pg_migrate::run(&db).unwrap();
    let sql = db.sql();
    let seeded_before: Vec<(String, i64)> = pg_counts(sql);
    // Shipment lines are copied late (after customers, items, orders and
    // their lines); this one refuses every row.
    sql.execute_batch("ALTER TABLE shipment_lines ADD CONSTRAINT forced CHECK (quantity < 0)")
        .unwrap();
    let (moved, lines) = run(&shop.path, &params);
    let e = moved.expect_err("a row refused");
    assert!(matches!(e, MoveError::Failed(_)), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("forced") && text.contains("nothing was written"),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("copied orders: 5 rows")),
        "{lines:?}"
    );
    // Not a row anywhere, the schema's own rows as they were.
    assert_eq!(pg_counts(sql), seeded_before);
    for (table, n) in &seeded_before {
        assert_eq!(*n > 0, SEEDED.contains(&table.as_str()), "{table}: {n}");
    }
    let seq = sql
        .query_row("SELECT next_no FROM order_number_sequence", &[])
        .unwrap()
        .get_i64(0)
        .unwrap();
    assert_eq!(seq, 100001);
    // The identities were not moved on either: the first new row is 1.
    let id = sql
        .query_row(
            "INSERT INTO audit (at, operator, action) VALUES ('2026-11-25T00:00:00Z', 'x', 'after') RETURNING id",
            &[],
        )
        .unwrap()
        .get_i64(0)
        .unwrap();
    assert_eq!(id, 1);
}

#[test]
fn unsound_stores_and_foreign_databases_are_refused_untouched() {
    let shop = busy_store();
    // A target with another program's table.
    let params = fresh();
    let db = connect(&params);
    db.sql()
        .execute_batch("CREATE TABLE ledger (x BIGINT)")
        .unwrap();
    let e = run(&shop.path, &params).0.expect_err("a foreign database");
    assert!(
        e.to_string()
            .contains("not orderdesk's and not empty (tables ledger)"),
        "{e}"
    );
    assert_eq!(pg_counts(db.sql()), vec![("ledger".to_string(), 0)]);

    // A store that fails its check: an order's total no longer adds up.
    let params = fresh();
    rusqlite::Connection::open(&shop.path)
        .unwrap()
        .execute(
            "UPDATE orders SET grand_total = '0.01' WHERE id = (SELECT MIN(id) FROM orders)",
            [],
        )
        .unwrap();
    let e = run(&shop.path, &params).0.expect_err("an unsound store");
    assert!(matches!(e, MoveError::Source(_)), "{e}");
    assert!(e.to_string().contains("fails its check"), "{e}");
    assert_eq!(pg_counts(connect(&params).sql()), vec![]);

    // Not an orderdesk file at all.
    let other = shop.path.with_file_name("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let e = run(&other, &params).0.expect_err("another program's file");
    assert!(e.to_string().contains("not orderdesk's"), "{e}");
}

#[test]
fn the_schema_fills_only_the_tables_the_copy_replaces() {
    let params = fresh();
    let db = connect(&params);
    pg_migrate::run(&db).unwrap();
    let filled: Vec<String> = pg_counts(db.sql())
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(t, _)| t)
        .collect();
    assert_eq!(filled, SEEDED);
}

fn orderdesk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_command_moves_a_store_once_and_refuses_the_second_time() {
    let (dir, path) = crate::common::temp_db();
    let db = path.to_str().unwrap();
    let out = orderdesk(&["--db", db, "init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = orderdesk(&["--db", db, "--operator", "cli", "simulate", "--orders", "3"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let params = fresh();

    let out = orderdesk(&["migrate", "--from", db, "--to", &params]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("orderdesk: migrate: copied orders: 3 rows"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["rows_per_table"]["orders"], 3);
    assert_eq!(json["verified"], "row counts and totals equal");
    let lite = rusqlite::Connection::open(&path).unwrap();
    let grand: Vec<String> = lite
        .prepare("SELECT grand_total FROM orders")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let sum: rust_decimal::Decimal = grand
        .iter()
        .map(|g| g.parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    assert_eq!(json["totals"]["orders.grand_total"], sum.to_string());
    let pg = connect(&params);
    assert_eq!(pg_count(pg.sql(), "orders"), 3);
    assert_eq!(
        json["rows"].as_u64().unwrap(),
        pg_counts(pg.sql())
            .iter()
            .filter(|(t, _)| t != "schema_version")
            .map(|(_, n)| *n as u64)
            .sum::<u64>()
    );

    let out = orderdesk(&["migrate", "--from", db, "--to", &params]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already holds orderdesk data"), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(pg_count(pg.sql(), "orders"), 3);

    // migrate never opens or makes a --db store of its own.
    let unused = dir.path().join("unused.db");
    let out = orderdesk(&[
        "--db",
        unused.to_str().unwrap(),
        "migrate",
        "--from",
        db,
        "--to",
        &params,
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not --db"));
    assert!(!unused.exists());
}

#[test]
fn a_copy_that_does_not_add_up_is_rolled_back() {
    let shop = busy_store();
    // A target that quietly changes what it is given: one more on hand
    // for every item, and one audit row dropped.
    let params = fresh();
    let db = connect(&params);
    pg_migrate::run(&db).unwrap();
    let sql = db.sql();
    sql.execute_batch(
        "CREATE FUNCTION more_stock() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN NEW.on_hand := NEW.on_hand + 1; RETURN NEW; END; $$;
         CREATE TRIGGER more_stock BEFORE INSERT ON inventory
             FOR EACH ROW EXECUTE FUNCTION more_stock();
         CREATE FUNCTION lose_note() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.action = 'test.note' THEN RETURN NULL; END IF; RETURN NEW; END; $$;
         CREATE TRIGGER lose_note BEFORE INSERT ON audit
             FOR EACH ROW EXECUTE FUNCTION lose_note();",
    )
    .unwrap();
    let before = pg_counts(sql);
    let e = run(&shop.path, &params).0.expect_err("totals differ");
    assert!(matches!(e, MoveError::Mismatch(_)), "{e}");
    let lite = rusqlite::Connection::open(&shop.path).unwrap();
    let (audit, on_hand, items): (i64, i64, i64) = lite
        .query_row(
            "SELECT (SELECT COUNT(*) FROM audit), SUM(on_hand), COUNT(*) FROM inventory",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let text = e.to_string();
    assert!(
        text.contains(&format!(
            "audit: {audit} rows in SQLite, {} copied, {} in PostgreSQL",
            audit - 1,
            audit - 1
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "inventory.on_hand: {on_hand} in SQLite, {} in PostgreSQL",
            on_hand + items
        )),
        "{text}"
    );
    assert!(text.contains("rolled back, nothing was written"), "{text}");
    assert_eq!(pg_counts(sql), before);
}

#[test]
fn other_columns_another_owner_or_an_older_store_are_refused() {
    let shop = busy_store();
    // A column the store does not have.
    let params = fresh();
    let db = connect(&params);
    pg_migrate::run(&db).unwrap();
    db.sql()
        .execute_batch("ALTER TABLE customers ADD COLUMN nickname TEXT")
        .unwrap();
    let e = run(&shop.path, &params).0.expect_err("other columns");
    assert!(matches!(e, MoveError::Refused(_)), "{e}");
    assert!(
        e.to_string()
            .contains("customers: columns only in PostgreSQL: nickname"),
        "{e}"
    );

    // A role that does not own the schema is held to an operator's rights.
    let params = fresh();
    let db = connect(&params);
    pg_migrate::run(&db).unwrap();
    // Roles are the cluster's: one named after this test's database.
    let dbname = params
        .split(' ')
        .find_map(|kv| kv.strip_prefix("dbname="))
        .unwrap();
    let clerk = format!("clerk_of_{dbname}");
    db.sql()
        .execute_batch(&format!("CREATE ROLE {clerk} LOGIN"))
        .unwrap();
    let as_clerk = params.replace("user=postgres", &format!("user={clerk}"));
    let e = run(&shop.path, &as_clerk).0.expect_err("not the owner");
    assert!(
        e.to_string()
            .contains("connect as the schema's owner (postgres) or a superuser"),
        "{e}"
    );
    let before = pg_counts(db.sql());

    // A store at an older schema version.
    rusqlite::Connection::open(&shop.path)
        .unwrap()
        .pragma_update(None, "user_version", 7)
        .unwrap();
    let e = run(&shop.path, &params).0.expect_err("an older store");
    assert!(matches!(e, MoveError::Source(_)), "{e}");
    assert!(e.to_string().contains("schema version 7 is older"), "{e}");
    // And one newer than this orderdesk.
    rusqlite::Connection::open(&shop.path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let e = run(&shop.path, &params).0.expect_err("a newer store");
    assert!(matches!(e, MoveError::Source(_)), "{e}");
    assert!(e.to_string().contains("newer"), "{e}");
    assert_eq!(pg_counts(db.sql()), before);
    assert!(before
        .iter()
        .all(|(t, n)| *n == 0 || SEEDED.contains(&t.as_str())));
}
