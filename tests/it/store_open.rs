//! The store on real temporary SQLite files: migration, reopen, the demo
//! data, every refusal (with the file left byte-for-byte as it was: not
//! SQLite, another program's database, a URI, a missing path), placing an
//! order and drafts. Also the binary's exit code on a bad file, and the
//! modes new files and folders get whatever the umask.

use crate::common::{demo_store, open_demo, temp_db, BUSY};
use orderdesk::domain::money::Currency;
use orderdesk::domain::order::{Line, Order};
use orderdesk::session::{Command, PayInput};
use orderdesk::store::{Create, CustomerQuery, OpenError, OpenOptions, Store, APPLICATION_ID};
use orderdesk::tui::action::Action;
use orderdesk::tui::app::{App, Step};
use orderdesk::tui::theme::Theme;
use rusqlite::Connection;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

fn raw(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Names of the files in the database's folder (to see that a refused
/// open left no journal or WAL behind).
fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A database made by orderdesk and closed again: the usual file to refuse.
fn closed_orderdesk_db(path: &Path) {
    let (store, _) = Store::open(path, BUSY).unwrap();
    drop(store);
}

#[test]
fn migration_from_empty_creates_every_table() {
    let (_dir, path) = temp_db();
    let (store, created) = Store::open(&path, BUSY).unwrap();
    assert!(created);
    assert!(Store::schema_version() >= 1);
    let conn = raw(&path);
    assert_eq!(count(&conn, "PRAGMA user_version"), Store::schema_version());
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    for table in [
        "settings",
        "currencies",
        "business_accounts",
        "customers",
        "addresses",
        "demographics",
        "payment_methods",
        "categories",
        "items",
        "items_fts",
        "price_lists",
        "prices",
        "inventory",
        "expected_receipts",
        "promotions",
        "coupons",
        "shipping_methods",
        "shipping_rates",
        "tax_regions",
        "order_number_sequence",
        "orders",
        "order_ship_tos",
        "order_lines",
        "shipments",
        "shipment_lines",
        "adjustments",
        "payments",
        "drafts",
        "audit",
    ] {
        let n = count(
            &conn,
            &format!(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
            ),
        );
        assert_eq!(n, 1, "table {table} missing after migration");
    }
    // The sequence is seeded, so the first order has a number.
    assert!(
        count(
            &conn,
            "SELECT next_no FROM order_number_sequence WHERE id = 1"
        ) > 0
    );
    drop(store);
}

#[test]
fn an_empty_existing_file_is_migrated_as_new() {
    let (_dir, path) = temp_db();
    std::fs::write(&path, b"").unwrap();
    let (_store, created) = Store::open(&path, BUSY).unwrap();
    assert!(created, "a 0-byte file has no schema yet");
    assert_eq!(
        count(&raw(&path), "PRAGMA user_version"),
        Store::schema_version()
    );
}

#[test]
fn reopen_keeps_data_and_does_not_migrate_again() {
    let (_dir, path) = temp_db();
    let store = open_demo(&path);
    let order = Order::new("reopen-token".into(), Currency::USD);
    let id = store
        .save_draft(None, "alice", "console-1", &order)
        .unwrap();
    drop(store);

    let (store, created) = Store::open(&path, BUSY).unwrap();
    assert!(!created, "an existing database is not new");
    let draft = store.latest_draft("alice").unwrap().expect("draft kept");
    assert_eq!(draft.id, id);
    assert_eq!(draft.order.unwrap().token, "reopen-token");
    let found = store
        .search_customers(
            &CustomerQuery {
                last_name: "doe".into(),
                ..Default::default()
            },
            10,
        )
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].first_name, "Jane");
    assert_eq!(
        count(&raw(&path), "PRAGMA user_version"),
        Store::schema_version()
    );
}

#[test]
fn demo_data_has_what_the_issue_asks_for() {
    let (_dir, path, store) = demo_store();
    let conn = raw(&path);
    assert!(count(&conn, "SELECT COUNT(*) FROM categories") >= 10);
    assert!(count(&conn, "SELECT COUNT(*) FROM items") >= 200);
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM items WHERE description = '' OR weight_grams <= 0"
        ),
        0,
        "every item has a description and a weight"
    );
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM price_lists"), 5);
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM price_lists WHERE currency = 'JPY'"
        ),
        1
    );
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM customers"), 50);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM business_accounts"), 2);
    assert!(
        count(
            &conn,
            "SELECT COUNT(DISTINCT account_id) FROM customers WHERE account_id IS NOT NULL"
        ) == 2
    );
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM shipping_methods"), 3);
    assert!(count(&conn, "SELECT COUNT(*) FROM tax_regions") > 0);
    assert!(count(&conn, "SELECT COUNT(*) FROM promotions") > 0);
    assert!(count(&conn, "SELECT COUNT(*) FROM coupons") > 0);
    // Stock: some scarce, some out, some expected.
    assert!(count(&conn, "SELECT COUNT(*) FROM inventory WHERE on_hand = 0") > 0);
    assert!(
        count(
            &conn,
            "SELECT COUNT(*) FROM inventory WHERE on_hand BETWEEN 1 AND 9"
        ) > 0
    );
    assert!(count(&conn, "SELECT COUNT(*) FROM expected_receipts") > 0);
    // Some customers have several addresses.
    assert!(
        count(
            &conn,
            "SELECT COUNT(*) FROM (SELECT customer_id FROM addresses GROUP BY customer_id HAVING COUNT(*) > 1)"
        ) > 0
    );
    // Through the store: JPY prices are whole yen.
    let items = store.search_items(Currency::JPY, "tent", 20).unwrap();
    assert!(!items.is_empty());
    for i in &items {
        let p = i.price.expect("every demo item has a JPY price");
        assert_eq!(p.fract(), rust_decimal::Decimal::ZERO, "{} {p}", i.sku);
    }
    assert_eq!(store.shipping_methods(Currency::USD).unwrap().len(), 3);
}

/// Reads the file, runs `open`, and checks the bytes did not move.
fn assert_refused_untouched(
    path: &Path,
    open: impl FnOnce() -> Result<(Store, bool), OpenError>,
) -> OpenError {
    let before = std::fs::read(path).unwrap();
    let files_before = files_in(path.parent().unwrap());
    let err = match open() {
        Ok(_) => panic!("the store opened a file it must refuse"),
        Err(e) => e,
    };
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "the refused file changed"
    );
    assert_eq!(
        files_in(path.parent().unwrap()),
        files_before,
        "a refused open left files behind"
    );
    // One line for the operator, naming the file.
    let text = err.to_string();
    assert!(!text.contains('\n'), "{text}");
    assert!(text.contains(&path.display().to_string()), "{text}");
    err
}

#[test]
fn not_sqlite_file_is_refused_untouched() {
    let (_dir, path) = temp_db();
    std::fs::write(
        &path,
        "these are my shopping notes\nbread, milk\n".repeat(50),
    )
    .unwrap();
    let err = assert_refused_untouched(&path, || Store::open(&path, BUSY));
    assert!(matches!(err, OpenError::NotSqlite(_)), "{err:?}");
    assert!(err.to_string().contains("not an orderdesk"));
}

#[test]
fn newer_schema_is_refused_untouched() {
    let (_dir, path) = temp_db();
    closed_orderdesk_db(&path);
    {
        let conn = raw(&path);
        conn.pragma_update(None, "user_version", Store::schema_version() + 1)
            .unwrap();
    }
    let err = assert_refused_untouched(&path, || Store::open(&path, BUSY));
    match err {
        OpenError::NewerSchema { found, known, .. } => {
            assert_eq!(found, Store::schema_version() + 1);
            assert_eq!(known, Store::schema_version());
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert_eq!(
        count(&raw(&path), "PRAGMA user_version"),
        Store::schema_version() + 1
    );
}

#[test]
fn read_only_file_is_refused_untouched() {
    let (_dir, path) = temp_db();
    closed_orderdesk_db(&path);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let err = assert_refused_untouched(&path, || Store::open(&path, BUSY));
    assert!(matches!(err, OpenError::ReadOnly(_)), "{err:?}");
    assert!(err.to_string().contains("read-only"));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o444);
}

#[test]
fn exclusive_lock_is_refused_after_the_busy_timeout() {
    let (_dir, path) = temp_db();
    // An orderdesk database in rollback-journal mode held by BEGIN
    // EXCLUSIVE: nobody else can even read it.
    closed_orderdesk_db(&path);
    let holder = raw(&path);
    holder
        .execute_batch("PRAGMA journal_mode = DELETE; INSERT INTO audit (at, operator, action) VALUES ('t', 'x', 'y');")
        .unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    let started = Instant::now();
    let err = assert_refused_untouched(&path, || Store::open(&path, BUSY));
    let waited = started.elapsed();
    assert!(matches!(err, OpenError::Locked(_)), "{err:?}");
    assert!(err.to_string().contains("locked"));
    assert!(
        waited >= Duration::from_millis(150),
        "gave up too soon: {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(3),
        "waited too long: {waited:?}"
    );
    holder.execute_batch("ROLLBACK;").unwrap();
    // Once the lock is gone the same file opens (and is migrated).
    drop(holder);
    let (_store, _) = Store::open(&path, BUSY).unwrap();
}

#[test]
fn open_write_transaction_in_wal_is_refused_untouched() {
    let (_dir, path) = temp_db();
    closed_orderdesk_db(&path);
    let holder = raw(&path);
    holder.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let err = assert_refused_untouched(&path, || Store::open(&path, BUSY));
    assert!(matches!(err, OpenError::Locked(_)), "{err:?}");
    holder.execute_batch("COMMIT;").unwrap();
}

/// An app on a demo database with John Smith's order ready to submit: two
/// tents, Ground, a typed VISA. Built through `App::update`, the same path
/// keys take, so the test follows the real submit (quote, parts, draft).
fn ready_app(store: Store, quantity: u32) -> (App, i64) {
    let who = store
        .search_customers(
            &CustomerQuery {
                last_name: "smith".into(),
                first_name: "john".into(),
                ..Default::default()
            },
            5,
        )
        .unwrap();
    let item = store
        .item_by_sku(Currency::USD, "TNT-2001")
        .unwrap()
        .expect("demo tent");
    let mut app = crate::common::app(store, "alice", Theme { mono: true });
    app.update(Action::pick(who[0].id));
    app.update(Action::Order(Command::AddItem {
        sku: item.sku.clone(),
        qty: quantity,
    }));
    app.update(Action::Order(Command::SetMethod {
        ship_to: 1,
        method: "GROUND".into(),
    }));
    app.update(Action::Order(Command::Pay(PayInput::Card {
        number: "4111 1111 1111 1111".into(),
        expiry: "12/30".into(),
        cvv: "123".into(),
    })));
    app.settle();
    assert!(
        app.order().problems().is_empty(),
        "{:?}",
        app.order().problems()
    );
    (app, item.id)
}

#[test]
fn submit_places_once_reserves_and_removes_the_draft() {
    let (_dir, path, store) = demo_store();
    let (mut app, item_id) = ready_app(store, 2);
    let draft = app
        .session
        .store()
        .latest_draft("alice")
        .unwrap()
        .expect("the order in progress is a draft");
    assert_eq!(draft.order.unwrap().token, app.order().token);
    let next_no = count(
        &raw(&path),
        "SELECT next_no FROM order_number_sequence WHERE id = 1",
    );
    let (on_hand, reserved) = app.session.store().stock(item_id).unwrap();

    app.update(Action::Order(Command::Submit));
    assert_eq!(app.step, Step::Confirmation);
    assert_eq!(app.session.placed().len(), 1, "one order placed");
    let placed = app.session.placed()[0].clone();
    assert!(!placed.already_placed);
    assert_eq!(placed.order_no, next_no, "number from the sequence");
    assert_eq!(
        app.session.store().stock(item_id).unwrap(),
        (on_hand, reserved + 2)
    );
    assert!(
        app.session.store().latest_draft("alice").unwrap().is_none(),
        "draft removed with the order"
    );
    assert_eq!(app.session.store().order_count().unwrap(), 1);

    let conn = raw(&path);
    let (no, total, op, token): (i64, String, String, String) = conn
        .query_row(
            "SELECT order_no, grand_total, operator, submit_token FROM orders",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(no, placed.order_no);
    assert_eq!(total, placed.grand_total.to_string());
    assert_eq!(op, "alice");
    assert_eq!(token, app.order().token);
    let (brand, last4): (String, String) = conn
        .query_row("SELECT brand, last4 FROM payments", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((brand.as_str(), last4.as_str()), ("VISA", "1111"));
    assert_eq!(
        count(&conn, "SELECT quantity FROM order_lines WHERE line_no = 1"),
        2
    );
    assert_eq!(
        count(
            &conn,
            "SELECT next_no FROM order_number_sequence WHERE id = 1"
        ),
        next_no + 1
    );

    // Submit again (a double Enter) while the confirmation shows: refused,
    // nothing written.
    app.update(Action::Order(Command::Submit));
    assert_eq!(app.session.placed().len(), 1);
    assert_eq!(app.session.placed()[0].order_no, placed.order_no);
    assert_eq!(app.session.store().order_count().unwrap(), 1);
    assert_eq!(
        app.session.store().stock(item_id).unwrap(),
        (on_hand, reserved + 2)
    );

    // The next order gets the next number.
    drop(app);
    let (store, _) = Store::open(&path, BUSY).unwrap();
    let (mut second, _) = ready_app(store, 1);
    second.update(Action::Order(Command::Submit));
    assert_eq!(second.session.placed()[0].order_no, placed.order_no + 1);
}

#[test]
fn submit_after_stock_changed_places_nothing() {
    let (_dir, path, store) = demo_store();
    let (mut app, item_id) = ready_app(store, 2);
    // Another operator takes the stock after this one looked.
    let (on_hand, _) = app.session.store().stock(item_id).unwrap();
    raw(&path)
        .execute(
            "UPDATE inventory SET reserved = ?1 WHERE item_id = ?2",
            [on_hand - 1, item_id],
        )
        .unwrap();
    let draft_before = app
        .session
        .store()
        .latest_draft("alice")
        .unwrap()
        .map(|d| d.id);
    app.update(Action::Order(Command::Submit));
    assert_ne!(app.step, Step::Confirmation);
    assert!(app.session.placed().is_empty());
    assert_eq!(app.session.store().order_count().unwrap(), 0);
    assert_eq!(
        app.session.store().stock(item_id).unwrap(),
        (on_hand, on_hand - 1)
    );
    assert_eq!(
        app.session
            .store()
            .latest_draft("alice")
            .unwrap()
            .map(|d| d.id),
        draft_before,
        "the draft stays"
    );
}

#[test]
fn submit_refuses_an_incomplete_order() {
    let (_dir, _path, store) = demo_store();
    let mut app = crate::common::app(store, "alice", Theme { mono: true });
    app.update(Action::Order(Command::Submit));
    assert_ne!(app.step, Step::Confirmation);
    assert_eq!(app.session.store().order_count().unwrap(), 0);
}

/// A complete order, for the draft tests.
fn some_order(store: &Store, token: &str) -> Order {
    let customer = store.customer_ref(1).unwrap().expect("demo customer 1");
    let mut order = Order::new(token.into(), Currency::USD);
    order.set_customer(customer);
    let item = store
        .item_by_sku(Currency::USD, "TNT-2001")
        .unwrap()
        .unwrap();
    order
        .add_line(Line {
            item_id: item.id,
            sku: item.sku.clone(),
            name: item.name.clone(),
            quantity: 1,
            unit_price: item.price.unwrap(),
            weight_grams: item.weight_grams,
            taxable: item.taxable,
            ship_to: 0,
        })
        .unwrap();
    order
}

#[test]
fn drafts_save_update_latest_and_delete() {
    let (_dir, _path, store) = demo_store();
    assert!(store.latest_draft("alice").unwrap().is_none());
    let mut order = some_order(&store, "draft-tok");
    let id = store
        .save_draft(None, "alice", "console-1", &order)
        .unwrap();
    let d = store.latest_draft("alice").unwrap().unwrap();
    assert_eq!(d.id, id);
    assert_eq!(d.summary, "Jane Doe, 1 line");
    assert_eq!(d.order.as_ref().unwrap(), &order);

    // Saving again updates the same draft.
    order.lines[0].quantity = 3;
    assert_eq!(
        store
            .save_draft(Some(id), "alice", "console-1", &order)
            .unwrap(),
        id
    );
    let d = store.latest_draft("alice").unwrap().unwrap();
    assert_eq!(d.order.unwrap().lines[0].quantity, 3);

    // Drafts belong to their operator.
    assert!(store.latest_draft("bob").unwrap().is_none());
    assert!(
        store
            .save_draft(Some(id), "bob", "console-1", &order)
            .is_err(),
        "bob cannot overwrite alice's draft"
    );
    assert_eq!(store.latest_draft("alice").unwrap().unwrap().id, id);
    let bobs = store.save_draft(None, "bob", "console-2", &order).unwrap();

    store.delete_draft(id).unwrap();
    assert!(store.latest_draft("alice").unwrap().is_none());
    assert_eq!(store.latest_draft("bob").unwrap().unwrap().id, bobs);
}

/// Runs the real binary on `path`; returns (exit code, stderr).
fn run_binary(path: &Path) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .arg("--db")
        .arg(path)
        .arg("--operator")
        .arg("test")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_binary_refuses(path: &Path, expect: &str) {
    let before = std::fs::read(path).unwrap();
    let (code, stderr) = run_binary(path);
    assert_eq!(code, Some(2), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr:?}");
    assert!(stderr.contains(expect), "{stderr}");
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    assert_eq!(std::fs::read(path).unwrap(), before, "file changed");
}

#[test]
fn binary_exits_2_on_a_file_that_is_not_sqlite() {
    let (_dir, path) = temp_db();
    std::fs::write(&path, "not a database at all\n").unwrap();
    assert_binary_refuses(&path, "not an orderdesk");
}

#[test]
fn binary_exits_2_on_newer_schema_and_read_only() {
    let (_dir, path) = temp_db();
    closed_orderdesk_db(&path);
    raw(&path)
        .pragma_update(None, "user_version", Store::schema_version() + 1)
        .unwrap();
    assert_binary_refuses(&path, "newer");

    let (_dir2, path2) = temp_db();
    closed_orderdesk_db(&path2);
    std::fs::set_permissions(&path2, std::fs::Permissions::from_mode(0o444)).unwrap();
    assert_binary_refuses(&path2, "read-only");
}

// ---- whose file it is, and where it may be made ----

/// A database made by another program with `sql` (closed again).
fn foreign_db(path: &Path, sql: &str) {
    let conn = raw(path);
    conn.execute_batch(sql).unwrap();
}

#[test]
fn a_new_database_carries_the_application_id_in_its_header_from_the_start() {
    let (_dir, path) = temp_db();
    let (store, created) = Store::open(&path, BUSY).unwrap();
    assert!(created);
    // Read from the file itself while the store is open: the id is not
    // only in a WAL that a crash could leave behind.
    let head = std::fs::read(&path).unwrap();
    assert_eq!(&head[68..72], &APPLICATION_ID.to_be_bytes());
    assert_eq!(&APPLICATION_ID.to_be_bytes(), b"ODSK");
    assert_eq!(
        count(&raw(&path), "PRAGMA application_id"),
        i64::from(APPLICATION_ID)
    );
    assert_eq!(store.synchronous().unwrap(), 2, "synchronous=FULL");
}

#[test]
fn another_programs_sqlite_file_is_refused_untouched() {
    let (_dir, path) = temp_db();
    foreign_db(
        &path,
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
         INSERT INTO notes (body) VALUES ('call the plumber');",
    );
    let err = assert_refused_untouched(&path, || Store::open(&path, BUSY));
    assert!(
        matches!(
            err,
            OpenError::Foreign {
                application_id: 0,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("not orderdesk's"), "{err}");
    assert_eq!(count(&raw(&path), "SELECT COUNT(*) FROM sqlite_master"), 1);
}

#[test]
fn a_file_with_a_table_orderdesk_also_has_is_refused_untouched() {
    let (_dir, path) = temp_db();
    foreign_db(
        &path,
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, what TEXT);
         INSERT INTO orders (what) VALUES ('pizza');",
    );
    let err = assert_refused_untouched(&path, || Store::open(&path, BUSY));
    assert!(matches!(err, OpenError::Foreign { .. }), "{err:?}");
    assert!(!err.to_string().contains("CREATE"), "{err}");
}

#[test]
fn another_application_id_is_refused_and_named() {
    let (_dir, path) = temp_db();
    foreign_db(
        &path,
        "PRAGMA application_id = 305419896; CREATE TABLE t (x);",
    );
    let err = assert_refused_untouched(&path, || Store::open(&path, BUSY));
    assert!(
        matches!(
            err,
            OpenError::Foreign {
                application_id: 0x1234_5678,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("0x12345678"), "{err}");
}

#[test]
fn our_id_on_a_file_with_tables_but_no_schema_version_is_refused() {
    let (_dir, path) = temp_db();
    foreign_db(
        &path,
        &format!(
            "PRAGMA application_id = {}; CREATE TABLE t (x);",
            APPLICATION_ID as i32
        ),
    );
    let err = assert_refused_untouched(&path, || Store::open(&path, BUSY));
    assert!(matches!(err, OpenError::Foreign { .. }), "{err:?}");
}

#[test]
fn a_foreign_file_in_wal_mode_is_refused_with_its_wal_untouched() {
    let (_dir, path) = temp_db();
    // Another program is running: its committed rows are still in its WAL.
    let other = raw(&path);
    other
        .execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
             CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');",
        )
        .unwrap();
    let wal = path.with_extension("db-wal");
    let wal_before = std::fs::read(&wal).unwrap();
    assert!(!wal_before.is_empty());
    let err = assert_refused_untouched(&path, || Store::open(&path, BUSY));
    assert!(matches!(err, OpenError::Foreign { .. }), "{err:?}");
    assert_eq!(std::fs::read(&wal).unwrap(), wal_before, "the WAL changed");
    drop(other);
}

#[test]
fn uris_and_in_memory_databases_are_refused() {
    for name in [
        ":memory:",
        "",
        "file:orders.db",
        "file:orders.db?mode=memory&cache=shared",
        "FILE:orders.db",
        "postgres://host/orders",
    ] {
        let err = match Store::open(Path::new(name), BUSY) {
            Ok(_) => panic!("{name:?} opened"),
            Err(e) => e,
        };
        assert!(matches!(err, OpenError::NotAFile(_)), "{name:?}: {err:?}");
        assert!(
            err.to_string().contains("not a database file path"),
            "{err}"
        );
    }
    assert!(!Path::new("postgres:").exists());
    assert!(!Path::new("file:orders.db").exists());
}

#[test]
fn a_missing_folder_is_never_created() {
    let (dir, _) = temp_db();
    let path = dir.path().join("not").join("here").join("o.db");
    let err = match Store::open(&path, BUSY) {
        Ok(_) => panic!("opened in a missing folder"),
        Err(e) => e,
    };
    assert!(matches!(err, OpenError::NoFolder(_)), "{err:?}");
    assert!(!dir.path().join("not").exists(), "folders were created");
}

#[test]
fn an_existing_store_is_required_when_creating_is_not_allowed() {
    let (dir, path) = temp_db();
    let never = OpenOptions::new(BUSY, Create::Never);
    let err = Store::open_with(&path, never).err().expect("refused");
    assert!(matches!(err, OpenError::Missing(_)), "{err:?}");
    assert!(err.to_string().contains("orderdesk init --db"), "{err}");
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );

    // An empty file is not a database yet, and stays empty.
    std::fs::write(&path, b"").unwrap();
    let err = Store::open_with(&path, never).err().expect("refused");
    assert!(matches!(err, OpenError::Empty(_)), "{err:?}");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    assert_eq!(files_in(dir.path()), ["orderdesk.db"]);

    // Create::New makes one from the empty file, then refuses it.
    let (store, created) = Store::open_with(&path, OpenOptions::new(BUSY, Create::New)).unwrap();
    assert!(created);
    drop(store);
    let err = assert_refused_untouched(&path, || {
        Store::open_with(&path, OpenOptions::new(BUSY, Create::New))
    });
    assert!(matches!(err, OpenError::Exists(_)), "{err:?}");
    let (_store, created) = Store::open_with(&path, never).unwrap();
    assert!(!created);
}

// ---- file modes, whatever the umask ----

/// Runs the binary under `umask` (in a child shell) with a temporary HOME
/// and XDG_DATA_HOME, placing orders until one is placed; returns the
/// running child so the caller can look at the files it made, and kill it.
fn spawn_under_umask(umask: &str, home: &Path, args: &[&str]) -> std::process::Child {
    use std::io::BufRead;
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_orderdesk"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("xdg"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("placed"), "{first:?}");
    child
}

fn mode_of(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

/// The database and its -wal and -shm, as they are while `child` works.
fn assert_db_modes(db: &Path, mode: u32, umask: &str) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let p = std::path::PathBuf::from(p);
        assert_eq!(
            mode_of(&p),
            mode,
            "{} under umask {umask}: {:o}",
            p.display(),
            mode_of(&p)
        );
    }
}

#[test]
fn the_default_database_and_its_folder_are_private_under_any_umask() {
    for umask in ["022", "000"] {
        let home = tempfile::tempdir().unwrap();
        let mut child = spawn_under_umask(
            umask,
            home.path(),
            &["--operator", "m", "simulate", "--orders", "100000"],
        );
        let folder = home.path().join("xdg").join("orderdesk");
        assert_eq!(mode_of(&folder), 0o700, "data folder under umask {umask}");
        assert_eq!(mode_of(&home.path().join("xdg")), 0o700);
        assert_db_modes(&folder.join("orderdesk.db"), 0o600, umask);
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[test]
fn an_existing_data_folder_keeps_its_mode() {
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("xdg").join("orderdesk");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o750)).unwrap();
    let mut child = spawn_under_umask(
        "000",
        home.path(),
        &["--operator", "m", "simulate", "--orders", "100000"],
    );
    assert_eq!(mode_of(&folder), 0o750);
    assert_db_modes(&folder.join("orderdesk.db"), 0o600, "000");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_database_in_a_group_shared_folder_is_group_readable_and_writable() {
    for (umask, folder_mode) in [("022", 0o2770), ("000", 0o2770), ("022", 0o770)] {
        let home = tempfile::tempdir().unwrap();
        let shared = home.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(folder_mode)).unwrap();
        let db = shared.join("o.db");
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_orderdesk"))
            .args(["--db", db.to_str().unwrap(), "init"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(mode_of(&db), 0o660, "folder {folder_mode:o}, umask {umask}");
        let mut child = spawn_under_umask(
            umask,
            home.path(),
            &[
                "--db",
                db.to_str().unwrap(),
                "--operator",
                "m",
                "simulate",
                "--orders",
                "100000",
            ],
        );
        assert_db_modes(&db, 0o660, umask);
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[test]
fn an_explicit_database_is_private_under_any_umask() {
    for umask in ["022", "000"] {
        let home = tempfile::tempdir().unwrap();
        let db = home.path().join("o.db");
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_orderdesk"))
            .args(["--db", db.to_str().unwrap(), "init"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(mode_of(&db), 0o600, "umask {umask}");
        let mut child = spawn_under_umask(
            umask,
            home.path(),
            &[
                "--db",
                db.to_str().unwrap(),
                "--operator",
                "m",
                "simulate",
                "--orders",
                "100000",
            ],
        );
        assert_db_modes(&db, 0o600, umask);
        child.kill().unwrap();
        child.wait().unwrap();
    }
}
