//! Generated customers and business accounts: names from `names.json`,
//! addresses in their country's formats, demographics and cards.
//!
//! The search keys (`*_key` columns) are made by the one function every
//! writer uses (`SearchKeys::of`): search correctness depends on it.

use super::addresses::{phone, postal_code, street_line};
use super::random::{num, pick, weighted};
use super::words::Words;
use super::{Secrets, SEED};
use crate::domain::search_keys::{KeySource, SearchKeys};
use crate::domain::text::{clean, fold};
use crate::store::demo::{insert_addresses, AddressA};
use anyhow::Result;
use chrono::{Duration, NaiveDate};
use fastrand::Rng;
use rusqlite::{params, Transaction};

/// A name from a pool with its plain ASCII letters (for logon IDs and
/// e-mail addresses).
struct Name {
    text: &'static str,
    ascii: String,
}

impl Name {
    fn new(text: &'static str) -> Name {
        let ascii = fold(text)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        Name { text, ascii }
    }
}

struct FoldedOrigin {
    female: Vec<Name>,
    male: Vec<Name>,
    last: Vec<Name>,
    language: Option<&'static str>,
}

fn fold_origins(words: &'static Words) -> Vec<FoldedOrigin> {
    words
        .origins
        .iter()
        .map(|o| {
            let names = |s: &'static [String]| s.iter().map(|n| Name::new(n)).collect::<Vec<_>>();
            FoldedOrigin {
                female: names(&o.female),
                male: names(&o.male),
                last: names(&o.last),
                language: o.language.as_deref(),
            }
        })
        .collect()
}

fn timestamp(day: NaiveDate, secs: u32) -> String {
    format!(
        "{day}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

struct Account {
    id: i64,
}

fn generate_accounts(
    tx: &Transaction,
    rng: &mut Rng,
    count: u64,
    origins: &[FoldedOrigin],
    words: &Words,
) -> Result<Vec<Vec<Account>>> {
    let countries = &words.countries;
    let mut by_country: Vec<Vec<Account>> = countries.iter().map(|_| Vec::new()).collect();
    let mut stmt = tx.prepare(
        "INSERT INTO business_accounts (name, name_key, currency, credit_limit, po_required) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for _ in 0..count {
        let ci = weighted(rng, countries, |c| c.weight);
        let country = &countries[ci];
        let oi = country.origin_weights[weighted(rng, &country.origin_weights, |o| o.1)].0;
        let last = pick(rng, &origins[oi].last).text;
        let place = pick(rng, &country.cities).name.as_str();
        // words.rs checks there are at most 255 names.
        let names = &country.business_names;
        let name = names[usize::from(rng.u8(0..names.len() as u8))]
            .replace("{last}", last)
            .replace("{place}", place);
        let credit = pick(rng, &country.credit_limits);
        stmt.execute(params![
            name,
            fold(&name),
            country.currency,
            credit,
            rng.u8(0..5) < 2
        ])?;
        by_country[ci].push(Account {
            id: tx.last_insert_rowid(),
        });
    }
    Ok(by_country)
}

pub(super) fn generate_customers(
    tx: &Transaction,
    count: u64,
    today: NaiveDate,
    words: &'static Words,
    secrets: &Secrets,
    tick: &mut dyn FnMut(u64),
) -> Result<()> {
    let Secrets {
        password_hash,
        challenges,
    } = secrets;
    let first_id: i64 =
        tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM customers", [], |r| {
            r.get(0)
        })?;
    let mut rng = Rng::with_seed(SEED ^ first_id as u64);
    let origins = fold_origins(words);
    // About one customer in fifty belongs to a business account; about ten
    // customers to each account.
    let accounts = generate_accounts(tx, &mut rng, (count / 500).max(1), &origins, words)?;
    let mut customer = tx.prepare(
        "INSERT INTO customers (id, logon_id, logon_key, password_hash, first_name, last_name, first_key, last_key,
            challenge_question, challenge_answer_hash, currency, language, phone, phone_key, phone_national_key,
            email, email_key, postal_key, account_id, created_at, updated_at, shipping_city,
            shipping_postal_code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
            ?22, ?23)",
    )?;
    let mut demographics = tx.prepare(
        "INSERT INTO demographics (customer_id, gender, age_range, income_range, marital_status, children, household_size)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut card = tx.prepare(
        "INSERT INTO payment_methods (customer_id, kind, brand, last4, exp_month, exp_year, token, is_default)
         VALUES (?1, 'card', ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let year = chrono::Datelike::year(&today);
    let choices = &words.customers;
    let mut addresses: Vec<AddressA> = Vec::with_capacity(3);
    for n in 0..count as i64 {
        let id = first_id + n;
        let ci = weighted(&mut rng, &words.countries, |c| c.weight);
        let country = &words.countries[ci];
        let oi = country.origin_weights[weighted(&mut rng, &country.origin_weights, |o| o.1)].0;
        let o = &origins[oi];
        let gender = match rng.u8(0..100) {
            0 => "nonbinary",
            1 => "undisclosed",
            r if r < 51 => "female",
            _ => "male",
        };
        let first = if gender == "female" || (gender != "male" && rng.bool()) {
            pick(&mut rng, &o.female)
        } else {
            pick(&mut rng, &o.male)
        };
        let last = pick(&mut rng, &o.last);
        // Some Spanish speakers carry both family names.
        let second_last = words.origins[oi]
            .two_last_names_one_in
            .is_some_and(|k| rng.u8(0..k) == 0)
            .then(|| pick(&mut rng, &o.last));
        let last_text = match second_last {
            Some(s) => format!("{} {}", last.text, s.text),
            None => last.text.to_string(),
        };
        let last_ascii = last.ascii.as_str();

        let logon = match rng.u8(0..10) {
            0..=4 => format!(
                "{}{}{id}",
                &first.ascii[..1.min(first.ascii.len())],
                last_ascii
            ),
            5..=7 => format!("{}.{}{id}", first.ascii, last_ascii),
            8 => format!("{}_{}{id}", first.ascii, last_ascii),
            _ => format!(
                "{}{}{id}",
                last_ascii,
                &first.ascii[..1.min(first.ascii.len())]
            ),
        };
        let mut email_local = match rng.u8(0..5) {
            0 => format!("{}.{}", first.ascii, last_ascii),
            1 => format!("{}{}", first.ascii, last_ascii),
            2 => format!("{}{}", &first.ascii[..1.min(first.ascii.len())], last_ascii),
            3 => format!("{}_{}", first.ascii, last_ascii),
            _ => format!("{}.{}", last_ascii, first.ascii),
        };
        match rng.u8(0..10) {
            0..=3 => email_local.push_str(&rng.u32(1..10_000).to_string()),
            4..=5 => email_local.push_str(&rng.u32(1950..2006).to_string()),
            _ => {}
        }
        let email = format!("{email_local}@{}", pick(&mut rng, &country.email_domains));

        let home = pick(&mut rng, &country.cities);
        let phone_text = phone(&mut rng, country, home);
        let language = match o.language {
            Some(l) if l == country.language || rng.u8(0..5) < 2 => l,
            _ => country.language.as_str(),
        };
        let (question, answer_hash) = pick(&mut rng, challenges.as_slice());

        // Address book: Home is the default shipping address; billing is
        // usually the same, sometimes the second address.
        addresses.clear();
        let count_addr = match rng.u8(0..10) {
            0..=5 => 1,
            6..=8 => 2,
            _ => 3,
        };
        let billing_second = count_addr > 1 && rng.u8(0..6) == 0;
        let nicknames = &words.customers.address_nicknames;
        let mut nick_start = rng.usize(..nicknames.len());
        for a in 0..count_addr {
            let c = if a == 0 || rng.u8(0..3) != 0 {
                home
            } else {
                pick(&mut rng, &country.cities)
            };
            let (line1, line2) = street_line(&mut rng, country, c);
            let nickname = if a == 0 {
                "Home".to_string()
            } else {
                nick_start = (nick_start + 1) % nicknames.len();
                nicknames[nick_start].to_string()
            };
            let recipient_first = if a > 0 && rng.u8(0..4) == 0 {
                let pool = if rng.bool() { &o.female } else { &o.male };
                pick(&mut rng, pool).text
            } else {
                first.text
            };
            addresses.push(AddressA {
                nickname,
                first_name: recipient_first.to_string(),
                last_name: last_text.clone(),
                line1,
                line2,
                city: c.name.clone(),
                region: c.region.clone(),
                postal_code: postal_code(&mut rng, &country.code, c),
                country: country.code.clone(),
                phone: if a == 0 && rng.bool() {
                    phone_text.clone()
                } else {
                    String::new()
                },
                default_shipping: a == 0,
                default_billing: if billing_second { a == 1 } else { a == 0 },
            });
        }

        let account = if rng.u8(0..50) == 0 {
            let list = if accounts[ci].is_empty() {
                accounts.iter().find(|l| !l.is_empty())
            } else {
                Some(&accounts[ci])
            };
            list.map(|l| pick(&mut rng, l).id)
        } else {
            None
        };

        let age_days = rng.i64(0..3650);
        let created_day = today - Duration::days(age_days);
        let created = timestamp(created_day, rng.u32(0..86_400));
        let updated = if rng.u8(0..3) == 0 {
            timestamp(
                created_day + Duration::days(rng.i64(0..=age_days)),
                rng.u32(0..86_400),
            )
        } else {
            created.clone()
        };

        let keys = SearchKeys::of(&KeySource {
            logon: Some(&logon),
            first: first.text,
            last: &last_text,
            email: &email,
            phone: &phone_text,
            postal: &addresses[0].postal_code,
            country: &country.code,
        });
        customer.execute(params![
            id,
            logon,
            keys.logon,
            password_hash,
            first.text,
            last_text,
            keys.first,
            keys.last,
            question,
            answer_hash,
            country.currency,
            language,
            phone_text,
            keys.phone,
            keys.phone_national,
            email,
            keys.email,
            keys.postal,
            account,
            created,
            updated,
            // The shown copy of the default shipping address (the first),
            // as insert_addresses writes it (customer_shown.rs).
            clean(&addresses[0].city),
            clean(&addresses[0].postal_code)
        ])?;
        insert_addresses(tx, id, &addresses)?;
        if rng.bool() {
            demographics.execute(params![
                id,
                gender,
                pick(&mut rng, &choices.age_ranges),
                pick(&mut rng, &choices.income_ranges),
                pick(&mut rng, &choices.marital_status),
                pick(&mut rng, &choices.children),
                pick(&mut rng, &choices.household_size)
            ])?;
        }
        let cards = match rng.u8(0..10) {
            0..=3 => 0,
            4..=8 => 1,
            _ => 2,
        };
        for k in 0..cards {
            card.execute(params![
                id,
                pick(&mut rng, &choices.card_brands),
                num(&mut rng, 4),
                rng.u32(1..13),
                year + rng.i32(0..6),
                format!("tok_gen_{id}_{k}"),
                k == 0
            ])?;
        }
        tick(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::words::words;
    use super::*;

    #[test]
    fn name_pools_fold_to_ascii() {
        for o in fold_origins(words().unwrap()) {
            for n in o.female.iter().chain(&o.male).chain(&o.last) {
                assert!(n.ascii.is_ascii(), "{} -> {}", n.text, n.ascii);
                assert!(!n.ascii.is_empty(), "{}", n.text);
                assert!(!n.ascii.chars().any(|c| c.is_ascii_digit()), "{}", n.text);
            }
        }
    }
}
