//! The warehouse's transactions (store/warehouse.rs: what `orderdesk
//! receive/release/ship` run), the same body on a SQLite file and on
//! PostgreSQL: goods received fill the backorders first placed first,
//! an order released, a shipment shipped with its stock off the shelf and
//! out of the reservations together; refusals write nothing. On SQLite
//! every call goes through the `Store`, as the commands make it.

use crate::common::backends::Conn;
use crate::pg_order_changes::{events, place_order, stored};
use crate::pg_orders::{jane, leave_free, on_both, stock, Place};
use chrono::NaiveDate;
use orderdesk::domain::lifecycle::{OrderStatus, ShipmentStatus};
use orderdesk::session::{BackorderKind, Command};
use orderdesk::store::{warehouse, Filled, Received, ServiceError, StoredOrder};

fn receive(
    conn: &Conn,
    sku: &str,
    quantity: i64,
    day: NaiveDate,
) -> Result<Received, ServiceError> {
    match conn {
        Conn::Store(store) => store.receive(sku, quantity, day, "carl"),
        Conn::Db(db) => warehouse::receive(db.sql(), sku, quantity, day, "carl"),
    }
}

fn release(conn: &Conn, order_no: i64) -> Result<StoredOrder, ServiceError> {
    match conn {
        Conn::Store(store) => store.release_order(order_no, "carl"),
        Conn::Db(db) => warehouse::release_order(db.sql(), order_no, "carl"),
    }
}

fn ship(
    conn: &Conn,
    order_no: i64,
    number: u32,
    tracking: &str,
) -> Result<StoredOrder, ServiceError> {
    match conn {
        Conn::Store(store) => store.ship(order_no, number, tracking, "carl"),
        Conn::Db(db) => warehouse::ship(db.sql(), order_no, number, tracking, "carl"),
    }
}

fn refused<T: std::fmt::Debug>(r: Result<T, ServiceError>) -> String {
    match r {
        Err(ServiceError::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Jane's order of `qty` headlamps, all of them waiting for goods.
fn waiting_order(qty: u32) -> Vec<Command> {
    let mut c = jane(&[("LGT-1002", qty)]);
    c.push(Command::Backorder {
        choice: BackorderKind::Available,
        separate: false,
    });
    c
}

#[test]
fn goods_received_fill_the_backorders_first_placed_first() {
    on_both(|postgres| {
        let place = Place::new(postgres, |c| leave_free(c, "LGT-1002", 0));
        let conn = place.connect();
        let sql = conn.sql();
        let first = place_order(&place, &conn, waiting_order(2));
        let second = place_order(&place, &conn, waiting_order(2));
        let before = stock(sql, "LGT-1002");
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();

        // Refused before anything: no such item, nothing received.
        assert!(refused(receive(&conn, "NOPE-0000", 3, day)).contains("no item NOPE-0000"));
        assert!(refused(receive(&conn, "LGT-1002", 0, day)).contains("1 to"));
        assert_eq!(stock(sql, "LGT-1002"), before);

        // Three arrive (the SKU typed in any case): two fill the first
        // order, whose shipment can leave now; one goes to the second.
        let got = receive(&conn, " lgt-1002 ", 3, day).expect("received");
        assert_eq!(
            got,
            Received {
                sku: "LGT-1002".into(),
                quantity: 3,
                on_hand: before.0 + 3,
                reserved: before.1 + 3,
                filled: vec![
                    Filled {
                        order_no: first,
                        lines: vec![(1, "LGT-1002".into(), 2)],
                        ready: vec![1],
                    },
                    Filled {
                        order_no: second,
                        lines: vec![(1, "LGT-1002".into(), 1)],
                        ready: vec![],
                    },
                ],
            }
        );
        assert_eq!(stock(sql, "LGT-1002"), (before.0 + 3, before.1 + 3));
        let a = stored(sql, first);
        assert_eq!(a.version, 2);
        let s = &a.shipments[0];
        assert_eq!((s.state.status, s.state.waiting), (ShipmentStatus::Open, 0));
        assert_eq!(
            s.ship_date.as_deref(),
            Some("2026-12-01"),
            "the receipt's day"
        );
        assert_eq!(
            a.events[0].detail,
            "goods reserved: 2 LGT-1002 for line 1; shipment 1 can leave (2026-12-01)"
        );
        let b = stored(sql, second);
        assert_eq!(b.shipments[0].state.waiting, 1);
        assert_eq!(b.events[0].operator, "carl");
        assert_eq!(b.events[0].detail, "goods reserved: 1 LGT-1002 for line 1");
        (got, events(&a), events(&b))
    });
}

#[test]
fn an_order_released_and_shipped_takes_its_stock_off_the_shelf() {
    on_both(|postgres| {
        let place = Place::new(postgres, |_| {});
        let conn = place.connect();
        let sql = conn.sql();
        let no = place_order(&place, &conn, jane(&[("TNT-2001", 2)]));
        let before = stock(sql, "TNT-2001");
        assert_eq!(warehouse::placed_order_numbers(sql).unwrap(), vec![no]);

        // Not released yet: nothing leaves.
        assert!(refused(ship(&conn, no, 1, "")).contains("not released to the warehouse yet"));
        assert!(matches!(
            release(&conn, 987_654),
            Err(ServiceError::NotFound(987_654))
        ));

        let released = release(&conn, no).expect("released");
        assert_eq!(
            (released.status, released.version),
            (OrderStatus::Released, 2)
        );
        let e = &released.events[0];
        assert_eq!(
            (e.action.as_str(), e.operator.as_str(), e.detail.as_str()),
            ("released", "carl", "released to the warehouse")
        );
        assert!(warehouse::placed_order_numbers(sql).unwrap().is_empty());
        assert!(refused(release(&conn, no)).contains("with the warehouse already"));
        assert_eq!(stored(sql, no), released, "nothing written");
        assert!(refused(ship(&conn, no, 9, "")).contains("no shipment 9"));

        let shipped = ship(&conn, no, 1, " 1Z999 ").expect("shipped");
        assert_eq!((shipped.status, shipped.version), (OrderStatus::Shipped, 3));
        let s = &shipped.shipments[0];
        assert_eq!(s.state.status, ShipmentStatus::Shipped);
        assert_eq!(s.tracking, "1Z999");
        assert!(s.state.shipped_on.is_some());
        assert_eq!(
            shipped.events[1].detail,
            "shipment 1 shipped (2 pieces), tracking 1Z999; order shipped"
        );
        // Off the shelf and out of the reservations together.
        assert_eq!(stock(sql, "TNT-2001"), (before.0 - 2, before.1 - 2));
        assert!(refused(ship(&conn, no, 1, "")).contains("shipped already"));
        assert_eq!(stock(sql, "TNT-2001"), (before.0 - 2, before.1 - 2));
        let mut shipments = shipped.shipments.clone();
        shipments.iter_mut().for_each(|s| {
            s.state.shipped_on = None;
            s.ship_date = None;
        });
        (events(&shipped), shipments)
    });
}

#[test]
fn two_receipts_at_once_fill_a_backorder_once_each() {
    on_both(|postgres| {
        let place = std::sync::Arc::new(Place::new(postgres, |c| leave_free(c, "LGT-1002", 0)));
        let conn = place.connect();
        let no = place_order(&place, &conn, waiting_order(2));
        let before = stock(conn.sql(), "LGT-1002");
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        // Two docks receive one headlamp each at the same moment: on
        // PostgreSQL the loser of the stock row runs its receipt again.
        let gate = std::sync::Arc::new(std::sync::Barrier::new(2));
        let got: Vec<Received> = (0..2)
            .map(|_| {
                let (place, gate) = (place.clone(), gate.clone());
                std::thread::spawn(move || {
                    let conn = place.connect();
                    gate.wait();
                    receive(&conn, "LGT-1002", 1, day).expect("received")
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        let filled: Vec<&Filled> = got.iter().flat_map(|r| &r.filled).collect();
        assert_eq!(filled.len(), 2, "{got:?}");
        assert!(filled
            .iter()
            .all(|f| f.order_no == no && f.lines == [(1, "LGT-1002".into(), 1)]));
        assert_eq!(
            filled.iter().filter(|f| f.ready == [1]).count(),
            1,
            "the second unit made the shipment ready"
        );
        assert_eq!(stock(conn.sql(), "LGT-1002"), (before.0 + 2, before.1 + 2));
        let o = stored(conn.sql(), no);
        assert_eq!((o.version, o.shipments[0].state.waiting), (3, 0));
        events(&o)
    });
}
