//! A pasted one-line address ("12 Elm Street, Springfield, IL 62701")
//! split into the form's fields where the split is unambiguous. Nothing
//! is guessed: a line that fits none of the shapes below is refused with
//! a message, and the caller keeps the text as typed.
//!
//! Shapes, parts separated by commas:
//! - street, city, REGION POSTAL[, COUNTRY]
//! - street, line 2, city, REGION POSTAL[, COUNTRY]
//! - street, POSTAL city, COUNTRY (postal code first, as in most of Europe)
//!
//! REGION is two or three letters, POSTAL holds a digit and only letters,
//! digits, spaces and hyphens, COUNTRY is two letters.

/// The parts of a split address line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressParts {
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    /// Empty when the line named none (the form keeps its own).
    pub country: String,
}

const UNCLEAR: &str =
    "the pasted address could not be split for sure: kept as typed in this field; \
     move the city, region, ZIP/postal and country to their fields";

/// Splits `text` into address parts, or says why it cannot for sure.
pub fn split_address_line(text: &str) -> Result<AddressParts, String> {
    let parts: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let country = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_alphabetic());
    // A trailing two-letter part is the country only after a
    // "REGION POSTAL" or "POSTAL city" part.
    let (body, cc) = match parts.split_last() {
        Some((last, rest)) if country(last) && rest.len() >= 2 => (rest, last.to_uppercase()),
        _ => (&parts[..], String::new()),
    };
    match body {
        [street, city, tail] | [street, _, city, tail] => {
            let Some((region, postal)) = region_postal(tail) else {
                return Err(UNCLEAR.into());
            };
            if !has_letters(city) || !has_letters(street) {
                return Err(UNCLEAR.into());
            }
            Ok(AddressParts {
                line1: street.to_string(),
                line2: match body {
                    [_, line2, _, _] => line2.to_string(),
                    _ => String::new(),
                },
                city: city.to_string(),
                region,
                postal_code: postal,
                country: cc,
            })
        }
        [street, postal_city] if !cc.is_empty() => {
            let (postal, city) = postal_city
                .split_once(char::is_whitespace)
                .ok_or_else(|| UNCLEAR.to_string())?;
            if !is_postal(postal) || !has_letters(city) || !has_letters(street) {
                return Err(UNCLEAR.into());
            }
            Ok(AddressParts {
                line1: street.to_string(),
                city: city.trim().to_string(),
                postal_code: postal.to_uppercase(),
                country: cc,
                ..AddressParts::default()
            })
        }
        _ => Err(UNCLEAR.into()),
    }
}

/// "IL 62701", "ON M5V 3L9": a region of two or three letters, then a
/// postal code.
fn region_postal(tail: &str) -> Option<(String, String)> {
    let (region, postal) = tail.split_once(char::is_whitespace)?;
    let postal = postal.trim();
    let letters =
        (2..=3).contains(&region.len()) && region.bytes().all(|b| b.is_ascii_alphabetic());
    (letters && is_postal(postal)).then(|| (region.to_uppercase(), postal.to_uppercase()))
}

fn is_postal(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 12
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-')
}

fn has_letters(s: &str) -> bool {
    s.chars().any(char::is_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_shapes_it_knows() {
        let a = split_address_line("12 Elm Street, Springfield, IL 62701").unwrap();
        assert_eq!(
            (
                a.line1.as_str(),
                a.city.as_str(),
                a.region.as_str(),
                a.postal_code.as_str()
            ),
            ("12 Elm Street", "Springfield", "IL", "62701")
        );
        assert_eq!(a.country, "");
        let a = split_address_line("40 Bay St, Suite 300, Toronto, on m5j 2x2, ca").unwrap();
        assert_eq!(a.line2, "Suite 300");
        assert_eq!(
            (a.region.as_str(), a.postal_code.as_str()),
            ("ON", "M5J 2X2")
        );
        assert_eq!(a.country, "CA");
        let a = split_address_line("Hauptstraße 5, 10115 Berlin, DE").unwrap();
        assert_eq!(
            (
                a.line1.as_str(),
                a.city.as_str(),
                a.postal_code.as_str(),
                a.country.as_str()
            ),
            ("Hauptstraße 5", "Berlin", "10115", "DE")
        );
    }

    #[test]
    fn refuses_what_it_would_have_to_guess() {
        for line in [
            "12 Elm Street Springfield IL 62701",
            "12 Elm Street, Springfield",
            "12 Elm Street, Springfield, Illinois",
            "12 Elm Street, Springfield, 62701",
            "12 Elm Street, 62701, IL 62701",
            "a, b, c, d, e, f",
        ] {
            assert!(split_address_line(line).is_err(), "{line}");
        }
    }
}
