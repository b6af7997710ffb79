//! Customers: search on folded keys, and loading one for an order.

use super::Store;
use crate::domain::card::{Brand, CardSummary};
use crate::domain::money::Currency;
use crate::domain::order::{AccountRef, Address, CustomerRef, SavedAddress, StoredCard};
use crate::domain::text::{clean, digits, fold};
use rusqlite::{params_from_iter, OptionalExtension, Row};
use rust_decimal::Decimal;
use std::str::FromStr;

/// The seven search fields of the find screen; empty ones are ignored, the
/// rest combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerQuery {
    pub logon: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: String,
    pub postal: String,
    pub account: String,
}

impl CustomerQuery {
    pub fn is_empty(&self) -> bool {
        [
            &self.logon,
            &self.first_name,
            &self.last_name,
            &self.phone,
            &self.email,
            &self.postal,
            &self.account,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// One row of the find screen's result list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRow {
    pub id: i64,
    pub logon_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: String,
    pub city: String,
    pub postal_code: String,
    pub account: Option<String>,
    pub guest: bool,
}

/// Upper bound of a prefix range: every key starting with `prefix` sorts
/// below it (keys are folded ASCII or digits).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

const ROW_SELECT: &str = "SELECT c.id, c.logon_id, c.first_name, c.last_name, c.phone, c.email,
        COALESCE(a.city, ''), COALESCE(a.postal_code, ''), b.name, c.is_guest
    FROM customers c
    LEFT JOIN addresses a ON a.customer_id = c.id AND a.is_default_shipping = 1
    LEFT JOIN business_accounts b ON b.id = c.account_id";

fn customer_row(r: &Row) -> rusqlite::Result<CustomerRow> {
    Ok(CustomerRow {
        id: r.get(0)?,
        logon_id: r.get::<_, Option<String>>(1)?.map(|s| clean(&s)),
        first_name: clean(&r.get::<_, String>(2)?),
        last_name: clean(&r.get::<_, String>(3)?),
        phone: clean(&r.get::<_, String>(4)?),
        email: clean(&r.get::<_, String>(5)?),
        city: clean(&r.get::<_, String>(6)?),
        postal_code: clean(&r.get::<_, String>(7)?),
        account: r.get::<_, Option<String>>(8)?.map(|s| clean(&s)),
        guest: r.get(9)?,
    })
}

impl Store {
    /// Customers matching every filled field by prefix, at most `limit`.
    /// An empty query lists the customers who ordered most recently.
    pub fn search_customers(
        &self,
        q: &CustomerQuery,
        limit: usize,
    ) -> rusqlite::Result<Vec<CustomerRow>> {
        let mut conds: Vec<String> = Vec::new();
        let mut args: Vec<String> = Vec::new();
        let mut order_by = None;
        let range = |col: &str, key: String, conds: &mut Vec<String>, args: &mut Vec<String>| {
            conds.push(format!("{col} >= ? AND {col} < ?"));
            args.push(key.clone());
            args.push(prefix_end(&key));
        };
        let text_fields = [
            ("c.last_key", &q.last_name),
            ("c.first_key", &q.first_name),
            ("c.logon_key", &q.logon),
            ("c.email_key", &q.email),
            ("c.postal_key", &q.postal),
        ];
        for (col, value) in text_fields {
            let key = fold(value);
            if !key.is_empty() {
                order_by.get_or_insert(col);
                range(col, key, &mut conds, &mut args);
            }
        }
        let phone = digits(&q.phone);
        if !phone.is_empty() {
            conds.push(
                "((c.phone_key >= ? AND c.phone_key < ?) OR (c.phone_national_key >= ? AND c.phone_national_key < ?))"
                    .into(),
            );
            for _ in 0..2 {
                args.push(phone.clone());
                args.push(prefix_end(&phone));
            }
            order_by.get_or_insert("c.phone_key");
        }
        let account = fold(&q.account);
        if !account.is_empty() {
            conds.push("c.account_id IN (SELECT id FROM business_accounts WHERE name_key >= ? AND name_key < ?)".into());
            args.push(account.clone());
            args.push(prefix_end(&account));
            order_by.get_or_insert("c.last_key");
        }
        let sql = if conds.is_empty() {
            format!(
                "{ROW_SELECT} WHERE c.last_order_at IS NOT NULL OR c.id IN (SELECT id FROM customers ORDER BY id LIMIT {limit})
                 ORDER BY c.last_order_at DESC NULLS LAST, c.id LIMIT {limit}"
            )
        } else {
            format!(
                "{ROW_SELECT} WHERE {} ORDER BY {}, c.id LIMIT {limit}",
                conds.join(" AND "),
                order_by.unwrap_or("c.id")
            )
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args.iter()), customer_row)?;
        rows.collect()
    }

    /// Everything the order needs of one customer.
    pub fn customer_ref(&self, id: i64) -> rusqlite::Result<Option<CustomerRef>> {
        let head = self
            .conn
            .query_row(
                "SELECT c.logon_id, c.first_name, c.last_name, c.email, c.phone, c.currency, c.is_guest,
                        b.id, b.name, b.currency, b.credit_limit, b.po_required
                 FROM customers c LEFT JOIN business_accounts b ON b.id = c.account_id
                 WHERE c.id = ?1",
                [id],
                |r| {
                    let account = match r.get::<_, Option<i64>>(7)? {
                        Some(aid) => Some(AccountRef {
                            id: aid,
                            name: clean(&r.get::<_, String>(8)?),
                            currency: parse_currency(&r.get::<_, String>(9)?),
                            credit_limit: Decimal::from_str(&r.get::<_, String>(10)?).unwrap_or_default(),
                            po_required: r.get(11)?,
                        }),
                        None => None,
                    };
                    Ok(CustomerRef {
                        id: Some(id),
                        guest: r.get(6)?,
                        logon_id: r.get::<_, Option<String>>(0)?.map(|s| clean(&s)),
                        first_name: clean(&r.get::<_, String>(1)?),
                        last_name: clean(&r.get::<_, String>(2)?),
                        email: clean(&r.get::<_, String>(3)?),
                        phone: clean(&r.get::<_, String>(4)?),
                        currency: parse_currency(&r.get::<_, String>(5)?),
                        account,
                        addresses: Vec::new(),
                        cards: Vec::new(),
                    })
                },
            )
            .optional()?;
        let Some(mut customer) = head else {
            return Ok(None);
        };
        customer.addresses = self.addresses_of(id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, brand, last4, exp_month, exp_year FROM payment_methods
             WHERE customer_id = ?1 ORDER BY is_default DESC, id",
        )?;
        customer.cards = stmt
            .query_map([id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, u32>(3)?,
                    r.get::<_, i32>(4)?,
                ))
            })?
            .filter_map(|row| match row {
                Ok((id, brand, last4, exp_month, exp_year)) => Brand::parse(&brand).map(|brand| {
                    Ok(StoredCard {
                        id,
                        summary: CardSummary {
                            brand,
                            last4: clean(&last4),
                            exp_month,
                            exp_year,
                        },
                    })
                }),
                Err(e) => Some(Err(e)),
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(customer))
    }

    pub fn addresses_of(&self, customer_id: i64) -> rusqlite::Result<Vec<SavedAddress>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, nickname, first_name, last_name, line1, line2, city, region, postal_code,
                    country, phone, is_default_shipping, is_default_billing
             FROM addresses WHERE customer_id = ?1 ORDER BY is_default_shipping DESC, id",
        )?;
        let rows = stmt.query_map([customer_id], |r| {
            let s = |i: usize| r.get::<_, String>(i).map(|v| clean(&v));
            Ok(SavedAddress {
                id: r.get(0)?,
                address: Address {
                    nickname: s(1)?,
                    first_name: s(2)?,
                    last_name: s(3)?,
                    line1: s(4)?,
                    line2: s(5)?,
                    city: s(6)?,
                    region: s(7)?,
                    postal_code: s(8)?,
                    country: s(9)?,
                    phone: s(10)?,
                },
                default_shipping: r.get(11)?,
                default_billing: r.get(12)?,
            })
        })?;
        rows.collect()
    }
}

/// Currencies in the database are checked by a foreign key; an unknown one
/// (a newer program's) falls back to USD rather than failing the screen.
pub(crate) fn parse_currency(code: &str) -> Currency {
    Currency::from_str(code).unwrap_or(Currency::USD)
}
