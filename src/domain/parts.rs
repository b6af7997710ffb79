//! The orders a submit places: the main order and, with "separate order
//! for backorders", a second one linked to it. Each part carries its own
//! lines (with that part's quantities), their availability and their
//! shipments, so each is priced and written on its own (docs/design.md).

use crate::domain::availability::LineAvailability;
use crate::domain::order::Order;
use crate::domain::planning::{Plan, PlannedShipment, MAIN_ORDER};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// 1 for the main order, 2 for the separate backorder order.
    pub number: u8,
    /// The order as this part places it: only its lines, with its quantities
    /// (dropped backorders are gone).
    pub order: Order,
    /// For each line of `order`, its index in the original order.
    pub source_lines: Vec<usize>,
    /// For each line of `order`: what ships now and what is backordered.
    pub availability: Vec<LineAvailability>,
    /// Shipments with line indices into `order.lines`.
    pub shipments: Vec<PlannedShipment>,
}

/// Splits `order` into the parts its plan places. When nothing ships now,
/// there is nothing to separate from: the backorders are the main order.
pub fn split(order: &Order, availability: &[LineAvailability], plan: &Plan) -> Vec<Part> {
    let mut numbers: Vec<u8> = plan.shipments.iter().map(|s| s.part).collect();
    numbers.sort_unstable();
    numbers.dedup();
    if numbers.is_empty() {
        numbers.push(MAIN_ORDER);
    }
    let promote = !numbers.contains(&MAIN_ORDER);
    numbers
        .into_iter()
        .map(|number| {
            let mut part = Part {
                number: if promote { MAIN_ORDER } else { number },
                order: Order {
                    lines: Vec::new(),
                    ..order.clone()
                },
                source_lines: Vec::new(),
                availability: Vec::new(),
                shipments: Vec::new(),
            };
            for (i, line) in order.lines.iter().enumerate() {
                let qty: u32 = plan
                    .part(number)
                    .flat_map(|s| &s.lines)
                    .filter(|(l, _)| *l == i)
                    .map(|(_, q)| q)
                    .sum();
                if qty == 0 {
                    continue;
                }
                let a = availability.get(i).copied().unwrap_or(LineAvailability {
                    now: 0,
                    backordered: line.quantity,
                    due: None,
                });
                // The main part takes what is in stock first.
                let now = if number == MAIN_ORDER {
                    a.now.min(qty)
                } else {
                    0
                };
                let backordered = qty - now;
                let mut l = line.clone();
                l.quantity = qty;
                part.order.lines.push(l);
                part.source_lines.push(i);
                part.availability.push(LineAvailability {
                    now,
                    backordered,
                    due: if backordered > 0 { a.due } else { None },
                });
            }
            // Its price overrides follow its lines (indices into its own
            // lines now, a dropped or other part's line taking its own).
            part.order.follow_lines(&order.line_keys());
            part.shipments = plan
                .part(number)
                .map(|s| PlannedShipment {
                    lines: s
                        .lines
                        .iter()
                        .filter_map(|(l, q)| {
                            part.source_lines
                                .iter()
                                .position(|x| x == l)
                                .map(|p| (p, *q))
                        })
                        .collect(),
                    part: part.number,
                    ..s.clone()
                })
                .collect();
            part
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::availability::LineAvailability;
    use crate::domain::money::Currency;
    use crate::domain::order::{Address, BackorderChoice, Line, ShipTo};
    use crate::domain::planning::{plan, BACKORDER_ORDER};
    use chrono::NaiveDate;
    use rust_decimal_macros::dec;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
    }

    /// Line 1: 5 in stock. Line 2: 2 of 4 now, 2 due on the 20th.
    /// Line 3: 3 backordered, date unknown.
    fn order(choice: BackorderChoice, separate: bool) -> (Order, Vec<LineAvailability>) {
        let mut o = Order::new("t".into(), Currency::USD);
        o.ship_tos.push(ShipTo {
            address: Address::default(),
            method: Some("GROUND".into()),
        });
        for (id, q) in [(1, 5), (2, 4), (3, 3)] {
            o.lines.push(Line {
                item_id: id,
                sku: format!("S{id}"),
                name: "x".into(),
                quantity: q,
                unit_price: dec!(1),
                weight_grams: 1,
                taxable: true,
                ship_to: 0,
            });
        }
        o.backorder_choice = match choice {
            BackorderChoice::ShipAvailable { .. } => BackorderChoice::ShipAvailable { separate },
            other => other,
        };
        let due = NaiveDate::from_ymd_opt(2026, 3, 20);
        let a = vec![
            LineAvailability {
                now: 5,
                backordered: 0,
                due: None,
            },
            LineAvailability {
                now: 2,
                backordered: 2,
                due,
            },
            LineAvailability {
                now: 0,
                backordered: 3,
                due: None,
            },
        ];
        (o, a)
    }

    #[test]
    fn separate_order_takes_the_backordered_parts() {
        let (o, a) = order(BackorderChoice::ShipAvailable { separate: false }, true);
        let parts = split(&o, &a, &plan(&o, &a, today()));
        assert_eq!(parts.len(), 2);
        let main = &parts[0];
        assert_eq!(main.number, MAIN_ORDER);
        let q: Vec<(i64, u32)> = main
            .order
            .lines
            .iter()
            .map(|l| (l.item_id, l.quantity))
            .collect();
        assert_eq!(q, vec![(1, 5), (2, 2)]);
        assert!(main.availability.iter().all(|a| a.backordered == 0));
        let back = &parts[1];
        assert_eq!(back.number, BACKORDER_ORDER);
        let q: Vec<(i64, u32)> = back
            .order
            .lines
            .iter()
            .map(|l| (l.item_id, l.quantity))
            .collect();
        assert_eq!(q, vec![(2, 2), (3, 3)]);
        assert!(back.availability.iter().all(|a| a.now == 0));
        assert_eq!(back.source_lines, vec![1, 2]);
        // Shipment line indices point into the part's own lines.
        for s in &back.shipments {
            for (l, q) in &s.lines {
                assert_eq!(back.order.lines[*l].quantity, *q);
            }
        }
    }

    #[test]
    fn nothing_in_stock_makes_the_backorders_the_main_order() {
        let (mut o, _) = order(BackorderChoice::ShipAvailable { separate: false }, true);
        o.lines.truncate(1);
        let a = vec![LineAvailability {
            now: 0,
            backordered: 5,
            due: None,
        }];
        let parts = split(&o, &a, &plan(&o, &a, today()));
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].number, MAIN_ORDER);
        assert!(parts[0].shipments.iter().all(|s| s.part == MAIN_ORDER));
        assert_eq!(parts[0].availability[0].backordered, 5);
    }

    #[test]
    fn drop_removes_backorders_and_one_part_otherwise() {
        let (o, a) = order(BackorderChoice::DropBackorders, false);
        let parts = split(&o, &a, &plan(&o, &a, today()));
        assert_eq!(parts.len(), 1);
        let q: Vec<u32> = parts[0].order.lines.iter().map(|l| l.quantity).collect();
        assert_eq!(q, vec![5, 2]);
        let (o, a) = order(BackorderChoice::ShipComplete, false);
        let parts = split(&o, &a, &plan(&o, &a, today()));
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].order.lines.len(), 3);
        assert_eq!(
            parts[0].availability[1],
            LineAvailability {
                now: 2,
                backordered: 2,
                due: NaiveDate::from_ymd_opt(2026, 3, 20)
            }
        );
    }
}
