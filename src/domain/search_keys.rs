//! The search keys of a customer (docs/design.md, section 16): what the
//! `*_key` columns of `customers` hold, and how a typed search is turned
//! into the same form. [`SearchKeys::of`] is the one function every writer
//! (records, guests at submit, demo, generator, migration 008) calls, so a
//! customer is found the same way however they were stored.
//!
//! - Names: accents folded, lower case, everything that is not a letter or
//!   digit dropped, and the spelled-out umlauts (`ue`, `oe`, `ae`, `aa`)
//!   written as their vowel: `O'Brien`, `o brien` and `OBRIEN` are all
//!   `obrien`; `Müller`, `Mueller` and `Muller` are all `muller`.
//! - Postal codes: folded, spaces and hyphens dropped (`H2X 3L1` → `h2x3l1`).
//! - Phones: the international number (country code and national number,
//!   `442079460958`) and the national number without trunk prefix
//!   (`2079460958`). A number written without its country code gets the
//!   code of the customer's country when it is known.
//! - Logon and e-mail: [`fold`]ed (a logon's key also decides uniqueness).

use super::text::{clean, country_code_len, digits, fold};

/// What the keys are computed from: the customer's own fields and the
/// postal code and country of their default shipping address.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeySource<'a> {
    pub logon: Option<&'a str>,
    pub first: &'a str,
    pub last: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub postal: &'a str,
    /// ISO 3166 code of the default shipping address ("" when unknown).
    pub country: &'a str,
}

/// The search keys as stored in `customers`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchKeys {
    pub logon: Option<String>,
    pub first: String,
    pub last: String,
    pub email: String,
    pub postal: String,
    pub phone: String,
    pub phone_national: String,
}

impl SearchKeys {
    /// The keys of one customer.
    pub fn of(c: &KeySource) -> SearchKeys {
        let (phone, phone_national) = phone_keys(c.phone, c.country);
        SearchKeys {
            logon: c.logon.map(fold),
            first: name_key(c.first),
            last: name_key(c.last),
            email: fold(c.email),
            postal: postal_key(c.postal),
            phone,
            phone_national,
        }
    }
}

/// A name as searched: accents folded, lower case, only letters and
/// digits, and the German/Nordic spellings of `ä ö ü ø å æ` (`ae oe ue oe
/// aa ae`) written as the plain vowel, as folding writes the letters
/// themselves: `Müller`, `Mueller` and `Muller` are all `muller`.
///
/// Each two-letter spelling becomes its first letter, decided on the
/// letters before it only, so a prefix of a name gives a prefix of its key (`mue` → `mu`,
/// a prefix of `muller`). The price: a name with such a pair in it also
/// finds the names without (`Zoe` → `zo` lists Zora too); it lists more,
/// never less.
pub fn name_key(text: &str) -> String {
    let plain = deunicode::deunicode(&clean(text));
    let mut out = String::with_capacity(plain.len());
    for c in plain.chars().filter(char::is_ascii_alphanumeric) {
        let c = c.to_ascii_lowercase();
        // Decided on what is already written, never on what follows.
        let pair = matches!(
            (out.chars().last(), c),
            (Some('a' | 'o' | 'u'), 'e') | (Some('a'), 'a')
        );
        if !pair {
            out.push(c);
        }
    }
    out
}

/// A postal code as searched: folded, only letters and digits.
pub fn postal_key(text: &str) -> String {
    fold(text)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// A country's calling code (a national number never keeps its trunk
/// prefix `0`: see [`super::text::national_digits`]).
struct Dialling {
    country: &'static str,
    code: &'static str,
}

/// The countries whose numbers are stored without a country code often
/// enough to need one; others keep the number as written.
const DIALLING: &[Dialling] = &[
    Dialling {
        country: "US",
        code: "1",
    },
    Dialling {
        country: "CA",
        code: "1",
    },
    Dialling {
        country: "GB",
        code: "44",
    },
    Dialling {
        country: "IE",
        code: "353",
    },
    Dialling {
        country: "DE",
        code: "49",
    },
    Dialling {
        country: "AT",
        code: "43",
    },
    Dialling {
        country: "CH",
        code: "41",
    },
    Dialling {
        country: "FR",
        code: "33",
    },
    Dialling {
        country: "BE",
        code: "32",
    },
    Dialling {
        country: "NL",
        code: "31",
    },
    Dialling {
        country: "SE",
        code: "46",
    },
    Dialling {
        country: "NO",
        code: "47",
    },
    Dialling {
        country: "DK",
        code: "45",
    },
    Dialling {
        country: "FI",
        code: "358",
    },
    Dialling {
        country: "ES",
        code: "34",
    },
    Dialling {
        country: "IT",
        code: "39",
    },
    Dialling {
        country: "JP",
        code: "81",
    },
    Dialling {
        country: "AU",
        code: "61",
    },
    Dialling {
        country: "NZ",
        code: "64",
    },
    Dialling {
        country: "MX",
        code: "52",
    },
];

/// The international and the national key of a phone number: with the
/// country code (taken from the number when written with `+` or `00`,
/// else from `country`), and the national number without trunk prefix.
pub fn phone_keys(phone: &str, country: &str) -> (String, String) {
    let national = super::text::national_digits(phone);
    if national.is_empty() {
        return (String::new(), String::new());
    }
    let t = phone.trim_start();
    let international = t.starts_with('+') || t.starts_with("00");
    let code = DIALLING
        .iter()
        .find(|d| d.country.eq_ignore_ascii_case(country.trim()))
        .map(|d| d.code);
    let full = if international {
        // The code as written, then the national number ("(0)" dropped).
        let all = digits(t);
        let rest = all.strip_prefix("00").unwrap_or(&all);
        let cc = country_code_len(rest).min(rest.len());
        format!("{}{national}", &rest[..cc])
    } else if let Some(code) = code {
        format!("{code}{national}")
    } else {
        digits(t)
    };
    (full, national)
}

/// The keys a typed phone number is looked up by: its digits against the
/// international key, the national key, or both.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PhoneQuery {
    pub international: Option<String>,
    pub national: Option<String>,
}

/// How a typed phone number is heard: `+44 20…` or `0044 20…` is an
/// international number; `020 7946…` a national one as dialled inside the
/// country, trunk `0` included; `2079…` or `4420…` may be either.
pub fn phone_query(text: &str) -> PhoneQuery {
    // "+44 (0)20": the trunk prefix in brackets is not dialled with the code.
    let text = text.replace("(0)", "");
    let t = text.trim_start();
    let d = digits(t);
    if d.is_empty() {
        return PhoneQuery::default();
    }
    if t.starts_with('+') {
        return PhoneQuery {
            international: Some(d),
            national: None,
        };
    }
    if let Some(rest) = d.strip_prefix("00") {
        return PhoneQuery {
            international: (!rest.is_empty()).then(|| rest.to_string()),
            national: None,
        };
    }
    if d.starts_with('0') {
        let rest = d.trim_start_matches('0');
        return PhoneQuery {
            international: None,
            // A lone "0" is the start of any national number.
            national: Some(rest.to_string()),
        };
    }
    PhoneQuery {
        international: Some(d.clone()),
        national: Some(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_ignore_punctuation_spaces_and_spelling_of_umlauts() {
        assert_eq!(name_key("O'Brien"), "obrien");
        assert_eq!(name_key("o brien"), "obrien");
        assert_eq!(name_key("de la Cruz"), "delacruz");
        for (a, b) in [
            ("Müller", "MUELLER"),
            ("Müller", "Muller"),
            ("Mu\u{308}ller", "mueller"),
            ("Schäfer", "schaefer"),
            ("Søren", "Soeren"),
            ("Åse", "Aase"),
            ("Ærø", "aeroe"),
            ("Strauß", "strauss"),
        ] {
            assert_eq!(name_key(a), name_key(b), "{a} and {b}");
        }
        assert_eq!(name_key("Müller"), "muller");
        assert_eq!(name_key("Søren"), "soren");
        assert_eq!(name_key("Zoë"), "zo");
        assert_eq!(name_key("François"), "francois");
        assert_eq!(name_key("Smith-Jones"), "smithjones");
        // A prefix of a name gives a prefix of its key.
        for name in ["Mueller", "Schaefer", "Aaeron", "Zoe", "Kaae"] {
            for n in 1..=name.len() {
                assert!(
                    name_key(name).starts_with(&name_key(&name[..n])),
                    "{name} at {n}"
                );
            }
        }
        assert_eq!(name_key("\u{1b}[31mRed"), "red");
    }

    #[test]
    fn postal_codes_ignore_spaces_and_hyphens() {
        assert_eq!(postal_key("H2X 3L1"), "h2x3l1");
        assert_eq!(postal_key("150-0002"), "1500002");
        assert_eq!(postal_key("SW1A 1AA"), "sw1a1aa");
        assert_eq!(postal_key(" 10115 "), "10115");
    }

    #[test]
    fn phones_get_their_country_code() {
        assert_eq!(
            phone_keys("+44 20 7946 0958", "GB"),
            ("442079460958".into(), "2079460958".into())
        );
        assert_eq!(
            phone_keys("020 7946 0958", "GB"),
            ("442079460958".into(), "2079460958".into())
        );
        assert_eq!(
            phone_keys("+44 (0)20 7946 0958", "GB"),
            ("442079460958".into(), "2079460958".into())
        );
        assert_eq!(
            phone_keys("(555) 123-4567", "US"),
            ("15551234567".into(), "5551234567".into())
        );
        assert_eq!(
            phone_keys("1-555-123-4567", "CA"),
            ("15551234567".into(), "5551234567".into())
        );
        assert_eq!(
            phone_keys("03-1234-5678", "JP"),
            ("81312345678".into(), "312345678".into())
        );
        assert_eq!(
            phone_keys("+81 3-1234-5678", ""),
            ("81312345678".into(), "312345678".into())
        );
        assert_eq!(
            phone_keys("0049 30 1234567", ""),
            ("49301234567".into(), "301234567".into())
        );
        // No country known, none written: the digits as they are.
        assert_eq!(
            phone_keys("555 0100", ""),
            ("5550100".into(), "5550100".into())
        );
        assert_eq!(phone_keys("", "GB"), (String::new(), String::new()));
    }

    #[test]
    fn typed_numbers_are_heard_as_dialled() {
        let q = phone_query("020 7946");
        assert_eq!(q.national.as_deref(), Some("207946"));
        assert_eq!(q.international, None);
        let q = phone_query("+44 20");
        assert_eq!(q.international.as_deref(), Some("4420"));
        assert_eq!(q.national, None);
        assert_eq!(
            phone_query("+44 (0)20 79").international.as_deref(),
            Some("442079")
        );
        let q = phone_query("0044 20");
        assert_eq!(q.international.as_deref(), Some("4420"));
        let q = phone_query("2079");
        assert_eq!(q.international.as_deref(), Some("2079"));
        assert_eq!(q.national.as_deref(), Some("2079"));
        assert_eq!(phone_query(" - "), PhoneQuery::default());
    }

    #[test]
    fn one_function_makes_every_key() {
        let k = SearchKeys::of(&KeySource {
            logon: Some("JDoe"),
            first: "Zoë",
            last: "O'Brien",
            email: "Zoe@Example.COM",
            phone: "020 7946 0958",
            postal: "SW1A 1AA",
            country: "GB",
        });
        assert_eq!(k.logon.as_deref(), Some("jdoe"));
        assert_eq!(k.first, "zo");
        assert_eq!(k.last, "obrien");
        assert_eq!(k.email, "zoe@example.com");
        assert_eq!(k.postal, "sw1a1aa");
        assert_eq!(k.phone, "442079460958");
        assert_eq!(k.phone_national, "2079460958");
    }
}
