//! Choosing the combination of promotions: the combinable ones together
//! against each non-combinable one alone; what is left out, and why.
//!
//! The lowest grand total wins. On a tie the combination that uses no
//! coupon wins, then the one that uses fewer (a coupon is not spent for
//! nothing), then the combinable set, then the earlier promotion. Notes and
//! coupon outcomes give the real reason: "saves more", or "saves the same
//! without using the coupon".

use super::base::prepare;
use super::candidate::Candidate;
use super::evaluate::{evaluate, Eval};
use super::{Breakdown, CouponOutcome, PricingContext};
use crate::domain::order::Order;
use crate::domain::promotion::{check_coupon_terms, Coupon, PromotionKind};

/// How many coupons a combination uses up: those that took something off.
fn coupons_used(set: &[Candidate], b: &Breakdown) -> usize {
    set.iter()
        .filter(|c| c.coupon.is_some() && c.contributed(b))
        .count()
}

/// Why the winner beat `loser` (each with the coupons it uses up): it
/// saves "more", or on a tie what it spares.
fn edge(
    winner: &Breakdown,
    winner_coupons: usize,
    loser: &Breakdown,
    loser_coupons: usize,
) -> &'static str {
    if winner.grand_total < loser.grand_total {
        "more"
    } else if winner_coupons == 0 && loser_coupons > 0 {
        if loser_coupons == 1 {
            "the same without using the coupon"
        } else {
            "the same without using the coupons"
        }
    } else if winner_coupons < loser_coupons {
        "the same with fewer coupons"
    } else {
        "the same"
    }
}

/// Prices `order`. Ship-tos without a known rate or tax region are charged
/// nothing for that part; `Order::problems` names them before submit.
pub fn price(order: &Order, ctx: &PricingContext) -> Breakdown {
    let cur = order.currency;
    let base = prepare(order, ctx);
    let customer_id = order.customer.as_ref().and_then(|c| c.id);

    // Names as the customer reads them, in the order's currency.
    let promo_names: Vec<String> = ctx
        .promotions
        .iter()
        .map(|p| p.name_in(cur, &ctx.method_names))
        .collect();
    let coupon_names: Vec<String> = ctx
        .coupons
        .iter()
        .map(|c| c.promotion.name_in(cur, &ctx.method_names))
        .collect();
    let mut candidates: Vec<Candidate> = ctx
        .promotions
        .iter()
        .zip(&promo_names)
        .filter(|(p, _)| p.automatic && p.is_current(ctx.today) && p.available_in(cur))
        .map(|(p, name)| Candidate {
            promo: p,
            coupon: None,
            name,
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
                name: &coupon_names[i],
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
    let together_coupons = coupons_used(&combinable, &together.b);
    let single_coupons: Vec<usize> = alone
        .iter()
        .zip(&singles)
        .map(|(c, e)| coupons_used(std::slice::from_ref(c), &e.b))
        .collect();
    // Lowest total, then fewest coupons used; the combinable set first,
    // then the earlier promotion, on a full tie.
    let mut best: Option<usize> = None;
    let mut best_key = (together.b.grand_total, together_coupons);
    for (i, e) in singles.iter().enumerate() {
        let key = (e.b.grand_total, single_coupons[i]);
        if key < best_key {
            best_key = key;
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
            for (i, (c, e)) in alone.iter().zip(&singles).enumerate() {
                if c.contributed(&e.b) {
                    let why = edge(&together.b, together_coupons, &e.b, single_coupons[i]);
                    left_out.push((
                        *c,
                        format!(
                            "{} not applied: it does not combine with other promotions, and the others together save {why}",
                            c.name
                        ),
                    ));
                }
            }
            (together.b, combinable)
        }
        Some(w) => {
            let winner = alone[w].name;
            let (winner_b, winner_coupons) = (&singles[w].b, single_coupons[w]);
            let why = |c: &Candidate, loser: &Breakdown, loser_coupons: usize| {
                format!(
                    "{} not applied: {winner} does not combine with other promotions and saves {}",
                    c.name,
                    edge(winner_b, winner_coupons, loser, loser_coupons)
                )
            };
            for c in &combinable {
                if c.contributed(&together.b) {
                    left_out.push((*c, why(c, &together.b, together_coupons)));
                }
            }
            for (i, (c, e)) in alone.iter().zip(&singles).enumerate() {
                if i != w && c.contributed(&e.b) {
                    left_out.push((*c, why(c, &e.b, single_coupons[i])));
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
    // Whether any shipment of the order goes by a method `k` makes free.
    let frees_any = |k: &Candidate| {
        breakdown.shipments.iter().any(|s| {
            let method = ctx
                .ship_to_methods
                .get(s.ship_to)
                .and_then(Option::as_deref);
            k.promo.frees_method(method)
        })
    };
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
                            && !frees_any(k) =>
                    {
                        Some(format!(
                            "coupon {}: {} is not for the shipping methods of this order",
                            c.code, k.name
                        ))
                    }
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
