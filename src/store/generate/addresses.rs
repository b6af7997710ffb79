//! Telephone numbers, postal codes and street lines in each country's
//! formats, from the cities and words of `countries.json`.

use super::random::{letter, num, pick};
use super::words::{City, Country};
use fastrand::Rng;

const UPPER: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
const GB_INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
const EIRCODE: &[u8] = b"ACDEFHKNPRTVWXY0123456789";

/// A telephone number as customers write them in `country`, in one of its
/// usual formats, with or without the country code.
pub(super) fn phone(rng: &mut Rng, country: &Country, c: &City) -> String {
    let area = pick(rng, &c.area).as_str();
    match country.code.as_str() {
        "US" | "CA" => {
            let exchange = format!("{}{}", rng.u8(2..10), num(rng, 2));
            let line = num(rng, 4);
            match rng.u8(0..6) {
                0 => format!("+1 {area} {exchange} {line}"),
                1 => format!("+1 ({area}) {exchange}-{line}"),
                2 => format!("({area}) {exchange}-{line}"),
                3 => format!("{area}-{exchange}-{line}"),
                4 => format!("{area}.{exchange}.{line}"),
                _ => format!("1-{area}-{exchange}-{line}"),
            }
        }
        "GB" => {
            if rng.u8(0..3) == 0 {
                let rest = format!("7{}", num(rng, 3));
                let sub = num(rng, 6);
                return if rng.bool() {
                    format!("+44 {rest} {sub}")
                } else {
                    format!("0{rest} {sub}")
                };
            }
            let (a, b) = if area.len() == 2 {
                (num(rng, 4), num(rng, 4))
            } else {
                (num(rng, 3), num(rng, 4))
            };
            match rng.u8(0..3) {
                0 => format!("+44 {area} {a} {b}"),
                1 => format!("+44 (0){area} {a} {b}"),
                _ => format!("0{area} {a} {b}"),
            }
        }
        "DE" => {
            if rng.u8(0..3) == 0 {
                let pre = pick(rng, &country.mobile_prefixes).clone();
                let sub = num(rng, 8);
                return if rng.bool() {
                    format!("+49 {pre} {sub}")
                } else {
                    format!("0{pre} {sub}")
                };
            }
            let len = 5 + rng.usize(0..3);
            let sub = format!("{}{}", rng.u8(1..10), num(rng, len));
            match rng.u8(0..4) {
                0 => format!("+49 {area} {sub}"),
                1 => format!("+49 (0){area} {sub}"),
                2 => format!("0{area}/{sub}"),
                _ => format!("0{area} {sub}"),
            }
        }
        "FR" => {
            let lead = if rng.u8(0..3) == 0 {
                pick(rng, &country.mobile_prefixes).clone()
            } else {
                area.to_string()
            };
            let pairs: Vec<String> = (0..4).map(|_| num(rng, 2)).collect();
            match rng.u8(0..3) {
                0 => format!("+33 {lead} {}", pairs.join(" ")),
                1 => format!("0{lead}.{}", pairs.join(".")),
                _ => format!("0{lead} {}", pairs.join(" ")),
            }
        }
        "IE" => {
            if rng.u8(0..3) == 0 {
                let pre = pick(rng, &country.mobile_prefixes).clone();
                let (a, b) = (num(rng, 3), num(rng, 4));
                return if rng.bool() {
                    format!("+353 {pre} {a} {b}")
                } else {
                    format!("0{pre} {a} {b}")
                };
            }
            let (a, b) = (num(rng, 3), num(rng, 4));
            match rng.u8(0..3) {
                0 => format!("+353 {area} {a} {b}"),
                1 => format!("(0{area}) {a} {b}"),
                _ => format!("0{area} {a} {b}"),
            }
        }
        _ => {
            // JP: Tokyo and Osaka have 4+4 subscriber digits, others 3+4.
            if rng.u8(0..3) == 0 {
                let pre = pick(rng, &country.mobile_prefixes).clone();
                let (a, b) = (num(rng, 4), num(rng, 4));
                return if rng.bool() {
                    format!("+81 {pre}-{a}-{b}")
                } else {
                    format!("0{pre}-{a}-{b}")
                };
            }
            let a = if area.len() == 1 {
                num(rng, 4)
            } else {
                num(rng, 3)
            };
            let b = num(rng, 4);
            match rng.u8(0..3) {
                0 => format!("+81 {area}-{a}-{b}"),
                1 => format!("+81 {area} {a} {b}"),
                _ => format!("0{area}-{a}-{b}"),
            }
        }
    }
}

pub(super) fn postal_code(rng: &mut Rng, country: &str, c: &City) -> String {
    let prefix = pick(rng, &c.postal).as_str();
    match country {
        "US" => {
            let zip = format!("{prefix}{}", num(rng, 5_usize.saturating_sub(prefix.len())));
            if rng.u8(0..8) == 0 {
                format!("{zip}-{}", num(rng, 4))
            } else {
                zip
            }
        }
        "CA" => format!(
            "{prefix} {}{}{}",
            rng.u8(0..10),
            letter(rng, UPPER),
            rng.u8(0..10)
        ),
        "GB" => format!(
            "{prefix} {}{}{}",
            rng.u8(0..10),
            letter(rng, GB_INWARD),
            letter(rng, GB_INWARD)
        ),
        "DE" => format!("{prefix}{}", num(rng, 5_usize.saturating_sub(prefix.len()))),
        "FR" => {
            if prefix == "750" {
                format!("750{:02}", rng.u8(1..21))
            } else {
                format!("{prefix}{}", num(rng, 5_usize.saturating_sub(prefix.len())))
            }
        }
        "IE" => {
            let id: String = (0..4)
                .map(|i| {
                    if i == 0 {
                        letter(rng, &EIRCODE[..15])
                    } else {
                        letter(rng, EIRCODE)
                    }
                })
                .collect();
            format!("{prefix} {id}")
        }
        _ => format!("{prefix}-{}", num(rng, 4)),
    }
}

/// The first and second address lines of a street address in `c`.
pub(super) fn street_line(rng: &mut Rng, country: &Country, c: &City) -> (String, String) {
    let streets = if c.streets.is_empty() {
        &country.streets
    } else {
        &c.streets
    };
    let street = pick(rng, streets);
    let n = rng.u32(1..400);
    let line1 = match country.code.as_str() {
        "DE" => format!("{street} {}", rng.u32(1..180)),
        "FR" => {
            if rng.u8(0..8) == 0 {
                format!("{} bis {street}", rng.u32(1..120))
            } else {
                format!("{} {street}", rng.u32(1..120))
            }
        }
        "JP" => format!(
            "{}-{}-{} {street}",
            rng.u8(1..8),
            rng.u8(1..30),
            rng.u8(1..20)
        ),
        "US" => format!("{} {street}", rng.u32(1..9900)),
        _ => format!("{n} {street}"),
    };
    let line2 = if rng.u8(0..5) != 0 {
        String::new()
    } else {
        // A list of one word needs no roll.
        let l = &country.address_line2;
        let word = match l.words.as_slice() {
            [one] => one,
            words => pick(rng, words),
        };
        match l.numbers {
            Some((lo, hi)) => format!("{word} {}", rng.u32(lo..hi)),
            None => word.clone(),
        }
    };
    (line1, line2)
}

#[cfg(test)]
mod tests {
    use super::super::words::words;
    use super::*;
    use crate::domain::text::{digits, national_digits};

    #[test]
    fn phone_keys_of_generated_numbers_agree() {
        let mut rng = Rng::with_seed(7);
        for country in &words().unwrap().countries {
            for c in &country.cities {
                for _ in 0..50 {
                    let p = phone(&mut rng, country, c);
                    let national = national_digits(&p);
                    assert!(digits(&p).ends_with(&national), "{p}");
                    assert!(!national.starts_with('0'), "{p} -> {national}");
                    assert!(national.len() >= 8, "{p} -> {national}");
                }
            }
        }
    }
}
