//! A coupon's uses: each submit that applies a coupon redeems it once, on
//! the main order, inside the submit transaction (docs/design.md,
//! section 5). The limits are checked again there, on the counts of that
//! transaction, so two consoles racing for a coupon's last use cannot both
//! have it: the second is refused with the reason.

use super::db::{Abort, Sql};
use super::orders::SubmitError;
use super::promotions::coupon;
use crate::domain::order::Area;
use crate::domain::pricing::Breakdown;
use crate::domain::rules::{Rule, Violation};

/// The codes of the coupons that brought a discount (free shipping
/// included) to any of `parts`, each once, in the order first seen: the
/// parts of one submit share one use of a coupon.
pub fn applied_codes<'a>(parts: impl IntoIterator<Item = &'a Breakdown>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for b in parts {
        let codes = b
            .discount_lines()
            .into_iter()
            .chain(b.free_shipping.clone())
            .filter_map(|d| d.coupon);
        for code in codes {
            if !out.iter().any(|c| c.eq_ignore_ascii_case(&code)) {
                out.push(code);
            }
        }
    }
    out
}

/// Records one use of each coupon in `codes` by `order_id` (the main order)
/// for its customer `customer_id` — `registered`: that customer was on file
/// before this submit (a guest's row is made by it, and per-customer
/// limits are for registered customers). Refuses, writing nothing the
/// caller keeps, when a coupon has no use left. Run it in the submit's
/// transaction: the counts it checks are that transaction's. On
/// PostgreSQL a concurrent redemption fails it to serialize: the
/// database's error stays an [`Abort::Db`], so [`Sql::write`] runs the
/// transaction again on fresh counts.
pub fn redeem(
    sql: Sql<'_>,
    codes: &[String],
    order_id: i64,
    customer_id: i64,
    registered: bool,
    now: &str,
) -> Result<(), Abort<SubmitError>> {
    let refuse = |message: String| {
        Abort::Refused(SubmitError::Refused(vec![Violation::new(
            Rule::Coupon,
            Area::Adjustments,
            message,
        )]))
    };
    for code in codes {
        let who = registered.then_some(customer_id);
        let Some((coupon, _)) = coupon(sql, code, who)? else {
            return Err(refuse(format!("coupon {code} no longer exists: remove it")));
        };
        coupon
            .usage
            .check(&coupon.code, who)
            .map_err(|e| refuse(format!("{e}: remove it")))?;
        sql.execute(
            "INSERT INTO coupon_redemptions (coupon_id, order_id, customer_id, redeemed_at)
             SELECT id, ?2, ?3, ?4 FROM coupons WHERE code = ?1",
            &[
                coupon.code.as_str().into(),
                order_id.into(),
                customer_id.into(),
                now.into(),
            ],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;
    use crate::domain::order::Order;
    use crate::domain::pricing::{price, Discount, PricingContext};
    use rust_decimal::Decimal;

    /// An empty order's breakdown with discounts brought by `coupons`
    /// (code, whether it is free shipping).
    fn priced_with(coupons: &[(&str, bool)]) -> Breakdown {
        let order = Order::new("t".into(), Currency::USD);
        let mut b = price(&order, &PricingContext::default());
        for (code, shipping) in coupons {
            let d = Discount {
                promotion: "P".into(),
                coupon: Some(code.to_string()),
                name: "n".into(),
                amount: Decimal::ONE,
            };
            match shipping {
                true => b.free_shipping = Some(d),
                false => b.order_discounts.push(d),
            }
        }
        b
    }

    #[test]
    fn a_coupon_shared_by_the_parts_of_a_submit_is_one_use() {
        let main = priced_with(&[("SAVE20", false), ("SHIPONUS", true)]);
        let backorders = priced_with(&[("save20", false)]);
        assert_eq!(
            applied_codes([&main, &backorders]),
            vec!["SAVE20".to_string(), "SHIPONUS".to_string()]
        );
        assert!(applied_codes([&priced_with(&[])]).is_empty());
    }
}
