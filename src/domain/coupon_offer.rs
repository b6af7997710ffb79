//! Which coupons the adjustments step offers a customer for an order
//! (docs/design.md, section 5): those the order can use now, and those the
//! customer owns that it cannot use yet, with why ("needs 20.00 more",
//! "from 2026-12-01"). Coupons of others, used up, ended, in another
//! currency, or for everyone but not usable on this order are not offered.

use crate::domain::money::Currency;
use crate::domain::promotion::{check_coupon_owner, check_coupon_terms, Coupon};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// How a coupon is offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    /// The order can use it now.
    Usable,
    /// The customer's own, not usable on this order yet: why.
    NotYet(String),
}

/// The least the order's merchandise after item discounts must be for the
/// coupon in `cur`: its minimum spend and its promotion's threshold,
/// whichever is more (None: no minimum, or none in `cur`).
pub fn minimum_spend(c: &Coupon, cur: Currency) -> Option<Decimal> {
    let own = c.min_spend.filter(|m| m.currency == cur).map(|m| m.amount);
    let threshold = c.promotion.threshold_in(cur).filter(|t| !t.is_zero());
    match (own, threshold) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Whether and how `c` is offered to the customer (None: a guest) for an
/// order in `cur` whose merchandise after item discounts is `merchandise`.
pub fn offer(
    c: &Coupon,
    customer_id: Option<i64>,
    today: NaiveDate,
    cur: Currency,
    merchandise: Decimal,
) -> Option<Offer> {
    check_coupon_owner(c, customer_id).ok()?;
    c.usage.check(&c.code, customer_id).ok()?;
    let theirs = c.customer_id.is_some();
    let starts = [c.starts_on, c.promotion.starts_on]
        .into_iter()
        .flatten()
        .filter(|s| *s > today)
        .max();
    if let Some(s) = starts {
        // Only their own is worth telling the customer about ahead.
        return theirs.then(|| Offer::NotYet(format!("from {s}")));
    }
    check_coupon_terms(c, customer_id, today, cur).ok()?;
    if c.min_spend.is_some_and(|m| m.currency != cur) {
        return None;
    }
    match minimum_spend(c, cur) {
        Some(min) if merchandise < min => {
            theirs.then(|| Offer::NotYet(format!("needs {} more", cur.format(min - merchandise))))
        }
        _ => Some(Offer::Usable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Money;
    use crate::domain::promotion::{CouponUsage, Promotion};
    use rust_decimal_macros::dec;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn coupon(customer: Option<i64>, min_usd: Option<Decimal>) -> Coupon {
        Coupon {
            code: "C".into(),
            promotion: Promotion::from_row(
                "P",
                "15% off",
                "order_percent",
                None,
                None,
                r#"{"percent":"15"}"#,
                true,
                false,
                None,
                None,
            )
            .unwrap(),
            customer_id: customer,
            starts_on: None,
            ends_on: Some(day("2026-12-31")),
            min_spend: min_usd.map(|a| Money::new(a, Currency::USD)),
            usage: CouponUsage::multi(None, Some(1)),
        }
    }

    #[test]
    fn offers_what_the_order_can_use_and_the_customers_own_with_why() {
        let today = day("2026-11-15");
        let usd = Currency::USD;
        let public = coupon(None, Some(dec!(50.00)));
        assert_eq!(
            offer(&public, Some(1), today, usd, dec!(50.00)),
            Some(Offer::Usable)
        );
        // For everyone but short of its minimum: not offered.
        assert_eq!(offer(&public, Some(1), today, usd, dec!(49.99)), None);
        // A minimum in USD: not for a JPY order.
        assert_eq!(
            offer(&public, Some(1), today, Currency::JPY, dec!(90000)),
            None
        );
        // Once per customer: not for a guest, nor once used.
        assert_eq!(offer(&public, None, today, usd, dec!(80)), None);
        let used = Coupon {
            usage: CouponUsage {
                used_by_customer: 1,
                ..public.usage
            },
            ..public.clone()
        };
        assert_eq!(offer(&used, Some(1), today, usd, dec!(80)), None);
        // Someone's own: theirs only, and why they cannot use it yet.
        let theirs = coupon(Some(1), Some(dec!(50.00)));
        assert_eq!(offer(&theirs, Some(2), today, usd, dec!(80)), None);
        assert_eq!(
            offer(&theirs, Some(1), today, usd, dec!(30.00)),
            Some(Offer::NotYet("needs 20.00 more".into()))
        );
        let later = Coupon {
            starts_on: Some(day("2026-12-01")),
            ..theirs.clone()
        };
        assert_eq!(
            offer(&later, Some(1), today, usd, dec!(80)),
            Some(Offer::NotYet("from 2026-12-01".into()))
        );
        let ended = Coupon {
            ends_on: Some(day("2026-11-14")),
            ..theirs
        };
        assert_eq!(offer(&ended, Some(1), today, usd, dec!(80)), None);
        assert_eq!(minimum_spend(&public, usd), Some(dec!(50.00)));
        assert_eq!(minimum_spend(&public, Currency::JPY), None);
    }
}
