//! Changing and cancelling a placed order (store/order_changes.rs), the
//! same body on a SQLite file and on PostgreSQL: a change re-quoted and
//! confirmed is stored with the amounts its quote showed, a change based
//! on an older version is refused and writes nothing, and a cancel gives
//! its stock to the order waiting for it. Orders are placed as in
//! pg_orders.rs (its `Place` and `Portable` stand-in); on SQLite every
//! call goes through the `Store`, as the console makes it.

use crate::common::backends::Conn;
use crate::common::today;
use crate::pg_orders::{jane, leave_free, on_both, quote, stock, submit, Place, Portable};
use orderdesk::domain::lifecycle::{OrderStatus, ShipmentStatus};
use orderdesk::domain::order::Order;
use orderdesk::domain::order_change::Change;
use orderdesk::domain::pricing::Breakdown;
use orderdesk::domain::quote::Quote;
use orderdesk::session::{BackorderKind, Command};
use orderdesk::store::db::Sql;
use orderdesk::store::{order_changes, order_record, quote as quoting};
use orderdesk::store::{ChangeInput, OrderAction, OrderEvent, ServiceError, Store, StoredOrder};
use rust_decimal::Decimal;

/// Places Jane's order of `lines`, paid by card; its number.
pub(crate) fn place_order(place: &Place, conn: &Conn, commands: Vec<Command>) -> i64 {
    let order = place.compose(commands);
    let seen = quote(place, conn, &order);
    submit(place, conn, &order, &seen).expect("placed")[0].order_no
}

pub(crate) fn stored(sql: Sql<'_>, order_no: i64) -> StoredOrder {
    order_record::stored_order(sql, order_no)
        .unwrap()
        .expect("stored")
}

/// The history without its clock, as both backends must read it.
pub(crate) fn events(o: &StoredOrder) -> Vec<OrderEvent> {
    let mut events = o.events.clone();
    events.iter_mut().for_each(|e| e.at.clear());
    events
}

/// A change as the console makes it: `edit` applied to the order as
/// stored, and its quote (the portable one; on SQLite checked against the
/// store's own, which the console shows).
struct Prepared {
    based_on: StoredOrder,
    order: Order,
    seen: Quote,
    description: String,
}

fn prepare(
    place: &Place,
    conn: &Conn,
    order_no: i64,
    edit: impl FnOnce(&Store, &Order) -> Change,
) -> Prepared {
    let based_on = stored(conn.sql(), order_no);
    let mut order = based_on.order.clone().expect("the order as placed is kept");
    let description = edit(&place.twin(), &order)
        .apply(&mut order)
        .expect("a change the order takes");
    let (id, day) = (based_on.id, based_on.placed_on());
    let seen = quoting::quote_change(conn.sql(), &order, id, day, today()).expect("quoted");
    if let Conn::Store(store) = conn {
        let theirs = store.quote_change(&order, id, day, today()).unwrap();
        assert_eq!(breakdowns(&seen), breakdowns(&theirs));
        assert_eq!(seen.availability, theirs.availability);
    }
    Prepared {
        based_on,
        order,
        seen,
        description,
    }
}

fn breakdowns(q: &Quote) -> Vec<Breakdown> {
    q.parts.iter().map(|(_, b)| b.clone()).collect()
}

/// Confirms `p` as based on `version`: the store's change on SQLite (its
/// own facts), the portable one with the stand-in's facts on PostgreSQL.
fn confirm(
    place: &Place,
    conn: &Conn,
    p: &Prepared,
    version: i64,
) -> Result<StoredOrder, ServiceError> {
    let input = ChangeInput {
        action: OrderAction {
            order_no: p.based_on.order_no,
            version,
            operator: "bob",
            reason: "customer called",
        },
        order: &p.order,
        seen: &p.seen,
        today: today(),
        description: &p.description,
    };
    match conn {
        Conn::Store(store) => store.change_order(&input),
        Conn::Db(db) => order_changes::change_order(db.sql(), &input, &Portable::new(place)),
    }
}

fn cancel(conn: &Conn, order_no: i64, version: i64) -> Result<StoredOrder, ServiceError> {
    let a = OrderAction {
        order_no,
        version,
        operator: "bob",
        reason: "Customer asked",
    };
    match conn {
        Conn::Store(store) => store.cancel_order(&a, today()),
        Conn::Db(db) => order_changes::cancel_order(db.sql(), &a, today()),
    }
}

/// The stored (merchandise, discount, shipping, tax, grand) totals and
/// the payment's amount.
fn stored_amounts(sql: Sql<'_>, order_id: i64) -> ([Decimal; 5], Decimal) {
    let r = sql
        .query_row(
            "SELECT merchandise_total, discount_total, shipping_total, tax_total, grand_total
             FROM orders WHERE id = ?1",
            &[order_id.into()],
        )
        .unwrap();
    let totals = [0, 1, 2, 3, 4].map(|i| r.get_decimal(i).unwrap());
    let paid = sql
        .query_row(
            "SELECT amount FROM payments WHERE order_id = ?1",
            &[order_id.into()],
        )
        .and_then(|r| r.get_decimal(0))
        .unwrap();
    (totals, paid)
}

fn totals_of(b: &Breakdown) -> [Decimal; 5] {
    [
        b.merchandise,
        b.discount_total,
        b.shipping_total,
        b.tax_total,
        b.grand_total,
    ]
    .map(|d| b.currency.round(d))
}

/// Each line's (SKU, quantity, now, backordered, unit price, total) as stored.
fn stored_lines(sql: Sql<'_>, order_id: i64) -> Vec<(String, i64, i64, i64, Decimal, Decimal)> {
    sql.query(
        "SELECT sku, quantity, qty_now, qty_backordered, unit_price, line_total FROM order_lines
         WHERE order_id = ?1 ORDER BY line_no",
        &[order_id.into()],
    )
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.get_string(0).unwrap(),
            r.get_i64(1).unwrap(),
            r.get_i64(2).unwrap(),
            r.get_i64(3).unwrap(),
            r.get_decimal(4).unwrap(),
            r.get_decimal(5).unwrap(),
        )
    })
    .collect()
}

/// The refunds owed on order `order_id`: (amount, reason).
fn refunds(sql: Sql<'_>, order_id: i64) -> Vec<(Decimal, String)> {
    sql.query(
        "SELECT amount, reason FROM refunds_owed WHERE order_id = ?1 ORDER BY id",
        &[order_id.into()],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get_decimal(0).unwrap(), r.get_string(1).unwrap()))
    .collect()
}

fn line_of(order: &Order, sku: &str) -> usize {
    order.lines.iter().position(|l| l.sku == sku).unwrap()
}

#[test]
fn a_change_requoted_and_confirmed_is_stored_as_its_quote_showed() {
    on_both(|postgres| {
        let place = Place::new(postgres, |_| {});
        let conn = place.connect();
        let sql = conn.sql();
        let no = place_order(&place, &conn, jane(&[("TNT-2001", 1), ("LGT-1002", 1)]));
        let before = (stock(sql, "TNT-2001"), stock(sql, "LGT-1002"));

        // More headlamps: re-quoted, confirmed, stored as shown.
        let more = prepare(&place, &conn, no, |_, o| Change::Quantity {
            line: line_of(o, "LGT-1002"),
            quantity: 3,
        });
        let was = more.based_on.grand_total;
        let done = confirm(&place, &conn, &more, 1).expect("changed");
        let shown = &more.seen.parts[0].1;
        assert_eq!(more.seen.parts.len(), 1, "a change keeps one order");
        assert_eq!((done.version, done.status), (2, OrderStatus::Placed));
        assert_eq!(done.grand_total, shown.grand_total);
        assert!(done.grand_total > was, "{was} → {}", done.grand_total);
        let (totals, paid) = stored_amounts(sql, done.id);
        assert_eq!(totals, totals_of(shown), "stored as shown");
        assert_eq!(paid, totals[4], "the card pays the new total");
        let lines = stored_lines(sql, done.id);
        assert_eq!(lines.len(), 2);
        for (i, l) in lines.iter().enumerate() {
            let b = &shown.lines[i];
            assert_eq!((l.4, l.5), (b.unit_price, b.total), "line {}", i + 1);
        }
        assert_eq!((lines[1].1, lines[1].2, lines[1].3), (3, 3, 0));
        assert_eq!(stock(sql, "LGT-1002"), (before.1 .0, before.1 .1 + 2));
        assert_eq!(done.order.as_ref(), Some(&more.order));
        let fresh = quoting::price_stored(sql, &done).unwrap().expect("priced");
        assert_eq!(totals_of(&fresh), totals, "a fresh pricing agrees");
        let e = &done.events[0];
        assert_eq!(
            (e.action.as_str(), e.operator.as_str(), e.reason.as_str()),
            ("changed", "bob", "customer called")
        );
        assert!(e.detail.starts_with(&more.description), "{}", e.detail);
        assert_eq!(
            (e.total_before.clone(), e.total_after.clone()),
            (Some(was.to_string()), Some(done.grand_total.to_string()))
        );
        assert!(refunds(sql, done.id).is_empty(), "the total went up");

        // The tent cancelled: its stock back, the difference owed back.
        let less = prepare(&place, &conn, no, |_, o| Change::Remove {
            line: line_of(o, "TNT-2001"),
        });
        let after = confirm(&place, &conn, &less, 2).expect("changed");
        assert_eq!(after.version, 3);
        assert_eq!(after.grand_total, less.seen.parts[0].1.grand_total);
        assert_eq!(
            stored_amounts(sql, after.id).0,
            totals_of(&less.seen.parts[0].1)
        );
        assert_eq!(
            stock(sql, "TNT-2001"),
            (before.0 .0, before.0 .1 - 1),
            "its reservation gone"
        );
        assert_eq!(
            refunds(sql, after.id),
            [(
                done.grand_total - after.grand_total,
                "customer called".into()
            )]
        );
        (
            events(&after),
            stored_lines(sql, after.id),
            after.grand_total,
        )
    });
}

#[test]
fn a_change_based_on_an_older_version_is_refused_and_writes_nothing() {
    on_both(|postgres| {
        let place = Place::new(postgres, |_| {});
        let conn = place.connect();
        let sql = conn.sql();
        let no = place_order(&place, &conn, jane(&[("LGT-1002", 1)]));
        // Two operators open the order at version 1; the first confirms.
        let first = prepare(&place, &conn, no, |_, o| Change::Quantity {
            line: line_of(o, "LGT-1002"),
            quantity: 2,
        });
        let second = prepare(&place, &conn, no, |_, o| Change::Quantity {
            line: line_of(o, "LGT-1002"),
            quantity: 5,
        });
        confirm(&place, &conn, &first, 1).expect("changed");
        let now = stored(sql, no);
        let held = stock(sql, "LGT-1002");
        let since = match confirm(&place, &conn, &second, 1) {
            Err(ServiceError::Stale { since }) => since,
            other => panic!("{other:?}"),
        };
        assert_eq!(since.len(), 1, "{since:?}");
        assert!(
            since[0].contains("bob changed") && since[0].contains("quantity 1 → 2"),
            "{since:?}"
        );
        assert_eq!(stored(sql, no), now, "nothing written");
        assert_eq!(stock(sql, "LGT-1002"), held);
        // A cancel based on the old version is refused alike.
        assert!(matches!(
            cancel(&conn, no, 1),
            Err(ServiceError::Stale { .. })
        ));
        assert_eq!(stored(sql, no), now);
        // A reason that is no cancel reason: refused before anything.
        let a = OrderAction {
            order_no: no,
            version: 2,
            operator: "bob",
            reason: "no such reason",
        };
        let refused = match &conn {
            Conn::Store(store) => store.cancel_order(&a, today()),
            Conn::Db(db) => order_changes::cancel_order(db.sql(), &a, today()),
        };
        assert!(
            matches!(refused, Err(ServiceError::Refused(_))),
            "{refused:?}"
        );
        assert_eq!(stored(sql, no), now);
        // Both backends must say the same, less the minute each wrote at
        // ("YYYY-MM-DD HH:MM "), which two runs may not share.
        since
            .iter()
            .map(|l| {
                let (at, rest) = l.split_at(17);
                assert!(at.as_bytes()[10] == b' ' && at.ends_with(' '), "{l}");
                rest.to_string()
            })
            .collect::<Vec<_>>()
    });
}

#[test]
fn a_cancel_releases_its_stock_to_the_order_waiting_for_it() {
    on_both(|postgres| {
        // One headlamp free: the first order takes it, the second waits.
        let place = Place::new(postgres, |c| leave_free(c, "LGT-1002", 1));
        let conn = place.connect();
        let sql = conn.sql();
        let first = place_order(&place, &conn, jane(&[("LGT-1002", 1)]));
        let mut commands = jane(&[("LGT-1002", 2)]);
        commands.push(Command::Backorder {
            choice: BackorderKind::Available,
            separate: false,
        });
        let waiting = place_order(&place, &conn, commands);
        let w = stored(sql, waiting);
        assert_eq!(stored_lines(sql, w.id)[0].2, 0, "nothing ships now");
        let before = stock(sql, "LGT-1002");

        let done = cancel(&conn, first, 1).expect("cancelled");
        assert_eq!((done.status, done.version), (OrderStatus::Cancelled, 2));
        let e = &done.events[0];
        assert_eq!(
            (e.action.as_str(), e.reason.as_str()),
            ("cancelled", "customer_request"),
            "the reason's code, not its words"
        );
        assert!(e.detail.contains("owed back to the card"), "{}", e.detail);
        assert_eq!(
            refunds(sql, done.id),
            [(done.grand_total, "customer_request".into())]
        );
        assert!(done
            .shipments
            .iter()
            .all(|s| s.state.status == ShipmentStatus::Cancelled));
        // The unit went from the cancelled order to the waiting one.
        assert_eq!(stock(sql, "LGT-1002"), before, "released and reserved");
        let w = stored(sql, waiting);
        let l = &stored_lines(sql, w.id)[0];
        assert_eq!((l.2, l.3), (1, 1), "one reserved, one still waiting");
        let got = w.events.last().expect("an event");
        assert_eq!(
            (got.action.as_str(), got.operator.as_str()),
            ("received", "bob")
        );
        assert_eq!(got.detail, "goods reserved: 1 LGT-1002 for line 1");
        // Cancelled is final.
        assert!(matches!(
            cancel(&conn, first, 2),
            Err(ServiceError::Refused(_))
        ));
        (events(&done), events(&w))
    });
}
