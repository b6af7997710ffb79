//! Availability against a real demo database: the store's stock figures
//! for a scarce item, and what `allocate` makes of them.

use crate::common::{demo_store, today};
use chrono::Duration;
use orderdesk::domain::availability::{allocate, LineAvailability};
use orderdesk::domain::money::Currency;
use rusqlite::{params, Connection};

/// A placed order with one line of `item_id`: `now` shipped, `backordered`
/// waiting. Written directly, as an earlier operator's submit would leave it.
fn place_line(conn: &Connection, order_no: i64, item_id: i64, now: i64, backordered: i64) {
    conn.execute(
        "INSERT INTO orders (order_no, submit_token, customer_snapshot, currency, backorder_choice,
            billing_address, merchandise_total, discount_total, shipping_total, tax_total,
            grand_total, breakdown, operator, placed_at)
         VALUES (?1, ?2, '{}', 'USD', 'ship_available', '{}', '0', '0', '0', '0', '0', '{}',
            'test', '2026-11-24T10:00:00Z')",
        params![order_no, format!("token-{order_no}")],
    )
    .unwrap();
    let order_id = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO order_lines (order_id, line_no, item_id, sku, name, ship_to_no, quantity,
            qty_now, qty_backordered, unit_price, list_price, line_total)
         VALUES (?1, 1, ?2, 'CMK-4011', 'x', 0, ?3, ?4, ?5, '1', '1', '1')",
        params![order_id, item_id, now + backordered, now, backordered],
    )
    .unwrap();
}

#[test]
fn scarce_item_stock_and_allocation_from_the_database() {
    let (_dir, path, store) = demo_store();
    // CMK-4011 in the demo: 3 on hand, 6 due in 6 days, 75 in 50 days.
    let id = store
        .item_by_sku(Currency::USD, "CMK-4011")
        .unwrap()
        .expect("demo item CMK-4011")
        .id;
    let day = |n: i64| today() + Duration::days(n);

    let stock = store.item_stock(&[id, id]).unwrap();
    assert_eq!(stock.len(), 1, "a repeated id is read once");
    let s = &stock[&id];
    assert_eq!((s.item_id, s.on_hand, s.reserved), (id, 3, 0));
    assert_eq!(s.receipts, vec![(day(6), 6), (day(50), 75)]);
    assert_eq!(s.earlier_backorders, 0);

    // Another operator reserves 2 and backorders 5; an earlier receipt of
    // 4 is booked out of date order; a line with nothing backordered must
    // not count.
    let raw = Connection::open(&path).unwrap();
    raw.execute("UPDATE inventory SET reserved = 2 WHERE item_id = ?1", [id])
        .unwrap();
    raw.execute(
        "INSERT INTO expected_receipts (item_id, due_date, quantity) VALUES (?1, ?2, 4)",
        params![id, day(3).format("%Y-%m-%d").to_string()],
    )
    .unwrap();
    place_line(&raw, 900001, id, 2, 5);
    place_line(&raw, 900002, id, 1, 0);

    let stock = store.item_stock(&[id]).unwrap();
    let s = &stock[&id];
    assert_eq!((s.on_hand, s.reserved, s.available()), (3, 2, 1));
    assert_eq!(s.receipts, vec![(day(3), 4), (day(6), 6), (day(50), 75)]);
    assert_eq!(s.earlier_backorders, 5);

    // 4 wanted: 1 now, 3 backordered. The placed 5 take the first receipts
    // (cumulative 4 on day 3, 10 on day 6); 5 + 3 = 8 is covered on day 6.
    // A second line of 80 more: demand 88 > 85 received in all → unknown.
    let got = allocate(&[(id, 4), (id, 80)], &stock);
    assert_eq!(
        got,
        vec![
            LineAvailability {
                now: 1,
                backordered: 3,
                due: Some(day(6))
            },
            LineAvailability {
                now: 0,
                backordered: 80,
                due: None
            },
        ]
    );
}

#[test]
fn unknown_item_has_nothing_on_hand() {
    let (_dir, _path, store) = demo_store();
    let stock = store.item_stock(&[987_654]).unwrap();
    let s = &stock[&987_654];
    assert_eq!((s.on_hand, s.reserved, s.earlier_backorders), (0, 0, 0));
    assert!(s.receipts.is_empty());
    assert!(store.item_stock(&[]).unwrap().is_empty());
}
