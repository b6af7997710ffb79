//! Possible duplicates of a customer about to be created (or of a guest
//! about to order): customers with the same e-mail, the same phone, or the
//! same last name and postal code, compared by their search keys, so
//! `O'Brien` at `SW1A 1AA` is the same as `OBrien` at `sw1a1aa` and
//! `020 7946 0958` the same as `+44 20 7946 0958`. The SQL is written
//! once, for both backends, over a [`Sql`] handle.

use super::customers::{CustomerRow, ROW_COLUMNS};
use super::db::{self, Sql};
use super::Store;
use crate::domain::search_keys::{KeySource, SearchKeys};
use crate::domain::text::clean;

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

/// A [`CustomerRow`] from [`ROW_COLUMNS`], through the layer.
pub(super) fn customer_row_of(r: &db::Row) -> Result<CustomerRow, db::Error> {
    let s = |i: usize| r.get_str(i).map(clean);
    Ok(CustomerRow {
        id: r.get_i64(0)?,
        logon_id: r.get_opt_str(1)?.map(clean),
        first_name: s(2)?,
        last_name: s(3)?,
        phone: s(4)?,
        email: s(5)?,
        city: s(6)?,
        postal_code: s(7)?,
        account: r.get_opt_str(8)?.map(clean),
        guest: r.get_bool(9)?,
        enabled: r.get_bool(10)?,
    })
}

/// Customers (registered or guests) who share the e-mail, the phone, or
/// the last name and postal code of `who`, at most `limit`, by name.
/// Each test is an equality on an indexed key.
pub fn possible_duplicates(
    sql: Sql<'_>,
    who: &KeySource,
    limit: usize,
) -> Result<Vec<Duplicate>, db::Error> {
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
    // A key left NULL matches nothing. The reasons are bits, summed.
    let statement = format!(
        "SELECT {ROW_COLUMNS}, m.why
         FROM (SELECT id, SUM(why) AS why FROM (
                 SELECT id, 1 AS why FROM customers WHERE email_key = ?1
                 UNION SELECT id, 2 FROM customers WHERE phone_key = ?2
                 UNION SELECT id, 2 FROM customers WHERE phone_national_key = ?3
                 UNION SELECT id, 4 FROM customers WHERE last_key = ?4 AND postal_key = ?5) AS u
               GROUP BY id) AS m
         JOIN customers c ON c.id = m.id
         ORDER BY c.last_key, c.first_key, c.id LIMIT ?6"
    );
    sql.query(
        &statement,
        &[
            email.into(),
            phone.into(),
            national.into(),
            name_postal.map(|(l, _)| l).into(),
            name_postal.map(|(_, p)| p).into(),
            i64::try_from(limit).unwrap_or(i64::MAX).into(),
        ],
    )?
    .iter()
    .map(|r| {
        let why = r.get_i64(11)?;
        Ok(Duplicate {
            row: customer_row_of(r)?,
            same_email: why & 1 != 0,
            same_phone: why & 2 != 0,
            same_name_and_postal: why & 4 != 0,
        })
    })
    .collect()
}

impl Store {
    /// See [`possible_duplicates`].
    pub fn possible_duplicates(
        &self,
        who: &KeySource,
        limit: usize,
    ) -> rusqlite::Result<Vec<Duplicate>> {
        Ok(possible_duplicates(self.sql(), who, limit)?)
    }
}
