//! A coupon's uses: each submit that applies a coupon redeems it once, on
//! the main order, inside the submit transaction (docs/design.md,
//! section 5). The limits are checked again there, on the counts of that
//! transaction, so two consoles racing for a coupon's last use cannot both
//! have it: the second is refused with the reason.

use super::orders::SubmitError;
use super::promotions::coupon_in;
use crate::domain::order::Area;
use crate::domain::pricing::Breakdown;
use crate::domain::rules::{Rule, Violation};
use rusqlite::{params, Transaction};

/// The codes of the coupons that brought a discount (free shipping
/// included) to any of `parts`, each once, in the order first seen: the
/// parts of one submit share one use of a coupon.
pub(crate) fn applied_codes<'a>(parts: impl IntoIterator<Item = &'a Breakdown>) -> Vec<String> {
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
/// caller keeps, when a coupon has no use left.
pub(crate) fn redeem(
    tx: &Transaction,
    codes: &[String],
    order_id: i64,
    customer_id: i64,
    registered: bool,
    now: &str,
) -> Result<(), SubmitError> {
    let refuse = |message: String| {
        SubmitError::Refused(vec![Violation::new(
            Rule::Coupon,
            Area::Adjustments,
            message,
        )])
    };
    for code in codes {
        let who = registered.then_some(customer_id);
        let Some((coupon, _)) = coupon_in(tx, code, who)? else {
            return Err(refuse(format!("coupon {code} no longer exists: remove it")));
        };
        coupon
            .usage
            .check(&coupon.code, who)
            .map_err(|e| refuse(format!("{e}: remove it")))?;
        tx.execute(
            "INSERT INTO coupon_redemptions (coupon_id, order_id, customer_id, redeemed_at)
             SELECT id, ?2, ?3, ?4 FROM coupons WHERE code = ?1",
            params![coupon.code, order_id, customer_id, now],
        )?;
    }
    Ok(())
}
