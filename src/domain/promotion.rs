//! Promotions and coupons as plain data (docs/design.md).
//!
//! A promotion is built from its `promotions` row by [`Promotion::from_row`];
//! a coupon names one promotion and adds its own restrictions, checked by
//! [`check_coupon`]. Pricing (`domain::pricing`) decides which apply.

use crate::domain::money::{Currency, Money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
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
    /// Shipments by one of `methods` (shipping method codes) are free at
    /// or over the threshold; the others keep their charge. Empty: the
    /// store puts in the default method where it builds the pricing
    /// context ([`Promotion::with_default_method`]); still empty (no
    /// method known), every shipment is free.
    FreeShipping {
        threshold: Option<PerCurrency>,
        #[serde(default)]
        methods: Vec<String>,
    },
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
    /// A template rendered in the order's currency by
    /// [`Promotion::name_in`]: `{amount}`, `{threshold}`, `{percent}` and
    /// `{methods}` where the kind has them; a name without placeholders
    /// is shown as it is.
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
    /// `{"price":{...}}`, `{"threshold":{...}}`, `{"methods":["GROUND"]}`
    /// (free shipping); dates are `YYYY-MM-DD`. The name's placeholders
    /// must be ones the kind has.
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
                methods: methods_param(obj.get("methods")).map_err(err)?,
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
        check_template(name, &kind).map_err(err)?;
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
            | PromotionKind::FreeShipping { threshold, .. } => threshold.as_ref(),
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

    /// The name as customers read it on an order in `cur`: each
    /// placeholder replaced by the promotion's own figure in that
    /// currency, with its sign (`{amount} off` → `¥700 off`); `{methods}`
    /// by the names of the free methods (`method_names`: code → name).
    /// A figure it lacks in `cur` leaves its placeholder as it is.
    pub fn name_in(&self, cur: Currency, method_names: &HashMap<String, String>) -> String {
        if !self.name.contains('{') {
            return self.name.clone();
        }
        let mut out = self.name.clone();
        for (key, value) in [
            ("{amount}", self.amount_in(cur).map(|a| cur.display(a))),
            (
                "{threshold}",
                self.threshold_in(cur)
                    .filter(|_| self.has_threshold())
                    .map(|t| cur.display(t)),
            ),
            (
                "{percent}",
                self.percent().map(|p| p.normalize().to_string()),
            ),
            (
                "{methods}",
                self.free_methods().map(|m| {
                    let names: Vec<&str> = m
                        .iter()
                        .map(|c| method_names.get(c).map(String::as_str).unwrap_or(c))
                        .collect();
                    match names.split_last() {
                        None => String::new(),
                        Some((last, [])) => last.to_string(),
                        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                    }
                }),
            ),
        ] {
            if let Some(v) = value {
                out = out.replace(key, &v);
            }
        }
        // An empty `{methods}` leaves two spaces behind.
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The amount off (or the fixed price) in `cur`.
    fn amount_in(&self, cur: Currency) -> Option<Decimal> {
        match &self.kind {
            PromotionKind::ItemAmount { amount } | PromotionKind::OrderAmount { amount, .. } => {
                amount.get(&cur).copied()
            }
            PromotionKind::ItemFixedPrice { price } => price.get(&cur).copied(),
            _ => None,
        }
    }

    fn percent(&self) -> Option<Decimal> {
        match &self.kind {
            PromotionKind::ItemPercent { percent }
            | PromotionKind::OrderPercent { percent, .. } => Some(*percent),
            _ => None,
        }
    }

    fn has_threshold(&self) -> bool {
        matches!(
            &self.kind,
            PromotionKind::OrderPercent {
                threshold: Some(_),
                ..
            } | PromotionKind::OrderAmount {
                threshold: Some(_),
                ..
            } | PromotionKind::FreeShipping {
                threshold: Some(_),
                ..
            }
        )
    }

    /// The shipping methods a free-shipping promotion makes free (empty:
    /// every method); None for other kinds.
    pub fn free_methods(&self) -> Option<&[String]> {
        match &self.kind {
            PromotionKind::FreeShipping { methods, .. } => Some(methods),
            _ => None,
        }
    }

    /// Whether a free-shipping promotion makes a shipment by `method` free.
    pub fn frees_method(&self, method: Option<&str>) -> bool {
        match self.free_methods() {
            Some([]) => true,
            Some(list) => method.is_some_and(|m| list.iter().any(|c| c.eq_ignore_ascii_case(m))),
            None => false,
        }
    }

    /// A free-shipping promotion that lists no method, with `method`
    /// listed (the store's default: see `shipping::default_free_method`);
    /// any other promotion as it is.
    pub fn with_default_method(mut self, method: Option<&str>) -> Promotion {
        if let (PromotionKind::FreeShipping { methods, .. }, Some(m)) = (&mut self.kind, method) {
            if methods.is_empty() {
                methods.push(m.to_string());
            }
        }
        self
    }
}

/// Refuses a name with a placeholder the kind has no figure for, or an
/// unknown one, so a typo never reaches a customer as `{amout}`.
fn check_template(name: &str, kind: &PromotionKind) -> Result<(), String> {
    let mut rest = name;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            return Err(format!("name '{name}': a '{{' without its '}}'"));
        };
        let key = &after[..end];
        let fits = match key {
            "amount" => matches!(
                kind,
                PromotionKind::ItemAmount { .. }
                    | PromotionKind::OrderAmount { .. }
                    | PromotionKind::ItemFixedPrice { .. }
            ),
            "threshold" => matches!(
                kind,
                PromotionKind::OrderPercent {
                    threshold: Some(_),
                    ..
                } | PromotionKind::OrderAmount {
                    threshold: Some(_),
                    ..
                } | PromotionKind::FreeShipping {
                    threshold: Some(_),
                    ..
                }
            ),
            "percent" => matches!(
                kind,
                PromotionKind::ItemPercent { .. } | PromotionKind::OrderPercent { .. }
            ),
            "methods" => matches!(kind, PromotionKind::FreeShipping { .. }),
            _ => return Err(format!("name '{name}': unknown placeholder {{{key}}}")),
        };
        if !fits {
            return Err(format!(
                "name '{name}': this kind of promotion has no {{{key}}}"
            ));
        }
        rest = &after[end + 1..];
    }
    Ok(())
}

/// `["GROUND","ECONOMY"]`: shipping method codes, none blank.
fn methods_param(v: Option<&serde_json::Value>) -> Result<Vec<String>, String> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let list = v
        .as_array()
        .ok_or_else(|| "\"methods\" must list shipping method codes".to_string())?;
    list.iter()
        .map(|m| match m.as_str().map(str::trim) {
            Some(code) if !code.is_empty() => Ok(code.to_string()),
            _ => Err("\"methods\" must list shipping method codes".to_string()),
        })
        .collect()
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
        let name = p.name_in(currency, &Default::default());
        return Err(format!("coupon {code}: the promotion '{name}' {why}"));
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
                "coupon {code}: needs a qualifying spend of {min} (now {})",
                Money::new(merchandise, currency)
            ));
        }
    }
    if let Some(t) = coupon.promotion.threshold_in(currency) {
        if merchandise < t {
            return Err(format!(
                "coupon {code}: needs a qualifying spend of {} (now {})",
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
            .contains("needs a qualifying spend of 120.00 USD (now 119.99 USD)"));
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
    fn names_are_rendered_in_the_order_currency() {
        let row = |name: &str, kind: &str, params: &str| {
            Promotion::from_row("P", name, kind, None, None, params, true, true, None, None)
        };
        let lantern = row(
            "{amount} off the Hearth LED Lantern",
            "order_amount",
            r#"{"amount":{"USD":"5.00","JPY":"700"}}"#,
        )
        .unwrap();
        let none = HashMap::new();
        assert_eq!(
            lantern.name_in(Currency::USD, &none),
            "$5.00 off the Hearth LED Lantern"
        );
        assert_eq!(
            lantern.name_in(Currency::JPY, &none),
            "¥700 off the Hearth LED Lantern"
        );
        // No figure in this currency: the placeholder stays, never a guess.
        assert_eq!(
            lantern.name_in(Currency::EUR, &none),
            "{amount} off the Hearth LED Lantern"
        );

        let over = row(
            "{percent}% off orders over {threshold}",
            "order_percent",
            r#"{"percent":"5","threshold":{"USD":"250.00","JPY":"37500"}}"#,
        )
        .unwrap();
        assert_eq!(
            over.name_in(Currency::JPY, &none),
            "5% off orders over ¥37,500"
        );
        assert_eq!(
            over.name_in(Currency::USD, &none),
            "5% off orders over $250.00"
        );

        let ship = row(
            "Free {methods} shipping on orders over {threshold}",
            "free_shipping",
            r#"{"threshold":{"USD":"150.00"},"methods":["GROUND","ECONOMY"]}"#,
        )
        .unwrap();
        let names: HashMap<String, String> = [("GROUND", "Ground"), ("ECONOMY", "Economy")]
            .into_iter()
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect();
        assert_eq!(
            ship.name_in(Currency::USD, &names),
            "Free Ground or Economy shipping on orders over $150.00"
        );
        assert!(ship.frees_method(Some("GROUND")));
        assert!(!ship.frees_method(Some("EXPRESS")));
        assert!(!ship.frees_method(None));
        // Listing none: every method until the store names the default.
        let any = row("Free {methods} shipping", "free_shipping", "{}").unwrap();
        assert!(any.frees_method(Some("EXPRESS")));
        assert_eq!(any.name_in(Currency::USD, &names), "Free shipping");
        let ground = any.with_default_method(Some("GROUND"));
        assert!(!ground.frees_method(Some("EXPRESS")));
        assert_eq!(
            ground.name_in(Currency::USD, &names),
            "Free Ground shipping"
        );

        let plain = row("10% off all tents", "order_percent", r#"{"percent":"10"}"#).unwrap();
        assert_eq!(plain.name_in(Currency::JPY, &none), "10% off all tents");
    }

    #[test]
    fn a_name_with_a_placeholder_the_kind_lacks_is_refused() {
        let row = |name: &str, kind: &str, params: &str| {
            Promotion::from_row("P", name, kind, None, None, params, true, true, None, None)
                .unwrap_err()
        };
        assert!(
            row("{amout} off", "order_amount", r#"{"amount":{"USD":"5"}}"#)
                .contains("unknown placeholder {amout}")
        );
        assert!(
            row("{amount} off", "order_percent", r#"{"percent":"5"}"#).contains("has no {amount}")
        );
        assert!(
            row("over {threshold}", "order_percent", r#"{"percent":"5"}"#)
                .contains("has no {threshold}")
        );
        assert!(
            row("{amount off", "order_amount", r#"{"amount":{"USD":"5"}}"#).contains("without its")
        );
        assert!(row("Free", "free_shipping", r#"{"methods":"GROUND"}"#)
            .contains("\"methods\" must list shipping method codes"));
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
