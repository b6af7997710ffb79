//! Any sequence of place / change / cancel / hold / receive / release /
//! ship on scarce stock keeps the books straight (docs/design.md, "After
//! the order"): stock reserved is what live orders hold and have not
//! shipped, never more than on hand; no stock lies free while a backorder
//! waits for it (first placed, first filled); and every order's stored
//! totals are a fresh pricing of it as it stands.

use crate::common::placing::{change, idle_stock, new_line, try_place, NewOrder, Shop};
use crate::common::today;
use orderdesk::domain::lifecycle::OrderStatus;
use orderdesk::domain::order_change::Change;
use orderdesk::store::{OrderAction, ServiceError, StoredOrder};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Scarce items first: a few on hand, some expected, none at all.
const SKUS: [&str; 6] = [
    "CMK-4011", "COF-3006", "SLP-1025", "TNT-2010", "LGT-1002", "BED-1010",
];
const CUSTOMERS: [&str; 4] = ["jdoe", "jsmith", "msmith", "fgagnon"];

#[derive(Debug, Clone)]
enum Op {
    Place {
        customer: usize,
        lines: Vec<(usize, u32)>,
        choice: usize,
        separate: bool,
        card: bool,
        coupon: bool,
    },
    Add {
        order: usize,
        sku: usize,
        qty: u32,
    },
    Quantity {
        order: usize,
        line: usize,
        qty: u32,
    },
    Remove {
        order: usize,
        line: usize,
    },
    /// Ground to Express and back.
    Method {
        order: usize,
    },
    Cancel {
        order: usize,
    },
    Hold {
        order: usize,
    },
    LiftHold {
        order: usize,
    },
    Receive {
        sku: usize,
        qty: i64,
    },
    Release {
        order: usize,
    },
    ReleaseAll,
    Ship {
        order: usize,
        shipment: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let order = 0usize..8;
    prop_oneof![
        3 => (
            0..CUSTOMERS.len(),
            prop::collection::vec((0..SKUS.len(), 1u32..4), 1..3),
            0usize..3,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(customer, lines, choice, separate, card, coupon)| Op::Place {
                customer,
                lines,
                choice,
                separate,
                card,
                coupon,
            }),
        1 => (order.clone(), 0..SKUS.len(), 1u32..4)
            .prop_map(|(order, sku, qty)| Op::Add { order, sku, qty }),
        1 => (order.clone(), 0usize..3, 1u32..6)
            .prop_map(|(order, line, qty)| Op::Quantity { order, line, qty }),
        1 => (order.clone(), 0usize..3).prop_map(|(order, line)| Op::Remove { order, line }),
        1 => order.clone().prop_map(|order| Op::Method { order }),
        1 => order.clone().prop_map(|order| Op::Cancel { order }),
        1 => order.clone().prop_map(|order| Op::Hold { order }),
        1 => order.clone().prop_map(|order| Op::LiftHold { order }),
        2 => (0..SKUS.len(), 1i64..7).prop_map(|(sku, qty)| Op::Receive { sku, qty }),
        1 => order.clone().prop_map(|order| Op::Release { order }),
        2 => Just(Op::ReleaseAll),
        3 => (order, 0usize..3).prop_map(|(order, shipment)| Op::Ship { order, shipment }),
    ]
}

/// A refusal is a fine answer to an arbitrary action; anything else that
/// failed is a defect (a stale version or moved stock cannot happen here:
/// each action reads the order and its quote right before).
fn accept(what: &str, r: Result<StoredOrder, ServiceError>) -> Result<(), TestCaseError> {
    match r {
        Ok(_) | Err(ServiceError::Refused(_)) | Err(ServiceError::Violations(_)) => Ok(()),
        Err(e) => Err(TestCaseError::fail(format!("{what}: {e:?}"))),
    }
}

fn run(shop: &mut Shop, orders: &mut Vec<i64>, op: &Op) -> Result<(), TestCaseError> {
    let pick = |i: &usize| (!orders.is_empty()).then(|| orders[i % orders.len()]);
    let store = shop.s.store();
    let act = |no: i64, reason: &'static str| OrderAction {
        order_no: no,
        version: store.stored_order(no).unwrap().unwrap().version,
        operator: "alice",
        reason,
    };
    let shown = format!("{op:?}");
    match op {
        Op::Place {
            customer,
            lines,
            choice,
            separate,
            card,
            coupon,
        } => {
            let mut o = NewOrder::jane(&[]).by(CUSTOMERS[*customer]);
            o.lines = lines
                .iter()
                .map(|(s, q)| (SKUS[*s].to_string(), *q))
                .collect();
            o.backorders = [
                orderdesk::session::BackorderKind::Complete,
                orderdesk::session::BackorderKind::Available,
                orderdesk::session::BackorderKind::Drop,
            ][*choice];
            o.separate = *separate && *choice == 1;
            if *card {
                o = o.by_card();
            }
            if *coupon && CUSTOMERS[*customer] != "fgagnon" {
                o = o.coupon("SAVE20");
            }
            // The session may refuse it (nothing to ship once backorders
            // are dropped, a coupon below its threshold): nothing placed.
            if let Ok(placed) = try_place(&mut shop.s, &o) {
                orders.extend(placed);
            }
        }
        Op::Add { order, sku, qty } => {
            if let Some(no) = pick(order) {
                let r = change(store, no, |store, o| new_line(store, o, SKUS[*sku], *qty));
                accept(&shown, r.map(|(o, _)| o))?;
            }
        }
        Op::Quantity { order, line, qty } => {
            if let Some(no) = pick(order) {
                let r = change(store, no, |_, o| Change::Quantity {
                    line: line % o.lines.len(),
                    quantity: *qty,
                });
                accept(&shown, r.map(|(o, _)| o))?;
            }
        }
        Op::Remove { order, line } => {
            if let Some(no) = pick(order) {
                let r = change(store, no, |_, o| Change::Remove {
                    line: line % o.lines.len(),
                });
                accept(&shown, r.map(|(o, _)| o))?;
            }
        }
        Op::Method { order } => {
            if let Some(no) = pick(order) {
                let r = change(store, no, |_, o| Change::Method {
                    ship_to: 0,
                    method: match o.ship_tos[0].method.as_deref() {
                        Some("GROUND") => "EXPRESS".into(),
                        _ => "GROUND".into(),
                    },
                });
                accept(&shown, r.map(|(o, _)| o))?;
            }
        }
        Op::Cancel { order } => {
            if let Some(no) = pick(order) {
                accept(
                    &shown,
                    store.cancel_order(&act(no, "customer_request"), today()),
                )?;
            }
        }
        Op::Hold { order } => {
            if let Some(no) = pick(order) {
                accept(&shown, store.hold_order(&act(no, "payment")))?;
            }
        }
        Op::LiftHold { order } => {
            if let Some(no) = pick(order) {
                accept(&shown, store.release_hold(&act(no, "checked")))?;
            }
        }
        Op::Receive { sku, qty } => {
            let r = store.receive(SKUS[*sku], *qty, today(), "dock");
            prop_assert!(r.is_ok(), "{}: {:?}", shown, r);
        }
        Op::Release { order } => {
            if let Some(no) = pick(order) {
                accept(&shown, store.release_order(no, "dock"))?;
            }
        }
        Op::ReleaseAll => {
            for no in store.placed_order_numbers().unwrap() {
                let r = store.release_order(no, "dock");
                prop_assert!(
                    r.is_ok(),
                    "{}: order {} listed as placed: {:?}",
                    shown,
                    no,
                    r
                );
            }
        }
        Op::Ship { order, shipment } => {
            if let Some(no) = pick(order) {
                let shipments = store.stored_order(no).unwrap().unwrap().shipments;
                let number = shipments[shipment % shipments.len()].state.number;
                accept(&shown, store.ship(no, number, "", "dock"))?;
            }
        }
    }
    Ok(())
}

/// What must hold after every step.
fn invariants(shop: &Shop, orders: &[i64], after: &str) -> Result<(), TestCaseError> {
    let problems = shop.problems();
    prop_assert!(problems.is_empty(), "after {}: {:#?}", after, problems);
    let conn = rusqlite::Connection::open(&shop.path).unwrap();
    // First placed, first filled: stock is free only when nothing waits.
    let idle = idle_stock(&conn);
    prop_assert!(
        idle.is_empty(),
        "after {}: free while backorders wait: {:?}",
        after,
        idle
    );
    // A coupon discount on a live order has its use recorded, on it or on
    // the other order of its split submit; a use is of a coupon applied.
    let mut stmt = conn
        .prepare(
            "SELECT o.order_no || ' ' || c.code FROM order_discounts d JOIN coupons c ON c.id = d.coupon_id
             JOIN orders o ON o.id = d.order_id
             WHERE o.status <> 'cancelled' AND NOT EXISTS (SELECT 1 FROM coupon_redemptions r
                   WHERE r.coupon_id = c.id AND (r.order_id = o.id OR r.order_id = o.parent_order_id
                         OR r.order_id IN (SELECT id FROM orders p WHERE p.parent_order_id = o.id)))
             UNION ALL
             SELECT 'use on ' || o.order_no || ' ' || c.code FROM coupon_redemptions r
             JOIN coupons c ON c.id = r.coupon_id JOIN orders o ON o.id = r.order_id
             WHERE NOT EXISTS (SELECT 1 FROM order_discounts d JOIN orders x ON x.id = d.order_id
                   WHERE d.coupon_id = c.id AND x.status <> 'cancelled'
                   AND (x.id = o.id OR x.parent_order_id = o.id OR x.id = o.parent_order_id))",
        )
        .unwrap();
    let unpaired: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    prop_assert!(
        unpaired.is_empty(),
        "after {}: coupon discounts and uses differ: {:?}",
        after,
        unpaired
    );
    for &no in orders {
        let o = shop.store().stored_order(no).unwrap().unwrap();
        if o.status == OrderStatus::Cancelled {
            continue;
        }
        let Some(fresh) = shop.store().price_stored(&o).unwrap() else {
            continue;
        };
        let stored: [String; 5] = conn
            .query_row(
                "SELECT merchandise_total, discount_total, shipping_total, tax_total, grand_total
                 FROM orders WHERE order_no = ?1",
                [no],
                |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]),
            )
            .unwrap();
        let stored = stored.map(|t| Decimal::from_str(&t).unwrap());
        let cur = o.currency;
        let priced = [
            fresh.merchandise,
            fresh.discount_total,
            fresh.shipping_total,
            fresh.tax_total,
            fresh.grand_total,
        ]
        .map(|d| cur.round(d));
        prop_assert_eq!(stored, priced, "order {} after {}", no, after);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_sequence_keeps_stock_and_totals_straight(ops in prop::collection::vec(op(), 4..18)) {
        let mut shop = Shop::new();
        shop.scarce("TNT-2010", 2);
        shop.scarce("COF-3006", 1);
        let mut orders = Vec::new();
        for op in &ops {
            run(&mut shop, &mut orders, op)?;
            invariants(&shop, &orders, &format!("{op:?}"))?;
        }
        let report = orderdesk::store::check::check_database(&shop.path, crate::common::BUSY).unwrap();
        prop_assert!(report.is_sound(), "{}", report);
    }
}
