//! Hand-worked unit cases of `price`.

use super::*;
use crate::domain::money::Currency;
use crate::domain::order::Order;
use crate::domain::order::{Address, Line, ShipTo};
use crate::domain::shipping::{Rate, TaxRate};
use rust_decimal::Decimal;
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
        ..Default::default()
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
