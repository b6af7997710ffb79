//! Stock and reservations (store/inventory.rs), the same test body on a
//! SQLite file and on PostgreSQL: what reserve, release and receiving do
//! to the figures, what item_stock reads, and two consoles racing for the
//! last unit (exactly one gets it; the other is told it is gone).

use crate::common::backends::{new_item, on_both, Target};
use chrono::NaiveDate;
use orderdesk::store::db::{Backend, Error, Sql};
use orderdesk::store::inventory::{self, Reservation};
use std::sync::{Arc, Barrier};

fn stock(sql: Sql<'_>, item: i64) -> Option<(i64, i64)> {
    inventory::stock(sql, item).expect("stock")
}

#[test]
fn reserve_and_release_move_the_figures_and_never_oversell() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        let item = new_item(sql, "R-1");

        // No inventory row: nothing on hand, nothing to reserve or release.
        assert_eq!(stock(sql, item), None);
        assert_eq!(
            inventory::reserve(sql, item, 1).unwrap(),
            Reservation::Short { free: 0 }
        );
        assert_eq!(stock(sql, item), None, "a refusal writes nothing");
        assert!(matches!(
            inventory::release(sql, item, 1),
            Err(Error::NoRow)
        ));

        // Receiving makes the row, then adds to it.
        assert_eq!(inventory::add_on_hand(sql, item, 5).unwrap(), (5, 0));
        assert_eq!(inventory::add_on_hand(sql, item, 2).unwrap(), (7, 0));

        assert_eq!(
            inventory::reserve(sql, item, 3).unwrap(),
            Reservation::Reserved
        );
        assert_eq!(stock(sql, item), Some((7, 3)));
        // More than is free: refused, saying how much is.
        assert_eq!(
            inventory::reserve(sql, item, 5).unwrap(),
            Reservation::Short { free: 4 }
        );
        assert_eq!(stock(sql, item), Some((7, 3)));
        // Exactly what is free.
        assert_eq!(
            inventory::reserve(sql, item, 4).unwrap(),
            Reservation::Reserved
        );
        assert_eq!(stock(sql, item), Some((7, 7)));
        assert_eq!(
            inventory::reserve(sql, item, 1).unwrap(),
            Reservation::Short { free: 0 }
        );

        inventory::release(sql, item, 2).unwrap();
        assert_eq!(stock(sql, item), Some((7, 5)));
        // Releasing more than is reserved is a miscount: the CHECK refuses.
        let e = inventory::release(sql, item, 6).unwrap_err();
        assert!(e.is_check_violation(), "{e}");
        assert_eq!(stock(sql, item), Some((7, 5)));
        // Receiving frees stock for the next reservation.
        assert_eq!(inventory::add_on_hand(sql, item, 3).unwrap(), (10, 5));
        assert_eq!(
            inventory::reserve(sql, item, 5).unwrap(),
            Reservation::Reserved
        );
        assert_eq!(stock(sql, item), Some((10, 10)));

        // Quantities below 1 are a caller's mistake, refused before SQL.
        for q in [0, -2] {
            assert!(matches!(
                inventory::reserve(sql, item, q),
                Err(Error::Parameter { index: 1, .. })
            ));
            assert!(matches!(
                inventory::release(sql, item, q),
                Err(Error::Parameter { index: 1, .. })
            ));
        }
        assert_eq!(stock(sql, item), Some((10, 10)));
    });
}

/// An order placed with `backordered` of `item` waiting; its id.
fn order_waiting_for(sql: Sql<'_>, no: i64, item: i64, backordered: i64, status: &str) -> i64 {
    sql.execute(
        "INSERT INTO currencies (code, minor_units, name) VALUES ('USD', 2, 'US dollar')
         ON CONFLICT (code) DO NOTHING",
        &[],
    )
    .unwrap();
    let order = sql
        .query_row(
            "INSERT INTO orders (order_no, submit_token, customer_snapshot, currency, status,
                 backorder_choice, billing_address, merchandise_total, discount_total,
                 shipping_total, tax_total, grand_total, breakdown, operator, placed_at)
             VALUES (?1, ?2, '{}', 'USD', ?3, 'ship_available', '{}', '0.00', '0.00', '0.00',
                 '0.00', '0.00', '{}', 'ann', '2026-11-25T10:00:00Z') RETURNING id",
            &[no.into(), format!("tok-{no}").into(), status.into()],
        )
        .and_then(|r| r.get_i64(0))
        .expect("order");
    sql.execute(
        "INSERT INTO order_lines (order_id, line_no, item_id, sku, name, ship_to_no, quantity,
             qty_now, qty_backordered, unit_price, list_price, line_total)
         VALUES (?1, 1, ?2, 'S-1', 'Item S-1', 1, ?3, 0, ?3, '1.00', '1.00', '1.00')",
        &[order.into(), item.into(), backordered.into()],
    )
    .expect("order line");
    order
}

#[test]
fn item_stock_reads_receipts_and_earlier_backorders() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        let item = new_item(sql, "S-1");
        let bare = new_item(sql, "S-2");
        inventory::add_on_hand(sql, item, 4).unwrap();
        assert_eq!(
            inventory::reserve(sql, item, 1).unwrap(),
            Reservation::Reserved
        );
        // Written out of date order: read back by date.
        for (due, q) in [("2026-12-20", 7i64), ("2026-12-01", 3)] {
            sql.execute(
                "INSERT INTO expected_receipts (item_id, due_date, quantity) VALUES (?1, ?2, ?3)",
                &[item.into(), due.into(), q.into()],
            )
            .unwrap();
        }
        order_waiting_for(sql, 1001, item, 2, "placed");
        order_waiting_for(sql, 1002, item, 5, "held");
        // A cancelled order waits for nothing.
        order_waiting_for(sql, 1003, item, 9, "cancelled");

        let stock = inventory::item_stock(sql, &[item, bare, item]).unwrap();
        assert_eq!(stock.len(), 2);
        let s = &stock[&item];
        assert_eq!((s.item_id, s.on_hand, s.reserved), (item, 4, 1));
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        assert_eq!(
            s.receipts,
            vec![(day("2026-12-01"), 3), (day("2026-12-20"), 7)]
        );
        assert_eq!(s.earlier_backorders, 7);
        let b = &stock[&bare];
        assert_eq!((b.on_hand, b.reserved, b.earlier_backorders), (0, 0, 0));
        assert!(b.receipts.is_empty());
        assert!(inventory::item_stock(sql, &[]).unwrap().is_empty());

        // A due date that is not one names its column.
        sql.execute(
            "INSERT INTO expected_receipts (item_id, due_date, quantity) VALUES (?1, 'soon', 1)",
            &[bare.into()],
        )
        .unwrap();
        match inventory::item_stock(sql, &[bare]) {
            Err(Error::Column { name, .. }) => assert_eq!(name, "due_date"),
            other => panic!("a bad date must be refused: {other:?}"),
        }
    });
}

/// Two consoles, one unit left: each reads the stock, sees one free and
/// reserves it. Exactly one gets it; the other is refused with
/// `Short { free: 0 }` on both backends. SQLite queues the second writer
/// at BEGIN IMMEDIATE, so it reads after the first committed; on
/// PostgreSQL both read before either writes (the barrier), the second
/// update fails to serialize, and `Sql::write` runs it again on fresh
/// figures.
#[test]
fn two_consoles_racing_for_the_last_unit_one_wins() {
    on_both(race_for_the_last_unit);
}

fn race_for_the_last_unit(target: &Target) {
    let conn = target.connect();
    let sql = conn.sql();
    let item = new_item(sql, "L-1");
    inventory::add_on_hand(sql, item, 3).unwrap();
    assert_eq!(
        inventory::reserve(sql, item, 2).unwrap(),
        Reservation::Reserved
    );
    let backend = sql.backend();
    let both_read = Arc::new(Barrier::new(2));
    let outcomes: Vec<(Reservation, i64, u32)> = std::thread::scope(|s| {
        let consoles: Vec<_> = (0..2)
            .map(|_| {
                let both_read = both_read.clone();
                let conn = target.connect();
                s.spawn(move || {
                    let sql = conn.sql();
                    let mut attempts = 0u32;
                    let mut seen_free = 0;
                    let got = sql
                        .write(|tx| {
                            attempts += 1;
                            let figures = inventory::item_stock(**tx, &[item])?;
                            seen_free = figures[&item].on_hand - figures[&item].reserved;
                            if backend == Backend::Postgres && attempts == 1 {
                                both_read.wait();
                            }
                            inventory::reserve(**tx, item, 1)
                        })
                        .expect("a refusal, not an error");
                    (got, seen_free, attempts)
                })
            })
            .collect();
        consoles
            .into_iter()
            .map(|c| c.join().expect("console"))
            .collect()
    });
    let won: Vec<_> = outcomes
        .iter()
        .filter(|o| o.0 == Reservation::Reserved)
        .collect();
    let lost: Vec<_> = outcomes
        .iter()
        .filter(|o| o.0 == Reservation::Short { free: 0 })
        .collect();
    assert_eq!((won.len(), lost.len()), (1, 1), "{backend:?}: {outcomes:?}");
    // The winner saw the unit; the loser, in the attempt that counted,
    // saw it gone.
    assert_eq!(won[0].1, 1);
    assert_eq!(lost[0].1, 0, "{backend:?}: {outcomes:?}");
    assert_eq!(stock(sql, item), Some((3, 3)), "{backend:?}");
    let attempts: u32 = outcomes.iter().map(|o| o.2).sum();
    match backend {
        Backend::Sqlite => assert_eq!(attempts, 2, "SQLite queues writers: no retry"),
        Backend::Postgres => assert!(attempts >= 3, "the loser ran again: {outcomes:?}"),
    }
}
