//! Backorders after the call (docs/design.md, "After the order"): goods
//! received and stock freed by a cancel or a change fill them first
//! placed, first filled; their shipments become shippable on that day; a
//! separate backorder order is cancelled on its own.

use crate::common::placing::{line_of, NewOrder, Shop};
use crate::common::stored::{assert_sound, changed, day, last_event, line_stock, Pieces};
use crate::common::today;
use orderdesk::domain::lifecycle::{OrderStatus, ShipmentStatus};
use orderdesk::domain::order_change::Change;
use orderdesk::store::ServiceError;

#[test]
fn a_separate_backorder_order_is_cancelled_on_its_own() {
    let mut shop = Shop::new();
    let placed = shop.place(&NewOrder::jane(&[("CMK-4011", 5), ("LGT-1002", 1)]).separate());
    let [main, back] = placed[..] else {
        panic!("two orders: {placed:?}")
    };
    let (m, b) = (shop.stored(main), shop.stored(back));
    assert_eq!((m.part, m.linked), (1, Some(back)));
    assert_eq!((b.part, b.linked), (2, Some(main)));
    assert_eq!(b.shipments.len(), 1);
    assert_eq!(b.shipments[0].state.waiting, 2, "the backorder order waits");
    assert_eq!(shop.stock("CMK-4011"), (3, 3));
    // A split pair's amounts are shares of one pricing: not priced alone.
    assert_eq!(shop.store().price_stored(&m).unwrap(), None);
    assert_eq!(shop.store().price_stored(&b).unwrap(), None);
    let earlier = |shop: &Shop| {
        let id = m.order.as_ref().unwrap().lines[0].item_id;
        shop.store().item_stock(&[id]).unwrap()[&id].earlier_backorders
    };
    assert_eq!(earlier(&shop), 2);

    let cancelled = shop.cancel(back, "out_of_stock").unwrap();
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    assert_eq!(
        cancelled.shipments[0].state.status,
        ShipmentStatus::Cancelled
    );
    // The main order stays as it was, its stock still held; only what it
    // knows of the other order moved.
    assert_eq!(
        shop.stored(main),
        orderdesk::store::StoredOrder {
            linked_status: Some(OrderStatus::Cancelled),
            ..m.clone()
        }
    );
    assert_eq!(shop.stock("CMK-4011"), (3, 3));
    assert_eq!(earlier(&shop), 0, "nothing waits for the stoves now");
    // Goods arriving fill nothing of a cancelled order.
    let got = shop
        .store()
        .receive("CMK-4011", 2, today(), "dock")
        .unwrap();
    assert!(got.filled.is_empty(), "{got:?}");
    assert_eq!((got.on_hand, got.reserved), (5, 3));
    assert_eq!(line_stock(&shop, back, "CMK-4011"), (0, 2));
    // The main order goes on alone.
    shop.release(main).unwrap();
    assert_eq!(shop.ship(main, 1).unwrap().status, OrderStatus::Shipped);
    assert_sound(&shop);
}

#[test]
fn receipts_fill_backorders_first_placed_first_partly_then_wholly() {
    let mut shop = Shop::new();
    // CMK-4011: 3 on hand, 6 expected in 6 days, 75 in 50 days.
    let first = shop.place_one(&NewOrder::jane(&[("CMK-4011", 5)]));
    let second = shop.place_one(&NewOrder::jane(&[("CMK-4011", 4)]).by("jsmith"));
    assert_eq!(line_stock(&shop, first, "CMK-4011"), (3, 2));
    assert_eq!(line_stock(&shop, second, "CMK-4011"), (0, 4));
    let s2 = shop.stored(second);
    assert_eq!(s2.shipments.len(), 1);
    assert_eq!(s2.shipments[0].state.waiting, 4);
    let promised = s2.shipments[0].ship_date.clone();
    let expected = |shop: &Shop| -> Vec<i64> {
        let conn = rusqlite::Connection::open(&shop.path).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT quantity FROM expected_receipts WHERE item_id = (SELECT id FROM items WHERE sku = 'CMK-4011')
                 ORDER BY due_date",
            )
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(|r| r.unwrap()).collect()
    };
    assert_eq!(expected(&shop), [6, 75]);

    // Three arrive: the first order's two, then one of the second's four.
    let got = shop
        .store()
        .receive("cmk-4011", 3, day("2026-11-28"), "dock")
        .unwrap();
    assert_eq!(got.sku, "CMK-4011");
    assert_eq!((got.quantity, got.on_hand, got.reserved), (3, 6, 6));
    let filled: Vec<(i64, Pieces, Vec<u32>)> = got
        .filled
        .iter()
        .map(|f| (f.order_no, f.lines.clone(), f.ready.clone()))
        .collect();
    assert_eq!(
        filled,
        [
            (first, vec![(1, "CMK-4011".into(), 2)], vec![2]),
            (second, vec![(1, "CMK-4011".into(), 1)], vec![])
        ]
    );
    assert_eq!(expected(&shop), [3, 75], "the expected receipt is used up");
    let f = shop.stored(first);
    assert_eq!(f.shipments[1].state.waiting, 0);
    assert_eq!(f.shipments[1].ship_date.as_deref(), Some("2026-11-28"));
    assert_eq!(
        last_event(&f).detail,
        "goods reserved: 2 CMK-4011 for line 1; shipment 2 can leave (2026-11-28)"
    );
    let s = shop.stored(second);
    assert_eq!(s.shipments[0].state.waiting, 3);
    assert_eq!(s.shipments[0].ship_date, promised, "still waits: date kept");
    assert_eq!(
        last_event(&s).detail,
        "goods reserved: 1 CMK-4011 for line 1"
    );
    assert_eq!(line_stock(&shop, second, "CMK-4011"), (1, 3));
    assert_sound(&shop);

    // Five more: the second order's three, two left free.
    let got = shop
        .store()
        .receive("CMK-4011", 5, day("2026-11-30"), "dock")
        .unwrap();
    assert_eq!((got.on_hand, got.reserved), (11, 9));
    assert_eq!(got.filled.len(), 1);
    assert_eq!(got.filled[0].order_no, second);
    assert_eq!(got.filled[0].ready, [1]);
    assert_eq!(expected(&shop), [73]);
    let s = shop.stored(second);
    assert_eq!(s.shipments[0].state.waiting, 0);
    assert_eq!(s.shipments[0].ship_date.as_deref(), Some("2026-11-30"));
    assert_eq!(line_stock(&shop, second, "CMK-4011"), (4, 0));
    shop.release(second).unwrap();
    assert_eq!(shop.ship(second, 1).unwrap().status, OrderStatus::Shipped);
    assert_eq!(shop.stock("CMK-4011"), (7, 5));
    assert_sound(&shop);

    // What the store refuses to receive.
    for (sku, qty, why) in [
        ("CMK-4011", 0, "1 to 1000000000"),
        ("CMK-4011", -2, "1 to 1000000000"),
        ("CMK-4011", i64::MAX, "1 to 1000000000"),
        ("CMK-4011", 1_000_000_001, "1 to 1000000000"),
        ("NOPE-1", 1, "there is no item NOPE-1"),
    ] {
        match shop.store().receive(sku, qty, today(), "dock") {
            Err(ServiceError::Refused(text)) => assert!(text.contains(why), "{text}"),
            other => panic!("{sku} {qty}: {other:?}"),
        }
    }
    assert_eq!(shop.stock("CMK-4011"), (7, 5), "nothing received");
}

#[test]
fn stock_freed_by_a_cancel_or_a_change_goes_to_the_backorder_waiting_for_it() {
    let mut shop = Shop::new();
    shop.scarce("COF-3006", 3);
    let first = shop.place_one(&NewOrder::jane(&[("COF-3006", 3), ("LGT-1002", 1)]));
    let waiting = shop.place_one(&NewOrder::jane(&[("COF-3006", 2)]).by("jsmith"));
    let later = shop.place_one(&NewOrder::jane(&[("COF-3006", 1)]).by("msmith"));
    assert_eq!(line_stock(&shop, waiting, "COF-3006"), (0, 2));
    assert_eq!(line_stock(&shop, later, "COF-3006"), (0, 1));
    assert_eq!(
        shop.stored(waiting).shipments[0].ship_date,
        None,
        "no date known"
    );

    // One fewer kettle on the first order: the second order's first.
    changed(
        &shop,
        first,
        |_, o| Change::Quantity {
            line: line_of(o, "COF-3006"),
            quantity: 2,
        },
        "COF-3006 Gooseneck Kettle 1L: quantity 3 → 2",
    );
    assert_eq!(line_stock(&shop, waiting, "COF-3006"), (1, 1));
    assert_eq!(line_stock(&shop, later, "COF-3006"), (0, 1));
    assert_eq!(shop.stock("COF-3006"), (3, 3));
    let w = shop.stored(waiting);
    assert_eq!(last_event(&w).action, "received");
    assert_eq!(last_event(&w).operator, "alice");

    // The first order cancelled: the second order whole, then the third.
    shop.cancel(first, "customer_request").unwrap();
    assert_eq!(line_stock(&shop, waiting, "COF-3006"), (2, 0));
    assert_eq!(line_stock(&shop, later, "COF-3006"), (1, 0));
    let w = shop.stored(waiting);
    assert_eq!(w.shipments[0].state.waiting, 0);
    assert_eq!(
        w.shipments[0].ship_date.as_deref(),
        Some(today().format("%Y-%m-%d").to_string().as_str()),
        "it can leave the day the stock was freed"
    );
    assert_eq!(shop.stock("COF-3006"), (3, 3));
    assert_sound(&shop);
}
