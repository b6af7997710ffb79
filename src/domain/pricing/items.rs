//! Step 2: item promotions on each line.

use super::base::Base;
use super::candidate::Candidate;
use super::{Discount, PricingContext};
use crate::domain::order::Order;
use crate::domain::promotion::PromotionKind;
use rust_decimal::Decimal;

pub(super) struct LineWork {
    pub(super) discounts: Vec<Discount>,
    pub(super) item_discount: Decimal,
}

pub(super) fn item_stage(
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
            // A net price is what the customer pays: no item promotion.
            if base.net[i] {
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
