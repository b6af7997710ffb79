//! Money: a `Decimal` amount in an ISO 4217 currency, rounded to the
//! currency's minor unit, half away from zero (DESIGN.md sections 3 and 5).

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The currencies orderdesk prices in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum Currency {
    USD,
    EUR,
    GBP,
    CAD,
    JPY,
}

impl Currency {
    pub const ALL: [Currency; 5] = [
        Currency::USD,
        Currency::EUR,
        Currency::GBP,
        Currency::CAD,
        Currency::JPY,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::USD => "USD",
            Currency::EUR => "EUR",
            Currency::GBP => "GBP",
            Currency::CAD => "CAD",
            Currency::JPY => "JPY",
        }
    }

    /// Digits after the decimal point (JPY has none).
    pub fn minor_units(self) -> u32 {
        match self {
            Currency::JPY => 0,
            _ => 2,
        }
    }

    /// Rounds to the minor unit, half away from zero.
    pub fn round(self, amount: Decimal) -> Decimal {
        let mut r = amount
            .round_dp_with_strategy(self.minor_units(), RoundingStrategy::MidpointAwayFromZero);
        r.rescale(self.minor_units());
        r
    }

    /// Formats an amount for the screen: `1,234.50 USD` style without the code.
    pub fn format(self, amount: Decimal) -> String {
        let rounded = self.round(amount);
        let negative = rounded.is_sign_negative() && !rounded.is_zero();
        let text = rounded.abs().to_string();
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i.to_string(), Some(f.to_string())),
            None => (text.clone(), None),
        };
        let mut grouped = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let mut out = String::new();
        if negative {
            out.push('-');
        }
        out.push_str(&grouped);
        if let Some(f) = frac {
            out.push('.');
            out.push_str(&f);
        }
        out
    }

    /// Parses what an operator typed as an amount in this currency: digits,
    /// optional thousands commas and at most the currency's decimals.
    /// Nothing is rounded silently: too many decimals is an error.
    pub fn parse_amount(self, input: &str) -> Result<Decimal, String> {
        let cleaned: String = input.trim().chars().filter(|c| *c != ',').collect();
        if cleaned.is_empty() {
            return Err("enter an amount".into());
        }
        if !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err(format!(
                "'{}' is not an amount: digits and one '.' only",
                input.trim()
            ));
        }
        let value = Decimal::from_str(&cleaned)
            .map_err(|_| format!("'{}' is not an amount", input.trim()))?;
        if value.scale() > self.minor_units() && value.normalize().scale() > self.minor_units() {
            return Err(match self.minor_units() {
                0 => format!("{} has no decimals", self.code()),
                n => format!("{} has {} decimals at most", self.code(), n),
            });
        }
        if value > Decimal::from(10_000_000) {
            return Err("amount too large (10,000,000 at most)".into());
        }
        Ok(self.round(value))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown currency '{s}'"))
    }
}

/// An amount with its currency, for places that carry both together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money {
            amount: currency.round(amount),
            currency,
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency.format(self.amount), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_away_from_zero_to_minor_unit() {
        assert_eq!(Currency::USD.round(dec!(1.005)), dec!(1.01));
        assert_eq!(Currency::USD.round(dec!(-1.005)), dec!(-1.01));
        assert_eq!(Currency::USD.round(dec!(1.004)), dec!(1.00));
        assert_eq!(Currency::JPY.round(dec!(150.5)), dec!(151));
        assert_eq!(Currency::JPY.round(dec!(-150.5)), dec!(-151));
        assert_eq!(Currency::USD.round(dec!(3)).to_string(), "3.00");
    }

    #[test]
    fn formats_with_grouping() {
        assert_eq!(Currency::USD.format(dec!(1234567.5)), "1,234,567.50");
        assert_eq!(Currency::JPY.format(dec!(28000)), "28,000");
        assert_eq!(Currency::EUR.format(dec!(-12.3)), "-12.30");
        assert_eq!(Currency::USD.format(dec!(0)), "0.00");
        assert_eq!(
            Money::new(dec!(999), Currency::GBP).to_string(),
            "999.00 GBP"
        );
    }

    #[test]
    fn parses_amounts_without_silent_rounding() {
        assert_eq!(Currency::USD.parse_amount("12.5"), Ok(dec!(12.50)));
        assert_eq!(Currency::USD.parse_amount("1,200.00"), Ok(dec!(1200.00)));
        assert_eq!(Currency::JPY.parse_amount("700"), Ok(dec!(700)));
        assert!(Currency::JPY
            .parse_amount("700.5")
            .unwrap_err()
            .contains("no decimals"));
        assert!(Currency::USD
            .parse_amount("1.234")
            .unwrap_err()
            .contains("2 decimals"));
        assert!(Currency::USD.parse_amount("-5").is_err());
        assert!(Currency::USD.parse_amount("abc").is_err());
        assert!(Currency::USD.parse_amount("").is_err());
        assert_eq!(Currency::USD.parse_amount("1.50"), Ok(dec!(1.50)));
    }

    #[test]
    fn currency_codes_round_trip() {
        for c in Currency::ALL {
            assert_eq!(c.code().parse::<Currency>(), Ok(c));
        }
        assert!("XXX".parse::<Currency>().is_err());
    }
}
