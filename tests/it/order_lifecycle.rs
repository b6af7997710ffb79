//! Orders after the call, on the store (docs/design.md, "After the
//! order"): every transition and every refusal of hold, release, ship and
//! cancel; changes re-priced under the original order's rules with their
//! stock moved in the same transaction; receipts and freed stock filling
//! backorders first placed, first filled. Each test reads back what the
//! warehouse and the operator see (statuses, shipments, history) and what
//! the database holds (stock, refunds owed, redemptions).

use crate::common::placing::{line_of, new_line, place, NewOrder, Shop};
use crate::common::today;
use chrono::NaiveDate;
use orderdesk::domain::lifecycle::{OrderStatus, ShipmentStatus};
use orderdesk::domain::order::Address;
use orderdesk::domain::order_change::{difference, Change};
use orderdesk::domain::pricing::Breakdown;
use orderdesk::domain::quote::Quote;
use orderdesk::store::{ServiceError, StoredOrder};
use rust_decimal::Decimal;
use std::str::FromStr;

fn refused(r: Result<StoredOrder, ServiceError>) -> String {
    match r {
        Err(ServiceError::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// The order's stored (merchandise, discount, shipping, tax, grand) totals.
fn stored_totals(shop: &Shop, order_no: i64) -> [Decimal; 5] {
    let conn = rusqlite::Connection::open(&shop.path).unwrap();
    let row: [String; 5] = conn
        .query_row(
            "SELECT merchandise_total, discount_total, shipping_total, tax_total, grand_total
             FROM orders WHERE order_no = ?1",
            [order_no],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]),
        )
        .unwrap();
    row.map(|t| Decimal::from_str(&t).unwrap())
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

/// The stored totals are what the operator was shown before confirming
/// (one order: a change never splits one) and what a fresh pricing of the
/// stored order comes to.
fn assert_priced_as_shown(shop: &Shop, order_no: i64, shown: &Quote) {
    assert_eq!(shown.parts.len(), 1, "a change keeps one order");
    let stored = stored_totals(shop, order_no);
    assert_eq!(stored, totals_of(&shown.parts[0].1), "stored as shown");
    let fresh = shop
        .store()
        .price_stored(&shop.stored(order_no))
        .unwrap()
        .expect("a changed order is priced afresh");
    assert_eq!(stored, totals_of(&fresh), "a fresh pricing agrees");
}

fn last_event(o: &StoredOrder) -> &orderdesk::store::OrderEvent {
    o.events.last().expect("an event")
}

fn audit_actions(shop: &Shop, order_no: i64) -> Vec<String> {
    let conn = rusqlite::Connection::open(&shop.path).unwrap();
    let mut stmt = conn
        .prepare("SELECT action FROM audit WHERE subject = ?1 ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([format!("order:{order_no}")], |r| r.get(0))
        .unwrap();
    rows.map(|r| r.unwrap()).collect()
}

fn refunds(shop: &Shop, order_no: i64) -> Vec<(String, String, String)> {
    let conn = rusqlite::Connection::open(&shop.path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT r.amount, r.currency, r.reason FROM refunds_owed r JOIN orders o ON o.id = r.order_id
             WHERE o.order_no = ?1 ORDER BY r.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([order_no], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.map(|r| r.unwrap()).collect()
}

/// (qty_now, qty_backordered) of `sku`'s line in order `order_no`.
fn line_stock(shop: &Shop, order_no: i64, sku: &str) -> (i64, i64) {
    let conn = rusqlite::Connection::open(&shop.path).unwrap();
    conn.query_row(
        "SELECT l.qty_now, l.qty_backordered FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.order_no = ?1 AND l.sku = ?2",
        rusqlite::params![order_no, sku],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

fn assert_sound(shop: &Shop) {
    let problems = shop.problems();
    assert!(problems.is_empty(), "{problems:#?}");
    let report = orderdesk::store::check::check_database(&shop.path, crate::common::BUSY).unwrap();
    assert!(report.is_sound(), "{report}");
}

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
    let shipments: Vec<(u32, u32, Vec<(u32, String, u32)>)> = o
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

/// One change, confirmed: the stored totals are as shown and as priced
/// afresh, the history names the change and the difference, the order is
/// one version on. Returns (total before, total after).
fn changed(
    shop: &Shop,
    no: i64,
    edit: impl FnOnce(&orderdesk::store::Store, &orderdesk::domain::order::Order) -> Change,
    names: &str,
) -> (Decimal, Decimal) {
    let before = shop.stored(no);
    let (after, shown) = shop.change(no, edit).unwrap();
    assert_eq!(after, shop.stored(no), "what the change returned is stored");
    assert_eq!(after.version, before.version + 1);
    assert_priced_as_shown(shop, no, &shown);
    let e = last_event(&after);
    assert_eq!(
        (e.action.as_str(), e.reason.as_str()),
        ("changed", "customer called")
    );
    let diff = difference(after.currency, before.grand_total, after.grand_total);
    assert_eq!(
        e.detail.lines().collect::<Vec<_>>(),
        [names, diff.as_str()],
        "the history says what changed and the difference"
    );
    assert_eq!(
        (e.total_before.as_deref(), e.total_after.as_deref()),
        (
            Some(before.grand_total.to_string().as_str()),
            Some(after.grand_total.to_string().as_str())
        )
    );
    assert_sound(shop);
    (before.grand_total, after.grand_total)
}

#[test]
fn each_change_is_repriced_restocked_and_recorded_with_its_difference() {
    let mut shop = Shop::new();
    let no = shop.place_one(&NewOrder::jane(&[("TNT-2001", 1), ("LGT-1002", 1)]).by_card());
    let placed = shop.stored(no);
    assert_eq!(placed.order.as_ref().map(|o| o.lines.len()), Some(2));

    // A line added: its stock reserved, the total up, nothing owed back.
    let (was, now) = changed(
        &shop,
        no,
        |store, o| new_line(store, o, "LGT-1001", 1),
        "LGT-1001 Beacon 400 Headlamp ×1: added",
    );
    assert!(now > was, "{was} → {now}");
    assert_eq!(shop.stock("LGT-1001"), (450, 1));
    assert!(refunds(&shop, no).is_empty());
    // The headlamp's deal of the day the order was placed applies.
    let lines = shop.stored(no).order.unwrap().lines;
    assert_eq!(lines.len(), 3);

    // More of a line.
    changed(
        &shop,
        no,
        |_, o| Change::Quantity {
            line: line_of(o, "LGT-1002"),
            quantity: 3,
        },
        "LGT-1002 Beacon 900 Headlamp: quantity 1 → 3",
    );
    assert_eq!(shop.stock("LGT-1002"), (396, 3));
    assert_eq!(line_stock(&shop, no, "LGT-1002"), (3, 0));

    // A line cancelled: its stock back, the difference owed to the card.
    let (was, now) = changed(
        &shop,
        no,
        |_, o| Change::Remove {
            line: line_of(o, "TNT-2001"),
        },
        "TNT-2001 Ridgeline 2-Person Tent ×1: cancelled",
    );
    assert_eq!(shop.stock("TNT-2001"), (92, 0));
    assert_eq!(
        refunds(&shop, no),
        [(
            (was - now).to_string(),
            "USD".into(),
            "customer called".into()
        )]
    );

    // To Los Angeles: California's tax (7.25%) instead of Illinois' (6.25%).
    let mut office = Address::default();
    let (was, now) = changed(
        &shop,
        no,
        |_, o| {
            office = Address {
                line1: "200 N Spring St".into(),
                city: "Los Angeles".into(),
                region: "CA".into(),
                postal_code: "90012".into(),
                ..o.ship_tos[0].address.clone()
            };
            Change::Address {
                ship_to: 0,
                address: office.clone(),
            }
        },
        &{
            let o = shop.stored(no).order.unwrap();
            let mut to = o.ship_tos[0].address.clone();
            to.line1 = "200 N Spring St".into();
            to.city = "Los Angeles".into();
            to.region = "CA".into();
            to.postal_code = "90012".into();
            format!(
                "ship-to 1: address {} → {}",
                o.ship_tos[0].address.one_line(),
                to.one_line()
            )
        },
    );
    assert!(now > was, "California's tax is higher: {was} → {now}");
    let export = shop.store().export_order(no).unwrap().unwrap();
    assert_eq!(export["ship_tos"][0]["address"]["region"], "CA");
    assert_eq!(export["ship_tos"][0]["address"]["line1"], "200 N Spring St");
    assert_eq!(shop.stored(no).order.unwrap().ship_tos[0].address, office);

    // By Express: the shipment's charge is Express's.
    let (was, now) = changed(
        &shop,
        no,
        |_, _| Change::Method {
            ship_to: 0,
            method: "EXPRESS".into(),
        },
        "ship-to 1: method GROUND → EXPRESS",
    );
    assert!(now > was, "Express costs more: {was} → {now}");
    let o = shop.stored(no);
    assert!(o.shipments.iter().all(|s| s.method_code == "EXPRESS"));
    let export = shop.store().export_order(no).unwrap().unwrap();
    assert_eq!(export["ship_tos"][0]["method_name"], "Express");
    assert_eq!(export["payments"][0]["amount"], o.grand_total.to_string());

    let actions: Vec<&str> = o.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["changed"; 5]);
    assert_eq!(o.version, 6);
}

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
    // The main order stays as it was, its stock still held.
    assert_eq!(shop.stored(main), m);
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
    let filled: Vec<(i64, Vec<(u32, String, u32)>, Vec<u32>)> = got
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

#[test]
fn a_change_is_refused_when_stock_moved_since_its_difference_was_shown() {
    let mut shop = Shop::new();
    shop.scarce("COF-3006", 2);
    let no = shop.place_one(&NewOrder::jane(&[("LGT-1002", 1)]));
    let o = shop.stored(no);
    let mut order = o.order.clone().unwrap();
    let add = new_line(shop.store(), &order, "COF-3006", 2);
    let description = add.apply(&mut order).unwrap();
    let shown = shop
        .store()
        .quote_change(&order, o.id, o.placed_on(), today())
        .unwrap();
    assert_eq!(shown.availability[1].now, 2, "both kettles on hand");
    // Meanwhile another operator sells one of the two.
    let mut bob = shop.beside("bob");
    place(&mut bob, &NewOrder::jane(&[("COF-3006", 1)]).by("jsmith"));
    let err = shop
        .store()
        .change_order(&orderdesk::store::ChangeInput {
            action: shop.action(no, "customer called"),
            order: &order,
            seen: &shown,
            today: today(),
            description: &description,
        })
        .unwrap_err();
    assert!(matches!(err, ServiceError::Changed(_)), "{err:?}");
    assert!(err.to_string().contains("availability changed"), "{err}");
    assert_eq!(shop.stored(no), o, "nothing written");
    assert_eq!(shop.stock("COF-3006"), (2, 1));
    assert_sound(&shop);
}

/// The console prices an order on its own day (the local date it runs
/// on), which need not be the UTC day of `placed_at`: an evening call in
/// America is stored on the next UTC day, a console left running over
/// midnight keeps its day. A change is priced under the promotions of the
/// day the order was priced on, and so is a fresh pricing of it.
#[test]
fn a_change_keeps_the_promotions_of_the_day_the_order_was_priced_on() {
    let (_dir, path) = crate::common::temp_db();
    let (mut store, _) = orderdesk::store::Store::open(&path, crate::common::BUSY).unwrap();
    // BEDDING25 (25% off bedding) runs from 14 to 45 days after the demo's
    // day: the console's day is inside, the UTC day of placed_at far out.
    let utc_today = chrono::Utc::now().date_naive();
    let demo_day = utc_today - chrono::Days::new(100);
    let console_day = demo_day + chrono::Days::new(20);
    store.load_demo(demo_day).unwrap();
    let mut s = orderdesk::session::Session::new(store, "alice", console_day).without_drafts();
    let placed = place(&mut s, &NewOrder::jane(&[("BED-1010", 1), ("LGT-1002", 1)]));
    let no = placed[0];
    let o = s.store().stored_order(no).unwrap().unwrap();
    let bedding_discount = |o: &StoredOrder| -> Decimal {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let text: String = conn
            .query_row(
                "SELECT l.discount FROM order_lines l WHERE l.order_id = ?1 AND l.sku = 'BED-1010'",
                [o.id],
                |r| r.get(0),
            )
            .unwrap();
        Decimal::from_str(&text).unwrap()
    };
    assert_eq!(bedding_discount(&o).to_string(), "24.75", "25% of 99.00");
    assert_eq!(o.placed_on(), console_day, "the day it was priced on");
    let fresh = s.store().price_stored(&o).unwrap().unwrap();
    assert_eq!(fresh.grand_total, o.grand_total, "a fresh pricing agrees");

    // One more headlamp: the bedding keeps its 25% off.
    let (after, shown) =
        crate::common::placing::change(s.store(), no, |_, order| Change::Quantity {
            line: line_of(order, "LGT-1002"),
            quantity: 2,
        })
        .unwrap();
    assert_eq!(bedding_discount(&after).to_string(), "24.75");
    assert_eq!(after.placed_on(), console_day, "a change keeps the day");
    let lamp = after.order.as_ref().unwrap().lines[1].unit_price;
    assert_eq!(
        after.grand_total - o.grand_total,
        shown.parts[0].1.grand_total - o.grand_total
    );
    assert!(
        after.grand_total - o.grand_total < lamp * Decimal::from(2),
        "one headlamp more, with its tax: {} → {}",
        o.grand_total,
        after.grand_total
    );
    let fresh = s.store().price_stored(&after).unwrap().unwrap();
    assert_eq!(fresh.grand_total, after.grand_total);
}

/// Coupons applied on an order and their recorded uses, as stored.
fn coupon_uses(shop: &Shop, order_no: i64) -> (Vec<String>, Vec<String>) {
    let conn = rusqlite::Connection::open(&shop.path).unwrap();
    let list = |sql: &str| -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([order_no], |r| r.get(0)).unwrap();
        rows.map(|r| r.unwrap()).collect()
    };
    (
        list(
            "SELECT c.code FROM order_discounts d JOIN coupons c ON c.id = d.coupon_id
             JOIN orders o ON o.id = d.order_id WHERE o.order_no = ?1 ORDER BY c.code",
        ),
        list(
            "SELECT c.code FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id
             JOIN orders o ON o.id = r.order_id WHERE o.order_no = ?1 ORDER BY c.code",
        ),
    )
}

#[test]
fn a_coupon_below_its_threshold_gives_its_use_back_and_counts_again_when_it_applies_again() {
    let mut shop = Shop::new();
    // SAVE20: 20.00 off orders of 100.00 or more.
    let no = shop.place_one(&NewOrder::jane(&[("LGT-1002", 2)]).coupon("SAVE20"));
    let both = (vec!["SAVE20".to_string()], vec!["SAVE20".to_string()]);
    assert_eq!(coupon_uses(&shop, no), both);
    let qty = |q: u32| {
        move |_: &orderdesk::store::Store, o: &orderdesk::domain::order::Order| Change::Quantity {
            line: line_of(o, "LGT-1002"),
            quantity: q,
        }
    };
    let (after, _) = shop.change(no, qty(1)).unwrap();
    assert_eq!(coupon_uses(&shop, no), (vec![], vec![]));
    assert!(
        last_event(&after)
            .detail
            .contains("coupon SAVE20 no longer applies: its use is given back"),
        "{}",
        last_event(&after).detail
    );
    // Back over the threshold: the discount applies again, and so its use
    // is recorded again.
    let (after, shown) = shop.change(no, qty(3)).unwrap();
    assert_priced_as_shown(&shop, no, &shown);
    assert_eq!(coupon_uses(&shop, no), both, "a discount without its use");
    assert!(
        last_event(&after)
            .detail
            .contains("coupon SAVE20 applies again: one use recorded"),
        "{}",
        last_event(&after).detail
    );
    assert_sound(&shop);
}

#[test]
fn a_single_use_coupon_given_back_and_used_elsewhere_does_not_apply_twice() {
    let mut shop = Shop::new();
    // WELCOME15: 15% off from 50.00, once per customer.
    let first = shop.place_one(&NewOrder::jane(&[("LGT-1004", 3)]).coupon("WELCOME15"));
    let welcome = vec!["WELCOME15".to_string()];
    assert_eq!(
        coupon_uses(&shop, first),
        (welcome.clone(), welcome.clone())
    );
    let qty = |q: u32| {
        move |_: &orderdesk::store::Store, o: &orderdesk::domain::order::Order| Change::Quantity {
            line: line_of(o, "LGT-1004"),
            quantity: q,
        }
    };
    shop.change(first, qty(2)).unwrap();
    assert_eq!(coupon_uses(&shop, first), (vec![], vec![]));
    // Its use given back, Jane uses it on another order.
    let second = shop.place_one(&NewOrder::jane(&[("LGT-1002", 1)]).coupon("WELCOME15"));
    assert_eq!(
        coupon_uses(&shop, second),
        (welcome.clone(), welcome.clone())
    );
    // The first order back over 50.00: the coupon is Jane's no more.
    let (after, shown) = shop.change(first, qty(3)).unwrap();
    assert_priced_as_shown(&shop, first, &shown);
    assert_eq!(
        coupon_uses(&shop, first),
        (vec![], vec![]),
        "used once per customer: {:?}",
        after.grand_total
    );
    assert_sound(&shop);
}

#[test]
fn the_orders_of_a_split_submit_keep_sharing_one_use_of_a_coupon_after_a_change() {
    let mut shop = Shop::new();
    let placed = shop.place(
        &NewOrder::jane(&[("CMK-4011", 5), ("LGT-1002", 1)])
            .separate()
            .coupon("SAVE20"),
    );
    let [main, back] = placed[..] else {
        panic!("two orders: {placed:?}")
    };
    let save20 = vec!["SAVE20".to_string()];
    assert_eq!(coupon_uses(&shop, main), (save20.clone(), save20.clone()));
    assert_eq!(coupon_uses(&shop, back).1, Vec::<String>::new());
    // One more stove on the backorder order: it is priced alone now, the
    // coupon's one use stays the main order's.
    let (after, shown) = shop
        .change(back, |_, o| Change::Quantity {
            line: line_of(o, "CMK-4011"),
            quantity: 3,
        })
        .unwrap();
    assert_priced_as_shown(&shop, back, &shown);
    assert_eq!(coupon_uses(&shop, back), (save20.clone(), vec![]));
    assert_eq!(coupon_uses(&shop, main).1, save20);
    assert!(!last_event(&after).detail.contains("coupon"));
    assert_eq!(line_stock(&shop, back, "CMK-4011"), (0, 3));
    assert_sound(&shop);

    // The main order cancelled: the backorder order keeps its discount,
    // and the use goes with it; cancelled too, the use is given back.
    shop.cancel(main, "customer_request").unwrap();
    assert_eq!(coupon_uses(&shop, main).1, Vec::<String>::new());
    assert_eq!(coupon_uses(&shop, back), (save20.clone(), save20.clone()));
    shop.cancel(back, "customer_request").unwrap();
    assert_eq!(coupon_uses(&shop, back).1, Vec::<String>::new());
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
