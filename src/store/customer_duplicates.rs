//! Possible duplicates of a customer about to be created (or of a guest
//! about to order): customers with the same e-mail, the same phone, or the
//! same last name and postal code, compared by their search keys, so
//! `O'Brien` at `SW1A 1AA` is the same as `OBrien` at `sw1a1aa` and
//! `020 7946 0958` the same as `+44 20 7946 0958`.

use super::customers::{customer_row, CustomerRow, ROW_COLUMNS, ROW_JOINS};
use super::Store;
use crate::domain::search_keys::{KeySource, SearchKeys};
use rusqlite::params;

/// A national number shorter than this is too short to say two customers
/// share a phone.
const PHONE_MIN: usize = 6;

/// A customer who may be the one being created, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub row: CustomerRow,
    pub same_email: bool,
    pub same_phone: bool,
    pub same_name_and_postal: bool,
}

impl Duplicate {
    /// Why it is listed, in words.
    pub fn why(&self) -> String {
        let mut parts = Vec::new();
        if self.same_email {
            parts.push("same e-mail");
        }
        if self.same_phone {
            parts.push("same phone");
        }
        if self.same_name_and_postal {
            parts.push("same name+postal");
        }
        parts.join(", ")
    }
}

impl Store {
    /// Customers (registered or guests) who share the e-mail, the phone, or
    /// the last name and postal code of `who`, at most `limit`, by name.
    /// Each test is an equality on an indexed key.
    pub fn possible_duplicates(
        &self,
        who: &KeySource,
        limit: usize,
    ) -> rusqlite::Result<Vec<Duplicate>> {
        let k = SearchKeys::of(who);
        let phone_ok = k.phone_national.len() >= PHONE_MIN;
        let email = (!k.email.is_empty()).then_some(k.email.as_str());
        let (phone, national) = if phone_ok {
            (Some(k.phone.as_str()), Some(k.phone_national.as_str()))
        } else {
            (None, None)
        };
        let name_postal = (!k.last.is_empty() && !k.postal.is_empty())
            .then_some((k.last.as_str(), k.postal.as_str()));
        if email.is_none() && phone.is_none() && name_postal.is_none() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {ROW_COLUMNS}, m.why
             FROM (SELECT id, sum(why) AS why FROM (
                     SELECT id, 1 AS why FROM customers WHERE email_key = ?1
                     UNION SELECT id, 2 FROM customers WHERE phone_key = ?2
                     UNION SELECT id, 2 FROM customers WHERE phone_national_key = ?3
                     UNION SELECT id, 4 FROM customers WHERE last_key = ?4 AND postal_key = ?5)
                   GROUP BY id) AS m
             JOIN customers c ON c.id = m.id
             {ROW_JOINS}
             ORDER BY c.last_key, c.first_key, c.id LIMIT ?6"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![
                email,
                phone,
                national,
                name_postal.map(|(l, _)| l),
                name_postal.map(|(_, p)| p),
                limit as i64
            ],
            |r| {
                let why: i64 = r.get(11)?;
                Ok(Duplicate {
                    row: customer_row(r)?,
                    same_email: why & 1 != 0,
                    same_phone: why & 2 != 0,
                    same_name_and_postal: why & 4 != 0,
                })
            },
        )?;
        rows.collect()
    }
}
