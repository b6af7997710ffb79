//! Availability to promise (docs/design.md): how much of each order
//! line ships from stock now, how much is backordered, and when the
//! backordered part is due. A pure function of the stock figures, so the
//! catalog, the fulfillment screen and submit all compute the same answer.

use chrono::NaiveDate;
use std::collections::HashMap;

/// What is known of one item's stock when an order is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemStock {
    pub item_id: i64,
    pub on_hand: i64,
    pub reserved: i64,
    /// Expected receipts as (due date, quantity), sorted by date.
    /// [`allocate`] sorts its own copy, so order here is not load-bearing.
    pub receipts: Vec<(NaiveDate, i64)>,
    /// Backordered quantity of orders already placed: they were promised
    /// before this order, so they take the expected receipts first.
    pub earlier_backorders: i64,
}

impl ItemStock {
    /// Stock free to promise now: on hand − reserved, never negative.
    pub fn available(&self) -> i64 {
        (self.on_hand - self.reserved).max(0)
    }
}

/// The answer for one order line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineAvailability {
    /// Covered by stock available now.
    pub now: u32,
    /// The rest of the line's quantity: `now + backordered == quantity`.
    pub backordered: u32,
    /// When the backordered part is due: the date of the first expected
    /// receipt that covers it. None when nothing is backordered, or when no
    /// known receipt covers it (date unknown).
    pub due: Option<NaiveDate>,
}

impl LineAvailability {
    /// True when the whole line ships from stock now.
    pub fn in_stock(&self) -> bool {
        self.backordered == 0
    }
}

/// Per item, what earlier lines of this order have left.
struct Running {
    available: i64,
    /// Backorder demand so far: placed orders first, then earlier lines.
    backorder_demand: i64,
    /// Receipts sorted by date, as (date, cumulative quantity).
    cumulative: Vec<(NaiveDate, i64)>,
}

impl Running {
    fn new(stock: Option<&ItemStock>) -> Running {
        let Some(s) = stock else {
            // An item without stock figures has nothing now and nothing coming.
            return Running {
                available: 0,
                backorder_demand: 0,
                cumulative: Vec::new(),
            };
        };
        let mut receipts: Vec<(NaiveDate, i64)> =
            s.receipts.iter().copied().filter(|(_, q)| *q > 0).collect();
        receipts.sort_by_key(|(d, _)| *d);
        let mut total = 0i64;
        let cumulative = receipts
            .into_iter()
            .map(|(d, q)| {
                total = total.saturating_add(q);
                (d, total)
            })
            .collect();
        Running {
            available: s.available(),
            backorder_demand: s.earlier_backorders.max(0),
            cumulative,
        }
    }

    fn take(&mut self, quantity: u32) -> LineAvailability {
        let want = i64::from(quantity);
        let now = want.min(self.available);
        self.available -= now;
        let backordered = want - now;
        let due = if backordered > 0 {
            self.backorder_demand = self.backorder_demand.saturating_add(backordered);
            let demand = self.backorder_demand;
            self.cumulative
                .iter()
                .find(|(_, cum)| *cum >= demand)
                .map(|(d, _)| *d)
        } else {
            None
        };
        // Both parts lie within 0..=quantity, so they fit back into u32.
        LineAvailability {
            now: u32::try_from(now).unwrap_or(0),
            backordered: u32::try_from(backordered).unwrap_or(quantity),
            due,
        }
    }
}

/// Splits each line (item id, quantity) into its available-now and
/// backordered parts, in line order (docs/design.md).
///
/// - Available stock (on hand − reserved) is consumed by the lines of the
///   same item in order: an earlier line takes it first.
/// - A backordered part is due on the date of the first expected receipt at
///   which the cumulative receipts reach the cumulative backorder demand:
///   placed orders' backorders, then earlier lines of this order, then this
///   line. With no such receipt its `due` is None (date unknown).
/// - An item missing from `stock` counts as none on hand and none coming.
///
/// Returns one [`LineAvailability`] per input line, in the same order.
pub fn allocate(lines: &[(i64, u32)], stock: &HashMap<i64, ItemStock>) -> Vec<LineAvailability> {
    let mut running: HashMap<i64, Running> = HashMap::new();
    lines
        .iter()
        .map(|&(item_id, quantity)| {
            running
                .entry(item_id)
                .or_insert_with(|| Running::new(stock.get(&item_id)))
                .take(quantity)
        })
        .collect()
}

/// Indices of the lines whose availability differs between what the
/// operator saw and what holds now (submit refuses the order when any
/// does, docs/design.md). Lines present in only one list count too.
pub fn changed_lines(seen: &[LineAvailability], current: &[LineAvailability]) -> Vec<usize> {
    (0..seen.len().max(current.len()))
        .filter(|&i| seen.get(i) != current.get(i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    fn stock(
        item_id: i64,
        on_hand: i64,
        reserved: i64,
        receipts: &[(u32, i64)],
        earlier: i64,
    ) -> ItemStock {
        ItemStock {
            item_id,
            on_hand,
            reserved,
            receipts: receipts.iter().map(|&(day, q)| (d(day), q)).collect(),
            earlier_backorders: earlier,
        }
    }

    fn map(items: Vec<ItemStock>) -> HashMap<i64, ItemStock> {
        items.into_iter().map(|s| (s.item_id, s)).collect()
    }

    fn la(now: u32, backordered: u32, due: Option<NaiveDate>) -> LineAvailability {
        LineAvailability {
            now,
            backordered,
            due,
        }
    }

    #[test]
    fn enough_stock_ships_now() {
        let s = map(vec![stock(1, 10, 2, &[], 0)]);
        assert_eq!(allocate(&[(1, 8)], &s), vec![la(8, 0, None)]);
    }

    #[test]
    fn earlier_lines_of_the_same_item_take_stock_and_receipts_first() {
        // Item 1: 10 on hand, 4 reserved → 6 available. Receipts: 5 on the
        // 10th, 10 on the 20th (cumulative 5, 15). No placed backorders.
        // Line 0 wants 4: 4 now (2 left).
        // Line 1 wants 5: 2 now, 3 backordered; demand 3 ≤ 5 → 10th.
        // Line 2 (item 2, no stock row) wants 1: backordered, unknown.
        // Line 3 wants 6: 0 now, 6 backordered; demand 9 > 5, ≤ 15 → 20th.
        // Line 4 wants 7: 7 backordered; demand 16 > 15 → unknown.
        let s = map(vec![stock(1, 10, 4, &[(20, 10), (10, 5)], 0)]);
        let got = allocate(&[(1, 4), (1, 5), (2, 1), (1, 6), (1, 7)], &s);
        assert_eq!(
            got,
            vec![
                la(4, 0, None),
                la(2, 3, Some(d(10))),
                la(0, 1, None),
                la(0, 6, Some(d(20))),
                la(0, 7, None),
            ]
        );
    }

    #[test]
    fn placed_backorders_take_receipts_before_this_order() {
        // 0 available; receipts 6 on the 6th and 75 on the 28th (cumulative
        // 6, 81); placed orders have 5 backordered. Wanting 2: demand 7 > 6
        // → the 28th. Without the placed backorders it would be the 6th.
        let s = map(vec![stock(7, 3, 3, &[(6, 6), (28, 75)], 5)]);
        assert_eq!(allocate(&[(7, 2)], &s), vec![la(0, 2, Some(d(28)))]);
        let s = map(vec![stock(7, 3, 3, &[(6, 6), (28, 75)], 0)]);
        assert_eq!(allocate(&[(7, 2)], &s), vec![la(0, 2, Some(d(6)))]);
    }

    #[test]
    fn exact_cover_uses_that_receipt() {
        // 1 available, receipt of exactly 4 on the 9th: 5 wanted → 1 now,
        // 4 backordered, demand 4 == 4 → the 9th; one more is unknown.
        let s = map(vec![stock(3, 1, 0, &[(9, 4)], 0)]);
        assert_eq!(
            allocate(&[(3, 5), (3, 1)], &s),
            vec![la(1, 4, Some(d(9))), la(0, 1, None)]
        );
    }

    #[test]
    fn over_reserved_counts_as_nothing_available() {
        // Reserved above on hand (should not happen; the schema forbids it)
        // must not make availability negative or promise anything.
        let s = map(vec![stock(1, 2, 5, &[], 0)]);
        assert_eq!(allocate(&[(1, 3)], &s), vec![la(0, 3, None)]);
    }

    #[test]
    fn changed_lines_names_each_difference() {
        let seen = vec![la(2, 0, None), la(1, 2, Some(d(6))), la(0, 1, None)];
        let mut now = seen.clone();
        assert!(changed_lines(&seen, &now).is_empty());
        now[1].due = Some(d(28));
        assert_eq!(changed_lines(&seen, &now), vec![1]);
        now.pop();
        assert_eq!(changed_lines(&seen, &now), vec![1, 2]);
    }

    #[test]
    fn no_lines_no_answers() {
        assert!(allocate(&[], &HashMap::new()).is_empty());
    }

    fn arb_stock(item_id: i64) -> impl Strategy<Value = ItemStock> {
        (
            0i64..50,
            0i64..50,
            prop::collection::vec((1u32..28, 1i64..30), 0..4),
            0i64..40,
        )
            .prop_map(move |(on_hand, reserved, receipts, earlier)| {
                let mut receipts: Vec<(NaiveDate, i64)> =
                    receipts.into_iter().map(|(day, q)| (d(day), q)).collect();
                receipts.sort();
                ItemStock {
                    item_id,
                    on_hand,
                    reserved,
                    receipts,
                    earlier_backorders: earlier,
                }
            })
    }

    fn arb_case() -> impl Strategy<Value = (HashMap<i64, ItemStock>, Vec<(i64, u32)>)> {
        (
            prop::collection::vec(arb_stock(0), 3),
            prop::collection::vec((0i64..4, 1u32..40), 0..12),
        )
            .prop_map(|(stocks, lines)| {
                // Items 0..3 have stock rows; item 3 has none.
                let stocks = stocks
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut s)| {
                        s.item_id = i as i64;
                        (s.item_id, s)
                    })
                    .collect();
                (stocks, lines)
            })
    }

    proptest! {
        #[test]
        fn never_promises_more_than_available((stock, lines) in arb_case()) {
            let got = allocate(&lines, &stock);
            let mut promised: HashMap<i64, i64> = HashMap::new();
            for ((item, _), a) in lines.iter().zip(&got) {
                *promised.entry(*item).or_default() += i64::from(a.now);
            }
            for (item, total) in promised {
                let available = stock.get(&item).map_or(0, |s| (s.on_hand - s.reserved).max(0));
                prop_assert!(total <= available, "item {item}: promised {total} of {available}");
            }
        }

        #[test]
        fn quantities_are_conserved((stock, lines) in arb_case()) {
            let got = allocate(&lines, &stock);
            prop_assert_eq!(got.len(), lines.len());
            for ((_, qty), a) in lines.iter().zip(&got) {
                prop_assert_eq!(a.now + a.backordered, *qty);
                prop_assert_eq!(a.due.is_some() && a.backordered == 0, false);
            }
        }

        #[test]
        fn due_dates_never_go_back_within_an_item((stock, lines) in arb_case()) {
            let got = allocate(&lines, &stock);
            // Rank: a date, or unknown (latest); only backordered lines have one.
            let mut last: HashMap<i64, (bool, Option<NaiveDate>)> = HashMap::new();
            for ((item, _), a) in lines.iter().zip(&got) {
                if a.backordered == 0 {
                    continue;
                }
                let rank = (a.due.is_none(), a.due);
                if let Some(prev) = last.get(item) {
                    prop_assert!(*prev <= rank, "item {item}: {prev:?} then {rank:?}");
                }
                last.insert(*item, rank);
            }
        }

        #[test]
        fn enough_stock_means_no_backorder((stock, lines) in arb_case()) {
            let got = allocate(&lines, &stock);
            let mut left: HashMap<i64, i64> = stock
                .iter()
                .map(|(id, s)| (*id, (s.on_hand - s.reserved).max(0)))
                .collect();
            for ((item, qty), a) in lines.iter().zip(&got) {
                let avail = left.entry(*item).or_insert(0);
                if i64::from(*qty) <= *avail {
                    prop_assert_eq!(a.backordered, 0);
                    prop_assert_eq!(a.due, None);
                } else {
                    // Short: everything left is used, the rest backordered.
                    prop_assert_eq!(i64::from(a.now), *avail);
                }
                *avail -= i64::from(a.now);
            }
        }

        #[test]
        fn a_dated_backorder_is_covered_by_receipts((stock, lines) in arb_case()) {
            let got = allocate(&lines, &stock);
            let mut demand: HashMap<i64, i64> = stock
                .iter()
                .map(|(id, s)| (*id, s.earlier_backorders))
                .collect();
            for ((item, _), a) in lines.iter().zip(&got) {
                let dm = demand.entry(*item).or_insert(0);
                *dm += i64::from(a.backordered);
                if a.backordered == 0 {
                    continue;
                }
                // Sum of the receipts whose date passes `keep`.
                let by = |keep: &dyn Fn(NaiveDate) -> bool| -> i64 {
                    stock.get(item).map_or(0, |s| {
                        s.receipts.iter().filter(|(d, _)| keep(*d)).map(|(_, q)| q).sum()
                    })
                };
                match a.due {
                    // Covered by that date, and not by any earlier date.
                    Some(due) => {
                        prop_assert!(by(&|d| d <= due) >= *dm);
                        prop_assert!(by(&|d| d < due) < *dm);
                    }
                    None => prop_assert!(by(&|_| true) < *dm),
                }
            }
        }
    }
}
