//! Orders after the call, on the store (docs/design.md, "After the
//! order"): every transition and every refusal of hold, release, ship and
//! cancel, stale versions, and finding orders. Each test reads back what
//! the warehouse and the operator see (statuses, shipments, history) and
//! what the database holds (stock, refunds owed, coupon uses, audit).

use crate::common::placing::{line_of, NewOrder, Shop};
use crate::common::stored::{
    assert_sound, audit_actions, day, last_event, line_stock, refunds, refused, Pieces,
};
use crate::common::today;
use chrono::NaiveDate;
use orderdesk::domain::lifecycle::{OrderStatus, ShipmentStatus};
use orderdesk::domain::order_change::Change;
use orderdesk::store::ServiceError;

#[test]
fn a_held_order_goes_to_the_warehouse_only_once_the_hold_is_lifted() {
    let mut shop = Shop::new();
    let no = shop.place_one(&NewOrder::jane(&[("LGT-1002", 1)]));
    let o = shop.stored(no);
    assert_eq!((o.status, o.version), (OrderStatus::Placed, 1));
    assert!(o.events.is_empty());

    // A reason not on the list is refused with the list, and writes nothing.
    let why = refused(shop.hold(no, "bored"));
    assert!(why.contains("payment") && why.contains("address"), "{why}");
    assert_eq!(shop.stored(no).version, 1);

    // By label as well as by code.
    let held = shop.hold(no, "Payment to check").unwrap();
    assert_eq!((held.status, held.version), (OrderStatus::Held, 2));
    let e = last_event(&held);
    assert_eq!(
        (e.action.as_str(), e.reason.as_str(), e.operator.as_str()),
        ("held", "payment", "alice")
    );
    assert_eq!(e.detail, "on hold (was placed)");
    assert_eq!(shop.stored(no), held, "what the action returned is stored");

    assert!(refused(shop.release(no)).contains("lift the hold first"));
    assert!(!shop.store().placed_order_numbers().unwrap().contains(&no));
    assert!(refused(shop.ship(no, 1)).contains("on hold"));
    assert!(refused(shop.hold(no, "fraud")).contains("on hold already"));

    let lifted = shop.lift_hold(no).unwrap();
    assert_eq!((lifted.status, lifted.version), (OrderStatus::Placed, 3));
    assert_eq!(last_event(&lifted).action, "hold_released");
    assert!(refused(shop.lift_hold(no)).contains("not on hold"));
    assert!(shop.store().placed_order_numbers().unwrap().contains(&no));

    let released = shop.release(no).unwrap();
    assert_eq!(released.status, OrderStatus::Released);
    assert_eq!(last_event(&released).detail, "released to the warehouse");
    assert!(refused(shop.release(no)).contains("with the warehouse already"));
    assert!(!shop.store().placed_order_numbers().unwrap().contains(&no));

    // Held back from the warehouse, then placed again for the next release.
    assert_eq!(shop.hold(no, "address").unwrap().status, OrderStatus::Held);
    assert!(refused(shop.ship(no, 1)).contains("on hold"));
    assert_eq!(shop.lift_hold(no).unwrap().status, OrderStatus::Placed);
    assert!(refused(shop.ship(no, 1)).contains("not released"));

    let o = shop.stored(no);
    assert_eq!(o.version, 6, "one version per event");
    let actions: Vec<&str> = o.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["held", "hold_released", "released", "held", "hold_released"]
    );
    let versions: Vec<i64> = o.events.iter().map(|e| e.version).collect();
    assert_eq!(versions, [2, 3, 4, 5, 6]);
    assert_eq!(
        audit_actions(&shop, no),
        [
            "order.placed",
            "order.held",
            "order.hold_released",
            "order.released",
            "order.held",
            "order.hold_released"
        ]
    );
    assert_sound(&shop);
}

/// Jane's CMK-4011 ×5 (3 on hand, 6 expected in 6 days) and LGT-1002:
/// shipment 1 leaves now with what is on hand, shipment 2 waits for the
/// two stoves to come.
fn jane_with_stoves(shop: &mut Shop) -> i64 {
    let no = shop.place_one(&NewOrder::jane(&[("CMK-4011", 5), ("LGT-1002", 1)]));
    let o = shop.stored(no);
    let shipments: Vec<(u32, u32, Pieces)> = o
        .shipments
        .iter()
        .map(|s| (s.state.number, s.state.waiting, s.lines.clone()))
        .collect();
    assert_eq!(
        shipments,
        [
            (
                1,
                0,
                vec![(1, "CMK-4011".into(), 3), (2, "LGT-1002".into(), 1)]
            ),
            (2, 2, vec![(1, "CMK-4011".into(), 2)])
        ]
    );
    no
}

#[test]
fn a_shipment_leaves_only_released_unheld_open_and_whole() {
    let mut shop = Shop::new();
    let no = jane_with_stoves(&mut shop);
    assert_eq!(shop.stock("CMK-4011"), (3, 3));
    assert_eq!(shop.stock("LGT-1002"), (396, 1));

    assert!(refused(shop.ship(no, 1)).contains("not released to the warehouse yet"));
    shop.release(no).unwrap();
    let why = refused(shop.ship(no, 2));
    assert!(why.contains("shipment 2 still waits for 2 pieces"), "{why}");
    assert!(refused(shop.ship(no, 9)).contains("no shipment 9"));

    let after = shop.ship(no, 1).unwrap();
    assert_eq!(after.status, OrderStatus::PartlyShipped);
    let s1 = &after.shipments[0];
    assert_eq!(s1.state.status, ShipmentStatus::Shipped);
    assert_eq!(s1.tracking, "1Z999");
    let shipped_on = s1.state.shipped_on.clone().expect("the day it left");
    assert_eq!(after.shipments[1].state.status, ShipmentStatus::Open);
    // Off the shelf and out of the reservations together.
    assert_eq!(shop.stock("CMK-4011"), (0, 0));
    assert_eq!(shop.stock("LGT-1002"), (395, 0));
    let e = last_event(&after);
    assert_eq!(e.action, "shipped");
    assert_eq!(
        e.detail,
        "shipment 1 shipped (4 pieces), tracking 1Z999; order partly shipped"
    );
    assert_sound(&shop);

    let why = refused(shop.ship(no, 1));
    assert_eq!(why, format!("shipment 1 shipped already on {shipped_on}"));
    // Nothing of a partly shipped order changes, and the refusal says why.
    let why = refused(shop.cancel(no, "customer_request"));
    assert!(
        why.contains(&format!("shipment 1 shipped on {shipped_on}")),
        "{why}"
    );
    match shop.change(no, |_, o| Change::Quantity {
        line: line_of(o, "LGT-1002"),
        quantity: 2,
    }) {
        Err(ServiceError::Refused(why)) => {
            assert!(why.contains("shipment 1 shipped"), "{why}");
            assert!(why.contains("never changes"), "{why}");
        }
        other => panic!("a change of a shipped order: {other:?}"),
    }
    assert_eq!(shop.stored(no).version, after.version, "nothing written");

    // Held while partly shipped: nothing leaves; lifted, it is partly
    // shipped again.
    shop.hold(no, "customer_request").unwrap();
    assert!(refused(shop.ship(no, 2)).contains("on hold"));
    assert_eq!(
        shop.lift_hold(no).unwrap().status,
        OrderStatus::PartlyShipped
    );

    // The stoves arrive; the rest leaves and the order is shipped.
    let got = shop
        .store()
        .receive("CMK-4011", 2, day("2026-12-01"), "dock")
        .unwrap();
    assert_eq!(got.filled.len(), 1);
    assert_eq!(got.filled[0].ready, [2]);
    let done = shop.ship(no, 2).unwrap();
    assert_eq!(done.status, OrderStatus::Shipped);
    assert_eq!(shop.stock("CMK-4011"), (0, 0));
    assert!(refused(shop.hold(no, "payment")).contains("the order is shipped"));
    assert!(refused(shop.cancel(no, "duplicate")).contains("has shipped"));
    assert!(refused(shop.release(no)).contains("shipped"));
    assert_sound(&shop);
}

#[test]
fn a_cancelled_card_order_gives_back_its_stock_and_coupon_and_owes_the_refund() {
    let mut shop = Shop::new();
    // VIP-JDOE is Jane's single-use coupon.
    let no = shop.place_one(
        &NewOrder::jane(&[("TNT-2001", 1), ("LGT-1002", 2)])
            .by_card()
            .coupon("VIP-JDOE"),
    );
    let placed = shop.stored(no);
    assert_eq!(shop.stock("TNT-2001"), (92, 1));
    assert_eq!(shop.stock("LGT-1002"), (396, 2));
    let conn = rusqlite::Connection::open(&shop.path).unwrap();
    let uses = |order_no: i64| -> i64 {
        conn.query_row(
            "SELECT COUNT(*) FROM coupon_redemptions r JOIN orders o ON o.id = r.order_id
             WHERE o.order_no = ?1",
            [order_no],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(uses(no), 1);

    let why = refused(shop.cancel(no, "payment"));
    assert!(why.contains("customer_request"), "a hold reason: {why}");
    let cancelled = shop.cancel(no, "Customer asked").unwrap();
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    assert!(cancelled
        .shipments
        .iter()
        .all(|s| s.state.status == ShipmentStatus::Cancelled));
    assert_eq!(shop.stock("TNT-2001"), (92, 0));
    assert_eq!(shop.stock("LGT-1002"), (396, 0));
    assert_eq!(uses(no), 0, "the coupon's use is given back");
    let total = placed.grand_total.to_string();
    assert_eq!(
        refunds(&shop, no),
        [(total.clone(), "USD".into(), "customer_request".into())]
    );
    let e = last_event(&cancelled);
    assert_eq!(
        (e.action.as_str(), e.reason.as_str()),
        ("cancelled", "customer_request")
    );
    assert_eq!(
        e.detail,
        format!("order cancelled; {total} USD owed back to the card")
    );
    // The totals stay as placed: the refund owed is the record of the money.
    assert_eq!(cancelled.grand_total, placed.grand_total);

    for why in [
        refused(shop.cancel(no, "duplicate")),
        refused(shop.release(no)),
        refused(shop.ship(no, 1)),
        refused(shop.hold(no, "payment")),
    ] {
        assert!(why.contains("cancelled"), "{why}");
    }
    // Jane may use her coupon again.
    let again = shop.place_one(&NewOrder::jane(&[("LGT-1002", 1)]).coupon("VIP-JDOE"));
    assert_eq!(uses(again), 1);
    assert_sound(&shop);
}

#[test]
fn a_cancelled_cash_on_delivery_order_owes_nothing_back() {
    let mut shop = Shop::new();
    let no = shop.place_one(&NewOrder::jane(&[("LGT-1002", 2)]));
    let cancelled = shop.cancel(no, "duplicate").unwrap();
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    assert!(refunds(&shop, no).is_empty());
    assert_eq!(last_event(&cancelled).detail, "order cancelled");
    assert_eq!(shop.stock("LGT-1002"), (396, 0));
    assert_sound(&shop);
}

#[test]
fn two_operators_on_one_version_the_second_is_told_what_happened_and_writes_nothing() {
    let mut shop = Shop::new();
    let no = shop.place_one(&NewOrder::jane(&[("TNT-2001", 1), ("LGT-1002", 1)]).by_card());
    let seen = shop.action(no, "customer_request");
    let bob = orderdesk::store::OrderAction {
        operator: "bob",
        ..seen
    };
    // Bob's hold goes first.
    shop.store()
        .hold_order(&orderdesk::store::OrderAction {
            reason: "payment",
            ..bob
        })
        .unwrap();
    // Alice's cancel, based on the version before it, is refused.
    match shop.store().cancel_order(&seen, today()) {
        Err(ServiceError::Stale { since }) => {
            assert_eq!(since.len(), 1, "{since:?}");
            assert!(
                since[0].contains("bob held (payment): on hold (was placed)"),
                "{since:?}"
            );
        }
        other => panic!("expected stale, got {other:?}"),
    }
    let o = shop.stored(no);
    assert_eq!((o.status, o.version), (OrderStatus::Held, 2));
    assert_eq!(shop.stock("TNT-2001"), (92, 1));
    assert!(refunds(&shop, no).is_empty());

    // A change typed against version 1 is refused the same way, and the
    // message names both events once Bob also lifted his hold.
    shop.store()
        .release_hold(&orderdesk::store::OrderAction { version: 2, ..bob })
        .unwrap();
    let o = shop.stored(no);
    let mut order = o.order.clone().unwrap();
    let what = Change::Quantity {
        line: line_of(&order, "LGT-1002"),
        quantity: 3,
    };
    let description = what.apply(&mut order).unwrap();
    let shown = shop
        .store()
        .quote_change(&order, o.id, o.placed_on(), today())
        .unwrap();
    let err = shop
        .store()
        .change_order(&orderdesk::store::ChangeInput {
            action: seen,
            order: &order,
            seen: &shown,
            today: today(),
            description: &description,
        })
        .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(&err, ServiceError::Stale { since } if since.len() == 2),
        "{err:?}"
    );
    assert!(
        text.starts_with("the order changed since you opened it: "),
        "{text}"
    );
    assert!(
        text.contains("bob held") && text.contains("bob hold released"),
        "{text}"
    );
    assert_eq!(shop.stored(no).version, 3);
    assert_eq!(line_stock(&shop, no, "LGT-1002"), (1, 0), "nothing changed");
    assert_eq!(shop.stock("LGT-1002"), (396, 1));
    assert_sound(&shop);
}

#[test]
fn orders_are_found_by_number_customer_day_and_status_with_their_next_ship_date() {
    let mut shop = Shop::new();
    let jane = shop.place_one(&NewOrder::jane(&[("CMK-4011", 5)]));
    let john = shop.place_one(&NewOrder::jane(&[("LGT-1002", 1)]).by("jsmith"));
    let jane2 = shop.place_one(&NewOrder::jane(&[("LGT-1002", 2)]));
    shop.cancel(jane2, "duplicate").unwrap();
    let find = |q: orderdesk::store::OrderQuery| -> Vec<i64> {
        let found = shop.store().find_orders(&q, 50).unwrap();
        found.iter().map(|f| f.order_no).collect()
    };
    use orderdesk::store::OrderQuery;
    // Newest first.
    assert_eq!(find(OrderQuery::default()), [jane2, john, jane]);
    let one = shop
        .store()
        .find_orders(
            &OrderQuery {
                order_no: Some(jane),
                ..OrderQuery::default()
            },
            50,
        )
        .unwrap();
    let o = shop.stored(jane);
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].customer, "Jane Doe");
    assert_eq!(one[0].status, OrderStatus::Placed);
    assert_eq!(one[0].grand_total, o.grand_total.to_string());
    assert_eq!(one[0].placed_at, o.placed_at);
    // The earliest open shipment: the one that leaves now.
    let dates: Vec<Option<String>> = o.shipments.iter().map(|s| s.ship_date.clone()).collect();
    assert_eq!(one[0].next_ship, dates.into_iter().flatten().min());
    let jane_id = o.customer_id.unwrap();
    assert_eq!(
        find(OrderQuery {
            customers: vec![jane_id],
            ..OrderQuery::default()
        }),
        [jane2, jane]
    );
    assert_eq!(
        find(OrderQuery {
            customers: vec![jane_id],
            status: Some(OrderStatus::Cancelled),
            ..OrderQuery::default()
        }),
        [jane2]
    );
    let cancelled = shop.store().find_orders(
        &OrderQuery {
            order_no: Some(jane2),
            ..OrderQuery::default()
        },
        5,
    );
    assert_eq!(cancelled.unwrap()[0].next_ship, None, "nothing open");
    let day_of = |no: i64| {
        shop.stored(no).placed_at[..10]
            .parse::<NaiveDate>()
            .unwrap()
    };
    let (first, last) = (day_of(jane), day_of(jane2));
    let days = |from: NaiveDate, to: NaiveDate| {
        find(OrderQuery {
            from: Some(from),
            to: Some(to),
            ..OrderQuery::default()
        })
    };
    assert_eq!(days(first, last).len(), 3, "whole days");
    assert!(days(last.succ_opt().unwrap(), last + chrono::Days::new(9)).is_empty());
    assert!(days(first - chrono::Days::new(9), first.pred_opt().unwrap()).is_empty());
    assert_eq!(
        shop.store()
            .find_orders(&OrderQuery::default(), 2)
            .unwrap()
            .len(),
        2,
        "at most the limit"
    );
}
