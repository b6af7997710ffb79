//! The coupon part: which breakdown coupons apply to, how a coupon is
//! offered on this order, and asking to redeem one.

use super::{Adjustments, Asked, DrawCtx};
use crate::domain::coupon_offer::{offer, Offer};
use crate::domain::pricing::Breakdown;
use crate::domain::promotion::Coupon;
use crate::session::Command;
use crate::tui::action::Action;

/// The breakdown the coupons and the amount off apply to: the whole order
/// placed (a separate backorder order included; see `domain::price_split`).
pub(super) fn first<'a>(ctx: &DrawCtx<'a>) -> &'a Breakdown {
    &ctx.quote.placed
}

/// How `c` is offered on this order (None: it is not).
pub(super) fn offered(ctx: &DrawCtx, c: &Coupon) -> Option<Offer> {
    let o = ctx.order;
    let customer = o.customer.as_ref().and_then(|c| c.id);
    let merchandise = ctx.quote.placed.subtotal_after_item_discounts;
    offer(c, customer, ctx.today, o.currency, merchandise)
}

impl Adjustments {
    /// What became of a coupon the screen asked to redeem.
    pub(super) fn redeem(&mut self, code: String) -> Vec<Action> {
        self.asked = Some(Asked::Coupon(code.clone()));
        vec![Action::Order(Command::RedeemCoupon { code })]
    }
}
