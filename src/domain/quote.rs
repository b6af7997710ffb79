//! The quote: everything the console shows and submit places, computed
//! from the order and the store's current figures (see `Store::quote`).

use crate::domain::availability::LineAvailability;
use crate::domain::money::Currency;
use crate::domain::order::Order;
use crate::domain::parts::Part;
use crate::domain::planning::Plan;
use crate::domain::pricing::{price, Breakdown, PricingContext};
use crate::domain::shipping::ShippingMethod;
use rust_decimal::Decimal;

/// What pricing and the screens need to know beyond the order itself.
#[derive(Debug, Clone)]
pub struct Quote {
    /// For each line of the order: what ships now, what is backordered.
    pub availability: Vec<LineAvailability>,
    pub plan: Plan,
    /// The orders submit would place: `placed` split between them
    /// (`domain::price_split`), so they add up to it exactly.
    pub parts: Vec<(Part, Breakdown)>,
    /// The whole cart priced as one order (the cart's line totals).
    pub breakdown: Breakdown,
    /// What submit places, priced as one order: the cart without what
    /// "drop backorders" removes (the same as `breakdown` otherwise).
    /// Promotions, thresholds, coupons and the amount off are decided on
    /// it, whether or not the backorders are a separate order.
    pub placed: Breakdown,
    /// Methods with a rate in the order's currency.
    pub methods: Vec<ShippingMethod>,
}

impl Quote {
    pub fn empty(currency: Currency) -> Quote {
        let breakdown = price(
            &Order::new(String::new(), currency),
            &PricingContext::default(),
        );
        Quote {
            availability: Vec::new(),
            plan: Plan::default(),
            parts: Vec::new(),
            placed: breakdown.clone(),
            breakdown,
            methods: Vec::new(),
        }
    }

    /// What the customer pays across all parts.
    pub fn total(&self) -> Decimal {
        self.parts.iter().map(|(_, b)| b.grand_total).sum()
    }
}
