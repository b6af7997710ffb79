//! Promotions, coupons, reason codes and account credit:
//! what pricing and the adjustments and payment steps read from the
//! database (docs/design.md), and the checks that need it. The SQL is
//! written once, for both backends, as free functions over a [`Sql`]
//! handle (submit runs them inside its transaction); the `Store` methods
//! run them on the store's connection.

use super::customers::parse_currency;
use super::db::{self, Row, Sql};
use super::Store;
use crate::domain::money::Money;
use crate::domain::order::Order;
use crate::domain::promotion::{Coupon, CouponUsage, Promotion};
use crate::domain::rules::AccountCredit;
use crate::domain::text::{clean, fold};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

const PROMOTION_COLUMNS: &str =
    "p.code, p.name, p.kind, p.item_id, p.category_id, p.params, p.combinable,
     p.automatic, p.starts_on, p.ends_on, p.active";

/// A column that does not hold what the reader needs, named for the message.
fn unreadable(index: usize, name: &str, expected: &'static str, found: String) -> db::Error {
    db::Error::Column {
        index,
        name: name.into(),
        expected,
        found,
    }
}

/// A decimal stored as TEXT (surrounding blanks allowed, as the catalog
/// reads it); a malformed one is an error naming the column.
fn decimal_at(r: &Row, i: usize, name: &str) -> Result<Decimal, db::Error> {
    let s = r.get_str(i)?;
    Decimal::from_str(s.trim())
        .map_err(|e| unreadable(i, name, "a decimal", format!("{s:?} ({e})")))
}

/// A count or limit that fits a u32.
fn u32_at(r: &Row, i: usize, name: &str) -> Result<Option<u32>, db::Error> {
    r.get_opt_i64(i)?
        .map(|v| {
            u32::try_from(v).map_err(|_| unreadable(i, name, "0 to 4294967295", v.to_string()))
        })
        .transpose()
}

/// A promotion from columns `at..at+10` of [`PROMOTION_COLUMNS`]; a row
/// the domain refuses (bad parameters) is a column error naming why.
fn promotion_at(r: &Row, at: usize) -> Result<Promotion, db::Error> {
    Promotion::from_row(
        r.get_str(at)?,
        &clean(r.get_str(at + 1)?),
        r.get_str(at + 2)?,
        r.get_opt_i64(at + 3)?,
        r.get_opt_i64(at + 4)?,
        r.get_str(at + 5)?,
        r.get_bool(at + 6)?,
        r.get_bool(at + 7)?,
        r.get_opt_str(at + 8)?,
        r.get_opt_str(at + 9)?,
    )
    .map_err(|e| unreadable(at + 5, "params", "a promotion pricing can read", e))
}

/// A coupon row ([`coupon_select`]: coupon columns first, then the
/// promotion's) and whether its promotion is still offered
/// (`promotions.active`).
fn coupon_row(r: &Row) -> Result<(Coupon, bool), db::Error> {
    let date = |i: usize| -> Result<Option<NaiveDate>, db::Error> {
        Ok(r.get_opt_str(i)?
            .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()))
    };
    let min_spend = match r.get_opt_str(5)? {
        Some(c) if r.get_opt_str(4)?.is_some() => Some(Money::new(
            decimal_at(r, 4, "min_spend")?,
            parse_currency(c),
        )),
        _ => None,
    };
    let coupon = Coupon {
        code: clean(r.get_str(0)?),
        customer_id: r.get_opt_i64(1)?,
        starts_on: date(2)?,
        ends_on: date(3)?,
        min_spend,
        usage: CouponUsage {
            max_total: u32_at(r, 6, "max_uses")?,
            max_per_customer: u32_at(r, 7, "max_uses_per_customer")?,
            used: u32_at(r, 8, "used")?.unwrap_or(0),
            used_by_customer: u32_at(r, 9, "used_by_customer")?.unwrap_or(0),
        },
        promotion: promotion_at(r, 10)?,
    };
    Ok((coupon, r.get_bool(20)?))
}

/// The coupon columns, its uses (by orders not cancelled) in all and by
/// the customer bound to `?{customer}`, then the promotion's columns.
fn coupon_select(customer: usize) -> String {
    format!(
        "SELECT c.code, c.customer_id, c.starts_on, c.ends_on, c.min_spend, c.min_spend_currency,
            c.max_uses, c.max_uses_per_customer,
            (SELECT count(*) FROM coupon_redemptions r JOIN orders o ON o.id = r.order_id
              WHERE r.coupon_id = c.id AND o.status <> 'cancelled'),
            (SELECT count(*) FROM coupon_redemptions r JOIN orders o ON o.id = r.order_id
              WHERE r.coupon_id = c.id AND o.status <> 'cancelled' AND r.customer_id = ?{customer}),
            {PROMOTION_COLUMNS}
         FROM coupons c JOIN promotions p ON p.id = c.promotion_id"
    )
}

/// A coupon by its code as typed (case- and accent-insensitive: the folded
/// `code_key`), its uses counted for `customer_id`, with whether its
/// promotion is still offered.
pub fn coupon(
    sql: Sql<'_>,
    typed: &str,
    customer_id: Option<i64>,
) -> Result<Option<(Coupon, bool)>, db::Error> {
    let key = fold(typed);
    if key.is_empty() {
        return Ok(None);
    }
    sql.query_opt(
        &format!("{} WHERE c.code_key = ?1", coupon_select(2)),
        &[key.into(), customer_id.into()],
    )?
    .map(|r| coupon_row(&r))
    .transpose()
}

/// What an account owes and may owe: its limit, and what the account
/// payments of its orders not cancelled add up to (in Rust: amounts are
/// exact decimal text).
pub fn account_credit(sql: Sql<'_>, account_id: i64) -> Result<Option<AccountCredit>, db::Error> {
    let Some(head) = sql.query_opt(
        "SELECT name, currency, credit_limit FROM business_accounts WHERE id = ?1",
        &[account_id.into()],
    )?
    else {
        return Ok(None);
    };
    let currency = parse_currency(head.get_str(1)?);
    let mut used = Decimal::ZERO;
    for r in sql.query(
        "SELECT p.amount FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE p.account_id = ?1 AND p.method = 'account' AND o.status <> 'cancelled'
           AND o.currency = ?2",
        &[account_id.into(), currency.code().into()],
    )? {
        used += decimal_at(&r, 0, "amount")?;
    }
    Ok(Some(AccountCredit {
        name: clean(head.get_str(0)?),
        currency,
        limit: decimal_at(&head, 2, "credit_limit")?,
        used: currency.round(used),
    }))
}

/// Automatic promotions offered on `today`. A row pricing cannot read is
/// left out rather than stopping every quote (it could not apply).
pub fn active_promotions(sql: Sql<'_>, today: NaiveDate) -> Result<Vec<Promotion>, db::Error> {
    let day = today.format("%Y-%m-%d").to_string();
    let rows = sql.query(
        &format!(
            "SELECT {PROMOTION_COLUMNS} FROM promotions p
             WHERE p.active = 1 AND p.automatic = 1
               AND (p.starts_on IS NULL OR p.starts_on <= ?1)
               AND (p.ends_on IS NULL OR p.ends_on >= ?1)
             ORDER BY p.id"
        ),
        &[day.into()],
    )?;
    Ok(rows
        .iter()
        .filter_map(|r| promotion_at(r, 0).ok())
        .collect())
}

/// The coupons the customer (None: a guest) might redeem on `today`,
/// their uses counted for them: their own, then those for everyone (each
/// by code); whose promotion is offered and which have not ended. Which
/// of them the order can use is the domain's to say
/// (`domain::coupon_offer`).
pub fn available_coupons(
    sql: Sql<'_>,
    customer_id: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<Coupon>, db::Error> {
    let day = today.format("%Y-%m-%d").to_string();
    // `IS NULL` sorts false (0) before true (1) on both backends.
    sql.query(
        &format!(
            "{}
             WHERE p.active = 1
               AND (c.customer_id IS NULL OR c.customer_id = ?1)
               AND (c.ends_on IS NULL OR c.ends_on >= ?2)
               AND (p.ends_on IS NULL OR p.ends_on >= ?2)
             ORDER BY c.customer_id IS NULL, c.code",
            coupon_select(1)
        ),
        &[customer_id.into(), day.into()],
    )?
    .iter()
    .map(|r| coupon_row(r).map(|(c, _)| c))
    .collect()
}

/// Reason codes for adjustments: (code, label), in code order.
pub fn reason_codes(sql: Sql<'_>) -> Result<Vec<(String, String)>, db::Error> {
    sql.query("SELECT code, label FROM reason_codes ORDER BY code", &[])?
        .iter()
        .map(|r| Ok((clean(r.get_str(0)?), clean(r.get_str(1)?))))
        .collect()
}

/// item id → its category and every ancestor category (an unknown item:
/// none).
pub fn item_categories(
    sql: Sql<'_>,
    item_ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, db::Error> {
    let mut out = HashMap::new();
    for id in item_ids {
        if out.contains_key(id) {
            continue;
        }
        let cats = sql
            .query(
                "WITH RECURSIVE up(cat, depth) AS (
                     SELECT category_id, 0 FROM items WHERE id = ?1
                     UNION ALL
                     SELECT c.parent_id, up.depth + 1 FROM up JOIN categories c ON c.id = up.cat
                     WHERE c.parent_id IS NOT NULL AND up.depth < 64
                 )
                 SELECT cat FROM up",
                &[(*id).into()],
            )?
            .iter()
            .map(|r| r.get_i64(0))
            .collect::<Result<Vec<i64>, _>>()?;
        out.insert(*id, cats);
    }
    Ok(out)
}

/// The coupons of `order` that pricing may consider: found, and their
/// promotion still offered (the others are named by
/// `Store::checkout_problems`).
pub fn order_coupons(sql: Sql<'_>, order: &Order) -> Result<Vec<Coupon>, db::Error> {
    let customer_id = order.customer.as_ref().and_then(|c| c.id);
    let mut out = Vec::new();
    for code in &order.coupons {
        if let Some((c, true)) = coupon(sql, code, customer_id)? {
            out.push(c);
        }
    }
    Ok(out)
}

impl Store {
    /// See [`active_promotions`].
    pub fn active_promotions(&self, today: NaiveDate) -> rusqlite::Result<Vec<Promotion>> {
        Ok(active_promotions(self.sql(), today)?)
    }

    /// A coupon by its code as typed, its uses counted for `customer_id`,
    /// with whether its promotion is still offered.
    pub(crate) fn coupon_with_state(
        &self,
        typed: &str,
        customer_id: Option<i64>,
    ) -> rusqlite::Result<Option<(Coupon, bool)>> {
        Ok(coupon(self.sql(), typed, customer_id)?)
    }

    /// A coupon by its code as typed (case- and accent-insensitive), its
    /// uses counted for `customer_id`.
    pub fn coupon_by_code(
        &self,
        code: &str,
        customer_id: Option<i64>,
    ) -> rusqlite::Result<Option<Coupon>> {
        Ok(self.coupon_with_state(code, customer_id)?.map(|(c, _)| c))
    }

    /// See [`available_coupons`].
    pub fn available_coupons(
        &self,
        customer_id: Option<i64>,
        today: NaiveDate,
    ) -> rusqlite::Result<Vec<Coupon>> {
        Ok(available_coupons(self.sql(), customer_id, today)?)
    }

    /// See [`reason_codes`].
    pub fn reason_codes(&self) -> rusqlite::Result<Vec<(String, String)>> {
        Ok(reason_codes(self.sql())?)
    }

    /// See [`item_categories`].
    pub fn item_categories(&self, item_ids: &[i64]) -> rusqlite::Result<HashMap<i64, Vec<i64>>> {
        Ok(item_categories(self.sql(), item_ids)?)
    }

    /// See [`order_coupons`].
    pub(crate) fn order_coupons(&self, order: &Order) -> rusqlite::Result<Vec<Coupon>> {
        Ok(order_coupons(self.sql(), order)?)
    }

    /// What an account owes and may owe, for the payment screen.
    pub fn account_credit(&self, account_id: i64) -> rusqlite::Result<Option<(Decimal, Decimal)>> {
        Ok(account_credit(self.sql(), account_id)?.map(|c| (c.limit, c.used)))
    }
}
