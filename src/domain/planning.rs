//! Shipment planning (docs/design.md): from the order's lines, their
//! availability and the backorder choice, which shipments leave when, and
//! what a "drop backorders" order loses. Pure; the fulfillment screen shows
//! the plan and submit writes it.

use crate::domain::availability::LineAvailability;
use crate::domain::order::{BackorderChoice, Order};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Part number of the main order.
pub const MAIN_ORDER: u8 = 1;
/// Part number of the separate backorder order (linked to the main one).
pub const BACKORDER_ORDER: u8 = 2;

/// One shipment to one ship-to address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedShipment {
    /// Index into [`Order::ship_tos`].
    pub ship_to: usize,
    /// (index into [`Order::lines`], quantity in this shipment), in line order.
    pub lines: Vec<(usize, u32)>,
    /// Ship date; None when it depends on a receipt nobody has a date for.
    pub date: Option<NaiveDate>,
    /// [`MAIN_ORDER`], or [`BACKORDER_ORDER`] for the separate backorder order.
    pub part: u8,
}

impl PlannedShipment {
    /// Pieces in this shipment (for per-item shipping charges).
    pub fn pieces(&self) -> u64 {
        self.lines.iter().map(|&(_, q)| u64::from(q)).sum()
    }
}

/// The shipments of an order and what was dropped from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Sorted by part, then ship-to, then the shipment from stock before
    /// later ones by date, unknown date last.
    pub shipments: Vec<PlannedShipment>,
    /// With [`BackorderChoice::DropBackorders`]: (line index, quantity
    /// removed). Empty otherwise.
    pub dropped: Vec<(usize, u32)>,
}

impl Plan {
    /// True when the backorders go into a separate, linked order.
    pub fn has_separate_order(&self) -> bool {
        self.shipments.iter().any(|s| s.part == BACKORDER_ORDER)
    }

    /// The shipments of one part ([`MAIN_ORDER`] or [`BACKORDER_ORDER`]).
    pub fn part(&self, part: u8) -> impl Iterator<Item = &PlannedShipment> {
        self.shipments.iter().filter(move |s| s.part == part)
    }

    /// Quantity of line `line` that the plan ships, across all shipments
    /// and parts (the line's quantity minus anything dropped).
    pub fn shipped(&self, line: usize) -> u32 {
        self.shipments
            .iter()
            .flat_map(|s| &s.lines)
            .filter(|&&(l, _)| l == line)
            .map(|&(_, q)| q)
            .sum()
    }
}

/// When a shipment leaves. Declaration order is the display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    /// From stock on hand, today.
    Now,
    /// Backorders due on this date (never before today).
    Due(NaiveDate),
    /// Backorders with no known date.
    Unknown,
}

/// Plans the order's shipments (docs/design.md).
///
/// `availability` is [`crate::domain::availability::allocate`]'s answer for
/// `order.lines`, index for index; a line without an entry is taken as
/// wholly backordered with an unknown date, so nothing is promised for it.
/// Backorder dates before `today` (an overdue receipt) count as today.
///
/// - Ship complete: one shipment per ship-to with all its quantities, dated
///   by its latest line (today when all is in stock, unknown if any date is).
/// - Ship available: per ship-to, a shipment today of the parts in stock
///   and one later shipment per distinct backorder date (all unknown-date
///   parts together). With a separate backorder order the later shipments
///   belong to part [`BACKORDER_ORDER`].
/// - Drop backorders: only the parts in stock ship; `dropped` lists the
///   backordered parts removed.
///
/// Ship-tos without lines get no shipment, nor does a zero quantity.
pub fn plan(order: &Order, availability: &[LineAvailability], today: NaiveDate) -> Plan {
    let split = |i: usize, quantity: u32| -> (u32, u32, Slot) {
        match availability.get(i) {
            Some(a) => {
                let slot = match a.due {
                    Some(d) => Slot::Due(d.max(today)),
                    None => Slot::Unknown,
                };
                (a.now, a.backordered, slot)
            }
            None => (0, quantity, Slot::Unknown),
        }
    };
    let later_part = if order.backorder_choice.separate() {
        BACKORDER_ORDER
    } else {
        MAIN_ORDER
    };
    let mut groups: BTreeMap<(u8, usize, Slot), Vec<(usize, u32)>> = BTreeMap::new();
    let mut dropped = Vec::new();
    // Ship complete: the latest slot of each ship-to dates its one shipment.
    let mut complete: BTreeMap<usize, (Slot, Vec<(usize, u32)>)> = BTreeMap::new();
    for (i, line) in order.lines.iter().enumerate() {
        let (now, backordered, slot) = split(i, line.quantity);
        let mut add = |part: u8, slot: Slot, qty: u32| {
            if qty > 0 {
                groups
                    .entry((part, line.ship_to, slot))
                    .or_default()
                    .push((i, qty));
            }
        };
        match order.backorder_choice {
            BackorderChoice::ShipComplete => {
                if now + backordered == 0 {
                    continue;
                }
                let latest = if backordered > 0 { slot } else { Slot::Now };
                let entry = complete
                    .entry(line.ship_to)
                    .or_insert((Slot::Now, Vec::new()));
                entry.0 = entry.0.max(latest);
                entry.1.push((i, now + backordered));
            }
            BackorderChoice::ShipAvailable { .. } => {
                add(MAIN_ORDER, Slot::Now, now);
                add(later_part, slot, backordered);
            }
            BackorderChoice::DropBackorders => {
                add(MAIN_ORDER, Slot::Now, now);
                if backordered > 0 {
                    dropped.push((i, backordered));
                }
            }
        }
    }
    for (ship_to, (slot, lines)) in complete {
        groups.insert((MAIN_ORDER, ship_to, slot), lines);
    }
    let shipments = groups
        .into_iter()
        .map(|((part, ship_to, slot), lines)| PlannedShipment {
            ship_to,
            lines,
            date: match slot {
                Slot::Now => Some(today),
                Slot::Due(d) => Some(d),
                Slot::Unknown => None,
            },
            part,
        })
        .collect();
    Plan { shipments, dropped }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::availability::{allocate, ItemStock};
    use crate::domain::money::Currency;
    use crate::domain::order::{Address, Line, ShipTo};
    use rust_decimal_macros::dec;
    use std::collections::HashMap;

    const A: i64 = 1; // plentiful
    const B: i64 = 2; // scarce: 3 available, 10 due on the 20th
    const C: i64 = 3; // out of stock, nothing expected

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    fn today() -> NaiveDate {
        d(10)
    }

    fn line(item_id: i64, quantity: u32, ship_to: usize) -> Line {
        Line {
            item_id,
            sku: format!("SKU-{item_id}"),
            name: "Thing".into(),
            quantity,
            unit_price: dec!(1.00),
            weight_grams: 100,
            taxable: true,
            ship_to,
        }
    }

    fn ship_to(city: &str) -> ShipTo {
        ShipTo {
            address: Address {
                city: city.into(),
                ..Address::default()
            },
            method: Some("ground".into()),
        }
    }

    fn stock(item_id: i64, on_hand: i64, receipts: Vec<(NaiveDate, i64)>) -> ItemStock {
        ItemStock {
            item_id,
            on_hand,
            reserved: 0,
            receipts,
            earlier_backorders: 0,
        }
    }

    /// The worked example:
    /// - line 0: A × 2 to ship-to 1 (index 1)  → 2 now
    /// - line 1: B × 5 to ship-to 0            → 3 now, 2 due the 20th
    /// - line 2: C × 4 to ship-to 0            → 0 now, 4 date unknown
    ///
    /// Ship-to 2 (index 2) has no lines.
    fn order(choice: BackorderChoice, separate: bool) -> (Order, Vec<LineAvailability>) {
        let mut o = Order::new("t".into(), Currency::USD);
        o.ship_tos = vec![ship_to("Home"), ship_to("Office"), ship_to("Cabin")];
        o.lines = vec![line(A, 2, 1), line(B, 5, 0), line(C, 4, 0)];
        o.backorder_choice = match choice {
            BackorderChoice::ShipAvailable { .. } => BackorderChoice::ShipAvailable { separate },
            other => other,
        };
        let stocks: HashMap<i64, ItemStock> = [
            stock(A, 100, vec![]),
            stock(B, 3, vec![(d(20), 10)]),
            stock(C, 0, vec![]),
        ]
        .into_iter()
        .map(|s| (s.item_id, s))
        .collect();
        let lines: Vec<(i64, u32)> = o.lines.iter().map(|l| (l.item_id, l.quantity)).collect();
        let availability = allocate(&lines, &stocks);
        (o, availability)
    }

    fn shipment(
        ship_to: usize,
        lines: &[(usize, u32)],
        date: Option<NaiveDate>,
        part: u8,
    ) -> PlannedShipment {
        PlannedShipment {
            ship_to,
            lines: lines.to_vec(),
            date,
            part,
        }
    }

    #[test]
    fn worked_example_availability() {
        let (_, a) = order(BackorderChoice::ShipAvailable { separate: false }, false);
        let got: Vec<(u32, u32, Option<NaiveDate>)> =
            a.iter().map(|a| (a.now, a.backordered, a.due)).collect();
        assert_eq!(got, vec![(2, 0, None), (3, 2, Some(d(20))), (0, 4, None)]);
    }

    #[test]
    fn ship_complete_waits_for_the_latest_line_of_each_ship_to() {
        // Ship-to 0 holds B (last part due the 20th) and C (unknown): one
        // shipment of B×5 + C×4, date unknown. Ship-to 1: A×2 today.
        let (o, a) = order(BackorderChoice::ShipComplete, false);
        let p = plan(&o, &a, today());
        assert_eq!(
            p.shipments,
            vec![
                shipment(0, &[(1, 5), (2, 4)], None, 1),
                shipment(1, &[(0, 2)], Some(today()), 1),
            ]
        );
        assert!(p.dropped.is_empty());
        assert!(!p.has_separate_order());
    }

    #[test]
    fn ship_complete_dates_by_the_latest_known_date() {
        // Give C a receipt on the 25th: ship-to 0 now waits for the 25th
        // (later than B's 20th).
        let (o, _) = order(BackorderChoice::ShipComplete, false);
        let a = vec![
            LineAvailability {
                now: 2,
                backordered: 0,
                due: None,
            },
            LineAvailability {
                now: 3,
                backordered: 2,
                due: Some(d(20)),
            },
            LineAvailability {
                now: 0,
                backordered: 4,
                due: Some(d(25)),
            },
        ];
        let p = plan(&o, &a, today());
        assert_eq!(
            p.shipments,
            vec![
                shipment(0, &[(1, 5), (2, 4)], Some(d(25)), 1),
                shipment(1, &[(0, 2)], Some(today()), 1),
            ]
        );
    }

    #[test]
    fn ship_available_sends_stock_now_and_each_date_later() {
        // Ship-to 0: today B×3; the 20th B×2; date unknown C×4.
        // Ship-to 1: today A×2. All in the main order.
        let (o, a) = order(BackorderChoice::ShipAvailable { separate: false }, false);
        let p = plan(&o, &a, today());
        assert_eq!(
            p.shipments,
            vec![
                shipment(0, &[(1, 3)], Some(today()), 1),
                shipment(0, &[(1, 2)], Some(d(20)), 1),
                shipment(0, &[(2, 4)], None, 1),
                shipment(1, &[(0, 2)], Some(today()), 1),
            ]
        );
        assert!(p.dropped.is_empty());
        assert_eq!((p.shipped(0), p.shipped(1), p.shipped(2)), (2, 5, 4));
    }

    #[test]
    fn separate_order_takes_the_later_shipments() {
        // Main order (part 1): ship-to 0 today B×3; ship-to 1 today A×2.
        // Backorder order (part 2): ship-to 0 the 20th B×2, unknown C×4.
        let (o, a) = order(BackorderChoice::ShipAvailable { separate: false }, true);
        let p = plan(&o, &a, today());
        assert_eq!(
            p.shipments,
            vec![
                shipment(0, &[(1, 3)], Some(today()), 1),
                shipment(1, &[(0, 2)], Some(today()), 1),
                shipment(0, &[(1, 2)], Some(d(20)), 2),
                shipment(0, &[(2, 4)], None, 2),
            ]
        );
        assert!(p.has_separate_order());
        assert_eq!(p.part(MAIN_ORDER).map(|s| s.pieces()).sum::<u64>(), 5);
        assert_eq!(p.part(BACKORDER_ORDER).map(|s| s.pieces()).sum::<u64>(), 6);
    }

    #[test]
    fn separate_flag_means_nothing_without_ship_available() {
        let (o, a) = order(BackorderChoice::ShipComplete, true);
        assert!(!plan(&o, &a, today()).has_separate_order());
        let (o, a) = order(BackorderChoice::DropBackorders, true);
        assert!(!plan(&o, &a, today()).has_separate_order());
    }

    #[test]
    fn drop_backorders_ships_stock_and_names_the_rest() {
        // Ship-to 0: today B×3 (C has nothing now, so no line for it).
        // Ship-to 1: today A×2. Dropped: B×2 (line 1) and C×4 (line 2).
        let (o, a) = order(BackorderChoice::DropBackorders, false);
        let p = plan(&o, &a, today());
        assert_eq!(
            p.shipments,
            vec![
                shipment(0, &[(1, 3)], Some(today()), 1),
                shipment(1, &[(0, 2)], Some(today()), 1),
            ]
        );
        assert_eq!(p.dropped, vec![(1, 2), (2, 4)]);
        assert_eq!(p.shipped(2), 0);
    }

    #[test]
    fn same_date_backorders_of_one_ship_to_share_a_shipment() {
        // Lines 1 and 2 both due the 20th: one later shipment for both.
        let (o, _) = order(BackorderChoice::ShipAvailable { separate: false }, false);
        let a = vec![
            LineAvailability {
                now: 2,
                backordered: 0,
                due: None,
            },
            LineAvailability {
                now: 3,
                backordered: 2,
                due: Some(d(20)),
            },
            LineAvailability {
                now: 0,
                backordered: 4,
                due: Some(d(20)),
            },
        ];
        let p = plan(&o, &a, today());
        assert_eq!(
            p.shipments,
            vec![
                shipment(0, &[(1, 3)], Some(today()), 1),
                shipment(0, &[(1, 2), (2, 4)], Some(d(20)), 1),
                shipment(1, &[(0, 2)], Some(today()), 1),
            ]
        );
    }

    #[test]
    fn overdue_receipts_count_as_today_and_missing_answers_promise_nothing() {
        // Line 1's receipt was due the 5th (overdue): its later shipment is
        // dated today, apart from the shipment from stock. Line 2 has no
        // availability entry: wholly backordered, date unknown.
        let (o, _) = order(BackorderChoice::ShipAvailable { separate: false }, false);
        let a = vec![
            LineAvailability {
                now: 2,
                backordered: 0,
                due: None,
            },
            LineAvailability {
                now: 3,
                backordered: 2,
                due: Some(d(5)),
            },
        ];
        let p = plan(&o, &a, today());
        assert_eq!(
            p.shipments,
            vec![
                shipment(0, &[(1, 3)], Some(today()), 1),
                shipment(0, &[(1, 2)], Some(today()), 1),
                shipment(0, &[(2, 4)], None, 1),
                shipment(1, &[(0, 2)], Some(today()), 1),
            ]
        );
    }

    #[test]
    fn empty_order_has_no_shipments() {
        let o = Order::new("t".into(), Currency::USD);
        for choice in [
            BackorderChoice::ShipComplete,
            BackorderChoice::ShipAvailable { separate: false },
            BackorderChoice::DropBackorders,
        ] {
            let mut o = o.clone();
            o.backorder_choice = choice;
            assert_eq!(plan(&o, &[], today()), Plan::default());
        }
    }
}
