//! Many operators on one PostgreSQL database: sixteen real `orderdesk
//! simulate` processes place orders at once on scarce stock, and processes
//! killed with SIGKILL mid-submit. Afterwards nothing is oversold, every
//! order a process printed is stored, and `orderdesk check` (stock against
//! the open orders, every order whole) finds the database sound.

use crate::common::pg::{self, url};
use orderdesk::store::db::Db;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const WORKERS: usize = 16;
const ORDERS_EACH: usize = 12;
const SCARCE: &str = "TNT-2010,CMK-4011,COF-3006";

fn orderdesk(db: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_orderdesk"));
    c.env_remove("ORDERDESK_DB")
        .args(["--db", db])
        .args(args)
        .stdin(Stdio::null());
    c
}

fn run(db: &str, args: &[&str]) -> Output {
    orderdesk(db, args).output().expect("orderdesk runs")
}

/// A PostgreSQL store with the demo data, three items made scarce with
/// nothing expected; its URL and a connection.
fn scarce_store() -> (String, Db) {
    let params = pg::fresh_database();
    let db = url(&params);
    let out = run(&db, &["--operator", "pgadmin", "init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = Db::connect_postgres(&params).expect("connection");
    conn.sql()
        .execute_batch(
            "UPDATE inventory SET on_hand = 7 WHERE item_id = (SELECT id FROM items WHERE sku = 'TNT-2010');
             UPDATE inventory SET on_hand = 4 WHERE item_id = (SELECT id FROM items WHERE sku = 'CMK-4011');
             UPDATE inventory SET on_hand = 2 WHERE item_id = (SELECT id FROM items WHERE sku = 'COF-3006');
             DELETE FROM expected_receipts WHERE item_id IN
               (SELECT id FROM items WHERE sku IN ('TNT-2010', 'CMK-4011', 'COF-3006'));",
        )
        .expect("scarce stock");
    (db, conn)
}

fn count(db: &Db, sql: &str) -> i64 {
    db.sql()
        .query_row(sql, &[])
        .and_then(|r| r.get_i64(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn stored_order_numbers(db: &Db) -> Vec<i64> {
    db.sql()
        .query("SELECT order_no FROM orders ORDER BY order_no", &[])
        .expect("orders")
        .iter()
        .map(|r| r.get_i64(0).expect("an order number"))
        .collect()
}

/// `orderdesk check` on the database: sound, or its report.
fn assert_sound(db: &str) {
    let out = run(db, &["check"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && report.contains("sound: no problems found"),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sixteen_operators_on_scarce_stock_never_oversell_or_lose_an_order() {
    let (db, conn) = scarce_store();
    let children: Vec<_> = (0..WORKERS)
        .map(|i| {
            orderdesk(&db, &["--operator", &format!("w{i}")])
                .args(["simulate", "--orders", &ORDERS_EACH.to_string()])
                .args(["--seed", &(i + 1).to_string(), "--items", SCARCE])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("a worker starts")
        })
        .collect();
    let (mut printed, attempts) = crate::common::simulate::placed_and_tried(children);
    assert_eq!(
        attempts,
        WORKERS * ORDERS_EACH,
        "every worker reports every order"
    );
    // The database holds exactly the orders the workers were told were
    // placed: none lost, none left by a refused or retried attempt.
    printed.sort_unstable();
    assert_eq!(printed, stored_order_numbers(&conn));
    assert!(
        printed.len() >= WORKERS * ORDERS_EACH / 2,
        "most attempts place an order"
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM inventory WHERE reserved > on_hand OR reserved < 0"
        ),
        0,
        "oversold"
    );
    assert_eq!(
        count(
            &conn,
            "SELECT on_hand FROM inventory WHERE item_id = (SELECT id FROM items WHERE sku = 'COF-3006')"
        ),
        2
    );
    assert!(
        count(
            &conn,
            "SELECT COALESCE(SUM(qty_backordered), 0) FROM order_lines"
        ) > 0,
        "scarce stock makes backorders"
    );
    assert_sound(&db);
}

#[test]
fn killed_mid_submit_leaves_whole_orders_or_none() {
    let (db, conn) = scarce_store();
    let mut rng = fastrand::Rng::with_seed(11);
    let mut seen = 0;
    for round in 0..8 {
        // Four at once, so some are killed while others wait on a lock.
        let mut children: Vec<_> = (0..4)
            .map(|i| {
                orderdesk(&db, &["--operator", &format!("k{i}")])
                    .args(["simulate", "--orders", "100000"])
                    .args(["--seed", &(round * 4 + i + 1).to_string()])
                    .args(["--items", "TNT-2010,CMK-4011,COF-3006,TNT-2023,CKW-1001"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("a process starts")
            })
            .collect();
        // Once they are placing orders, at a random moment after.
        let deadline = Instant::now() + Duration::from_secs(30);
        while count(&conn, "SELECT count(*) FROM orders") <= seen && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(rng.u64(0..80)));
        for child in &mut children {
            child.kill().expect("SIGKILL"); // no chance to clean up
        }
        for mut child in children {
            child.wait().expect("reaped");
        }
        let orders = count(&conn, "SELECT count(*) FROM orders");
        assert!(
            orders > seen,
            "round {round}: the processes were placing orders"
        );
        seen = orders;
        // A killed connection's transaction is rolled back by the server:
        // whole orders only, reservations equal to what they hold.
        assert_sound(&db);
    }
}
