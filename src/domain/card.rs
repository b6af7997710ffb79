//! Card checks (docs/design.md): Luhn, brand, expiry in the future.
//! Only the [`CardSummary`] (brand, last four, expiry) ever leaves this
//! module; the full number and security code are dropped after the check.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Brand {
    Visa,
    Mastercard,
    Amex,
    Discover,
}

impl Brand {
    pub fn name(self) -> &'static str {
        match self {
            Brand::Visa => "VISA",
            Brand::Mastercard => "MASTERCARD",
            Brand::Amex => "AMEX",
            Brand::Discover => "DISCOVER",
        }
    }

    pub fn parse(name: &str) -> Option<Brand> {
        [Brand::Visa, Brand::Mastercard, Brand::Amex, Brand::Discover]
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(name.trim()))
    }

    fn lengths(self) -> &'static [usize] {
        match self {
            Brand::Visa => &[13, 16, 19],
            Brand::Mastercard => &[16],
            Brand::Amex => &[15],
            Brand::Discover => &[16, 19],
        }
    }

    /// Digits of the security code.
    pub fn cvc_len(self) -> usize {
        match self {
            Brand::Amex => 4,
            _ => 3,
        }
    }
}

/// What may be stored and shown of a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardSummary {
    pub brand: Brand,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: i32,
}

impl CardSummary {
    pub fn describe(&self) -> String {
        format!(
            "{} ending {}, exp {:02}/{:02}",
            self.brand.name(),
            self.last4,
            self.exp_month,
            self.exp_year % 100
        )
    }
}

pub fn luhn_ok(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

pub fn brand_of(digits: &str) -> Option<Brand> {
    let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok());
    if digits.starts_with('4') {
        Some(Brand::Visa)
    } else if matches!(prefix(2), Some(34 | 37)) {
        Some(Brand::Amex)
    } else if matches!(prefix(2), Some(51..=55)) || matches!(prefix(4), Some(2221..=2720)) {
        Some(Brand::Mastercard)
    } else if digits.starts_with("6011")
        || digits.starts_with("65")
        || matches!(prefix(3), Some(644..=649))
    {
        Some(Brand::Discover)
    } else {
        None
    }
}

/// Checks a card number as typed (spaces and dashes allowed).
pub fn check_number(input: &str) -> Result<(Brand, String), String> {
    if input
        .chars()
        .any(|c| !(c.is_ascii_digit() || c == ' ' || c == '-'))
    {
        return Err("card number: digits only (spaces and dashes allowed)".into());
    }
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err("enter the card number".into());
    }
    let brand =
        brand_of(&digits).ok_or("card number: not a VISA, Mastercard, Amex or Discover number")?;
    if !brand.lengths().contains(&digits.len()) {
        return Err(format!(
            "card number: a {} number has {} digits, this has {}",
            brand.name(),
            brand
                .lengths()
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(" or "),
            digits.len()
        ));
    }
    if !luhn_ok(&digits) {
        return Err("card number: check digit wrong, a digit is mistyped".into());
    }
    Ok((brand, digits))
}

/// Parses `MMYY`, `MM/YY` or `MM/YYYY` and requires it not to have passed
/// on `today`.
pub fn check_expiry(input: &str, today: NaiveDate) -> Result<(u32, i32), String> {
    let bad = || "expiry: MMYY, MM/YY or MM/YYYY, e.g. 09/28".to_string();
    let t = input.trim();
    let (m, y) = match t.split_once('/') {
        Some((m, y)) => (m.trim(), y.trim()),
        None if t.len() == 4 && t.is_ascii() => t.split_at(2),
        None => return Err(bad()),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(m) || !digits(y) || m.len() > 2 {
        return Err(bad());
    }
    let month: u32 = m.parse().map_err(|_| bad())?;
    let year: i32 = match y.len() {
        2 => 2000 + y.parse::<i32>().map_err(|_| bad())?,
        4 => y.parse().map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&month) {
        return Err("expiry: month must be 01 to 12".into());
    }
    if (year, month) < (today.year(), today.month()) {
        return Err("expiry: this card has expired".into());
    }
    if year > today.year() + 20 {
        return Err("expiry: year too far ahead".into());
    }
    Ok((month, year))
}

pub fn check_cvc(input: &str, brand: Brand) -> Result<(), String> {
    let t = input.trim();
    if t.len() != brand.cvc_len() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "security code: {} digits for {}",
            brand.cvc_len(),
            brand.name()
        ));
    }
    Ok(())
}

/// The whole check; returns only what may be kept.
pub fn check_card(
    number: &str,
    expiry: &str,
    cvc: &str,
    today: NaiveDate,
) -> Result<CardSummary, String> {
    let (brand, digits) = check_number(number)?;
    let (exp_month, exp_year) = check_expiry(expiry, today)?;
    check_cvc(cvc, brand)?;
    Ok(CardSummary {
        brand,
        last4: digits[digits.len() - 4..].to_string(),
        exp_month,
        exp_year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn luhn() {
        assert!(luhn_ok("4111111111111111"));
        assert!(luhn_ok("378282246310005"));
        assert!(!luhn_ok("4111111111111112"));
        assert!(!luhn_ok(""));
    }

    #[test]
    fn brands() {
        assert_eq!(brand_of("4111111111111111"), Some(Brand::Visa));
        assert_eq!(brand_of("5555555555554444"), Some(Brand::Mastercard));
        assert_eq!(brand_of("2223003122003222"), Some(Brand::Mastercard));
        assert_eq!(brand_of("378282246310005"), Some(Brand::Amex));
        assert_eq!(brand_of("6011111111111117"), Some(Brand::Discover));
        assert_eq!(brand_of("9999"), None);
    }

    #[test]
    fn whole_check_keeps_only_summary() {
        let s = check_card("4111 1111 1111 1111", "12/28", "123", today()).unwrap();
        assert_eq!(s.brand, Brand::Visa);
        assert_eq!(s.last4, "1111");
        assert_eq!((s.exp_month, s.exp_year), (12, 2028));
        assert_eq!(s.describe(), "VISA ending 1111, exp 12/28");
    }

    #[test]
    fn refusals_name_the_problem() {
        assert!(check_card("4111111111111112", "12/28", "123", today())
            .unwrap_err()
            .contains("check digit"));
        assert!(check_card("4111111111111111", "10/26", "123", today())
            .unwrap_err()
            .contains("expired"));
        assert!(check_card("4111111111111111", "11/26", "123", today()).is_ok());
        for typed in ["1228", "12/28", "12/2028", " 12 / 28 "] {
            let s = check_card("4111111111111111", typed, "123", today()).unwrap();
            assert_eq!((s.exp_month, s.exp_year), (12, 2028), "{typed}");
        }
        for typed in [
            "12-28",
            "122",
            "12/8",
            "1/2/28",
            "ab/cd",
            "12/28x",
            "１２２８",
        ] {
            assert!(
                check_card("4111111111111111", typed, "123", today())
                    .unwrap_err()
                    .contains("expiry"),
                "{typed}"
            );
        }
        assert!(check_card("4111111111111111", "13/28", "123", today())
            .unwrap_err()
            .contains("month"));
        assert!(check_card("378282246310005", "12/28", "123", today())
            .unwrap_err()
            .contains("4 digits"));
        assert!(check_card("41111111", "12/28", "123", today())
            .unwrap_err()
            .contains("digits"));
        assert!(check_card("4111-abcd", "12/28", "123", today()).is_err());
    }
}
