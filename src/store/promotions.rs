//! Promotions, coupons, reason codes and account credit:
//! what pricing and the adjustments and payment steps read from the
//! database (docs/design.md), and the checks that need it.

use super::catalog::dec_col;
use super::customers::parse_currency;
use super::Store;
use crate::domain::money::Money;
use crate::domain::order::Order;
use crate::domain::promotion::{Coupon, CouponUsage, Promotion};
use crate::domain::rules::AccountCredit;
use crate::domain::text::{clean, fold};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

const PROMOTION_COLUMNS: &str =
    "p.code, p.name, p.kind, p.item_id, p.category_id, p.params, p.combinable,
     p.automatic, p.starts_on, p.ends_on, p.active";

/// A promotion from columns `at..at+10` of [`PROMOTION_COLUMNS`]; a row
/// the domain refuses (bad parameters) is a conversion error naming why.
fn promotion_at(r: &Row, at: usize) -> rusqlite::Result<Promotion> {
    let code: String = r.get(at)?;
    Promotion::from_row(
        &code,
        &clean(&r.get::<_, String>(at + 1)?),
        &r.get::<_, String>(at + 2)?,
        r.get(at + 3)?,
        r.get(at + 4)?,
        &r.get::<_, String>(at + 5)?,
        r.get(at + 6)?,
        r.get(at + 7)?,
        r.get::<_, Option<String>>(at + 8)?.as_deref(),
        r.get::<_, Option<String>>(at + 9)?.as_deref(),
    )
    .map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(at, rusqlite::types::Type::Text, e.into())
    })
}

/// A coupon row ([`coupon_select`]: coupon columns first, then the
/// promotion's) and whether its promotion is still offered
/// (`promotions.active`).
fn coupon_row(r: &Row) -> rusqlite::Result<(Coupon, bool)> {
    let date = |i: usize| -> rusqlite::Result<Option<NaiveDate>> {
        Ok(r.get::<_, Option<String>>(i)?
            .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()))
    };
    let min_spend = match (
        r.get::<_, Option<String>>(4)?,
        r.get::<_, Option<String>>(5)?,
    ) {
        (Some(a), Some(c)) => {
            let amount = Decimal::from_str(a.trim()).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, e.into())
            })?;
            Some(Money::new(amount, parse_currency(&c)))
        }
        _ => None,
    };
    let coupon = Coupon {
        code: clean(&r.get::<_, String>(0)?),
        customer_id: r.get(1)?,
        starts_on: date(2)?,
        ends_on: date(3)?,
        min_spend,
        usage: CouponUsage {
            max_total: r.get(6)?,
            max_per_customer: r.get(7)?,
            used: r.get(8)?,
            used_by_customer: r.get(9)?,
        },
        promotion: promotion_at(r, 10)?,
    };
    Ok((coupon, r.get(20)?))
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

/// A coupon by its code as typed (case- and accent-insensitive), its uses
/// counted for `customer_id`, with whether its promotion is still offered;
/// read inside any connection or transaction (submit reads it in its own).
pub(crate) fn coupon_in(
    conn: &Connection,
    typed: &str,
    customer_id: Option<i64>,
) -> rusqlite::Result<Option<(Coupon, bool)>> {
    let key = fold(typed);
    if key.is_empty() {
        return Ok(None);
    }
    conn.prepare_cached(&format!("{} WHERE c.code_key = ?1", coupon_select(2)))?
        .query_row(params![key, customer_id], coupon_row)
        .optional()
}

/// What an account owes and may owe, read inside any connection or
/// transaction (submit checks it in its own transaction).
pub(crate) fn account_credit_in(
    conn: &Connection,
    account_id: i64,
) -> rusqlite::Result<Option<AccountCredit>> {
    let head = conn
        .query_row(
            "SELECT name, currency, credit_limit FROM business_accounts WHERE id = ?1",
            [account_id],
            |r| {
                Ok((
                    clean(&r.get::<_, String>(0)?),
                    parse_currency(&r.get::<_, String>(1)?),
                    dec_col(r, 2)?,
                ))
            },
        )
        .optional()?;
    let Some((name, currency, limit)) = head else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT p.amount FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE p.account_id = ?1 AND p.method = 'account' AND o.status <> 'cancelled'
           AND o.currency = ?2",
    )?;
    let amounts = stmt.query_map(params![account_id, currency.code()], |r| dec_col(r, 0))?;
    let mut used = Decimal::ZERO;
    for a in amounts {
        used += a?;
    }
    Ok(Some(AccountCredit {
        name,
        currency,
        limit,
        used: currency.round(used),
    }))
}

impl Store {
    /// Automatic promotions offered today. A row pricing cannot read is
    /// left out rather than stopping every quote (it could not apply).
    pub fn active_promotions(&self, today: NaiveDate) -> rusqlite::Result<Vec<Promotion>> {
        let day = today.format("%Y-%m-%d").to_string();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PROMOTION_COLUMNS} FROM promotions p
             WHERE p.active = 1 AND p.automatic = 1
               AND (p.starts_on IS NULL OR p.starts_on <= ?1)
               AND (p.ends_on IS NULL OR p.ends_on >= ?1)
             ORDER BY p.id"
        ))?;
        let rows = stmt.query_map([day], |r| Ok(promotion_at(r, 0)))?;
        let mut out = Vec::new();
        for row in rows {
            if let Ok(p) = row? {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// A coupon by its code as typed, its uses counted for `customer_id`,
    /// with whether its promotion is still offered.
    pub(crate) fn coupon_with_state(
        &self,
        typed: &str,
        customer_id: Option<i64>,
    ) -> rusqlite::Result<Option<(Coupon, bool)>> {
        coupon_in(&self.conn, typed, customer_id)
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

    /// The coupons the customer (None: a guest) might redeem today, their
    /// uses counted for them: their own, then those for everyone; whose
    /// promotion is offered and which have not ended. Which of them the
    /// order can use is the domain's to say (`domain::coupon_offer`).
    pub fn available_coupons(
        &self,
        customer_id: Option<i64>,
        today: NaiveDate,
    ) -> rusqlite::Result<Vec<Coupon>> {
        let day = today.format("%Y-%m-%d").to_string();
        let mut stmt = self.conn.prepare_cached(&format!(
            "{}
             WHERE p.active = 1
               AND (c.customer_id IS NULL OR c.customer_id = ?1)
               AND (c.ends_on IS NULL OR c.ends_on >= ?2)
               AND (p.ends_on IS NULL OR p.ends_on >= ?2)
             ORDER BY c.customer_id IS NULL, c.code",
            coupon_select(1)
        ))?;
        let rows = stmt.query_map(params![customer_id, day], coupon_row)?;
        rows.map(|r| r.map(|(c, _)| c)).collect()
    }

    /// Reason codes for adjustments: (code, label), in code order.
    pub fn reason_codes(&self) -> rusqlite::Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT code, label FROM reason_codes ORDER BY code")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                clean(&r.get::<_, String>(0)?),
                clean(&r.get::<_, String>(1)?),
            ))
        })?;
        rows.collect()
    }

    /// item id → its category and every ancestor category.
    pub fn item_categories(&self, item_ids: &[i64]) -> rusqlite::Result<HashMap<i64, Vec<i64>>> {
        let mut stmt = self.conn.prepare_cached(
            "WITH RECURSIVE up(cat, depth) AS (
                 SELECT category_id, 0 FROM items WHERE id = ?1
                 UNION ALL
                 SELECT c.parent_id, up.depth + 1 FROM up JOIN categories c ON c.id = up.cat
                 WHERE c.parent_id IS NOT NULL AND up.depth < 64
             )
             SELECT cat FROM up",
        )?;
        let mut out = HashMap::new();
        for id in item_ids {
            if out.contains_key(id) {
                continue;
            }
            let cats = stmt
                .query_map([id], |r| r.get::<_, i64>(0))?
                .collect::<rusqlite::Result<Vec<i64>>>()?;
            out.insert(*id, cats);
        }
        Ok(out)
    }

    /// The coupons of `order` that pricing may consider: found, and their
    /// promotion still offered (the others are named by
    /// [`Store::checkout_problems`]).
    pub(crate) fn order_coupons(&self, order: &Order) -> rusqlite::Result<Vec<Coupon>> {
        let mut out = Vec::new();
        let customer_id = order.customer.as_ref().and_then(|c| c.id);
        for code in &order.coupons {
            if let Some((c, true)) = self.coupon_with_state(code, customer_id)? {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// What an account owes and may owe, for the payment screen.
    pub fn account_credit(&self, account_id: i64) -> rusqlite::Result<Option<(Decimal, Decimal)>> {
        Ok(account_credit_in(&self.conn, account_id)?.map(|c| (c.limit, c.used)))
    }
}
