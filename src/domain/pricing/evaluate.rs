//! Steps 3-8 for one set of promotions: order promotions, coupons,
//! operator adjustments, shipping and tax.

use super::base::Base;
use super::candidate::Candidate;
use super::items::item_stage;
use super::{spread, AppliedAdjustment, Breakdown, LineAmount, PricingContext, TaxAmount};
use crate::domain::adjustment::AdjustmentKind;
use crate::domain::order::Order;
use crate::domain::promotion::{check_coupon_spend, PromotionKind};
use rust_decimal::Decimal;

/// The breakdown with one set of promotions, and what became of its coupons.
pub(super) struct Eval {
    pub(super) b: Breakdown,
    /// Coupons of the set that failed their spend checks, with the reason.
    pub(super) spend_refused: Vec<(String, String)>,
}

pub(super) fn evaluate(
    order: &Order,
    ctx: &PricingContext,
    base: &Base,
    set: &[Candidate],
) -> Eval {
    let cur = order.currency;
    let zero = cur.round(Decimal::ZERO);
    let mut active: Vec<Candidate> = set.to_vec();
    let mut spend_refused = Vec::new();
    // Coupons whose minimum spend is not met drop out; dropping one can
    // only raise the subtotal, so this ends within one pass per coupon.
    let (work, after_items) = loop {
        let work = item_stage(order, ctx, base, &active);
        let after: Decimal = base
            .amount
            .iter()
            .zip(&work)
            .map(|(a, w)| *a - w.item_discount)
            .sum::<Decimal>()
            + zero;
        let failing: Vec<usize> = active
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let coupon = c.coupon?;
                check_coupon_spend(coupon, after, cur).err().map(|e| {
                    spend_refused.push((coupon.code.clone(), e));
                    i
                })
            })
            .collect();
        if failing.is_empty() {
            break (work, after);
        }
        for i in failing.into_iter().rev() {
            active.remove(i);
        }
    };

    // Steps 3-4: automatic order promotions come first in `active`, then
    // coupons, each in the context's order.
    let mut notes = Vec::new();
    let frees = |c: &Candidate, ship_to: usize| {
        let method = ctx.ship_to_methods.get(ship_to).and_then(Option::as_deref);
        c.promo.frees_method(method)
    };
    let mut running = after_items;
    let mut order_discounts = Vec::new();
    let mut free: Option<&Candidate> = None;
    for c in active.iter().filter(|c| !c.promo.is_item_level()) {
        let Some(threshold) = c.promo.threshold_in(cur) else {
            continue;
        };
        if after_items < threshold {
            continue;
        }
        let d = match &c.promo.kind {
            PromotionKind::OrderPercent { percent, .. } => {
                cur.round(running * *percent / Decimal::ONE_HUNDRED)
            }
            PromotionKind::OrderAmount { amount, .. } => match amount.get(&cur) {
                Some(a) => cur.round(*a),
                None => continue,
            },
            // The first that frees a shipment of this order applies.
            PromotionKind::FreeShipping { .. } => {
                if free.is_none() && base.shipments.iter().any(|s| frees(c, s.ship_to)) {
                    free = Some(c);
                }
                continue;
            }
            _ => continue,
        };
        let d = d.min(running).max(zero);
        if d > zero {
            running -= d;
            order_discounts.push(c.discount(d));
        }
    }
    let order_discount_total = after_items - running;

    // Step 5: operator amounts off the subtotal; step 6 overrides below.
    let mut adjustments = Vec::new();
    let mut adjustment_total = zero;
    let mut shipments = base.shipments.clone();
    let mut waived = zero;
    if let Some(c) = free {
        // Shipments by other methods keep their charge.
        for s in shipments.iter_mut().filter(|s| frees(c, s.ship_to)) {
            s.free_shipping = Some(c.name.to_string());
            s.charge = zero;
            waived += s.computed;
        }
    }
    let mut overridden_waived = zero;
    for (a, adj) in ctx.adjustments.iter().enumerate() {
        match &adj.kind {
            AdjustmentKind::PriceOverride { .. } => {
                if let Some(applied) = &base.price_overrides[a] {
                    adjustments.push(applied.clone());
                }
            }
            AdjustmentKind::SubtotalOff { amount } => {
                let mut off = cur.round(*amount).max(zero);
                if off > running {
                    notes.push(format!(
                        "amount off the subtotal cut from {} to {}: the subtotal cannot go below zero",
                        cur.format(off),
                        cur.format(running)
                    ));
                    off = running;
                }
                running -= off;
                adjustment_total += off;
                adjustments.push(AppliedAdjustment {
                    kind: adj.kind.code().into(),
                    target: String::new(),
                    reason_code: adj.reason_code.clone(),
                    operator: adj.operator.clone(),
                    approval: adj.approval.clone(),
                    made_at: adj.made_at.clone(),
                    amount: off,
                });
            }
            AdjustmentKind::ShippingOverride { shipment, amount } => {
                let Some(s) = shipments.get_mut(*shipment) else {
                    notes.push(format!(
                        "shipping override ignored: there is no shipment {}",
                        shipment + 1
                    ));
                    continue;
                };
                let new = cur.round(*amount).max(zero);
                let before = if s.free_shipping.is_some() {
                    zero
                } else {
                    s.computed
                };
                // A later override of the same shipment replaces the earlier.
                let target = adj.kind.target();
                adjustments.retain(|e: &AppliedAdjustment| {
                    !(e.kind == "shipping_override" && e.target == target)
                });
                if s.override_amount.is_none() && s.free_shipping.is_some() {
                    overridden_waived += s.computed;
                }
                s.override_amount = Some(new);
                s.charge = new;
                adjustments.push(AppliedAdjustment {
                    kind: adj.kind.code().into(),
                    target,
                    reason_code: adj.reason_code.clone(),
                    operator: adj.operator.clone(),
                    approval: adj.approval.clone(),
                    made_at: adj.made_at.clone(),
                    amount: before - new,
                });
            }
        }
    }
    let free_shipping = free.map(|c| c.discount(waived - overridden_waived));

    // Order-level discounts and adjustments spread over the lines by what
    // each line is worth after its item discounts.
    let weights: Vec<Decimal> = base
        .amount
        .iter()
        .zip(&work)
        .map(|(a, w)| *a - w.item_discount)
        .collect();
    let order_level = order_discount_total + adjustment_total;
    let shares = spread(order_level, &weights, cur);
    let mut lines: Vec<LineAmount> = work
        .into_iter()
        .enumerate()
        .map(|(i, w)| {
            let discount = w.item_discount + shares[i];
            LineAmount {
                line_no: i + 1,
                list_amount: base.list_amount[i],
                unit_price: base.unit[i],
                net: base.net[i],
                amount: base.amount[i],
                discounts: w.discounts,
                item_discount: w.item_discount,
                order_discount: shares[i],
                discount,
                total: base.amount[i] - discount,
                tax: zero,
            }
        })
        .collect();

    // Step 7: tax per ship-to, spread over its lines and shipments.
    let mut taxes = Vec::new();
    for (s, tax) in ctx.ship_to_tax.iter().enumerate() {
        let Some(tax) = tax else { continue };
        let line_ix: Vec<usize> = order
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.ship_to == s && l.taxable)
            .map(|(i, _)| i)
            .collect();
        let ship_ix: Vec<usize> = if tax.taxes_shipping {
            (0..shipments.len())
                .filter(|n| shipments[*n].ship_to == s)
                .collect()
        } else {
            Vec::new()
        };
        let mut weights: Vec<Decimal> = line_ix.iter().map(|i| lines[*i].total).collect();
        weights.extend(ship_ix.iter().map(|n| shipments[*n].charge));
        let taxable: Decimal = weights.iter().copied().sum::<Decimal>() + zero;
        let amount = cur.round(taxable * tax.rate).max(zero);
        if amount.is_zero() {
            continue;
        }
        let parts = spread(amount, &weights, cur);
        for (k, i) in line_ix.iter().enumerate() {
            lines[*i].tax = parts[k];
        }
        for (k, n) in ship_ix.iter().enumerate() {
            shipments[*n].tax = parts[line_ix.len() + k];
        }
        taxes.push(TaxAmount {
            ship_to: s,
            name: tax.name.clone(),
            rate: tax.rate,
            base: taxable,
            amount,
        });
    }

    let merchandise: Decimal = lines.iter().map(|l| l.amount).sum::<Decimal>() + zero;
    let item_discount_total: Decimal =
        lines.iter().map(|l| l.item_discount).sum::<Decimal>() + zero;
    let discount_total = item_discount_total + order_discount_total + adjustment_total;
    let shipping_total: Decimal = shipments.iter().map(|s| s.charge).sum::<Decimal>() + zero;
    let tax_total: Decimal = taxes.iter().map(|t| t.amount).sum::<Decimal>() + zero;
    let subtotal = merchandise - discount_total;
    Eval {
        b: Breakdown {
            currency: cur,
            lines,
            merchandise,
            item_discount_total,
            subtotal_after_item_discounts: after_items,
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
            coupons: Vec::new(),
            notes,
        },
        spend_refused,
    }
}
