//! Pricing: one pure function from the order, its promotions, coupons,
//! operator adjustments, shipments and tax rates to a breakdown
//! (docs/design.md). The review screen shows the breakdown and submit
//! stores the same value.
//!
//! Order of operations, as in the design:
//! 1. line amount = unit price × quantity; a price override sets the unit
//!    price *before* item promotions, which still apply to it, unless the
//!    operator made it a net price (then no item promotion applies to
//!    that line: `LineAmount::net`, shown on the review);
//! 2. item promotions, per line in this order: fixed price (the lowest
//!    one), buy N get M (free units at the unit price so far), percents
//!    (each on what is left), amounts off per unit;
//! 3. automatic order promotions, then 4. coupons: thresholds and minimum
//!    spends are compared with the qualifying spend (merchandise after
//!    item discounts); percents apply to what is left after the discounts
//!    before them;
//! 5. operator amounts off the subtotal, clamped so it never goes below 0;
//! 6. shipping per shipment: computed by its method, free where a
//!    free-shipping promotion names the shipment's method, replaced by an
//!    operator override;
//! 7. tax per ship-to on its taxable lines after all discounts, plus its
//!    shipping where the region taxes shipping;
//! 8. every amount is rounded to the minor unit (half away from zero) where
//!    it is computed; order-level discounts and each ship-to's tax are
//!    spread over lines (and shipments) by the largest-remainder method so
//!    the parts add up exactly to the whole.
//!
//! Names: a promotion's name is a template rendered in the order's
//! currency (`Promotion::name_in`); discounts carry the rendered name, so
//! a stored order keeps it.
//!
//! Combining (`choose.rs`): promotions marked not combinable apply alone.
//! Pricing tries the set of all combinable promotions together, and each
//! non-combinable one on its own, and keeps the one with the lowest grand
//! total for the customer; on a tie, the one that uses no coupon (then
//! fewer coupons), then the combinable set, then the earlier one.
//! Whatever is left out is named in `notes` (and, for a coupon, in its
//! [`CouponOutcome`]) with the real reason.

mod adjustment_check;
mod base;
mod breakdown;
mod candidate;
mod choose;
mod evaluate;
mod items;
mod spread;
#[cfg(test)]
mod tests;

pub use adjustment_check::check_adjustment;
pub use breakdown::{
    AppliedAdjustment, Breakdown, CouponOutcome, Discount, LineAmount, PricingContext,
    ShipmentCharge, ShipmentInput, TaxAmount,
};
pub use choose::price;
pub use spread::spread;
