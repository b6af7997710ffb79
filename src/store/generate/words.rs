//! The generator's word lists and tables: data under `assets/generator/`,
//! embedded in the binary and parsed once per run.
//!
//! - `names.json`: given and family names by origin, with the language such
//!   a customer most likely prefers.
//! - `countries.json`: per country its currency, language, weight, the
//!   origins of its customers, cities (postal-code prefixes, telephone
//!   areas), streets, e-mail domains and the words of its addresses and
//!   business names. The formats of telephone numbers, postal codes and
//!   street lines are code (`addresses.rs`), one per country code.
//! - `customers.json`: address nicknames, demographic choices, card brands.
//! - `items.json`: the words item names and descriptions are made of, and
//!   the exchange rates generated prices use.
//!
//! A malformed or empty list is refused with the file's name; every list
//! the generator picks from is checked non-empty here, so picking never
//! fails later.

use anyhow::{anyhow, Context, Result};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const NAMES: &str = include_str!("../../../assets/generator/names.json");
const COUNTRIES: &str = include_str!("../../../assets/generator/countries.json");
const CUSTOMERS: &str = include_str!("../../../assets/generator/customers.json");
const ITEMS: &str = include_str!("../../../assets/generator/items.json");

/// The country codes whose telephone, postal-code and street formats
/// `addresses.rs` knows.
pub(super) const FORMATTED_COUNTRIES: &[&str] = &["US", "CA", "GB", "DE", "FR", "IE", "JP"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Origin {
    pub origin: String,
    /// The language such a customer most likely prefers in their country
    /// (None: the country's language).
    pub language: Option<String>,
    pub female: Vec<String>,
    pub male: Vec<String>,
    pub last: Vec<String>,
    /// One customer in this many carries two family names.
    #[serde(default)]
    pub two_last_names_one_in: Option<u8>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct City {
    pub name: String,
    pub region: String,
    /// Postal-code prefixes (US/DE/FR: leading digits; GB/CA/IE: outward
    /// code / FSA / routing key; JP: first three digits).
    pub postal: Vec<String>,
    /// Telephone area codes, national form without the trunk prefix.
    pub area: Vec<String>,
    /// Streets (JP: districts) typical of the city; empty: the country's.
    #[serde(default)]
    pub streets: Vec<String>,
}

/// The second address line: one of `words`, followed by a number from the
/// range when there is one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Line2 {
    pub words: Vec<String>,
    #[serde(default)]
    pub numbers: Option<(u32, u32)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Country {
    pub code: String,
    pub currency: String,
    pub language: String,
    pub weight: u32,
    /// Origin names with their weights, as written in the file.
    origins: Vec<(String, u32)>,
    #[serde(default)]
    pub streets: Vec<String>,
    pub email_domains: Vec<String>,
    /// Mobile prefixes, national form (the countries whose format uses them).
    #[serde(default)]
    pub mobile_prefixes: Vec<String>,
    pub address_line2: Line2,
    /// Business account names: `{last}` is a family name, `{place}` a city.
    pub business_names: Vec<String>,
    /// Credit limits of business accounts, as stored.
    pub credit_limits: Vec<String>,
    pub cities: Vec<City>,
    /// `origins` resolved to indexes into [`Words::origins`].
    #[serde(skip)]
    pub origin_weights: Vec<(usize, u32)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CustomerWords {
    pub address_nicknames: Vec<String>,
    pub age_ranges: Vec<String>,
    pub income_ranges: Vec<String>,
    pub marital_status: Vec<String>,
    pub children: Vec<String>,
    pub household_size: Vec<String>,
    pub card_brands: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ItemWords {
    pub adjectives: Vec<String>,
    pub materials: Vec<String>,
    pub book_topics: Vec<String>,
    pub colors: Vec<String>,
    pub sizes: Vec<String>,
    /// Nouns by category code; other categories take `other_nouns`.
    pub nouns: HashMap<String, Vec<String>>,
    pub other_nouns: Vec<String>,
    pub uses: Vec<String>,
    pub features: Vec<String>,
    pub care: Vec<String>,
    /// Approximate value of one US dollar per currency; price lists in
    /// other currencies get no generated prices.
    pub usd_rates: HashMap<String, f64>,
}

impl ItemWords {
    pub fn nouns(&self, category_code: &str) -> &[String] {
        self.nouns
            .get(category_code)
            .map_or(&self.other_nouns, |n| n)
    }
}

pub(super) struct Words {
    pub origins: Vec<Origin>,
    pub countries: Vec<Country>,
    pub customers: CustomerWords,
    pub items: ItemWords,
}

/// The word lists, parsed and checked on first use.
pub(super) fn words() -> Result<&'static Words> {
    static WORDS: OnceLock<Words> = OnceLock::new();
    if let Some(w) = WORDS.get() {
        return Ok(w);
    }
    let parsed = Words::parse(NAMES, COUNTRIES, CUSTOMERS, ITEMS)?;
    Ok(WORDS.get_or_init(|| parsed))
}

fn parse<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).with_context(|| format!("assets/generator/{name}"))
}

/// Refuses an empty list, naming the file and the list.
fn filled<T>(file: &str, what: &str, list: &[T]) -> Result<()> {
    if list.is_empty() {
        return Err(anyhow!("assets/generator/{file}: {what} is empty"));
    }
    Ok(())
}

impl Words {
    fn parse(names: &str, countries: &str, customers: &str, items: &str) -> Result<Words> {
        let origins: Vec<Origin> = parse("names.json", names)?;
        let mut countries: Vec<Country> = parse("countries.json", countries)?;
        let customers: CustomerWords = parse("customers.json", customers)?;
        let items: ItemWords = parse("items.json", items)?;

        filled("names.json", "the list of origins", &origins)?;
        for o in &origins {
            let what = |list: &str| format!("{} {list} names", o.origin);
            filled("names.json", &what("female"), &o.female)?;
            filled("names.json", &what("male"), &o.male)?;
            filled("names.json", &what("last"), &o.last)?;
            if o.two_last_names_one_in == Some(0) {
                return Err(anyhow!(
                    "assets/generator/names.json: {}: two_last_names_one_in must be at least 1",
                    o.origin
                ));
            }
        }
        filled("countries.json", "the list of countries", &countries)?;
        if countries.iter().all(|c| c.weight == 0) {
            return Err(anyhow!(
                "assets/generator/countries.json: every weight is 0"
            ));
        }
        for c in &mut countries {
            let code = c.code.clone();
            let what = |list: &str| format!("{code}'s {list}");
            if !FORMATTED_COUNTRIES.contains(&c.code.as_str()) {
                return Err(anyhow!(
                    "assets/generator/countries.json: {code}: no telephone, postal-code and street format for this country (src/store/generate/addresses.rs has {})",
                    FORMATTED_COUNTRIES.join(", ")
                ));
            }
            c.origin_weights = c
                .origins
                .iter()
                .map(|(name, weight)| {
                    origins
                        .iter()
                        .position(|o| o.origin == *name)
                        .map(|i| (i, *weight))
                        .ok_or_else(|| {
                            anyhow!("assets/generator/countries.json: {code}: unknown origin {name} (names.json has no such origin)")
                        })
                })
                .collect::<Result<_>>()?;
            if c.origin_weights.iter().all(|(_, w)| *w == 0) {
                return Err(anyhow!(
                    "assets/generator/countries.json: {code}: origins are empty or all weigh 0"
                ));
            }
            filled("countries.json", &what("cities"), &c.cities)?;
            filled("countries.json", &what("email domains"), &c.email_domains)?;
            filled(
                "countries.json",
                &what("address line 2 words"),
                &c.address_line2.words,
            )?;
            filled("countries.json", &what("business names"), &c.business_names)?;
            if c.business_names.len() > usize::from(u8::MAX) {
                return Err(anyhow!(
                    "assets/generator/countries.json: {code}: more than 255 business names"
                ));
            }
            filled("countries.json", &what("credit limits"), &c.credit_limits)?;
            if matches!(c.code.as_str(), "DE" | "FR" | "IE" | "JP") {
                filled(
                    "countries.json",
                    &what("mobile prefixes"),
                    &c.mobile_prefixes,
                )?;
            }
            if let Some((lo, hi)) = c.address_line2.numbers {
                if lo >= hi {
                    return Err(anyhow!(
                        "assets/generator/countries.json: {code}: address line 2 numbers [{lo}, {hi}] is an empty range"
                    ));
                }
            }
            for city in &c.cities {
                let what = |list: &str| format!("{code} {}'s {list}", city.name);
                filled("countries.json", &what("postal prefixes"), &city.postal)?;
                filled("countries.json", &what("telephone areas"), &city.area)?;
                if city.streets.is_empty() {
                    filled(
                        "countries.json",
                        &what("streets (nor the country's)"),
                        &c.streets,
                    )?;
                }
            }
        }
        let file = "customers.json";
        filled(file, "address_nicknames", &customers.address_nicknames)?;
        filled(file, "age_ranges", &customers.age_ranges)?;
        filled(file, "income_ranges", &customers.income_ranges)?;
        filled(file, "marital_status", &customers.marital_status)?;
        filled(file, "children", &customers.children)?;
        filled(file, "household_size", &customers.household_size)?;
        filled(file, "card_brands", &customers.card_brands)?;
        let file = "items.json";
        filled(file, "adjectives", &items.adjectives)?;
        filled(file, "materials", &items.materials)?;
        filled(file, "book_topics", &items.book_topics)?;
        filled(file, "colors", &items.colors)?;
        filled(file, "sizes", &items.sizes)?;
        filled(file, "other_nouns", &items.other_nouns)?;
        for (code, nouns) in &items.nouns {
            filled(file, &format!("nouns of {code}"), nouns)?;
        }
        filled(file, "uses", &items.uses)?;
        filled(file, "features", &items.features)?;
        filled(file, "care", &items.care)?;
        Ok(Words {
            origins,
            countries,
            customers,
            items,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_lists_load() {
        let w = words().unwrap();
        assert_eq!(w.countries.len(), FORMATTED_COUNTRIES.len());
        assert!(w.origins.iter().any(|o| o.two_last_names_one_in.is_some()));
    }

    #[test]
    fn a_malformed_list_is_refused_with_its_file() {
        let err = Words::parse("[{]", COUNTRIES, CUSTOMERS, ITEMS)
            .err()
            .unwrap();
        assert!(
            format!("{err:#}").contains("assets/generator/names.json"),
            "{err:#}"
        );
        let err = Words::parse(
            NAMES,
            COUNTRIES,
            CUSTOMERS,
            &ITEMS.replace("\"care\"", "\"cares\""),
        )
        .err()
        .unwrap();
        assert!(
            format!("{err:#}").contains("assets/generator/items.json"),
            "{err:#}"
        );
    }

    #[test]
    fn an_empty_list_or_unknown_origin_is_refused() {
        let mut customers: serde_json::Value = serde_json::from_str(CUSTOMERS).unwrap();
        customers["card_brands"] = serde_json::json!([]);
        let err = Words::parse(NAMES, COUNTRIES, &customers.to_string(), ITEMS)
            .err()
            .unwrap();
        assert_eq!(
            format!("{err:#}"),
            "assets/generator/customers.json: card_brands is empty"
        );
        let mut countries: serde_json::Value = serde_json::from_str(COUNTRIES).unwrap();
        countries[0]["origins"][0][0] = serde_json::json!("klingon");
        let err = Words::parse(NAMES, &countries.to_string(), CUSTOMERS, ITEMS)
            .err()
            .unwrap();
        assert!(
            format!("{err:#}").contains("unknown origin klingon"),
            "{err:#}"
        );
    }
}
