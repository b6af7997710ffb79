//! The list's rows — coupons, shipments, the subtotal, the lines — and
//! their descriptions, and the discounts applied shown above the list.

use super::coupons::{first, offered};
use super::form::{adjustment_on, Target};
use super::DrawCtx;
use crate::domain::adjustment::AdjustmentKind;
use crate::domain::coupon_offer::{minimum_spend, Offer};
use crate::domain::promotion::Coupon;
use crate::domain::text::{pad, pad_start};

/// What a list row is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Row {
    /// A coupon of the customer's, not on the order yet.
    Available(String),
    /// A coupon on the order.
    Redeemed(String),
    /// Shipment n of the whole order (its shipping charge).
    Shipping(usize),
    Subtotal,
    /// Order line n (its unit price).
    Price(usize),
}

pub(super) fn rows(ctx: &DrawCtx, available: &[Coupon]) -> Vec<Row> {
    let o = ctx.order;
    let mut out: Vec<Row> = o.coupons.iter().cloned().map(Row::Redeemed).collect();
    for c in available {
        if offered(ctx, c).is_some() && !o.coupons.iter().any(|x| x.eq_ignore_ascii_case(&c.code)) {
            out.push(Row::Available(c.code.clone()));
        }
    }
    out.extend((0..ctx.quote.breakdown.shipments.len()).map(Row::Shipping));
    if !o.lines.is_empty() {
        out.push(Row::Subtotal);
    }
    out.extend((0..o.lines.len()).map(Row::Price));
    out
}

/// The discounts applied, per order placed, then the notes on what was
/// left out and why.
pub(super) fn applied_lines(ctx: &DrawCtx) -> Vec<(String, bool)> {
    let cur = ctx.order.currency;
    let several = ctx.quote.parts.len() > 1;
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for (part, b) in &ctx.quote.parts {
        let prefix = if several {
            format!("Order {}: ", part.number)
        } else {
            String::new()
        };
        for d in b.discount_lines() {
            let coupon = d
                .coupon
                .as_ref()
                .map(|c| format!("Coupon {c}: "))
                .unwrap_or_default();
            out.push((
                format!(
                    "  {} {}",
                    pad(&format!("{prefix}{coupon}{}", d.name), 62),
                    pad_start(&cur.format(-d.amount), 12)
                ),
                false,
            ));
        }
        if let Some(fs) = &b.free_shipping {
            out.push((
                format!(
                    "  {} {}",
                    pad(&format!("{prefix}{} (shipping)", fs.name), 62),
                    pad_start(&cur.format(-fs.amount), 12)
                ),
                false,
            ));
        }
        for n in &b.notes {
            if !notes.contains(n) {
                notes.push(n.clone());
            }
        }
    }
    if out.is_empty() {
        out.push(("  No promotions apply to this order.".into(), false));
    }
    out.extend(notes.into_iter().map(|n| (format!("  Note: {n}"), true)));
    out
}

pub(super) fn describe_row(ctx: &DrawCtx, row: &Row, available: &[Coupon]) -> String {
    let o = ctx.order;
    let cur = o.currency;
    let b = &ctx.quote.breakdown;
    let by = |target: Target| -> String {
        adjustment_on(ctx, target)
            .and_then(|i| o.adjustments.get(i))
            .map(|a| {
                let value = match &a.kind {
                    AdjustmentKind::PriceOverride {
                        unit_price, net, ..
                    } => {
                        let net = if *net { " net" } else { "" };
                        format!("→ {}{net}", cur.format(*unit_price))
                    }
                    AdjustmentKind::ShippingOverride { amount, .. } => {
                        format!("→ {}", cur.format(*amount))
                    }
                    AdjustmentKind::SubtotalOff { amount } => format!("-{}", cur.format(*amount)),
                };
                format!(" {value} ({}, {})", a.reason_code, a.operator)
            })
            .unwrap_or_default()
    };
    match row {
        Row::Available(code) => {
            let Some(c) = available.iter().find(|c| c.code == *code) else {
                return String::new();
            };
            let name = c.promotion.name_in(o.currency, &Default::default());
            // Its minimum spend, or why the customer cannot use it yet,
            // before the name: on a narrow screen the name is what is cut.
            let terms = match offered(ctx, c) {
                Some(Offer::NotYet(why)) => format!("(not yet: {why}) "),
                _ => minimum_spend(c, cur)
                    .map(|m| format!("(min {}) ", cur.display(m)))
                    .unwrap_or_default(),
            };
            format!("Use coupon {} {terms}{name}", pad(code, 12))
        }
        Row::Redeemed(code) => {
            match first(ctx)
                .coupons
                .iter()
                .find(|c| c.code.eq_ignore_ascii_case(code))
            {
                Some(c) if c.applied => format!("Redeemed   {} applied", pad(code, 12)),
                Some(c) => format!(
                    "Redeemed   {} NOT applied: {}",
                    pad(code, 12),
                    c.reason.clone().unwrap_or_default()
                ),
                None => format!(
                    "Redeemed   {} NOT applied: not found or not offered",
                    pad(code, 12)
                ),
            }
        }
        Row::Shipping(n) => {
            let s = b.shipments.get(*n);
            let st = s.and_then(|s| o.ship_tos.get(s.ship_to));
            let method = st.and_then(|t| t.method.clone()).unwrap_or_default();
            let city = st.map(|t| t.address.city.clone()).unwrap_or_default();
            let charge = match s {
                Some(s) if s.free_shipping.is_some() && s.override_amount.is_none() => {
                    format!("{} free", cur.format(s.computed))
                }
                Some(s) => cur.format(s.computed),
                None => String::new(),
            };
            format!(
                "Shipping #{} {method} to {city}: {charge}{}",
                n + 1,
                by(Target::Shipping(*n))
            )
        }
        Row::Subtotal => {
            let now = by(Target::Subtotal);
            format!(
                "Amount off the subtotal ({}):{}",
                cur.format(first(ctx).subtotal + first(ctx).adjustment_total),
                if now.is_empty() { " none".into() } else { now }
            )
        }
        Row::Price(i) => match o.lines.get(*i) {
            Some(l) => format!(
                "Line {} {} x{} at {}{}",
                i + 1,
                l.sku,
                l.quantity,
                cur.format(l.unit_price),
                by(Target::Price(*i))
            ),
            None => String::new(),
        },
    }
}
