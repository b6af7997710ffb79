//! The portable SQL layer (store/db) on both backends: each behaviour is
//! one function taking a handle, run once on a fresh SQLite file (schema
//! by the store's migration runner) and once on a fresh PostgreSQL
//! database (schema by pg/schema.sql through pg_migrate).

use crate::common::backends::{on_both, Target};
use crate::common::pg;
use orderdesk::store::db::{pg_migrate, Backend, Db, Error, Sql};
use orderdesk::store::move_to_postgres::PG_KEPT;
use orderdesk::store::settings;
use std::path::PathBuf;
use std::sync::{Arc, Barrier};

fn count(sql: Sql<'_>, table: &str) -> i64 {
    sql.query_row(&format!("SELECT COUNT(*) FROM {table}"), &[])
        .and_then(|r| r.get_i64(0))
        .expect("count")
}

/// A category and an item in it; the item's id.
fn item(sql: Sql<'_>, sku: &str) -> Result<i64, Error> {
    let category = sql
        .query_row(
            "INSERT INTO categories (code, name) VALUES (?1, ?1)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name RETURNING id",
            &["tools".into()],
        )?
        .get_i64(0)?;
    sql.query_row(
        "INSERT INTO items (sku, sku_key, name, name_key, category_id, weight_grams)
         VALUES (?1, lower(?1), ?2, lower(?2), ?3, 250) RETURNING id",
        &[sku.into(), format!("Item {sku}").into(), category.into()],
    )?
    .get_i64(0)
}

#[test]
fn rows_go_in_and_come_back_the_same_on_both_backends() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        // ON CONFLICT … DO NOTHING: a second insert of a currency is no error.
        for _ in 0..2 {
            sql.execute(
                "INSERT INTO currencies (code, minor_units, name) VALUES (?1, ?2, ?3)
                 ON CONFLICT (code) DO NOTHING",
                &["USD".into(), 2i64.into(), "US dollar".into()],
            )
            .expect("currency");
        }
        assert_eq!(count(sql, "currencies"), 1);

        // Money as TEXT keeps its scale; a flag reads as a bool; RETURNING id.
        let account = sql
            .query_row(
                "INSERT INTO business_accounts (name, name_key, currency, credit_limit, po_required)
                 VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                &[
                    "Acme".into(),
                    "acme".into(),
                    "USD".into(),
                    rust_decimal_macros::dec!(1000.50).into(),
                    true.into(),
                ],
            )
            .and_then(|r| r.get_i64(0))
            .expect("account");
        let row = sql
            .query_row(
                "SELECT credit_limit, po_required, name FROM business_accounts WHERE id = ?1",
                &[account.into()],
            )
            .expect("account row");
        assert_eq!(row.get_decimal(0).unwrap().to_string(), "1000.50");
        assert!(row.get_bool(1).unwrap());
        assert_eq!(row.get_str(2).unwrap(), "Acme");

        // NULLs: a guest has no logon and no account.
        let guest = sql
            .query_row(
                "INSERT INTO customers (first_name, last_name, first_key, last_key, currency,
                                        is_guest, created_at, updated_at)
                 VALUES (?1, ?2, lower(?1), lower(?2), 'USD', 1, ?3, ?3) RETURNING id",
                &["Ann".into(), "Lee".into(), "2026-11-25T10:00:00Z".into()],
            )
            .and_then(|r| r.get_i64(0))
            .expect("guest");
        let row = sql
            .query_row(
                "SELECT logon_id, account_id, is_guest, version FROM customers WHERE id = ?1",
                &[guest.into()],
            )
            .expect("guest row");
        assert_eq!(row.get_opt_str(0).unwrap(), None);
        assert_eq!(row.get_opt_i64(1).unwrap(), None);
        assert!(row.get_bool(2).unwrap());
        assert_eq!(row.get_i64(3).unwrap(), 1, "schema default");
        // A NULL parameter binds on both (typed by the server on PostgreSQL).
        let n = sql
            .execute(
                "UPDATE customers SET account_id = ?1, logon_key = ?2 WHERE id = ?3",
                &[None::<i64>.into(), None::<String>.into(), guest.into()],
            )
            .expect("update with NULLs");
        assert_eq!(n, 1);

        // ?1 used twice.
        let n = sql
            .query_row(
                "SELECT COUNT(*) FROM customers WHERE first_key = ?1 OR last_key = ?1",
                &["lee".into()],
            )
            .and_then(|r| r.get_i64(0))
            .expect("reused placeholder");
        assert_eq!(n, 1);

        // A statement planned for its values and not kept: an integer, a
        // text, a NULL and a real sent with their own types (PostgreSQL
        // has no prepared statement to say them); no row, no rows.
        let rows = sql
            .query_planned(
                "SELECT id, first_key FROM customers
                 WHERE id = ?1 AND last_key >= ?2 AND (?3 IS NULL OR logon_key = ?3) AND ?4 > 1.5",
                &[
                    guest.into(),
                    "lee".into(),
                    None::<String>.into(),
                    2.5f64.into(),
                ],
            )
            .expect("planned");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].get_i64(0).unwrap(), guest);
        assert_eq!(rows[0].get_str(1).unwrap(), "ann");
        let none = sql
            .query_planned(
                "SELECT id FROM customers WHERE id = ?1",
                &[(guest + 1000).into()],
            )
            .expect("planned, no row");
        assert!(none.is_empty());

        // ON CONFLICT … DO UPDATE.
        for value in ["US", "CA"] {
            sql.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &["default_country".into(), value.into()],
            )
            .expect("setting");
        }
        let row = sql
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                &["default_country".into()],
            )
            .expect("setting row");
        assert_eq!(row.get_str(0).unwrap(), "CA");

        // The catalog_version trigger moves on both; SUM of BIGINTs reads
        // as an integer (PostgreSQL's NUMERIC).
        let before = sql
            .query_row("SELECT n FROM catalog_version WHERE id = 1", &[])
            .and_then(|r| r.get_i64(0))
            .unwrap();
        let a = item(sql, "A-1").expect("item");
        let b = item(sql, "B-2").expect("item");
        let after = sql
            .query_row("SELECT n FROM catalog_version WHERE id = 1", &[])
            .and_then(|r| r.get_i64(0))
            .unwrap();
        assert_eq!(after, before + 2);
        for (id, on_hand) in [(a, 4i64), (b, 3)] {
            sql.execute(
                "INSERT INTO inventory (item_id, on_hand) VALUES (?1, ?2)",
                &[id.into(), on_hand.into()],
            )
            .unwrap();
        }
        let total = sql
            .query_row("SELECT SUM(on_hand), MAX(on_hand) FROM inventory", &[])
            .expect("sum");
        assert_eq!(total.get_i64(0).unwrap(), 7);
        assert_eq!(total.get_i64(1).unwrap(), 4);

        // Constraints refuse on both, recognisably.
        let e = sql
            .execute(
                "UPDATE inventory SET reserved = on_hand + 1 WHERE item_id = ?1",
                &[a.into()],
            )
            .unwrap_err();
        assert!(e.is_check_violation(), "{e}");
        let e = item(sql, "A-1").unwrap_err();
        assert!(e.is_unique_violation(), "{e}");
        // Text where the column is an integer: PostgreSQL refuses it, naming
        // the parameter; SQLite (its tables are not STRICT) stores it. The
        // repositories' typed parameters are what keep SQLite's columns clean.
        let wrong = sql.execute(
            "UPDATE inventory SET on_hand = ?1 WHERE item_id = ?2",
            &["many".into(), a.into()],
        );
        match sql.backend() {
            Backend::Postgres => match wrong {
                Err(Error::Parameter { index: 1, problem }) => {
                    assert!(
                        problem.contains("text") && problem.contains("int8"),
                        "{problem}"
                    )
                }
                other => panic!("PostgreSQL must refuse text for a BIGINT: {other:?}"),
            },
            Backend::Sqlite => assert_eq!(wrong.expect("SQLite takes it"), 1),
        }
    });
}

#[test]
fn a_transaction_that_does_not_commit_writes_nothing() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        {
            let tx = sql.begin().expect("begin");
            tx.execute(
                "INSERT INTO audit (at, operator, action) VALUES (?1, ?2, ?3)",
                &[
                    "2026-11-25T10:00:00Z".into(),
                    "ann".into(),
                    "dropped".into(),
                ],
            )
            .unwrap();
            assert_eq!(count(*tx, "audit"), 1, "visible inside");
            assert!(matches!(tx.begin(), Err(Error::Nested)));
        }
        assert_eq!(count(sql, "audit"), 0);
        // A write whose work fails rolls back what it did before failing.
        let failed: Result<(), Error> = sql.write(|tx| {
            tx.execute(
                "INSERT INTO audit (at, operator, action) VALUES ('t', 'ann', 'half')",
                &[],
            )?;
            tx.execute(
                "INSERT INTO reason_codes (code, label) VALUES (NULL, 'x')",
                &[],
            )?;
            Ok(())
        });
        assert!(failed.is_err());
        assert_eq!(count(sql, "audit"), 0);
        // And the connection is usable afterwards.
        let kept: Result<i64, Error> = sql.write(|tx| {
            tx.query_row(
                "INSERT INTO audit (at, operator, action) VALUES ('t', 'ann', 'kept') RETURNING id",
                &[],
            )?
            .get_i64(0)
        });
        assert!(kept.is_ok());
        assert_eq!(count(sql, "audit"), 1);
    });
}

/// Two writers read the same stock and each reserve one more: both
/// reservations land, neither overwrites the other. SQLite queues the
/// second writer at BEGIN IMMEDIATE; PostgreSQL lets both read, refuses
/// the second commit (serialization failure) and `write` runs it again.
#[test]
fn concurrent_writers_never_lose_an_update() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        let id = item(sql, "S-1").expect("item");
        sql.execute(
            "INSERT INTO inventory (item_id, on_hand) VALUES (?1, 10)",
            &[id.into()],
        )
        .unwrap();
        let backend = sql.backend();
        let start = Arc::new(Barrier::new(2));
        let both_read = Arc::new(Barrier::new(2));
        let attempts: Vec<u32> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    let (start, both_read) = (start.clone(), both_read.clone());
                    let conn = target.connect();
                    s.spawn(move || {
                        let sql = conn.sql();
                        let mut attempts = 0u32;
                        start.wait();
                        let result: Result<(), Error> = sql.write(|tx| {
                            attempts += 1;
                            let reserved = tx
                                .query_row(
                                    "SELECT reserved FROM inventory WHERE item_id = ?1",
                                    &[id.into()],
                                )?
                                .get_i64(0)?;
                            // On PostgreSQL both first attempts read before
                            // either writes: the lost-update race, for sure.
                            if backend == Backend::Postgres && attempts == 1 {
                                both_read.wait();
                            }
                            tx.execute(
                                "UPDATE inventory SET reserved = ?1 WHERE item_id = ?2",
                                &[(reserved + 1).into(), id.into()],
                            )?;
                            Ok(())
                        });
                        result.expect("the write lands, retried if it must");
                        attempts
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().expect("writer"))
                .collect()
        });
        let reserved = sql
            .query_row(
                "SELECT reserved FROM inventory WHERE item_id = ?1",
                &[id.into()],
            )
            .and_then(|r| r.get_i64(0))
            .unwrap();
        assert_eq!(reserved, 2, "both reservations, on {backend:?}");
        let total: u32 = attempts.iter().sum();
        match backend {
            Backend::Sqlite => assert_eq!(total, 2, "SQLite queues writers: no retry"),
            Backend::Postgres => assert!(total >= 3, "one writer retried: {attempts:?}"),
        }
    });
}

#[test]
fn the_postgres_schema_migrates_once_and_refuses_a_newer_one() {
    let params = pg::fresh_database();
    // Two programs starting together on an empty database: one migrates,
    // the other waits and finds it done.
    let found: Vec<i64> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..2)
            .map(|_| {
                let params = params.clone();
                s.spawn(move || {
                    let db = Db::connect_postgres(&params).expect("connection");
                    pg_migrate::run(&db).expect("migrates")
                })
            })
            .collect();
        runs.into_iter()
            .map(|r| r.join().expect("migrator"))
            .collect()
    });
    let mut sorted = found.clone();
    sorted.sort();
    assert_eq!(sorted, vec![0, pg_migrate::LATEST], "{found:?}");
    let db = Db::connect_postgres(&params).expect("connection");
    assert_eq!(pg_migrate::run(&db).unwrap(), pg_migrate::LATEST);
    // The same seeded rows as SQLite at version 8.
    assert_eq!(count(db.sql(), "role_limits"), 15);
    let next = db
        .sql()
        .query_row("SELECT next_no FROM order_number_sequence", &[])
        .and_then(|r| r.get_i64(0))
        .unwrap();
    assert_eq!(next, 100001);
    db.sql()
        .execute("UPDATE schema_version SET version = 99", &[])
        .unwrap();
    match pg_migrate::run(&db) {
        Err(Error::NewerSchema { found: 99, known }) => assert_eq!(known, pg_migrate::LATEST),
        other => panic!("a newer schema must be refused, got {other:?}"),
    }
    // SQLite migrates as it opens; the PostgreSQL runner says so.
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    assert!(matches!(
        pg_migrate::run(&Db::from_sqlite(conn)),
        Err(Error::WrongBackend(_))
    ));
}

/// The README's one command (`cat pg/schema.sql pg/migrations/*.sql | psql
/// -1 …`) makes the database the runner makes: at the latest version, with
/// nothing left for the runner to do.
#[test]
fn the_schema_files_fed_in_order_make_the_latest_version() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pg");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    files.insert(0, root.join("schema.sql"));
    let script: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let params = pg::fresh_database();
    let mut psql = postgres::Client::connect(&params, postgres::NoTls).unwrap();
    let mut tx = psql.transaction().unwrap();
    tx.batch_execute(&script).unwrap();
    tx.commit().unwrap();
    let db = Db::connect_postgres(&params).expect("connection");
    assert_eq!(pg_migrate::run(&db).unwrap(), pg_migrate::LATEST);
    assert_eq!(files.len() as i64, pg_migrate::LATEST);
}

/// Both schemas have the same tables with the same columns in the same
/// order (PostgreSQL adds schema_version and pin_passes, and the columns
/// its triggers keep for its searches, `PG_KEPT`; SQLite has its FTS
/// tables).
#[test]
fn both_schemas_have_the_same_columns() {
    let sqlite = Target::sqlite();
    let postgres = Target::postgres();
    let (lite, pg) = (sqlite.connect(), postgres.connect());
    let lite_columns: Vec<(String, String)> = lite
        .sql()
        .query(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
              WHERE m.type = 'table' AND m.name NOT LIKE 'items_fts%' AND m.name NOT LIKE 'sqlite_%'
              ORDER BY m.name, p.cid",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get_string(0).unwrap(), r.get_string(1).unwrap()))
        .collect();
    let pg_columns: Vec<(String, String)> = pg
        .sql()
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
              WHERE table_schema = 'public' AND table_name NOT IN ('schema_version', 'pin_passes')
              ORDER BY table_name COLLATE \"C\", ordinal_position",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get_string(0).unwrap(), r.get_string(1).unwrap()))
        .filter(|(t, c)| !PG_KEPT.contains(&(t.as_str(), c.as_str())))
        .collect();
    assert!(lite_columns.len() > 200, "{}", lite_columns.len());
    assert_eq!(lite_columns, pg_columns);
}

/// The settings repository, written once (store/settings.rs), behaves
/// alike on both backends.
#[test]
fn settings_and_audit_behave_alike_on_both_backends() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        assert_eq!(settings::setting(sql, "default_country").unwrap(), None);
        settings::set_setting(sql, "default_country", "de").unwrap();
        settings::set_setting(sql, "default_country", "FR").unwrap();
        assert_eq!(
            settings::setting(sql, "default_country")
                .unwrap()
                .as_deref(),
            Some("FR")
        );
        // Exactly as typed: no trimming or case change in the store.
        settings::set_setting(sql, "note", " Café ").unwrap();
        assert_eq!(
            settings::setting(sql, "note").unwrap().as_deref(),
            Some(" Café ")
        );
        let first =
            settings::audit(sql, "ann", "settings.changed", "default_country", "FR").unwrap();
        let second = settings::audit(sql, "bob", "settings.changed", "note", "").unwrap();
        assert!(second > first);
        let rows = sql
            .query(
                "SELECT operator, action, subject, detail, at FROM audit ORDER BY id",
                &[],
            )
            .unwrap();
        let read: Vec<(String, String, String, String)> = rows
            .iter()
            .map(|r| {
                (
                    r.get_string(0).unwrap(),
                    r.get_string(1).unwrap(),
                    r.get_string(2).unwrap(),
                    r.get_string(3).unwrap(),
                )
            })
            .collect();
        assert_eq!(
            read,
            vec![
                (
                    "ann".into(),
                    "settings.changed".into(),
                    "default_country".into(),
                    "FR".into()
                ),
                (
                    "bob".into(),
                    "settings.changed".into(),
                    "note".into(),
                    String::new()
                ),
            ]
        );
        // Stamped as the store stamps: YYYY-MM-DDTHH:MM:SSZ.
        let at = rows[0].get_str(4).unwrap();
        assert!(
            at.len() == 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
            "{at}"
        );
    });
}
