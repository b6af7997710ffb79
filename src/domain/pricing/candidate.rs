//! A promotion in play during pricing, and the coupon that brought it.

use super::{Breakdown, Discount};
use crate::domain::promotion::{Coupon, Promotion};
use rust_decimal::Decimal;

/// A promotion in play, and the coupon that brought it, if any.
#[derive(Clone, Copy)]
pub(super) struct Candidate<'a> {
    pub(super) promo: &'a Promotion,
    pub(super) coupon: Option<&'a Coupon>,
    /// The promotion's name rendered in the order's currency.
    pub(super) name: &'a str,
}

impl Candidate<'_> {
    pub(super) fn coupon_code(&self) -> Option<String> {
        self.coupon.map(|c| c.code.clone())
    }
    pub(super) fn discount(&self, amount: Decimal) -> Discount {
        Discount {
            promotion: self.promo.code.clone(),
            coupon: self.coupon_code(),
            name: self.name.to_string(),
            amount,
        }
    }
    pub(super) fn is(&self, d: &Discount) -> bool {
        d.promotion == self.promo.code && d.coupon == self.coupon_code()
    }
    /// Whether it took anything off in `b`.
    pub(super) fn contributed(&self, b: &Breakdown) -> bool {
        b.lines
            .iter()
            .flat_map(|l| &l.discounts)
            .any(|d| self.is(d))
            || b.order_discounts.iter().any(|d| self.is(d))
            || b.free_shipping.as_ref().is_some_and(|d| self.is(d))
    }
}
