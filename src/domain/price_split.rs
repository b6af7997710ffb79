//! A separate backorder order is priced as one order with the main order,
//! then split (docs/design.md, "Separate order"): promotions, thresholds,
//! coupons and the amount off are decided on the whole, and every amount
//! of the whole is shared out so the parts add up to it exactly, so
//! choosing a separate order never changes what the customer pays.
//!
//! How each amount is shared:
//! - a line's amounts (list, charged, item discounts, order-level share,
//!   tax) by the quantity each part holds of it, in whole minor units by
//!   the largest remainder ([`spread`]); each item discount of the line is
//!   then shared so that, per part, the discounts add up to the part's
//!   share of the line's item discount, and per discount to the whole;
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
        let (list, amount, item, order_level, tax) = (
            by_qty(w.list_amount),
            by_qty(w.amount),
            by_qty(w.item_discount),
            by_qty(w.order_discount),
            by_qty(w.tax),
        );
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
            let discount = item[h] + order_level[h];
            line_parts[*p][i] = Some(LineAmount {
                line_no: k + 1,
                list_amount: list[h],
                unit_price: w.unit_price,
                amount: amount[h],
                discounts,
                item_discount: item[h],
                order_discount: order_level[h],
                discount,
                total: amount[h] - discount,
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
