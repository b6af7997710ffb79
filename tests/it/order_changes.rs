//! Changes to a placed order (docs/design.md, "After the order"): each
//! re-priced under the original order's rules (its day's promotions, its
//! coupons) and stored as the operator was shown it and as a fresh pricing
//! of it comes to, its stock moved in the same transaction, its history
//! naming the change and the difference; coupon uses kept in step.

use crate::common::placing::{line_of, new_line, place, NewOrder, Shop};
use crate::common::stored::{
    assert_priced_as_shown, assert_sound, changed, coupon_uses, last_event, line_stock, refunds,
};
use crate::common::today;
use orderdesk::domain::order::Address;
use orderdesk::domain::order_change::Change;
use orderdesk::store::{ServiceError, StoredOrder};
use rust_decimal::Decimal;
use std::str::FromStr;

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
    // One more stove on the backorder order would price it alone while the
    // main order holds the rest of the coupon's discount: refused, nothing
    // written, with the way out.
    for (no, other) in [(back, main), (main, back)] {
        let refused = shop
            .change(no, |_, o| Change::Quantity {
                line: line_of(o, "CMK-4011"),
                quantity: 4,
            })
            .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains(&format!("priced together with order {other}")),
            "{refused}"
        );
        assert_eq!(shop.stored(no).version, 1);
    }

    // The main order cancelled: the backorder order keeps its discount,
    // and the use goes with it; alone now, it changes, priced with the
    // coupon it holds; cancelled too, the use is given back.
    shop.cancel(main, "customer_request").unwrap();
    assert_eq!(coupon_uses(&shop, main).1, Vec::<String>::new());
    assert_eq!(coupon_uses(&shop, back), (save20.clone(), save20.clone()));
    let (_, shown) = shop
        .change(back, |_, o| Change::Quantity {
            line: line_of(o, "CMK-4011"),
            quantity: 3,
        })
        .unwrap();
    assert_priced_as_shown(&shop, back, &shown);
    assert_eq!(coupon_uses(&shop, back), (save20.clone(), save20.clone()));
    // The stoves the main order let go went to it.
    assert_eq!(line_stock(&shop, back, "CMK-4011"), (3, 0));
    assert_sound(&shop);
    shop.cancel(back, "customer_request").unwrap();
    assert_eq!(coupon_uses(&shop, back).1, Vec::<String>::new());
    assert_sound(&shop);
}

/// Jane's order drops backorders: the screen house (line 1, none on hand,
/// none expected) is dropped, so the Beacon 900, matched at 75.00 as line
/// 2 of the cart, is line 1 of the order placed.
#[test]
fn a_price_override_stays_on_its_line_when_a_line_before_it_was_dropped() {
    use orderdesk::session::{BackorderKind, Command, PayInput};
    let mut shop = Shop::new();
    let s = &mut shop.s;
    for c in [
        Command::PickCustomer {
            id: None,
            logon: Some("jdoe".into()),
        },
        Command::AddItem {
            sku: "TNT-2011".into(),
            qty: 1,
        },
        Command::AddItem {
            sku: "LGT-1002".into(),
            qty: 1,
        },
        Command::AddItem {
            sku: "LGT-1001".into(),
            qty: 1,
        },
        Command::Adjust {
            target: "line:2".into(),
            amount: None,
            unit_price: Some("75.00".into()),
            reason: "PRICE_MATCH".into(),
            net: false,
        },
        Command::SetMethod {
            ship_to: 1,
            method: "GROUND".into(),
        },
        Command::Pay(PayInput::Cod),
        Command::Backorder {
            choice: BackorderKind::Drop,
            separate: false,
        },
    ] {
        let shown = format!("{c:?}");
        s.apply(c).unwrap_or_else(|r| panic!("{shown}: {r:?}"));
        s.refresh(false);
    }
    let done = s.apply(Command::Submit).unwrap();
    let no = done.placed[0].order_no;
    let unit_prices = |shop: &Shop| -> Vec<(String, String)> {
        let conn = rusqlite::Connection::open(&shop.path).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT l.sku, l.unit_price FROM order_lines l JOIN orders o ON o.id = l.order_id
                 WHERE o.order_no = ?1 ORDER BY l.line_no",
            )
            .unwrap();
        let rows = stmt
            .query_map([no], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        rows.map(|r| r.unwrap()).collect()
    };
    let matched = vec![
        ("LGT-1002".to_string(), "75.00".to_string()),
        ("LGT-1001".to_string(), "44.95".to_string()),
    ];
    assert_eq!(unit_prices(&shop), matched);
    let o = shop.stored(no);
    let fresh = shop.store().price_stored(&o).unwrap().unwrap();
    assert_eq!(fresh.grand_total, o.grand_total, "a fresh pricing agrees");

    // A change re-prices with the match still on the Beacon 900.
    let (_, shown) = shop
        .change(no, |_, o| Change::Quantity {
            line: line_of(o, "LGT-1001"),
            quantity: 2,
        })
        .unwrap();
    assert_priced_as_shown(&shop, no, &shown);
    assert_eq!(unit_prices(&shop), matched);
    assert_sound(&shop);
}

#[test]
fn an_order_that_drops_backorders_says_what_a_change_dropped() {
    let mut shop = Shop::new();
    shop.scarce("COF-3006", 2);
    let mut o = NewOrder::jane(&[("COF-3006", 1), ("LGT-1002", 1)]);
    o.backorders = orderdesk::session::BackorderKind::Drop;
    let no = shop.place_one(&o);
    let (after, shown) = shop
        .change(no, |_, o| Change::Quantity {
            line: line_of(o, "COF-3006"),
            quantity: 3,
        })
        .unwrap();
    assert_priced_as_shown(&shop, no, &shown);
    // Two on hand: the order holds two, and its history says so.
    assert_eq!(line_stock(&shop, no, "COF-3006"), (2, 0));
    let kept = after.order.as_ref().unwrap();
    assert_eq!(kept.lines[line_of(kept, "COF-3006")].quantity, 2);
    let lines: Vec<&str> = last_event(&after).detail.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "COF-3006 Gooseneck Kettle 1L: quantity 1 → 3",
            "COF-3006 Gooseneck Kettle 1L: 1 of 3 dropped: not in stock, and the order drops backorders"
        ]
    );
    assert_eq!(shop.stock("COF-3006"), (2, 2));
    assert_sound(&shop);
}

/// An amount off the subtotal of a split submit is shared by its two
/// orders; changed, each is re-priced alone with its share, not the whole
/// amount again.
#[test]
fn the_orders_of_a_split_submit_keep_their_shares_of_an_amount_off_through_changes() {
    use orderdesk::session::{BackorderKind, Command, PayInput};
    let mut shop = Shop::new();
    let s = &mut shop.s;
    for c in [
        Command::PickCustomer {
            id: None,
            logon: Some("jdoe".into()),
        },
        Command::AddItem {
            sku: "CMK-4011".into(),
            qty: 5,
        },
        Command::AddItem {
            sku: "LGT-1002".into(),
            qty: 1,
        },
        Command::Adjust {
            target: "subtotal".into(),
            amount: Some("10.00".into()),
            unit_price: None,
            reason: "GOODWILL".into(),
            net: false,
        },
        Command::SetMethod {
            ship_to: 1,
            method: "GROUND".into(),
        },
        Command::Pay(PayInput::Cod),
        Command::Backorder {
            choice: BackorderKind::Available,
            separate: true,
        },
    ] {
        let shown = format!("{c:?}");
        s.apply(c).unwrap_or_else(|r| panic!("{shown}: {r:?}"));
        s.refresh(false);
    }
    let done = s.apply(Command::Submit).unwrap();
    let (main, back) = (done.placed[0].order_no, done.placed[1].order_no);
    let off = |shop: &Shop, no: i64| -> Decimal {
        let conn = rusqlite::Connection::open(&shop.path).unwrap();
        let text: String = conn
            .query_row(
                "SELECT a.amount FROM adjustments a JOIN orders o ON o.id = a.order_id
                 WHERE o.order_no = ?1 AND a.kind = 'subtotal'",
                [no],
                |r| r.get(0),
            )
            .unwrap();
        Decimal::from_str(&text).unwrap()
    };
    let (main_share, back_share) = (off(&shop, main), off(&shop, back));
    assert_eq!(main_share + back_share, Decimal::from(10));
    assert!(main_share > Decimal::ZERO && back_share > Decimal::ZERO);

    // While both stand, neither is priced alone.
    assert!(shop
        .change(main, |_, o| Change::Quantity {
            line: line_of(o, "LGT-1002"),
            quantity: 2,
        })
        .is_err());
    // The backorder order cancelled, the main order changes alone with its
    // share of the amount off, not the whole 10.00 again.
    shop.cancel(back, "out_of_stock").unwrap();
    let (_, shown) = shop
        .change(main, |_, o| Change::Quantity {
            line: line_of(o, "LGT-1002"),
            quantity: 2,
        })
        .unwrap();
    assert_priced_as_shown(&shop, main, &shown);
    assert_eq!(off(&shop, main), main_share, "its share, not 10.00");
    assert_sound(&shop);
}
