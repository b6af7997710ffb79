//! Everything an order needs of one customer: who they are, their
//! account, their address book and their stored cards. Written once for
//! both backends over a [`Sql`] handle.

use super::customers::parse_currency;
use super::db::{self, Sql};
use super::Store;
use crate::domain::card::{Brand, CardSummary};
use crate::domain::order::{AccountRef, CustomerRef, StoredCard};
use crate::domain::text::clean;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Customer `id` for an order, or None when there is no such customer.
/// A card of a brand this program does not know is left out.
pub fn customer_ref(sql: Sql<'_>, id: i64) -> Result<Option<CustomerRef>, db::Error> {
    let Some(r) = sql.query_opt(
        "SELECT c.logon_id, c.first_name, c.last_name, c.email, c.phone, c.currency, c.is_guest,
                b.id, b.name, b.currency, b.credit_limit, b.po_required
         FROM customers c LEFT JOIN business_accounts b ON b.id = c.account_id
         WHERE c.id = ?1",
        &[id.into()],
    )?
    else {
        return Ok(None);
    };
    let account = match r.get_opt_i64(7)? {
        Some(aid) => Some(AccountRef {
            id: aid,
            name: clean(r.get_str(8)?),
            currency: parse_currency(r.get_str(9)?),
            credit_limit: Decimal::from_str(r.get_str(10)?).unwrap_or_default(),
            po_required: r.get_bool(11)?,
        }),
        None => None,
    };
    let cards = sql
        .query(
            "SELECT id, brand, last4, exp_month, exp_year, is_default FROM payment_methods
             WHERE customer_id = ?1 ORDER BY is_default DESC, id",
            &[id.into()],
        )?
        .iter()
        .filter_map(|r| card(r).transpose())
        .collect::<Result<_, _>>()?;
    Ok(Some(CustomerRef {
        id: Some(id),
        guest: r.get_bool(6)?,
        logon_id: r.get_opt_str(0)?.map(clean),
        first_name: clean(r.get_str(1)?),
        last_name: clean(r.get_str(2)?),
        email: clean(r.get_str(3)?),
        phone: clean(r.get_str(4)?),
        currency: parse_currency(r.get_str(5)?),
        account,
        addresses: super::customer_records::addresses(sql, id)?,
        cards,
    }))
}

/// A stored card's row; None for a brand this program does not know.
fn card(r: &db::Row) -> Result<Option<StoredCard>, db::Error> {
    let Some(brand) = Brand::parse(r.get_str(1)?) else {
        return Ok(None);
    };
    let int = |i: usize, name: &str| {
        let n = r.get_i64(i)?;
        i32::try_from(n).map_err(|_| db::Error::Column {
            index: i,
            name: name.into(),
            expected: "a month or a year",
            found: n.to_string(),
        })
    };
    let month = int(3, "exp_month")?;
    let year = int(4, "exp_year")?;
    Ok(Some(StoredCard {
        id: r.get_i64(0)?,
        default: r.get_bool(5)?,
        summary: CardSummary {
            brand,
            last4: clean(r.get_str(2)?),
            exp_month: month.unsigned_abs(),
            exp_year: year,
        },
    }))
}

impl Store {
    /// See [`customer_ref`].
    pub fn customer_ref(&self, id: i64) -> rusqlite::Result<Option<CustomerRef>> {
        Ok(customer_ref(self.sql(), id)?)
    }
}
