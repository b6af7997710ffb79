//! Pricing: one pure function from the order's lines, shipments and tax
//! rates to a breakdown (DESIGN.md section 5). The review screen shows the
//! breakdown and submit stores the same value.
//!
//! Every amount is rounded to the currency's minor unit where it is
//! computed, so the parts shown always add up to the totals shown.

use crate::domain::money::Currency;
use crate::domain::order::Order;
use crate::domain::shipping::{Rate, TaxRate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What pricing needs besides the order: per ship-to, its method's rate and
/// its region's tax (None where not known yet).
#[derive(Debug, Clone, Default)]
pub struct PricingContext {
    pub ship_to_rates: Vec<Option<Rate>>,
    pub ship_to_tax: Vec<Option<TaxRate>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAmount {
    pub line_no: usize,
    pub amount: Decimal,
    pub discount: Decimal,
    pub total: Decimal,
    pub tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentCharge {
    pub ship_to: usize,
    pub items: u64,
    pub grams: u64,
    pub charge: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxAmount {
    pub ship_to: usize,
    pub name: String,
    pub rate: Decimal,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub currency: Currency,
    pub lines: Vec<LineAmount>,
    pub merchandise: Decimal,
    pub discount_total: Decimal,
    pub shipments: Vec<ShipmentCharge>,
    pub shipping_total: Decimal,
    pub taxes: Vec<TaxAmount>,
    pub tax_total: Decimal,
    pub grand_total: Decimal,
}

/// Prices `order`. Ship-tos without a known rate or tax region are charged
/// nothing for that part; `Order::problems` names them before submit.
pub fn price(order: &Order, ctx: &PricingContext) -> Breakdown {
    let cur = order.currency;
    let lines: Vec<LineAmount> = order
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let amount = cur.round(l.unit_price * Decimal::from(l.quantity));
            LineAmount {
                line_no: i + 1,
                amount,
                discount: Decimal::ZERO,
                total: amount,
                tax: Decimal::ZERO,
            }
        })
        .collect();
    let merchandise: Decimal = lines.iter().map(|l| l.amount).sum();
    let discount_total: Decimal = lines.iter().map(|l| l.discount).sum();

    let mut shipments = Vec::new();
    for (s, _) in order.ship_tos.iter().enumerate() {
        let on_it: Vec<_> = order.lines.iter().filter(|l| l.ship_to == s).collect();
        if on_it.is_empty() {
            continue;
        }
        let items: u64 = on_it.iter().map(|l| u64::from(l.quantity)).sum();
        let grams: u64 = on_it
            .iter()
            .map(|l| u64::from(l.quantity) * u64::from(l.weight_grams))
            .sum();
        let charge = ctx
            .ship_to_rates
            .get(s)
            .and_then(Option::as_ref)
            .map(|r| cur.round(r.charge(items, grams)))
            .unwrap_or(Decimal::ZERO);
        shipments.push(ShipmentCharge {
            ship_to: s,
            items,
            grams,
            charge,
        });
    }
    let shipping_total: Decimal = shipments.iter().map(|s| s.charge).sum();

    // Tax per ship-to: on its taxable merchandise after discounts, plus its
    // shipping where the region taxes shipping; spread back onto the lines.
    let mut lines = lines;
    let mut taxes = Vec::new();
    for (s, _) in order.ship_tos.iter().enumerate() {
        let Some(Some(tax)) = ctx.ship_to_tax.get(s) else {
            continue;
        };
        let mut base = Decimal::ZERO;
        for (i, l) in order.lines.iter().enumerate() {
            if l.ship_to == s && l.taxable {
                let line_tax = cur.round(lines[i].total * tax.rate);
                lines[i].tax = line_tax;
                base += lines[i].total;
            }
        }
        if tax.taxes_shipping {
            base += shipments
                .iter()
                .filter(|sh| sh.ship_to == s)
                .map(|sh| sh.charge)
                .sum::<Decimal>();
        }
        let amount = cur.round(base * tax.rate);
        if !amount.is_zero() {
            taxes.push(TaxAmount {
                ship_to: s,
                name: tax.name.clone(),
                rate: tax.rate,
                amount,
            });
        }
    }
    let tax_total: Decimal = taxes.iter().map(|t| t.amount).sum();
    let grand_total = merchandise - discount_total + shipping_total + tax_total;
    Breakdown {
        currency: cur,
        lines,
        merchandise,
        discount_total,
        shipments,
        shipping_total,
        taxes,
        tax_total,
        grand_total: cur.round(grand_total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::{Address, Line, ShipTo};
    use rust_decimal_macros::dec;

    fn order(currency: Currency, lines: &[(Decimal, u32, u32, bool)]) -> Order {
        let mut o = Order::new("t".into(), currency);
        o.ship_tos.push(ShipTo {
            address: Address::default(),
            method: Some("GROUND".into()),
        });
        for (i, (price, qty, grams, taxable)) in lines.iter().enumerate() {
            o.lines.push(Line {
                item_id: i as i64,
                sku: format!("S{i}"),
                name: "x".into(),
                quantity: *qty,
                unit_price: *price,
                weight_grams: *grams,
                taxable: *taxable,
                ship_to: 0,
            });
        }
        o
    }

    fn ctx(rate: Rate, tax: Option<TaxRate>) -> PricingContext {
        PricingContext {
            ship_to_rates: vec![Some(rate)],
            ship_to_tax: vec![tax],
        }
    }

    #[test]
    fn usd_lines_shipping_and_tax_by_hand() {
        // 2 x 19.99 = 39.98; 1 x 7.45 (not taxable) = 7.45; merchandise 47.43
        // shipping: 5.95 + 3 x 0.50 + (2 x 0.5 + 1 x 1.0) kg x 0.40 = 8.25
        // tax 8.25 % on 39.98 = 3.29835 -> 3.30; shipping not taxed
        // total 47.43 + 8.25 + 3.30 = 58.98
        let o = order(
            Currency::USD,
            &[(dec!(19.99), 2, 500, true), (dec!(7.45), 1, 1000, false)],
        );
        let b = price(
            &o,
            &ctx(
                Rate {
                    base: dec!(5.95),
                    per_item: dec!(0.50),
                    per_kg: dec!(0.40),
                },
                Some(TaxRate {
                    name: "Texas".into(),
                    rate: dec!(0.0825),
                    taxes_shipping: false,
                }),
            ),
        );
        assert_eq!(b.merchandise, dec!(47.43));
        assert_eq!(b.shipping_total, dec!(8.25));
        assert_eq!(b.tax_total, dec!(3.30));
        assert_eq!(b.grand_total, dec!(58.98));
    }

    #[test]
    fn jpy_has_no_decimals_and_taxes_shipping() {
        // 3 x 1,990 = 5,970; shipping 800 + 3 x 70 + 0.6 kg x 60 = 1,046
        // tax 10 % of (5,970 + 1,046) = 701.6 -> 702; total 7,718
        let o = order(Currency::JPY, &[(dec!(1990), 3, 200, true)]);
        let b = price(
            &o,
            &ctx(
                Rate {
                    base: dec!(800),
                    per_item: dec!(70),
                    per_kg: dec!(60),
                },
                Some(TaxRate {
                    name: "Japan".into(),
                    rate: dec!(0.10),
                    taxes_shipping: true,
                }),
            ),
        );
        assert_eq!(b.shipping_total, dec!(1046));
        assert_eq!(b.tax_total, dec!(702));
        assert_eq!(b.grand_total, dec!(7718));
        assert_eq!(b.grand_total.scale(), 0);
    }

    #[test]
    fn unknown_rate_charges_nothing_yet() {
        let o = order(Currency::EUR, &[(dec!(10.00), 1, 100, true)]);
        let b = price(&o, &PricingContext::default());
        assert_eq!(b.shipping_total, dec!(0));
        assert_eq!(b.grand_total, dec!(10.00));
    }
}
