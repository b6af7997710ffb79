//! Many operators at once (issue 4): eight real `orderdesk` processes place
//! orders concurrently on one database file, on items with scarce stock.
//! Afterwards nothing is oversold, every accepted order is whole, and every
//! refused attempt left nothing behind.

use std::process::{Command, Stdio};

const WORKERS: usize = 8;
const ORDERS_EACH: usize = 25;

#[test]
fn eight_operators_on_scarce_stock_never_oversell() {
    let (_dir, path, store) = crate::common::demo_store();
    drop(store);
    // Make three items scarce with nothing expected, so operators compete.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "UPDATE inventory SET on_hand = 7 WHERE item_id = (SELECT id FROM items WHERE sku = 'TNT-2010');
         UPDATE inventory SET on_hand = 4 WHERE item_id = (SELECT id FROM items WHERE sku = 'CMK-4011');
         UPDATE inventory SET on_hand = 2 WHERE item_id = (SELECT id FROM items WHERE sku = 'COF-3006');
         DELETE FROM expected_receipts WHERE item_id IN
           (SELECT id FROM items WHERE sku IN ('TNT-2010', 'CMK-4011', 'COF-3006'));",
    )
    .unwrap();
    drop(conn);

    let children: Vec<_> = (0..WORKERS)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_orderdesk"))
                .args([
                    "--db",
                    path.to_str().unwrap(),
                    "--operator",
                    &format!("w{i}"),
                ])
                .args([
                    "simulate",
                    "--orders",
                    &ORDERS_EACH.to_string(),
                    "--seed",
                    &(i + 1).to_string(),
                ])
                .args(["--items", "TNT-2010,CMK-4011,COF-3006"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let (mut placed, attempts) = crate::common::simulate::placed_and_tried(children);
    assert_eq!(
        attempts,
        WORKERS * ORDERS_EACH,
        "every worker reports every order"
    );

    let conn = rusqlite::Connection::open(&path).unwrap();
    let problems = crate::common::consistency_problems(&conn);
    assert!(problems.is_empty(), "{problems:#?}");
    // The database holds exactly the orders the workers were told were
    // placed: a refused attempt left no order behind.
    let mut stored: Vec<i64> = conn
        .prepare("SELECT order_no FROM orders ORDER BY order_no")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    placed.sort_unstable();
    stored.sort_unstable();
    assert_eq!(placed, stored);
    assert!(
        placed.len() >= WORKERS * ORDERS_EACH / 2,
        "most attempts place an order"
    );
    // The scarce stock was used up, never more.
    let (on_hand, reserved): (i64, i64) = conn
        .query_row(
            "SELECT on_hand, reserved FROM inventory WHERE item_id = (SELECT id FROM items WHERE sku = 'COF-3006')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(on_hand, 2);
    assert!(reserved <= on_hand);
    let backordered: i64 = conn
        .query_row(
            "SELECT COALESCE(SUM(qty_backordered), 0) FROM order_lines",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(backordered > 0, "scarce stock makes backorders");
}
