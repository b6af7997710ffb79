//! The breakdown pricing produces and the context it needs.

use crate::domain::adjustment::Adjustment;
use crate::domain::money::Currency;
use crate::domain::promotion::{Coupon, Promotion};
use crate::domain::shipping::{Rate, TaxRate};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A shipment as planned elsewhere: its ship-to and (line index, quantity)
/// pairs, line indexes into `Order::lines`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentInput {
    pub ship_to: usize,
    pub lines: Vec<(usize, u32)>,
}

/// What pricing needs besides the order. `Default` prices lines, shipping
/// and tax only (no promotions, 1970-01-01 as today).
#[derive(Debug, Clone, Default)]
pub struct PricingContext {
    /// Per ship-to: its method's rate in the order's currency.
    pub ship_to_rates: Vec<Option<Rate>>,
    /// Per ship-to: its region's tax.
    pub ship_to_tax: Vec<Option<TaxRate>>,
    /// Per ship-to: its shipping method's code (free shipping names the
    /// methods it makes free).
    pub ship_to_methods: Vec<Option<String>>,
    /// Shipping method code → name, for promotion names (`{methods}`).
    pub method_names: HashMap<String, String>,
    /// Date ranges of promotions and coupons are checked against this.
    pub today: NaiveDate,
    /// Automatic promotions (others are only reachable through a coupon;
    /// promotions out of their dates are skipped).
    pub promotions: Vec<Promotion>,
    /// Coupons the operator redeemed on this order.
    pub coupons: Vec<Coupon>,
    pub adjustments: Vec<Adjustment>,
    /// item id → its category ids, ancestors included.
    pub item_categories: HashMap<i64, Vec<i64>>,
    /// None: one shipment per ship-to that has lines, with all its lines.
    pub shipments: Option<Vec<ShipmentInput>>,
}

/// One discount as shown and stored: the promotion's code and name, and
/// the coupon that brought it, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discount {
    pub promotion: String,
    pub coupon: Option<String>,
    pub name: String,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAmount {
    pub line_no: usize,
    /// List unit price × quantity.
    #[serde(default)]
    pub list_amount: Decimal,
    /// The unit price charged (the override where there is one).
    #[serde(default)]
    pub unit_price: Decimal,
    /// The override is a net price: item promotions do not apply to it.
    #[serde(default)]
    pub net: bool,
    /// Unit price charged × quantity: the line's merchandise.
    pub amount: Decimal,
    /// Item promotions on this line, with names.
    #[serde(default)]
    pub discounts: Vec<Discount>,
    #[serde(default)]
    pub item_discount: Decimal,
    /// This line's share of the order-level discounts and subtotal
    /// adjustments.
    #[serde(default)]
    pub order_discount: Decimal,
    /// item_discount + order_discount.
    pub discount: Decimal,
    /// amount − discount.
    pub total: Decimal,
    /// This line's share of its ship-to's tax.
    pub tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentCharge {
    pub ship_to: usize,
    /// (line index, quantity) on this shipment.
    #[serde(default)]
    pub lines: Vec<(usize, u32)>,
    pub items: u64,
    pub grams: u64,
    /// By the method's rate (0 while the rate is unknown).
    #[serde(default)]
    pub computed: Decimal,
    /// Name of the free-shipping promotion that made it free.
    #[serde(default)]
    pub free_shipping: Option<String>,
    /// The operator's override, when there is one.
    #[serde(default)]
    pub override_amount: Option<Decimal>,
    /// What the customer pays for it.
    pub charge: Decimal,
    /// Tax on this charge (where the region taxes shipping).
    #[serde(default)]
    pub tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxAmount {
    pub ship_to: usize,
    pub name: String,
    pub rate: Decimal,
    /// What the rate was applied to.
    #[serde(default)]
    pub base: Decimal,
    pub amount: Decimal,
}

/// An operator adjustment as applied. `amount` is how much it took off
/// (negative where it raised a price); price and shipping overrides are
/// already in the line amounts and shipment charges, subtotal adjustments
/// are in `discount_total`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedAdjustment {
    /// "price_override", "shipping_override" or "subtotal".
    pub kind: String,
    /// 1-based line or shipment number; empty for the subtotal.
    pub target: String,
    pub reason_code: String,
    pub operator: String,
    pub amount: Decimal,
    /// The supervisor's approval, for an adjustment beyond the operator's
    /// limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<crate::domain::operator::Approval>,
    /// When the operator made it (`Adjustment::made_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_at: Option<String>,
}

/// What became of a coupon redeemed on this order. Only applied coupons
/// are to be marked used on submit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponOutcome {
    pub code: String,
    pub applied: bool,
    /// Why it was not applied.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub currency: Currency,
    pub lines: Vec<LineAmount>,
    /// Merchandise: Σ line amounts at the prices charged (after price
    /// overrides), before any discount.
    pub merchandise: Decimal,
    #[serde(default)]
    pub item_discount_total: Decimal,
    /// The qualifying spend: merchandise − item discounts, what thresholds
    /// and minimum spends are compared with (shown under that name).
    #[serde(default)]
    pub subtotal_after_item_discounts: Decimal,
    /// Order promotions and coupons, in the order they were taken.
    #[serde(default)]
    pub order_discounts: Vec<Discount>,
    #[serde(default)]
    pub order_discount_total: Decimal,
    /// Operator amounts off the subtotal.
    #[serde(default)]
    pub adjustment_total: Decimal,
    /// item + order discounts + subtotal adjustments.
    pub discount_total: Decimal,
    /// merchandise − discount_total.
    #[serde(default)]
    pub subtotal: Decimal,
    pub shipments: Vec<ShipmentCharge>,
    /// The free-shipping promotion applied; amount = computed charges
    /// waived (overridden shipments excluded).
    #[serde(default)]
    pub free_shipping: Option<Discount>,
    pub shipping_total: Decimal,
    pub taxes: Vec<TaxAmount>,
    pub tax_total: Decimal,
    /// merchandise − discount_total + shipping_total + tax_total.
    pub grand_total: Decimal,
    #[serde(default)]
    pub adjustments: Vec<AppliedAdjustment>,
    /// One per coupon in the context, in its order.
    #[serde(default)]
    pub coupons: Vec<CouponOutcome>,
    /// Promotions left out and adjustments clamped or ignored, and why.
    #[serde(default)]
    pub notes: Vec<String>,
}

impl Breakdown {
    /// Every discount once, with its name, for the review screen: item
    /// discounts summed over lines per promotion (first seen first), then
    /// the order discounts.
    pub fn discount_lines(&self) -> Vec<Discount> {
        let mut out: Vec<Discount> = Vec::new();
        for d in self.lines.iter().flat_map(|l| &l.discounts) {
            match out
                .iter_mut()
                .find(|o| o.promotion == d.promotion && o.coupon == d.coupon)
            {
                Some(o) => o.amount += d.amount,
                None => out.push(d.clone()),
            }
        }
        out.extend(self.order_discounts.iter().cloned());
        out
    }
}
