//! A separate backorder order is priced as one order with the main order,
//! then split (docs/design.md, "Separate order"): promotions, thresholds,
//! coupons and the amount off are decided on the whole, and every amount
//! of the whole is shared out so the parts add up to it exactly, so
//! choosing a separate order never changes what the customer pays.
//!
//! How each amount is shared:
//! - a line's list and charged amounts and its tax by the quantity each
//!   part holds of it, in whole minor units by the largest remainder
//!   ([`spread`]); its discount by what each share is worth (so no share
//!   goes below zero), then told apart into item and order level, and each
//!   item discount shared so that, per part, the discounts add up to the
//!   part's item discount, and per discount to the whole's;
//! - a shipment belongs to one part, whole (charge, tax, override);
//! - order discounts and amounts off the subtotal: each part's share is
//!   what its lines carry of the order-level discount, told apart per
//!   discount the same two-way exact way;
//! - taxes per ship-to: each part's base and amount are those of its lines
//!   and shipments; free shipping: what the part's free shipments waived;
//! - price overrides go with their line (the part's list amount minus its
//!   charged amount), shipping overrides with their shipment, both
//!   renumbered within the part;
//! - coupon outcomes and notes describe the whole and go on the main order
//!   (the first part), which is the one that redeems the coupons.

use crate::domain::money::Currency;
use crate::domain::order::Order;
use crate::domain::parts::Part;
use crate::domain::planning::Plan;
use crate::domain::pricing::{
    spread, AppliedAdjustment, Breakdown, Discount, LineAmount, ShipmentCharge, TaxAmount,
};
use crate::domain::shipping::TaxRate;
use rust_decimal::Decimal;

/// One part as the split sees it, in terms of the whole order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartShape {
    /// Per line of the part, in its order: (line index in the whole order,
    /// quantity this part holds).
    pub lines: Vec<(usize, u32)>,
    /// Per shipment of the part, in its order: index into the whole
    /// breakdown's shipments.
    pub shipments: Vec<usize>,
}

/// The shapes of `parts` (from [`crate::domain::parts::split`]) against
/// `plan`, whose shipments are those the whole breakdown was priced with:
/// each part shipment is matched to the plan shipment it came from.
pub fn shapes(plan: &Plan, parts: &[Part]) -> Vec<PartShape> {
    let mut taken = vec![false; plan.shipments.len()];
    parts
        .iter()
        .map(|part| {
            let lines = part
                .source_lines
                .iter()
                .zip(&part.order.lines)
                .map(|(i, l)| (*i, l.quantity))
                .collect();
            let shipments = part
                .shipments
                .iter()
                .filter_map(|s| {
                    let whole_lines: Vec<(usize, u32)> = s
                        .lines
                        .iter()
                        .filter_map(|(l, q)| part.source_lines.get(*l).map(|i| (*i, *q)))
                        .collect();
                    let j = plan.shipments.iter().enumerate().position(|(j, w)| {
                        !taken[j]
                            && w.ship_to == s.ship_to
                            && w.date == s.date
                            && w.lines == whole_lines
                    })?;
                    taken[j] = true;
                    Some(j)
                })
                .collect();
            PartShape { lines, shipments }
        })
        .collect()
}

/// Splits `whole`, the breakdown of `order` (with every planned shipment
/// of every part), into one breakdown per part of `parts`. `ship_to_tax`
/// is what `whole` was priced with. Every amount of the parts adds up to
/// the whole's exactly; lines and shipments no part holds are left out
/// (they are worth nothing when `order` has the placed quantities).
pub fn split(
    order: &Order,
    ship_to_tax: &[Option<TaxRate>],
    whole: &Breakdown,
    parts: &[PartShape],
) -> Vec<Breakdown> {
    let cur = whole.currency;
    // Per whole line: its amounts, each shared over the parts holding it.
    let mut line_parts: Vec<Vec<Option<LineAmount>>> =
        vec![vec![None; whole.lines.len()]; parts.len()];
    for (i, w) in whole.lines.iter().enumerate() {
        let holders: Vec<(usize, usize, u32)> = parts
            .iter()
            .enumerate()
            .flat_map(|(p, s)| {
                s.lines
                    .iter()
                    .enumerate()
                    .filter(move |(_, (l, _))| *l == i)
                    .map(move |(k, (_, q))| (p, k, *q))
            })
            .collect();
        if holders.is_empty() {
            continue;
        }
        let q: Vec<Decimal> = holders.iter().map(|h| Decimal::from(h.2)).collect();
        let by_qty = |x: Decimal| spread(x, &q, cur);
        let (list, amount, tax) = (by_qty(w.list_amount), by_qty(w.amount), by_qty(w.tax));
        // The discount by what each share is worth, so no share of a line
        // is discounted below zero; then told apart into item and order
        // level, and the item level per promotion.
        let discount = spread(w.discount, &amount, cur);
        let kinds = share_rows(&[w.item_discount, w.order_discount], &discount, cur);
        let item: Vec<Decimal> = kinds.iter().map(|k| k[0]).collect();
        let order_level: Vec<Decimal> = kinds.iter().map(|k| k[1]).collect();
        let rows: Vec<Decimal> = w.discounts.iter().map(|d| d.amount).collect();
        let per_discount = share_rows(&rows, &item, cur);
        for (h, (p, k, _)) in holders.iter().enumerate() {
            let discounts = w
                .discounts
                .iter()
                .zip(&per_discount[h])
                .filter(|(_, a)| !a.is_zero())
                .map(|(d, a)| Discount {
                    amount: *a,
                    ..d.clone()
                })
                .collect();
            line_parts[*p][i] = Some(LineAmount {
                line_no: k + 1,
                list_amount: list[h],
                unit_price: w.unit_price,
                net: w.net,
                amount: amount[h],
                discounts,
                item_discount: item[h],
                order_discount: order_level[h],
                discount: discount[h],
                total: amount[h] - discount[h],
                tax: tax[h],
            });
        }
    }

    // Order discounts and amounts off the subtotal, per part: what its
    // lines carry of the order level, told apart per discount.
    let subtotal_adjustments: Vec<&AppliedAdjustment> = whole
        .adjustments
        .iter()
        .filter(|a| a.kind == "subtotal")
        .collect();
    let rows: Vec<Decimal> = whole
        .order_discounts
        .iter()
        .map(|d| d.amount)
        .chain(subtotal_adjustments.iter().map(|a| a.amount))
        .collect();
    let columns: Vec<Decimal> = line_parts
        .iter()
        .map(|lines| sum(cur, lines.iter().flatten().map(|l| l.order_discount)))
        .collect();
    let order_level = share_rows(&rows, &columns, cur);

    parts
        .iter()
        .enumerate()
        .map(|(p, shape)| {
            let mut lines: Vec<LineAmount> = Vec::new();
            for (i, _) in &shape.lines {
                if let Some(Some(l)) = line_parts[p].get(*i) {
                    lines.push(l.clone());
                }
            }
            let shipments: Vec<ShipmentCharge> = shape
                .shipments
                .iter()
                .filter_map(|j| whole.shipments.get(*j))
                .map(|s| ShipmentCharge {
                    lines: s
                        .lines
                        .iter()
                        .filter_map(|(i, q)| {
                            shape
                                .lines
                                .iter()
                                .position(|(l, _)| l == i)
                                .map(|k| (k, *q))
                        })
                        .collect(),
                    ..s.clone()
                })
                .collect();
            let n = whole.order_discounts.len();
            let order_discounts: Vec<Discount> = whole
                .order_discounts
                .iter()
                .zip(&order_level[p][..n])
                .filter(|(_, a)| !a.is_zero())
                .map(|(d, a)| Discount {
                    amount: *a,
                    ..d.clone()
                })
                .collect();
            let order_discount_total = sum(cur, order_level[p][..n].iter().copied());
            let adjustment_total = sum(cur, order_level[p][n..].iter().copied());
            let adjustments = part_adjustments(whole, shape, &lines, &order_level[p][n..]);
            let taxes = part_taxes(order, ship_to_tax, whole, shape, &lines, &shipments);
            let free_shipping = whole.free_shipping.as_ref().and_then(|f| {
                let free: Vec<&ShipmentCharge> = shipments
                    .iter()
                    .filter(|s| s.free_shipping.is_some())
                    .collect();
                (!free.is_empty()).then(|| Discount {
                    amount: sum(
                        cur,
                        free.iter()
                            .filter(|s| s.override_amount.is_none())
                            .map(|s| s.computed),
                    ),
                    ..f.clone()
                })
            });
            let merchandise = sum(cur, lines.iter().map(|l| l.amount));
            let item_discount_total = sum(cur, lines.iter().map(|l| l.item_discount));
            let discount_total = item_discount_total + order_discount_total + adjustment_total;
            let subtotal = merchandise - discount_total;
            let shipping_total = sum(cur, shipments.iter().map(|s| s.charge));
            let tax_total = sum(cur, taxes.iter().map(|t| t.amount));
            let main = p == 0;
            Breakdown {
                currency: cur,
                lines,
                merchandise,
                item_discount_total,
                subtotal_after_item_discounts: merchandise - item_discount_total,
                order_discounts,
                order_discount_total,
                adjustment_total,
                discount_total,
                subtotal,
                shipments,
                free_shipping,
                shipping_total,
                taxes,
                tax_total,
                grand_total: cur.round(subtotal + shipping_total + tax_total),
                adjustments,
                coupons: if main {
                    whole.coupons.clone()
                } else {
                    Vec::new()
                },
                notes: if main {
                    whole.notes.clone()
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

/// Σ `values`, with the currency's decimals even when there are none.
fn sum(cur: Currency, values: impl Iterator<Item = Decimal>) -> Decimal {
    values.fold(cur.round(Decimal::ZERO), |a, b| a + b)
}

/// Shares each row amount over the columns so that both add up exactly:
/// result[c][r] sums over c to `rows[r]` and over r to `columns[c]`
/// (Σ rows = Σ columns, all ≥ 0). Each column but the last takes its total
/// in proportion to what is left of each row, never more than is left;
/// the last takes the rest.
fn share_rows(rows: &[Decimal], columns: &[Decimal], cur: Currency) -> Vec<Vec<Decimal>> {
    let mut left: Vec<Decimal> = rows.iter().map(|r| cur.round(*r)).collect();
    let mut out = Vec::with_capacity(columns.len());
    for (c, total) in columns.iter().enumerate() {
        if c + 1 == columns.len() {
            out.push(left.clone());
            break;
        }
        let take = if rows.is_empty() {
            Vec::new()
        } else {
            spread(*total, &left, cur)
        };
        for (l, t) in left.iter_mut().zip(&take) {
            *l -= *t;
        }
        out.push(take);
    }
    out
}

/// The whole's adjustments as one part carries them: price overrides of
/// its lines (what they took off this part's quantity), overrides of its
/// shipments, and its shares of the amounts off the subtotal.
fn part_adjustments(
    whole: &Breakdown,
    shape: &PartShape,
    lines: &[LineAmount],
    subtotal_shares: &[Decimal],
) -> Vec<AppliedAdjustment> {
    let target = |t: &str| t.parse::<usize>().ok().and_then(|n| n.checked_sub(1));
    let mut shares = subtotal_shares.iter();
    whole
        .adjustments
        .iter()
        .filter_map(|a| match a.kind.as_str() {
            "price_override" => {
                let k = shape
                    .lines
                    .iter()
                    .position(|(l, _)| Some(*l) == target(&a.target))?;
                let l = lines.get(k)?;
                Some(AppliedAdjustment {
                    target: (k + 1).to_string(),
                    amount: l.list_amount - l.amount,
                    ..a.clone()
                })
            }
            "shipping_override" => {
                let k = shape
                    .shipments
                    .iter()
                    .position(|j| Some(*j) == target(&a.target))?;
                Some(AppliedAdjustment {
                    target: (k + 1).to_string(),
                    ..a.clone()
                })
            }
            "subtotal" => {
                let amount = *shares.next()?;
                (!amount.is_zero()).then(|| AppliedAdjustment {
                    amount,
                    ..a.clone()
                })
            }
            _ => Some(a.clone()),
        })
        .collect()
}

/// Per ship-to taxed in the whole: this part's base (its taxable lines'
/// totals, and its shipments' charges where the region taxes shipping)
/// and the tax its lines and shipments carry.
fn part_taxes(
    order: &Order,
    ship_to_tax: &[Option<TaxRate>],
    whole: &Breakdown,
    shape: &PartShape,
    lines: &[LineAmount],
    shipments: &[ShipmentCharge],
) -> Vec<TaxAmount> {
    let cur = whole.currency;
    whole
        .taxes
        .iter()
        .filter_map(|t| {
            let taxes_shipping = ship_to_tax
                .get(t.ship_to)
                .and_then(Option::as_ref)
                .is_some_and(|r| r.taxes_shipping);
            let taxed_lines: Vec<&LineAmount> = shape
                .lines
                .iter()
                .zip(lines)
                .filter(|((i, _), _)| {
                    order
                        .lines
                        .get(*i)
                        .is_some_and(|l| l.ship_to == t.ship_to && l.taxable)
                })
                .map(|(_, l)| l)
                .collect();
            let taxed_shipments: Vec<&ShipmentCharge> = shipments
                .iter()
                .filter(|s| taxes_shipping && s.ship_to == t.ship_to)
                .collect();
            if taxed_lines.is_empty() && taxed_shipments.is_empty() {
                return None;
            }
            Some(TaxAmount {
                base: sum(
                    cur,
                    taxed_lines
                        .iter()
                        .map(|l| l.total)
                        .chain(taxed_shipments.iter().map(|s| s.charge)),
                ),
                amount: sum(
                    cur,
                    taxed_lines
                        .iter()
                        .map(|l| l.tax)
                        .chain(taxed_shipments.iter().map(|s| s.tax)),
                ),
                ..t.clone()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::{Address, Line, ShipTo};
    use crate::domain::pricing::{price, PricingContext, ShipmentInput};
    use crate::domain::shipping::Rate;
    use rust_decimal_macros::dec;

    #[test]
    fn rows_and_columns_both_add_up() {
        // 3 discounts of a line over parts holding 0.07 and 0.04 of it.
        let rows = [dec!(0.05), dec!(0.03), dec!(0.03)];
        let cols = [dec!(0.07), dec!(0.04)];
        let m = share_rows(&rows, &cols, Currency::USD);
        for (c, col) in cols.iter().enumerate() {
            assert_eq!(m[c].iter().copied().sum::<Decimal>(), *col);
        }
        for (r, row) in rows.iter().enumerate() {
            assert_eq!(m[0][r] + m[1][r], *row);
            assert!(m[0][r] >= Decimal::ZERO && m[1][r] >= Decimal::ZERO);
        }
    }

    /// One line of 3 at 10.00 with 10% off the order, one shipment per
    /// unit; one part takes 2 units (2 shipments), the other 1.
    #[test]
    fn a_line_split_by_quantity_keeps_its_shipments_whole() {
        let mut o = Order::new("t".into(), Currency::USD);
        o.ship_tos.push(ShipTo {
            address: Address::default(),
            method: Some("GROUND".into()),
        });
        o.lines.push(Line {
            item_id: 1,
            sku: "S1".into(),
            name: "x".into(),
            quantity: 3,
            unit_price: dec!(10.00),
            weight_grams: 0,
            taxable: true,
            ship_to: 0,
        });
        let promo = crate::domain::promotion::Promotion::from_row(
            "P",
            "10% off",
            "order_percent",
            None,
            None,
            r#"{"percent":"10","threshold":{"USD":"0.00"}}"#,
            true,
            true,
            None,
            None,
        )
        .expect("promotion");
        let tax = Some(TaxRate {
            name: "T".into(),
            rate: dec!(0.0625),
            taxes_shipping: true,
        });
        let ctx = PricingContext {
            ship_to_rates: vec![Some(Rate {
                base: dec!(1.00),
                per_item: Decimal::ZERO,
                per_kg: Decimal::ZERO,
            })],
            ship_to_tax: vec![tax],
            promotions: vec![promo],
            shipments: Some(
                (0..3)
                    .map(|_| ShipmentInput {
                        ship_to: 0,
                        lines: vec![(0, 1)],
                    })
                    .collect(),
            ),
            ..PricingContext::default()
        };
        // 30.00 - 3.00 = 27.00; shipping 3 x 1.00; tax 6.25% of 30.00 = 1.875 -> 1.88
        let whole = price(&o, &ctx);
        assert_eq!(whole.grand_total, dec!(31.88));
        let parts = [
            PartShape {
                lines: vec![(0, 2)],
                shipments: vec![0, 1],
            },
            PartShape {
                lines: vec![(0, 1)],
                shipments: vec![2],
            },
        ];
        let b = split(&o, &ctx.ship_to_tax, &whole, &parts);
        // 20.00 - 2.00 = 18.00 + 2.00 shipping; 1, 1 and 1 of 3 units.
        assert_eq!(b[0].lines[0].amount, dec!(20.00));
        assert_eq!(b[0].order_discounts[0].amount, dec!(2.00));
        assert_eq!(b[0].shipping_total, dec!(2.00));
        assert_eq!(b[1].lines[0].amount, dec!(10.00));
        assert_eq!(b[1].shipments[0].lines, vec![(0, 1)]);
        assert_eq!(b[0].grand_total + b[1].grand_total, dec!(31.88));
        assert_eq!(b[0].taxes[0].base + b[1].taxes[0].base, whole.taxes[0].base);
        assert!(b[1].notes.is_empty() && b[1].coupons.is_empty());
    }

    #[test]
    fn one_part_holding_everything_is_the_whole() {
        let mut o = Order::new("t".into(), Currency::JPY);
        o.ship_tos.push(ShipTo {
            address: Address::default(),
            method: None,
        });
        for (id, q) in [(1, 2), (2, 5)] {
            o.lines.push(Line {
                item_id: id,
                sku: format!("S{id}"),
                name: "x".into(),
                quantity: q,
                unit_price: dec!(1990),
                weight_grams: 0,
                taxable: id == 1,
                ship_to: 0,
            });
        }
        let ctx = PricingContext {
            ship_to_rates: vec![None],
            ship_to_tax: vec![Some(TaxRate {
                name: "Japan".into(),
                rate: dec!(0.10),
                taxes_shipping: true,
            })],
            ..PricingContext::default()
        };
        let whole = price(&o, &ctx);
        let all = PartShape {
            lines: vec![(0, 2), (1, 5)],
            shipments: vec![0],
        };
        assert_eq!(split(&o, &ctx.ship_to_tax, &whole, &[all]), vec![whole]);
    }
}
