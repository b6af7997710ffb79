//! Shipping methods and their charges (docs/design.md).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A method's rate in one currency: base + per item + per kilogram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub base: Decimal,
    pub per_item: Decimal,
    pub per_kg: Decimal,
}

impl Rate {
    /// The unrounded charge for `items` pieces weighing `grams` in all.
    pub fn charge(&self, items: u64, grams: u64) -> Decimal {
        self.base
            + self.per_item * Decimal::from(items)
            + self.per_kg * Decimal::from(grams) / Decimal::from(1000)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingMethod {
    pub code: String,
    pub name: String,
    pub transit_days: u32,
    /// Rate in the order's currency.
    pub rate: Rate,
    /// (country, region) pairs covered; region "" covers the whole country.
    pub regions: Vec<(String, String)>,
}

impl ShippingMethod {
    pub fn covers(&self, country: &str, region: &str) -> bool {
        self.regions.iter().any(|(c, r)| {
            c.eq_ignore_ascii_case(country) && (r.is_empty() || r.eq_ignore_ascii_case(region))
        })
    }
}

/// The method a free-shipping promotion that lists none makes free: the
/// cheapest, i.e. the lowest base charge in the order's currency (then the
/// lowest per-item and per-kilogram charges, then the longest transit,
/// then the first listed). In the demo data that is Ground in every
/// currency, never Express or International. `methods` are the active
/// methods with a rate in the order's currency, in their sort order.
pub fn default_free_method(methods: &[ShippingMethod]) -> Option<&ShippingMethod> {
    methods
        .iter()
        .enumerate()
        .min_by(|(i, a), (j, b)| {
            (a.rate.base, a.rate.per_item, a.rate.per_kg)
                .cmp(&(b.rate.base, b.rate.per_item, b.rate.per_kg))
                .then(b.transit_days.cmp(&a.transit_days))
                .then(i.cmp(j))
        })
        .map(|(_, m)| m)
}

/// Tax rate of a ship-to region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRate {
    pub name: String,
    /// A fraction: 0.0825 for 8.25 %.
    pub rate: Decimal,
    pub taxes_shipping: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn charge_adds_base_items_and_weight() {
        let r = Rate {
            base: dec!(5.95),
            per_item: dec!(0.50),
            per_kg: dec!(0.40),
        };
        // 5.95 + 3 * 0.50 + 2.5 kg * 0.40 = 8.45
        assert_eq!(r.charge(3, 2500), dec!(8.45));
    }

    #[test]
    fn the_default_free_method_is_the_cheapest() {
        let method = |code: &str, days: u32, base: Decimal| ShippingMethod {
            code: code.into(),
            name: code.into(),
            transit_days: days,
            rate: Rate {
                base,
                per_item: dec!(0.50),
                per_kg: dec!(0.40),
            },
            regions: Vec::new(),
        };
        let list = [
            method("EXPRESS", 2, dec!(14.95)),
            method("GROUND", 5, dec!(5.95)),
            method("INTL", 10, dec!(24.95)),
        ];
        assert_eq!(
            default_free_method(&list).map(|m| m.code.as_str()),
            Some("GROUND")
        );
        // Same charges: the slower one is the ground method.
        let tie = [method("A", 2, dec!(5.95)), method("B", 5, dec!(5.95))];
        assert_eq!(
            default_free_method(&tie).map(|m| m.code.as_str()),
            Some("B")
        );
        assert!(default_free_method(&[]).is_none());
    }

    #[test]
    fn coverage_by_country_and_region() {
        let m = ShippingMethod {
            code: "GROUND".into(),
            name: "Ground".into(),
            transit_days: 5,
            rate: Rate {
                base: dec!(1),
                per_item: dec!(0),
                per_kg: dec!(0),
            },
            regions: vec![("US".into(), "".into()), ("CA".into(), "ON".into())],
        };
        assert!(m.covers("us", "TX"));
        assert!(m.covers("CA", "on"));
        assert!(!m.covers("CA", "BC"));
        assert!(!m.covers("GB", ""));
    }
}
