//! Pricing: one pure function from the order, its promotions, coupons,
//! operator adjustments, shipments and tax rates to a breakdown
//! (docs/design.md). The review screen shows the breakdown and submit
//! stores the same value.
//!
//! Order of operations, as in the design:
//! 1. line amount = unit price × quantity (a price override replaces the
//!    unit price; an overridden line takes no item promotions, because the
//!    operator has set the price the customer pays for it);
//! 2. item promotions, per line in this order: fixed price (the lowest
//!    one), buy N get M (free units at the unit price so far), percents
//!    (each on what is left), amounts off per unit;
//! 3. automatic order promotions, then 4. coupons: thresholds and minimum
//!    spends are compared with the merchandise after item discounts;
//!    percents apply to what is left after the discounts before them;
//! 5. operator amounts off the subtotal, clamped so it never goes below 0;
//! 6. shipping per shipment: computed by its method, free where a
//!    free-shipping promotion applies, replaced by an operator override;
//! 7. tax per ship-to on its taxable lines after all discounts, plus its
//!    shipping where the region taxes shipping;
//! 8. every amount is rounded to the minor unit (half away from zero) where
//!    it is computed; order-level discounts and each ship-to's tax are
//!    spread over lines (and shipments) by the largest-remainder method so
//!    the parts add up exactly to the whole.
//!
//! Combining: promotions marked not combinable apply alone. Pricing tries
//! the set of all combinable promotions together, and each non-combinable
//! one on its own, and keeps the one with the lowest grand total for the
//! customer; on a tie the combinable set wins (then the earlier
//! non-combinable). Whatever is left out is named in `notes` (and, for a
//! coupon, in its [`CouponOutcome`]).

use crate::domain::adjustment::check_adjustment_limit;
use crate::domain::adjustment::{Adjustment, AdjustmentKind};
use crate::domain::money::Currency;
use crate::domain::order::Order;
use crate::domain::promotion::{
    check_coupon_spend, check_coupon_terms, Coupon, Promotion, PromotionKind,
};
use crate::domain::rules::{within_limits, Limits};
use crate::domain::shipping::{Rate, TaxRate};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A shipment as planned elsewhere: its ship-to and (line index, quantity)
/// pairs, line indexes into `Order::lines`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentInput {
    pub ship_to: usize,
    pub lines: Vec<(usize, u32)>,
}

/// What pricing needs besides the order. `Default` prices lines, shipping
/// and tax only (no promotions, 1970-01-01 as today).
#[derive(Debug, Clone, Default)]
pub struct PricingContext {
    /// Per ship-to: its method's rate in the order's currency.
    pub ship_to_rates: Vec<Option<Rate>>,
    /// Per ship-to: its region's tax.
    pub ship_to_tax: Vec<Option<TaxRate>>,
    /// Date ranges of promotions and coupons are checked against this.
    pub today: NaiveDate,
    /// Automatic promotions (others are only reachable through a coupon;
    /// promotions out of their dates are skipped).
    pub promotions: Vec<Promotion>,
    /// Coupons the operator redeemed on this order.
    pub coupons: Vec<Coupon>,
    pub adjustments: Vec<Adjustment>,
    /// item id → its category ids, ancestors included.
    pub item_categories: HashMap<i64, Vec<i64>>,
    /// None: one shipment per ship-to that has lines, with all its lines.
    pub shipments: Option<Vec<ShipmentInput>>,
}

/// One discount as shown and stored: the promotion's code and name, and
/// the coupon that brought it, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discount {
    pub promotion: String,
    pub coupon: Option<String>,
    pub name: String,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAmount {
    pub line_no: usize,
    /// List unit price × quantity.
    #[serde(default)]
    pub list_amount: Decimal,
    /// The unit price charged (the override where there is one).
    #[serde(default)]
    pub unit_price: Decimal,
    /// Unit price charged × quantity: the line's merchandise.
    pub amount: Decimal,
    /// Item promotions on this line, with names.
    #[serde(default)]
    pub discounts: Vec<Discount>,
    #[serde(default)]
    pub item_discount: Decimal,
    /// This line's share of the order-level discounts and subtotal
    /// adjustments.
    #[serde(default)]
    pub order_discount: Decimal,
    /// item_discount + order_discount.
    pub discount: Decimal,
    /// amount − discount.
    pub total: Decimal,
    /// This line's share of its ship-to's tax.
    pub tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentCharge {
    pub ship_to: usize,
    /// (line index, quantity) on this shipment.
    #[serde(default)]
    pub lines: Vec<(usize, u32)>,
    pub items: u64,
    pub grams: u64,
    /// By the method's rate (0 while the rate is unknown).
    #[serde(default)]
    pub computed: Decimal,
    /// Name of the free-shipping promotion that made it free.
    #[serde(default)]
    pub free_shipping: Option<String>,
    /// The operator's override, when there is one.
    #[serde(default)]
    pub override_amount: Option<Decimal>,
    /// What the customer pays for it.
    pub charge: Decimal,
    /// Tax on this charge (where the region taxes shipping).
    #[serde(default)]
    pub tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxAmount {
    pub ship_to: usize,
    pub name: String,
    pub rate: Decimal,
    /// What the rate was applied to.
    #[serde(default)]
    pub base: Decimal,
    pub amount: Decimal,
}

/// An operator adjustment as applied. `amount` is how much it took off
/// (negative where it raised a price); price and shipping overrides are
/// already in the line amounts and shipment charges, subtotal adjustments
/// are in `discount_total`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedAdjustment {
    /// "price_override", "shipping_override" or "subtotal".
    pub kind: String,
    /// 1-based line or shipment number; empty for the subtotal.
    pub target: String,
    pub reason_code: String,
    pub operator: String,
    pub amount: Decimal,
    /// The supervisor's approval, for an adjustment beyond the operator's
    /// limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<crate::domain::operator::Approval>,
    /// When the operator made it (`Adjustment::made_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_at: Option<String>,
}

/// What became of a coupon redeemed on this order. Only applied coupons
/// are to be marked used on submit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponOutcome {
    pub code: String,
    pub applied: bool,
    /// Why it was not applied.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub currency: Currency,
    pub lines: Vec<LineAmount>,
    /// Σ line amounts (after price overrides).
    pub merchandise: Decimal,
    #[serde(default)]
    pub item_discount_total: Decimal,
    /// merchandise − item discounts: what thresholds and minimum spends
    /// are compared with.
    #[serde(default)]
    pub subtotal_after_item_discounts: Decimal,
    /// Order promotions and coupons, in the order they were taken.
    #[serde(default)]
    pub order_discounts: Vec<Discount>,
    #[serde(default)]
    pub order_discount_total: Decimal,
    /// Operator amounts off the subtotal.
    #[serde(default)]
    pub adjustment_total: Decimal,
    /// item + order discounts + subtotal adjustments.
    pub discount_total: Decimal,
    /// merchandise − discount_total.
    #[serde(default)]
    pub subtotal: Decimal,
    pub shipments: Vec<ShipmentCharge>,
    /// The free-shipping promotion applied; amount = computed charges
    /// waived (overridden shipments excluded).
    #[serde(default)]
    pub free_shipping: Option<Discount>,
    pub shipping_total: Decimal,
    pub taxes: Vec<TaxAmount>,
    pub tax_total: Decimal,
    /// merchandise − discount_total + shipping_total + tax_total.
    pub grand_total: Decimal,
    #[serde(default)]
    pub adjustments: Vec<AppliedAdjustment>,
    /// One per coupon in the context, in its order.
    #[serde(default)]
    pub coupons: Vec<CouponOutcome>,
    /// Promotions left out and adjustments clamped or ignored, and why.
    #[serde(default)]
    pub notes: Vec<String>,
}

impl Breakdown {
    /// Every discount once, with its name, for the review screen: item
    /// discounts summed over lines per promotion (first seen first), then
    /// the order discounts.
    pub fn discount_lines(&self) -> Vec<Discount> {
        let mut out: Vec<Discount> = Vec::new();
        for d in self.lines.iter().flat_map(|l| &l.discounts) {
            match out
                .iter_mut()
                .find(|o| o.promotion == d.promotion && o.coupon == d.coupon)
            {
                Some(o) => o.amount += d.amount,
                None => out.push(d.clone()),
            }
        }
        out.extend(self.order_discounts.iter().cloned());
        out
    }
}

/// Splits `total` over `weights` in proportion, in whole minor units of
/// `cur`, by the largest-remainder method: the parts add up exactly to
/// `total`, and no part exceeds its weight when `total` ≤ Σ weights.
/// Ties go to the earlier entry. Negative weights count as zero; with no
/// positive weight the whole goes to the first entry.
pub fn spread(total: Decimal, weights: &[Decimal], cur: Currency) -> Vec<Decimal> {
    let k = cur.minor_units();
    let mut out = vec![cur.round(Decimal::ZERO); weights.len()];
    if weights.is_empty() {
        return out;
    }
    let negative = total.is_sign_negative();
    let t = units(total.abs(), k);
    let mut w: Vec<i128> = weights.iter().map(|x| units(*x, k).max(0)).collect();
    let mut sum: i128 = w.iter().sum();
    if sum == 0 || t == 0 {
        out[0] = cur.round(total);
        return out;
    }
    // Keep t × w within i128; only absurd amounts ever get here.
    while w.iter().any(|wi| wi.checked_mul(t).is_none()) {
        for wi in w.iter_mut() {
            *wi /= 2;
        }
        sum = w.iter().sum();
        if sum == 0 {
            out[0] = cur.round(total);
            return out;
        }
    }
    let mut parts: Vec<i128> = w.iter().map(|wi| t * wi / sum).collect();
    let mut order: Vec<usize> = (0..w.len()).collect();
    // Largest remainder first; sort is stable, so ties keep index order.
    order.sort_by(|a, b| (t * w[*b] % sum).cmp(&(t * w[*a] % sum)));
    let mut left = t - parts.iter().sum::<i128>();
    for i in order.iter().cycle() {
        if left <= 0 {
            break;
        }
        parts[*i] += 1;
        left -= 1;
    }
    for (o, p) in out.iter_mut().zip(parts) {
        let v = Decimal::from_i128_with_scale(if negative { -p } else { p }, k);
        *o = cur.round(v);
    }
    out
}

/// `x` in whole minor units (rounded half away from zero).
fn units(x: Decimal, k: u32) -> i128 {
    let mut r = x.round_dp_with_strategy(k, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    r.rescale(k);
    r.mantissa()
}

/// Checks a new adjustment against the order as `current` prices it now
/// (with the adjustments already made): the target exists, the amount
/// makes sense, and the operator's limit holds. A price or shipping
/// override is measured against the price without any override; subtotal
/// adjustments are limited together (the new one plus those already made).
/// Setting a shipping charge to zero is a waiver: the permission and limit
/// of its own ([`within_limits`]), not a 100 % adjustment.
pub fn check_adjustment(
    adj: &Adjustment,
    order: &Order,
    current: &Breakdown,
    limits: &Limits,
) -> Result<(), String> {
    let (limit_amount, limit_percent) = (limits.amount, limits.percent);
    let cur = order.currency;
    if adj.reason_code.trim().is_empty() {
        return Err("choose a reason for the adjustment".into());
    }
    if adj.operator.trim().is_empty() {
        return Err("an adjustment needs the operator who makes it".into());
    }
    let decimals = |amount: Decimal| -> Result<(), String> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err("an amount cannot be negative".into());
        }
        if amount.normalize().scale() > cur.minor_units() {
            return Err(match cur.minor_units() {
                0 => format!("{cur} has no decimals"),
                n => format!("{cur} has {n} decimals at most"),
            });
        }
        Ok(())
    };
    match &adj.kind {
        AdjustmentKind::PriceOverride { line, unit_price } => {
            let l = order
                .lines
                .get(*line)
                .ok_or_else(|| format!("there is no line {}", line + 1))?;
            decimals(*unit_price)?;
            let qty = Decimal::from(l.quantity);
            let list = cur.round(l.unit_price * qty);
            let off = list - cur.round(*unit_price * qty);
            check_adjustment_limit(off, list, limit_amount, limit_percent)
                .map_err(|e| format!("line {}: {e}", line + 1))
        }
        AdjustmentKind::ShippingOverride { shipment, amount } => {
            let s = current
                .shipments
                .get(*shipment)
                .ok_or_else(|| format!("there is no shipment {}", shipment + 1))?;
            decimals(*amount)?;
            let before = if s.free_shipping.is_some() {
                cur.round(Decimal::ZERO)
            } else {
                s.computed
            };
            let waiver = amount.is_zero() && before > Decimal::ZERO;
            within_limits(limits, before - *amount, before, waiver)
                .map_err(|e| format!("shipment {}: {e}", shipment + 1))
        }
        AdjustmentKind::SubtotalOff { amount } => {
            decimals(*amount)?;
            if amount.is_zero() {
                return Err("enter an amount over zero".into());
            }
            let before = current.subtotal + current.adjustment_total;
            let off = current.adjustment_total + *amount;
            if off > before {
                return Err(format!(
                    "the subtotal cannot go below zero: at most {} more can come off",
                    cur.format(current.subtotal)
                ));
            }
            check_adjustment_limit(off, before, limit_amount, limit_percent)
                .map_err(|e| format!("subtotal: {e}"))
        }
    }
}

/// A promotion in play, and the coupon that brought it, if any.
#[derive(Clone, Copy)]
struct Candidate<'a> {
    promo: &'a Promotion,
    coupon: Option<&'a Coupon>,
}

impl Candidate<'_> {
    fn coupon_code(&self) -> Option<String> {
        self.coupon.map(|c| c.code.clone())
    }
    fn discount(&self, amount: Decimal) -> Discount {
        Discount {
            promotion: self.promo.code.clone(),
            coupon: self.coupon_code(),
            name: self.promo.name.clone(),
            amount,
        }
    }
    fn is(&self, d: &Discount) -> bool {
        d.promotion == self.promo.code && d.coupon == self.coupon_code()
    }
    /// Whether it took anything off in `b`.
    fn contributed(&self, b: &Breakdown) -> bool {
        b.lines
            .iter()
            .flat_map(|l| &l.discounts)
            .any(|d| self.is(d))
            || b.order_discounts.iter().any(|d| self.is(d))
            || b.free_shipping.as_ref().is_some_and(|d| self.is(d))
    }
}

/// What does not depend on which promotions apply.
struct Base {
    list_amount: Vec<Decimal>,
    unit: Vec<Decimal>,
    amount: Vec<Decimal>,
    overridden: Vec<bool>,
    /// Per context adjustment: the applied price override, if it is one.
    price_overrides: Vec<Option<AppliedAdjustment>>,
    shipments: Vec<ShipmentCharge>,
    notes: Vec<String>,
}

fn prepare(order: &Order, ctx: &PricingContext) -> Base {
    let cur = order.currency;
    let zero = cur.round(Decimal::ZERO);
    let mut notes = Vec::new();
    let list_amount: Vec<Decimal> = order
        .lines
        .iter()
        .map(|l| {
            cur.round(l.unit_price * Decimal::from(l.quantity))
                .max(zero)
        })
        .collect();
    let mut unit: Vec<Decimal> = order.lines.iter().map(|l| l.unit_price).collect();
    let mut amount = list_amount.clone();
    let mut overridden = vec![false; order.lines.len()];
    let mut price_overrides: Vec<Option<AppliedAdjustment>> = vec![None; ctx.adjustments.len()];
    for (a, adj) in ctx.adjustments.iter().enumerate() {
        let AdjustmentKind::PriceOverride { line, unit_price } = adj.kind else {
            continue;
        };
        let Some(l) = order.lines.get(line) else {
            notes.push(format!(
                "price override ignored: there is no line {}",
                line + 1
            ));
            continue;
        };
        let price = if unit_price < Decimal::ZERO {
            notes.push(format!(
                "line {}: a negative price override counts as 0",
                line + 1
            ));
            Decimal::ZERO
        } else {
            unit_price
        };
        // A later override of the same line replaces the earlier one.
        for earlier in price_overrides.iter_mut().take(a) {
            if earlier
                .as_ref()
                .is_some_and(|e| e.target == adj.kind.target())
            {
                *earlier = None;
            }
        }
        unit[line] = price;
        amount[line] = cur.round(price * Decimal::from(l.quantity));
        overridden[line] = true;
        price_overrides[a] = Some(AppliedAdjustment {
            kind: adj.kind.code().into(),
            target: adj.kind.target(),
            reason_code: adj.reason_code.clone(),
            operator: adj.operator.clone(),
            approval: adj.approval.clone(),
            made_at: adj.made_at.clone(),
            amount: list_amount[line] - amount[line],
        });
    }

    let planned: Vec<ShipmentInput> = match &ctx.shipments {
        Some(list) => list.clone(),
        None => (0..order
            .ship_tos
            .len()
            .max(order.lines.iter().map(|l| l.ship_to + 1).max().unwrap_or(0)))
            .map(|s| ShipmentInput {
                ship_to: s,
                lines: order
                    .lines
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.ship_to == s)
                    .map(|(i, l)| (i, l.quantity))
                    .collect(),
            })
            .filter(|s| !s.lines.is_empty())
            .collect(),
    };
    let mut shipments = Vec::new();
    for (n, s) in planned.into_iter().enumerate() {
        let mut lines = Vec::new();
        let (mut items, mut grams) = (0u64, 0u64);
        for (i, q) in s.lines {
            match order.lines.get(i) {
                Some(l) => {
                    items += u64::from(q);
                    grams += u64::from(q) * u64::from(l.weight_grams);
                    lines.push((i, q));
                }
                None => notes.push(format!("shipment {}: there is no line {}", n + 1, i + 1)),
            }
        }
        let computed = ctx
            .ship_to_rates
            .get(s.ship_to)
            .and_then(Option::as_ref)
            .map(|r| cur.round(r.charge(items, grams)).max(zero))
            .unwrap_or(zero);
        shipments.push(ShipmentCharge {
            ship_to: s.ship_to,
            lines,
            items,
            grams,
            computed,
            free_shipping: None,
            override_amount: None,
            charge: computed,
            tax: zero,
        });
    }
    Base {
        list_amount,
        unit,
        amount,
        overridden,
        price_overrides,
        shipments,
        notes,
    }
}

/// The breakdown with one set of promotions, and what became of its coupons.
struct Eval {
    b: Breakdown,
    /// Coupons of the set that failed their spend checks, with the reason.
    spend_refused: Vec<(String, String)>,
}

struct LineWork {
    discounts: Vec<Discount>,
    item_discount: Decimal,
}

fn item_stage(
    order: &Order,
    ctx: &PricingContext,
    base: &Base,
    set: &[Candidate],
) -> Vec<LineWork> {
    let cur = order.currency;
    let zero = cur.round(Decimal::ZERO);
    let none: Vec<i64> = Vec::new();
    order
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let mut work = LineWork {
                discounts: Vec::new(),
                item_discount: zero,
            };
            if base.overridden[i] {
                return work;
            }
            let cats = ctx.item_categories.get(&line.item_id).unwrap_or(&none);
            let applicable: Vec<&Candidate> = set
                .iter()
                .filter(|c| c.promo.is_item_level() && c.promo.covers_item(line.item_id, cats))
                .collect();
            let qty = Decimal::from(line.quantity);
            let mut unit = base.unit[i];
            let mut running = base.amount[i];
            let mut take = |c: &Candidate, d: Decimal, running: &mut Decimal| {
                let d = cur.round(d).min(*running).max(zero);
                if d > zero {
                    *running -= d;
                    work.item_discount += d;
                    work.discounts.push(c.discount(d));
                }
            };
            // The lowest fixed price, and only where it lowers the price.
            let fixed = applicable
                .iter()
                .filter_map(|c| match &c.promo.kind {
                    PromotionKind::ItemFixedPrice { price } => price.get(&cur).map(|p| (*c, *p)),
                    _ => None,
                })
                .min_by(|a, b| a.1.cmp(&b.1));
            if let Some((c, p)) = fixed {
                if p < unit {
                    take(c, (unit - p) * qty, &mut running);
                    unit = p;
                }
            }
            for c in &applicable {
                if let PromotionKind::BuyNGetM { n, m } = c.promo.kind {
                    let free = line.quantity / (n + m) * m;
                    take(c, unit * Decimal::from(free), &mut running);
                }
            }
            for c in &applicable {
                if let PromotionKind::ItemPercent { percent } = c.promo.kind {
                    take(c, running * percent / Decimal::ONE_HUNDRED, &mut running);
                }
            }
            for c in &applicable {
                if let PromotionKind::ItemAmount { amount } = &c.promo.kind {
                    if let Some(a) = amount.get(&cur) {
                        take(c, *a * qty, &mut running);
                    }
                }
            }
            work
        })
        .collect()
}

fn evaluate(order: &Order, ctx: &PricingContext, base: &Base, set: &[Candidate]) -> Eval {
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
            PromotionKind::FreeShipping { .. } => {
                free = free.or(Some(c));
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
    if let Some(c) = free {
        for s in &mut shipments {
            s.free_shipping = Some(c.promo.name.clone());
            s.charge = zero;
        }
    }
    let waived: Decimal = shipments.iter().map(|s| s.computed).sum::<Decimal>() + zero;
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

/// Prices `order`. Ship-tos without a known rate or tax region are charged
/// nothing for that part; `Order::problems` names them before submit.
pub fn price(order: &Order, ctx: &PricingContext) -> Breakdown {
    let cur = order.currency;
    let base = prepare(order, ctx);
    let customer_id = order.customer.as_ref().and_then(|c| c.id);

    let mut candidates: Vec<Candidate> = ctx
        .promotions
        .iter()
        .filter(|p| p.automatic && p.is_current(ctx.today) && p.available_in(cur))
        .map(|p| Candidate {
            promo: p,
            coupon: None,
        })
        .collect();
    // Coupons refused whatever the cart holds (used, someone else's,
    // dates, currency), or entered twice.
    let mut refused: Vec<Option<String>> = vec![None; ctx.coupons.len()];
    for (i, c) in ctx.coupons.iter().enumerate() {
        if ctx.coupons[..i]
            .iter()
            .any(|e| e.code.eq_ignore_ascii_case(&c.code))
        {
            refused[i] = Some(format!("coupon {} is entered twice", c.code));
            continue;
        }
        match check_coupon_terms(c, customer_id, ctx.today, cur) {
            Ok(()) => candidates.push(Candidate {
                promo: &c.promotion,
                coupon: Some(c),
            }),
            Err(e) => refused[i] = Some(e),
        }
    }

    let combinable: Vec<Candidate> = candidates
        .iter()
        .copied()
        .filter(|c| c.promo.combinable)
        .collect();
    let alone: Vec<Candidate> = candidates
        .iter()
        .copied()
        .filter(|c| !c.promo.combinable)
        .collect();
    let together = evaluate(order, ctx, &base, &combinable);
    let singles: Vec<Eval> = alone
        .iter()
        .map(|c| evaluate(order, ctx, &base, std::slice::from_ref(c)))
        .collect();
    let mut best: Option<usize> = None;
    let mut best_total = together.b.grand_total;
    for (i, e) in singles.iter().enumerate() {
        if e.b.grand_total < best_total {
            best_total = e.b.grand_total;
            best = Some(i);
        }
    }

    // Each coupon is in exactly one of the sets tried: its spend check
    // there is the one that counts.
    let spend_refused: Vec<(String, String)> = std::iter::once(&together)
        .chain(&singles)
        .flat_map(|e| e.spend_refused.iter().cloned())
        .collect();

    let mut left_out: Vec<(Candidate, String)> = Vec::new();
    let (chosen, chosen_set) = match best {
        None => {
            for (c, e) in alone.iter().zip(&singles) {
                if c.contributed(&e.b) {
                    left_out.push((
                        *c,
                        format!(
                            "{} not applied: it does not combine with other promotions, and they save more together",
                            c.promo.name
                        ),
                    ));
                }
            }
            (together.b, combinable)
        }
        Some(w) => {
            let winner = alone[w].promo.name.clone();
            let why = |c: &Candidate| {
                format!(
                    "{} not applied: {winner} does not combine with other promotions and saves more",
                    c.promo.name
                )
            };
            for c in &combinable {
                if c.contributed(&together.b) {
                    left_out.push((*c, why(c)));
                }
            }
            for (i, (c, e)) in alone.iter().zip(&singles).enumerate() {
                if i != w && c.contributed(&e.b) {
                    left_out.push((*c, why(c)));
                }
            }
            let mut singles = singles;
            (singles.swap_remove(w).b, vec![alone[w]])
        }
    };

    let mut breakdown = chosen;
    let mut notes = base.notes;
    for (c, why) in &left_out {
        if c.coupon.is_none() {
            notes.push(why.clone());
        }
    }
    let is_coupon = |k: &Candidate, c: &Coupon| k.coupon.is_some_and(|kc| std::ptr::eq(kc, c));
    breakdown.coupons = ctx
        .coupons
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let reason = refused[i]
                .clone()
                .or_else(|| {
                    spend_refused
                        .iter()
                        .find(|(code, _)| *code == c.code)
                        .map(|(_, r)| r.clone())
                })
                .or_else(|| {
                    left_out
                        .iter()
                        .find(|(k, _)| is_coupon(k, c))
                        .map(|(_, r)| format!("coupon {}: {r}", c.code))
                })
                .or_else(|| match chosen_set.iter().find(|k| is_coupon(k, c)) {
                    Some(k) if k.contributed(&breakdown) => None,
                    Some(k)
                        if matches!(k.promo.kind, PromotionKind::FreeShipping { .. })
                            && breakdown.free_shipping.is_some() =>
                    {
                        Some(format!("coupon {}: shipping is free already", c.code))
                    }
                    _ => Some(format!(
                        "coupon {}: nothing in this order qualifies",
                        c.code
                    )),
                });
            CouponOutcome {
                code: c.code.clone(),
                applied: reason.is_none(),
                reason,
            }
        })
        .collect();
    notes.append(&mut breakdown.notes);
    breakdown.notes = notes;
    breakdown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::{Address, Line, ShipTo};
    use rust_decimal_macros::dec;

    fn order(currency: Currency, lines: &[(Decimal, u32, u32, bool)]) -> Order {
        let mut o = Order::new("t".into(), currency);
        o.ship_tos.push(ShipTo {
            address: Address::default(),
            method: Some("GROUND".into()),
        });
        for (i, (price, qty, grams, taxable)) in lines.iter().enumerate() {
            o.lines.push(Line {
                item_id: i as i64,
                sku: format!("S{i}"),
                name: "x".into(),
                quantity: *qty,
                unit_price: *price,
                weight_grams: *grams,
                taxable: *taxable,
                ship_to: 0,
            });
        }
        o
    }

    fn ctx(rate: Rate, tax: Option<TaxRate>) -> PricingContext {
        PricingContext {
            ship_to_rates: vec![Some(rate)],
            ship_to_tax: vec![tax],
            ..Default::default()
        }
    }

    #[test]
    fn usd_lines_shipping_and_tax_by_hand() {
        // 2 x 19.99 = 39.98; 1 x 7.45 (not taxable) = 7.45; merchandise 47.43
        // shipping: 5.95 + 3 x 0.50 + (2 x 0.5 + 1 x 1.0) kg x 0.40 = 8.25
        // tax 8.25 % on 39.98 = 3.29835 -> 3.30; shipping not taxed
        // total 47.43 + 8.25 + 3.30 = 58.98
        let o = order(
            Currency::USD,
            &[(dec!(19.99), 2, 500, true), (dec!(7.45), 1, 1000, false)],
        );
        let b = price(
            &o,
            &ctx(
                Rate {
                    base: dec!(5.95),
                    per_item: dec!(0.50),
                    per_kg: dec!(0.40),
                },
                Some(TaxRate {
                    name: "Texas".into(),
                    rate: dec!(0.0825),
                    taxes_shipping: false,
                }),
            ),
        );
        assert_eq!(b.merchandise, dec!(47.43));
        assert_eq!(b.shipping_total, dec!(8.25));
        assert_eq!(b.tax_total, dec!(3.30));
        assert_eq!(b.grand_total, dec!(58.98));
    }

    #[test]
    fn jpy_has_no_decimals_and_taxes_shipping() {
        // 3 x 1,990 = 5,970; shipping 800 + 3 x 70 + 0.6 kg x 60 = 1,046
        // tax 10 % of (5,970 + 1,046) = 701.6 -> 702; total 7,718
        let o = order(Currency::JPY, &[(dec!(1990), 3, 200, true)]);
        let b = price(
            &o,
            &ctx(
                Rate {
                    base: dec!(800),
                    per_item: dec!(70),
                    per_kg: dec!(60),
                },
                Some(TaxRate {
                    name: "Japan".into(),
                    rate: dec!(0.10),
                    taxes_shipping: true,
                }),
            ),
        );
        assert_eq!(b.shipping_total, dec!(1046));
        assert_eq!(b.tax_total, dec!(702));
        assert_eq!(b.grand_total, dec!(7718));
        assert_eq!(b.grand_total.scale(), 0);
    }

    #[test]
    fn unknown_rate_charges_nothing_yet() {
        let o = order(Currency::EUR, &[(dec!(10.00), 1, 100, true)]);
        let b = price(&o, &PricingContext::default());
        assert_eq!(b.shipping_total, dec!(0));
        assert_eq!(b.grand_total, dec!(10.00));
    }
}
