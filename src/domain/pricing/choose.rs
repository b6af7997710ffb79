//! Choosing the combination of promotions: the combinable ones together
//! against each non-combinable one alone; what is left out, and why.

use super::base::prepare;
use super::candidate::Candidate;
use super::evaluate::{evaluate, Eval};
use super::{Breakdown, CouponOutcome, PricingContext};
use crate::domain::order::Order;
use crate::domain::promotion::{check_coupon_terms, Coupon, PromotionKind};

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
