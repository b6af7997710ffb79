//! Money: a `Decimal` amount in an ISO 4217 currency, rounded to the
//! currency's minor unit, half away from zero (docs/design.md).

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

    /// The sign customers read before an amount: `$`, `€`, `£`, `CA$`
    /// (so it is not taken for US dollars), `¥`.
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::USD => "$",
            Currency::EUR => "€",
            Currency::GBP => "£",
            Currency::CAD => "CA$",
            Currency::JPY => "¥",
        }
    }

    /// An amount as customers read it in running text, with the
    /// currency's sign: `$150.00`, `¥22,000`, `-€4.50`.
    pub fn display(self, amount: Decimal) -> String {
        let text = self.format(amount);
        match text.strip_prefix('-') {
            Some(abs) => format!("-{}{abs}", self.symbol()),
            None => format!("{}{text}", self.symbol()),
        }
    }

    /// Parses what an operator typed as an amount in this currency, exactly
    /// or not at all: ASCII digits with at most one `.` and at most the
    /// currency's decimals; commas only as thousands separators in whole
    /// groups of three (`1,234.50`). `1,5`, `0,99`, `1.2.3` and non-ASCII
    /// digits are refused with the expected format, never reinterpreted.
    pub fn parse_amount(self, input: &str) -> Result<Decimal, String> {
        let t = input.trim();
        let shape = || match self.minor_units() {
            0 => format!("'{t}' is not a {self} amount: whole {self}, e.g. 1,234"),
            n => format!(
                "'{t}' is not a {self} amount: e.g. 1,234.{} (a '.' before the {n} decimals)",
                "5".repeat(n as usize)
            ),
        };
        if t.is_empty() {
            return Err("enter an amount".into());
        }
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (t, None),
        };
        let whole_ok = if whole.contains(',') {
            let groups: Vec<&str> = whole.split(',').collect();
            (1..=3).contains(&groups[0].len())
                && groups[1..].iter().all(|g| g.len() == 3)
                && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        } else {
            !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit())
        };
        let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
        if !whole_ok || !frac_ok {
            return Err(shape());
        }
        if let Some(f) = frac {
            if f.len() > self.minor_units() as usize {
                return Err(match self.minor_units() {
                    0 => format!("{self} has no decimals: '{t}'"),
                    n => format!("{self} has {n} decimals at most: '{t}'"),
                });
            }
        }
        let digits: String = t.chars().filter(|c| *c != ',').collect();
        let value = Decimal::from_str(&digits).map_err(|_| shape())?;
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
    fn displays_with_the_currency_sign() {
        assert_eq!(Currency::USD.display(dec!(150)), "$150.00");
        assert_eq!(Currency::JPY.display(dec!(22000)), "¥22,000");
        assert_eq!(Currency::EUR.display(dec!(-4.5)), "-€4.50");
        assert_eq!(Currency::GBP.display(dec!(1234.5)), "£1,234.50");
        assert_eq!(Currency::CAD.display(dec!(200)), "CA$200.00");
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

    /// What operators type, per currency: accepted exactly, or refused
    /// naming the expected format; never rounded or reinterpreted.
    #[test]
    fn typed_amounts_table() {
        let ok = [
            (Currency::USD, "0", dec!(0.00)),
            (Currency::USD, "12.5", dec!(12.50)),
            (Currency::USD, "1,234.50", dec!(1234.50)),
            (Currency::USD, "1,234,567", dec!(1234567.00)),
            (Currency::USD, " 99.99 ", dec!(99.99)),
            (Currency::EUR, "189.50", dec!(189.50)),
            (Currency::EUR, "1,000", dec!(1000.00)),
            (Currency::JPY, "700", dec!(700)),
            (Currency::JPY, "12,000", dec!(12000)),
        ];
        for (cur, typed, want) in ok {
            assert_eq!(cur.parse_amount(typed), Ok(want), "{cur} {typed:?}");
        }
        let refused = [
            (Currency::USD, "1,5", "e.g. 1,234.55"),
            (Currency::USD, "0,99", "e.g. 1,234.55"),
            (Currency::USD, "189,50", "e.g. 1,234.55"),
            (Currency::USD, "1,23,456", "e.g. 1,234.55"),
            (Currency::USD, ",123", "e.g. 1,234.55"),
            (Currency::USD, "1.2.3", "e.g. 1,234.55"),
            (Currency::USD, "1.", "e.g. 1,234.55"),
            (Currency::USD, ".5", "e.g. 1,234.55"),
            (Currency::USD, "12.345", "2 decimals at most"),
            (Currency::USD, "abc", "e.g. 1,234.55"),
            (Currency::USD, "-5", "e.g. 1,234.55"),
            (Currency::USD, "+5", "e.g. 1,234.55"),
            (Currency::USD, "1e3", "e.g. 1,234.55"),
            (Currency::USD, "١٢", "e.g. 1,234.55"),
            (Currency::USD, "１２", "e.g. 1,234.55"),
            (Currency::USD, "", "enter an amount"),
            (Currency::USD, "10,000,001", "too large"),
            (Currency::EUR, "189,50", "e.g. 1,234.55"),
            (Currency::JPY, "700.5", "no decimals"),
            (Currency::JPY, "1,5", "whole JPY"),
        ];
        for (cur, typed, says) in refused {
            let e = cur.parse_amount(typed).expect_err(typed);
            assert!(e.contains(says), "{cur} {typed:?}: {e}");
            assert!(e.chars().count() <= 78, "fits the status line: {e}");
        }
    }

    proptest::proptest! {
        /// A formatted amount always parses back to itself.
        #[test]
        fn formatted_amounts_parse_back(units in 0i64..1_000_000_000, which in 0usize..5) {
            let cur = Currency::ALL[which];
            let amount = Decimal::new(units, cur.minor_units()).min(Decimal::from(10_000_000));
            let amount = cur.round(amount);
            proptest::prop_assert_eq!(cur.parse_amount(&cur.format(amount)), Ok(amount));
        }
    }
}
