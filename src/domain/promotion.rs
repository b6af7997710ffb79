//! Promotions and coupons as plain data (docs/design.md).
//!
//! A promotion is built from its `promotions` row by [`Promotion::from_row`];
//! a coupon names one promotion and adds its own restrictions, checked by
//! [`check_coupon`]. Pricing (`domain::pricing`) decides which apply.

use crate::domain::money::{Currency, Money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;

/// An amount per currency. A promotion with no entry for the order's
/// currency does not apply to that order.
pub type PerCurrency = BTreeMap<Currency, Decimal>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PromotionKind {
    /// Percent off the line (0 < percent <= 100).
    ItemPercent { percent: Decimal },
    /// Amount off each unit.
    ItemAmount { amount: PerCurrency },
    /// The unit price becomes this (never raises a price).
    ItemFixedPrice { price: PerCurrency },
    /// For every `n` units bought, `m` more are free.
    BuyNGetM { n: u32, m: u32 },
    /// Percent off the order when the merchandise after item discounts
    /// reaches the threshold (None: no threshold, any currency).
    OrderPercent {
        percent: Decimal,
        threshold: Option<PerCurrency>,
    },
    /// Amount off the order at or over the threshold.
    OrderAmount {
        amount: PerCurrency,
        threshold: Option<PerCurrency>,
    },
    /// Every shipment is free at or over the threshold.
    FreeShipping { threshold: Option<PerCurrency> },
}

/// What an item-level promotion applies to; order-level kinds use `Order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    Item(i64),
    /// A category and everything below it (the caller supplies each item's
    /// categories including ancestors).
    Category(i64),
    Order,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promotion {
    pub code: String,
    pub name: String,
    pub kind: PromotionKind,
    pub scope: Scope,
    /// False: applies alone, never together with another promotion.
    pub combinable: bool,
    /// False: only through a coupon.
    pub automatic: bool,
    /// Inclusive.
    pub starts_on: Option<NaiveDate>,
    /// Inclusive.
    pub ends_on: Option<NaiveDate>,
}

impl Promotion {
    /// Builds a promotion from its `promotions` row. `params_json` holds the
    /// kind's parameters, e.g. `{"percent":"10"}`,
    /// `{"amount":{"USD":"5.00","JPY":"700"}}`, `{"n":2,"m":1}`,
    /// `{"price":{...}}`, `{"threshold":{...}}`; dates are `YYYY-MM-DD`.
    #[allow(clippy::too_many_arguments)]
    pub fn from_row(
        code: &str,
        name: &str,
        kind: &str,
        item_id: Option<i64>,
        category_id: Option<i64>,
        params_json: &str,
        combinable: bool,
        automatic: bool,
        starts_on: Option<&str>,
        ends_on: Option<&str>,
    ) -> Result<Promotion, String> {
        let err = |m: String| format!("promotion {code}: {m}");
        let params: serde_json::Value = serde_json::from_str(if params_json.trim().is_empty() {
            "{}"
        } else {
            params_json
        })
        .map_err(|e| err(format!("params are not JSON: {e}")))?;
        let obj = params
            .as_object()
            .ok_or_else(|| err("params must be a JSON object".into()))?;
        let percent = || -> Result<Decimal, String> {
            let p = decimal_param(obj.get("percent"), "percent").map_err(err)?;
            if p <= Decimal::ZERO || p > Decimal::ONE_HUNDRED {
                return Err(err(format!("percent {p} must be over 0 and at most 100")));
            }
            Ok(p)
        };
        let required = |key: &str| -> Result<PerCurrency, String> {
            match obj.get(key) {
                Some(v) => per_currency(v, key).map_err(err),
                None => Err(err(format!("params need \"{key}\""))),
            }
        };
        let optional = |key: &str| -> Result<Option<PerCurrency>, String> {
            match obj.get(key) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(v) => per_currency(v, key).map(Some).map_err(err),
            }
        };
        let kind = match kind {
            "item_percent" => PromotionKind::ItemPercent {
                percent: percent()?,
            },
            "item_amount" => PromotionKind::ItemAmount {
                amount: required("amount")?,
            },
            "item_fixed_price" => PromotionKind::ItemFixedPrice {
                price: required("price")?,
            },
            "buy_n_get_m" => PromotionKind::BuyNGetM {
                n: count_param(obj.get("n"), "n").map_err(err)?,
                m: count_param(obj.get("m"), "m").map_err(err)?,
            },
            "order_percent" => PromotionKind::OrderPercent {
                percent: percent()?,
                threshold: optional("threshold")?,
            },
            "order_amount" => PromotionKind::OrderAmount {
                amount: required("amount")?,
                threshold: optional("threshold")?,
            },
            "free_shipping" => PromotionKind::FreeShipping {
                threshold: optional("threshold")?,
            },
            other => return Err(err(format!("unknown kind '{other}'"))),
        };
        let item_level = matches!(
            kind,
            PromotionKind::ItemPercent { .. }
                | PromotionKind::ItemAmount { .. }
                | PromotionKind::ItemFixedPrice { .. }
                | PromotionKind::BuyNGetM { .. }
        );
        let scope = match (item_level, item_id, category_id) {
            (true, Some(i), None) => Scope::Item(i),
            (true, None, Some(c)) => Scope::Category(c),
            (true, None, None) => return Err(err("needs an item or a category".into())),
            (true, Some(_), Some(_)) => {
                return Err(err("give an item or a category, not both".into()))
            }
            (false, None, None) => Scope::Order,
            (false, _, _) => {
                return Err(err(
                    "an order promotion cannot name an item or category".into()
                ))
            }
        };
        let starts_on = parse_date(starts_on).map_err(err)?;
        let ends_on = parse_date(ends_on).map_err(err)?;
        if let (Some(s), Some(e)) = (starts_on, ends_on) {
            if e < s {
                return Err(err(format!("ends on {e}, before it starts on {s}")));
            }
        }
        Ok(Promotion {
            code: code.to_string(),
            name: name.to_string(),
            kind,
            scope,
            combinable,
            automatic,
            starts_on,
            ends_on,
        })
    }

    pub fn kind_code(&self) -> &'static str {
        match self.kind {
            PromotionKind::ItemPercent { .. } => "item_percent",
            PromotionKind::ItemAmount { .. } => "item_amount",
            PromotionKind::ItemFixedPrice { .. } => "item_fixed_price",
            PromotionKind::BuyNGetM { .. } => "buy_n_get_m",
            PromotionKind::OrderPercent { .. } => "order_percent",
            PromotionKind::OrderAmount { .. } => "order_amount",
            PromotionKind::FreeShipping { .. } => "free_shipping",
        }
    }

    /// Within its date range (both ends inclusive).
    pub fn is_current(&self, today: NaiveDate) -> bool {
        self.starts_on.is_none_or(|s| today >= s) && self.ends_on.is_none_or(|e| today <= e)
    }

    /// Why it is not current, if it is not.
    pub fn date_problem(&self, today: NaiveDate) -> Option<String> {
        match (self.starts_on, self.ends_on) {
            (Some(s), _) if today < s => Some(format!("starts on {s}")),
            (_, Some(e)) if today > e => Some(format!("ended on {e}")),
            _ => None,
        }
    }

    /// Whether it discounts items (step 2) rather than the order.
    pub fn is_item_level(&self) -> bool {
        self.scope != Scope::Order
    }

    /// Whether an item with these categories (ancestors included) qualifies.
    pub fn covers_item(&self, item_id: i64, categories: &[i64]) -> bool {
        match self.scope {
            Scope::Item(i) => i == item_id,
            Scope::Category(c) => categories.contains(&c),
            Scope::Order => false,
        }
    }

    /// The threshold in `cur`: zero when the promotion has none, None when
    /// it has thresholds but not in this currency.
    pub fn threshold_in(&self, cur: Currency) -> Option<Decimal> {
        let t = match &self.kind {
            PromotionKind::OrderPercent { threshold, .. }
            | PromotionKind::OrderAmount { threshold, .. }
            | PromotionKind::FreeShipping { threshold } => threshold.as_ref(),
            _ => None,
        };
        match t {
            None => Some(Decimal::ZERO),
            Some(map) => map.get(&cur).copied(),
        }
    }

    /// Whether it has every amount it needs in `cur`.
    pub fn available_in(&self, cur: Currency) -> bool {
        let amounts = match &self.kind {
            PromotionKind::ItemAmount { amount } | PromotionKind::OrderAmount { amount, .. } => {
                Some(amount)
            }
            PromotionKind::ItemFixedPrice { price } => Some(price),
            _ => None,
        };
        amounts.is_none_or(|m| m.contains_key(&cur)) && self.threshold_in(cur).is_some()
    }
}

fn parse_date(s: Option<&str>) -> Result<Option<NaiveDate>, String> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("date '{t}' is not YYYY-MM-DD")),
    }
}

/// A decimal given as a JSON string ("10") or number (10).
fn decimal_param(v: Option<&serde_json::Value>, key: &str) -> Result<Decimal, String> {
    let text = match v {
        Some(serde_json::Value::String(s)) => s.trim().to_string(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(_) => return Err(format!("\"{key}\" must be a number")),
        None => return Err(format!("params need \"{key}\"")),
    };
    Decimal::from_str(&text).map_err(|_| format!("\"{key}\": '{text}' is not a number"))
}

fn count_param(v: Option<&serde_json::Value>, key: &str) -> Result<u32, String> {
    let d = decimal_param(v, key)?;
    if d.fract() != Decimal::ZERO || d < Decimal::ONE || d > Decimal::from(10_000) {
        return Err(format!("\"{key}\" must be a whole number from 1 to 10000"));
    }
    u32::try_from(d.mantissa() / 10i128.pow(d.scale()))
        .map_err(|_| format!("\"{key}\" is out of range"))
}

/// `{"USD":"5.00","JPY":"700"}`: known currencies, non-negative, no more
/// decimals than the currency has.
fn per_currency(v: &serde_json::Value, key: &str) -> Result<PerCurrency, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("\"{key}\" must map currencies to amounts"))?;
    let mut out = PerCurrency::new();
    for (code, amount) in obj {
        let cur = Currency::from_str(code).map_err(|e| format!("\"{key}\": {e}"))?;
        let d = decimal_param(Some(amount), &format!("{key}.{code}"))?;
        if d < Decimal::ZERO {
            return Err(format!("\"{key}.{code}\" cannot be negative"));
        }
        if d.normalize().scale() > cur.minor_units() {
            return Err(format!(
                "\"{key}.{code}\": {d} has more decimals than {code} allows"
            ));
        }
        out.insert(cur, cur.round(d));
    }
    Ok(out)
}

/// A coupon: one use of a promotion, possibly restricted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coupon {
    pub code: String,
    pub promotion: Promotion,
    /// Only this customer may use it.
    pub customer_id: Option<i64>,
    /// Inclusive.
    pub starts_on: Option<NaiveDate>,
    /// Inclusive.
    pub ends_on: Option<NaiveDate>,
    /// Merchandise after item discounts must reach this, in this currency.
    pub min_spend: Option<Money>,
    /// How often it may be used, and how often it has been.
    #[serde(default)]
    pub usage: CouponUsage,
}

/// How often a coupon may be used and how often it has been, counted for
/// the customer it was read for. A single-use code has `max_total` 1; a
/// multi-use code has no limit (None) or limits in all and per customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponUsage {
    /// Redemptions allowed in all; None: no limit.
    pub max_total: Option<u32>,
    /// Redemptions allowed per customer; None: no limit.
    pub max_per_customer: Option<u32>,
    /// Placed orders that redeemed it, in all.
    pub used: u32,
    /// Of them, those of the customer it was read for.
    pub used_by_customer: u32,
}

impl Default for CouponUsage {
    /// A single-use code nobody has used (what a coupon was before codes
    /// could be used more than once).
    fn default() -> Self {
        CouponUsage {
            max_total: Some(1),
            max_per_customer: None,
            used: 0,
            used_by_customer: 0,
        }
    }
}

impl CouponUsage {
    /// A multi-use code with these limits, not used yet.
    pub fn multi(max_total: Option<u32>, max_per_customer: Option<u32>) -> CouponUsage {
        CouponUsage {
            max_total,
            max_per_customer,
            used: 0,
            used_by_customer: 0,
        }
    }

    /// Good for one use in all.
    pub fn single_use(&self) -> bool {
        self.max_total == Some(1)
    }

    /// Whether the customer (None: a guest) may use `code` once more;
    /// Err says why not. A per-customer limit cannot be counted for a
    /// guest (not on file), so such a code is for registered customers.
    pub fn check(&self, code: &str, customer_id: Option<i64>) -> Result<(), String> {
        if let Some(max) = self.max_total {
            if self.used >= max {
                return Err(match max {
                    1 => format!("coupon {code} has already been used"),
                    n => format!("coupon {code} has been used {n} times, all it is good for"),
                });
            }
        }
        if let Some(max) = self.max_per_customer {
            if customer_id.is_none() {
                return Err(format!(
                    "coupon {code} is limited per customer: it is for registered customers"
                ));
            }
            if self.used_by_customer >= max {
                return Err(match max {
                    1 => format!("coupon {code} is once per customer: this customer has used it"),
                    n => format!(
                        "coupon {code} is {n} times per customer: this customer has used it {} times",
                        self.used_by_customer
                    ),
                });
            }
        }
        Ok(())
    }
}

/// Whether `coupon` may be used by this customer today on an order in
/// `currency` whose merchandise after item discounts is
/// `merchandise_after_item_discounts`; Err says why not.
pub fn check_coupon(
    coupon: &Coupon,
    customer_id: Option<i64>,
    today: NaiveDate,
    merchandise_after_item_discounts: Decimal,
    currency: Currency,
) -> Result<(), String> {
    check_coupon_terms(coupon, customer_id, today, currency)?;
    check_coupon_spend(coupon, merchandise_after_item_discounts, currency)
}

/// The checks that do not depend on the cart's contents.
pub(crate) fn check_coupon_terms(
    coupon: &Coupon,
    customer_id: Option<i64>,
    today: NaiveDate,
    currency: Currency,
) -> Result<(), String> {
    let code = &coupon.code;
    check_coupon_owner(coupon, customer_id)?;
    coupon.usage.check(code, customer_id)?;
    if let Some(s) = coupon.starts_on {
        if today < s {
            return Err(format!("coupon {code} is not valid until {s}"));
        }
    }
    if let Some(e) = coupon.ends_on {
        if today > e {
            return Err(format!("coupon {code} expired on {e}"));
        }
    }
    let p = &coupon.promotion;
    if let Some(why) = p.date_problem(today) {
        return Err(format!("coupon {code}: the promotion '{}' {why}", p.name));
    }
    if !p.available_in(currency) {
        return Err(format!(
            "coupon {code} does not apply to orders in {currency}"
        ));
    }
    Ok(())
}

/// A coupon of one customer is for them alone.
pub fn check_coupon_owner(coupon: &Coupon, customer_id: Option<i64>) -> Result<(), String> {
    match coupon.customer_id {
        Some(owner) if customer_id != Some(owner) => Err(format!(
            "coupon {} belongs to another customer",
            coupon.code
        )),
        _ => Ok(()),
    }
}

/// Minimum spend of the coupon and threshold of its promotion.
pub(crate) fn check_coupon_spend(
    coupon: &Coupon,
    merchandise: Decimal,
    currency: Currency,
) -> Result<(), String> {
    let code = &coupon.code;
    if let Some(min) = coupon.min_spend {
        if min.currency != currency {
            return Err(format!(
                "coupon {code} needs a minimum spend in {}; this order is in {currency}",
                min.currency
            ));
        }
        if merchandise < min.amount {
            return Err(format!(
                "coupon {code}: minimum spend {min} not reached (merchandise {})",
                Money::new(merchandise, currency)
            ));
        }
    }
    if let Some(t) = coupon.promotion.threshold_in(currency) {
        if merchandise < t {
            return Err(format!(
                "coupon {code}: needs merchandise of {} (now {})",
                Money::new(t, currency),
                Money::new(merchandise, currency)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn save20() -> Promotion {
        Promotion::from_row(
            "SAVE20-100",
            "20 off orders of 100 or more",
            "order_amount",
            None,
            None,
            r#"{"amount":{"USD":"20.00","JPY":"3000"},"threshold":{"USD":"100.00","JPY":"15000"}}"#,
            true,
            false,
            None,
            None,
        )
        .unwrap()
    }

    fn coupon() -> Coupon {
        Coupon {
            code: "SAVE20".into(),
            promotion: save20(),
            customer_id: None,
            starts_on: Some(day("2026-11-01")),
            ends_on: Some(day("2026-11-30")),
            min_spend: None,
            usage: CouponUsage::default(),
        }
    }

    #[test]
    fn builds_every_kind_from_rows() {
        let p = Promotion::from_row(
            "TENTS10",
            "10% off tents",
            "item_percent",
            None,
            Some(7),
            r#"{"percent":"10"}"#,
            true,
            true,
            Some("2026-11-01"),
            Some("2026-12-31"),
        )
        .unwrap();
        assert_eq!(p.kind, PromotionKind::ItemPercent { percent: dec!(10) });
        assert_eq!(p.scope, Scope::Category(7));
        assert!(p.is_current(day("2026-11-01")) && p.is_current(day("2026-12-31")));
        assert!(!p.is_current(day("2027-01-01")) && !p.is_current(day("2026-10-31")));

        let b = Promotion::from_row(
            "B",
            "b",
            "buy_n_get_m",
            Some(3),
            None,
            r#"{"n":2,"m":1}"#,
            true,
            true,
            None,
            None,
        )
        .unwrap();
        assert_eq!(b.kind, PromotionKind::BuyNGetM { n: 2, m: 1 });
        assert_eq!(b.scope, Scope::Item(3));

        let f = Promotion::from_row(
            "F",
            "f",
            "free_shipping",
            None,
            None,
            "{}",
            true,
            true,
            None,
            None,
        )
        .unwrap();
        assert_eq!(f.threshold_in(Currency::JPY), Some(dec!(0)));

        let s = save20();
        assert_eq!(s.threshold_in(Currency::USD), Some(dec!(100.00)));
        assert!(s.available_in(Currency::JPY));
        assert!(!s.available_in(Currency::EUR));
        let fixed = Promotion::from_row(
            "P",
            "p",
            "item_fixed_price",
            Some(1),
            None,
            r#"{"price":{"GBP":27.99}}"#,
            true,
            true,
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            fixed.kind,
            PromotionKind::ItemFixedPrice {
                price: PerCurrency::from([(Currency::GBP, dec!(27.99))])
            }
        );
    }

    #[test]
    fn bad_rows_are_refused_with_the_reason() {
        let row = |kind: &str,
                   item: Option<i64>,
                   params: &str,
                   start: Option<&str>,
                   end: Option<&str>| {
            Promotion::from_row("X", "x", kind, item, None, params, true, true, start, end)
                .unwrap_err()
        };
        assert!(
            row("item_percent", Some(1), r#"{"percent":"120"}"#, None, None)
                .contains("at most 100")
        );
        assert!(row("item_percent", Some(1), r#"{}"#, None, None).contains("percent"));
        assert!(row("item_percent", None, r#"{"percent":"5"}"#, None, None)
            .contains("item or a category"));
        assert!(
            row("order_percent", Some(1), r#"{"percent":"5"}"#, None, None).contains("cannot name")
        );
        assert!(row(
            "item_amount",
            Some(1),
            r#"{"amount":{"JPY":"700.5"}}"#,
            None,
            None
        )
        .contains("decimals"));
        assert!(row(
            "item_amount",
            Some(1),
            r#"{"amount":{"XXX":"1"}}"#,
            None,
            None
        )
        .contains("unknown currency"));
        assert!(row(
            "item_amount",
            Some(1),
            r#"{"amount":{"USD":"-1"}}"#,
            None,
            None
        )
        .contains("negative"));
        assert!(
            row("buy_n_get_m", Some(1), r#"{"n":0,"m":1}"#, None, None).contains("whole number")
        );
        assert!(row("bogus", Some(1), "{}", None, None).contains("unknown kind"));
        assert!(row("free_shipping", None, "not json", None, None).contains("JSON"));
        assert!(row("free_shipping", None, "{}", Some("2026-13-01"), None).contains("YYYY-MM-DD"));
        assert!(row(
            "free_shipping",
            None,
            "{}",
            Some("2026-12-01"),
            Some("2026-11-01")
        )
        .contains("before"));
    }

    #[test]
    fn coupon_refusals_say_why() {
        let today = day("2026-11-15");
        let usd = Currency::USD;
        assert_eq!(
            check_coupon(&coupon(), None, today, dec!(100.00), usd),
            Ok(())
        );

        let used = Coupon {
            usage: CouponUsage {
                used: 1,
                ..CouponUsage::default()
            },
            ..coupon()
        };
        assert!(check_coupon(&used, None, today, dec!(150), usd)
            .unwrap_err()
            .contains("already been used"));

        let theirs = Coupon {
            customer_id: Some(9),
            ..coupon()
        };
        assert!(check_coupon(&theirs, Some(8), today, dec!(150), usd)
            .unwrap_err()
            .contains("another customer"));
        assert!(check_coupon(&theirs, None, today, dec!(150), usd).is_err());
        assert_eq!(
            check_coupon(&theirs, Some(9), today, dec!(150), usd),
            Ok(())
        );

        assert!(
            check_coupon(&coupon(), None, day("2026-10-31"), dec!(150), usd)
                .unwrap_err()
                .contains("not valid until 2026-11-01")
        );
        assert!(
            check_coupon(&coupon(), None, day("2026-12-01"), dec!(150), usd)
                .unwrap_err()
                .contains("expired on 2026-11-30")
        );
        assert!(check_coupon(&coupon(), None, day("2026-11-30"), dec!(150), usd).is_ok());

        let threshold = check_coupon(&coupon(), None, today, dec!(99.99), usd).unwrap_err();
        assert!(
            threshold.contains("100.00 USD") && threshold.contains("99.99"),
            "{threshold}"
        );
        assert!(
            check_coupon(&coupon(), None, today, dec!(150), Currency::EUR)
                .unwrap_err()
                .contains("orders in EUR")
        );

        let min = Coupon {
            min_spend: Some(Money::new(dec!(120), usd)),
            ..coupon()
        };
        assert!(check_coupon(&min, None, today, dec!(119.99), usd)
            .unwrap_err()
            .contains("minimum spend 120.00 USD not reached"));
        assert!(check_coupon(&min, None, today, dec!(120), usd).is_ok());
        let other_cur = Coupon {
            min_spend: Some(Money::new(dec!(50), Currency::GBP)),
            ..coupon()
        };
        assert!(check_coupon(&other_cur, None, today, dec!(150), usd)
            .unwrap_err()
            .contains("minimum spend in GBP"));
    }

    #[test]
    fn a_coupon_is_good_for_its_uses_and_no_more() {
        let today = day("2026-11-15");
        let usd = Currency::USD;
        let with = |usage: CouponUsage| Coupon { usage, ..coupon() };
        let check = |c: &Coupon, who: Option<i64>| check_coupon(c, who, today, dec!(150), usd);
        // Once per customer, any number of customers.
        let welcome = CouponUsage {
            used: 40,
            used_by_customer: 0,
            ..CouponUsage::multi(None, Some(1))
        };
        assert!(!welcome.single_use());
        assert_eq!(check(&with(welcome), Some(7)), Ok(()));
        let again = CouponUsage {
            used_by_customer: 1,
            ..welcome
        };
        assert!(check(&with(again), Some(7))
            .unwrap_err()
            .contains("once per customer: this customer has used it"));
        assert!(check(&with(welcome), None)
            .unwrap_err()
            .contains("for registered customers"));
        let thrice = CouponUsage {
            used_by_customer: 3,
            ..CouponUsage::multi(None, Some(3))
        };
        assert!(check(&with(thrice), Some(7))
            .unwrap_err()
            .contains("3 times per customer: this customer has used it 3 times"));
        // A total limit: the last use goes, then none is left.
        let last = CouponUsage {
            used: 99,
            ..CouponUsage::multi(Some(100), None)
        };
        assert_eq!(check(&with(last), None), Ok(()));
        let gone = CouponUsage { used: 100, ..last };
        assert!(check(&with(gone), None)
            .unwrap_err()
            .contains("used 100 times, all it is good for"));
        // No limits at all.
        let open = CouponUsage {
            used: 10_000,
            used_by_customer: 50,
            ..CouponUsage::multi(None, None)
        };
        assert_eq!(check(&with(open), Some(7)), Ok(()));
        assert!(CouponUsage::default().single_use());
    }

    #[test]
    fn promotions_round_trip_through_json() {
        let c = Coupon {
            min_spend: Some(Money::new(dec!(50), Currency::USD)),
            ..coupon()
        };
        let text = serde_json::to_string(&c).unwrap();
        let back: Coupon = serde_json::from_str(&text).unwrap();
        assert_eq!(back, c);
    }
}
