//! Promotions, coupons, reason codes, operator limits and account credit:
//! what pricing and the adjustments and payment steps read from the
//! database (DESIGN.md sections 5 and 6), and the checks that need it.

use super::catalog::dec_col;
use super::customers::parse_currency;
use super::Store;
use crate::domain::adjustment::Adjustment;
use crate::domain::money::{Currency, Money};
use crate::domain::order::{AccountRef, Area, Order, Payment, Problem};
use crate::domain::pricing::check_adjustment;
use crate::domain::promotion::{check_coupon, Coupon, Promotion};
use crate::domain::quote::Quote;
use crate::domain::rules::{credit_check, AccountCredit};
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

/// A coupon row (coupon columns first, then the promotion's) and whether
/// its promotion is still offered (`promotions.active`).
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
        redeemed: r.get::<_, Option<i64>>(6)?.is_some(),
        promotion: promotion_at(r, 7)?,
    };
    Ok((coupon, r.get(17)?))
}

const COUPON_SELECT: &str =
    "SELECT c.code, c.customer_id, c.starts_on, c.ends_on, c.min_spend, c.min_spend_currency,
        c.redeemed_order_id,";

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

    /// A coupon by its code as typed (case- and accent-insensitive), with
    /// whether its promotion is still offered.
    pub(crate) fn coupon_with_state(
        &self,
        typed: &str,
    ) -> rusqlite::Result<Option<(Coupon, bool)>> {
        let key = fold(typed);
        if key.is_empty() {
            return Ok(None);
        }
        self.conn
            .prepare_cached(&format!(
                "{COUPON_SELECT} {PROMOTION_COLUMNS}
                 FROM coupons c JOIN promotions p ON p.id = c.promotion_id WHERE c.code_key = ?1"
            ))?
            .query_row([key], coupon_row)
            .optional()
    }

    /// A coupon by its code as typed (case- and accent-insensitive).
    pub fn coupon_by_code(&self, code: &str) -> rusqlite::Result<Option<Coupon>> {
        Ok(self.coupon_with_state(code)?.map(|(c, _)| c))
    }

    /// Unused coupons the customer may redeem today: their own, then those
    /// for everyone. A guest (None) sees only those for everyone.
    pub fn available_coupons(
        &self,
        customer_id: Option<i64>,
        today: NaiveDate,
    ) -> rusqlite::Result<Vec<Coupon>> {
        let day = today.format("%Y-%m-%d").to_string();
        let mut stmt = self.conn.prepare_cached(&format!(
            "{COUPON_SELECT} {PROMOTION_COLUMNS}
             FROM coupons c JOIN promotions p ON p.id = c.promotion_id
             WHERE c.redeemed_order_id IS NULL AND p.active = 1
               AND (c.customer_id IS NULL OR c.customer_id = ?1)
               AND (c.starts_on IS NULL OR c.starts_on <= ?2)
               AND (c.ends_on IS NULL OR c.ends_on >= ?2)
               AND (p.starts_on IS NULL OR p.starts_on <= ?2)
               AND (p.ends_on IS NULL OR p.ends_on >= ?2)
             ORDER BY c.customer_id IS NULL, c.code"
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

    /// The operator's adjustment limit (amount, percent): their own row in
    /// `operator_limits`, else the settings. A limit missing or unreadable
    /// counts as zero, so nothing passes that a supervisor did not allow.
    pub fn adjustment_limits(&self, operator: &str) -> rusqlite::Result<(Decimal, Decimal)> {
        let own = self
            .conn
            .query_row(
                "SELECT limit_amount, limit_percent FROM operator_limits WHERE operator = ?1",
                [operator],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?;
        let (amount, percent) = match own {
            Some(p) => p,
            None => (
                self.setting("adjust.limit_amount")?.unwrap_or_default(),
                self.setting("adjust.limit_percent")?.unwrap_or_default(),
            ),
        };
        let read = |s: &str| {
            Decimal::from_str(s.trim())
                .ok()
                .filter(|d| *d >= Decimal::ZERO)
                .unwrap_or(Decimal::ZERO)
        };
        Ok((read(&amount), read(&percent)))
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
        for code in &order.coupons {
            if let Some((c, true)) = self.coupon_with_state(code)? {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Checks a typed coupon code for `order` as `quote` prices it now;
    /// Ok holds the coupon's code as stored, Err says why it is refused.
    pub fn check_coupon_code(
        &self,
        order: &Order,
        quote: &Quote,
        typed: &str,
        today: NaiveDate,
    ) -> rusqlite::Result<Result<String, String>> {
        let typed = clean(typed).trim().to_string();
        if typed.is_empty() {
            return Ok(Err("type a coupon code".into()));
        }
        let Some((coupon, active)) = self.coupon_with_state(&typed)? else {
            return Ok(Err(format!("there is no coupon {typed}")));
        };
        if order
            .coupons
            .iter()
            .any(|c| c.eq_ignore_ascii_case(&coupon.code))
        {
            return Ok(Err(format!(
                "coupon {} is on this order already",
                coupon.code
            )));
        }
        if !active {
            return Ok(Err(format!(
                "coupon {}: its promotion is no longer offered",
                coupon.code
            )));
        }
        let customer_id = order.customer.as_ref().and_then(|c| c.id);
        let after = quote
            .parts
            .first()
            .map(|(_, b)| b.subtotal_after_item_discounts)
            .unwrap_or(quote.breakdown.subtotal_after_item_discounts);
        Ok(check_coupon(&coupon, customer_id, today, after, order.currency).map(|()| coupon.code))
    }

    /// Checks a new adjustment against the order priced without the one it
    /// replaces (same kind and target), within the operator's limit and
    /// with a known reason code; Err says why it is refused.
    pub fn check_new_adjustment(
        &self,
        order: &Order,
        adj: &Adjustment,
        today: NaiveDate,
    ) -> rusqlite::Result<Result<(), String>> {
        if !self
            .reason_codes()?
            .iter()
            .any(|(code, _)| *code == adj.reason_code)
        {
            return Ok(Err(if adj.reason_code.trim().is_empty() {
                "choose a reason for the adjustment".to_string()
            } else {
                format!("'{}' is not a reason code", adj.reason_code)
            }));
        }
        let mut without = order.clone();
        without.adjustments.retain(|a| !same_target(a, adj));
        let quote = self.quote(&without, today)?;
        // The amount off the subtotal goes on the first order placed; the
        // overrides are numbered by the lines and shipments of the whole.
        let current = match adj.kind {
            crate::domain::adjustment::AdjustmentKind::SubtotalOff { .. } => quote
                .parts
                .first()
                .map(|(_, b)| b)
                .unwrap_or(&quote.breakdown),
            _ => &quote.breakdown,
        };
        let (amount, percent) = self.adjustment_limits(&adj.operator)?;
        Ok(check_adjustment(adj, &without, current, amount, percent))
    }

    /// Pay on account: the customer has the account, the PO number where
    /// the account needs one, and `total` fits the remaining credit.
    pub fn check_account_payment(
        &self,
        account: Option<&AccountRef>,
        po_number: &str,
        currency: Currency,
        total: Decimal,
    ) -> rusqlite::Result<Result<(), String>> {
        let Some(account) = account else {
            return Ok(Err(
                "pay on account is for customers of a business account".into()
            ));
        };
        if account.po_required && po_number.trim().is_empty() {
            return Ok(Err(format!(
                "account {} requires a purchase-order number",
                account.name
            )));
        }
        match account_credit_in(&self.conn, account.id)? {
            None => Ok(Err(format!("account {} no longer exists", account.name))),
            Some(credit) => Ok(credit_check(&credit, currency, total)),
        }
    }

    /// What stands between the order and submit beyond
    /// [`Order::problems`]: coupons that do not apply, and pay on account
    /// without its PO number or over the credit left.
    pub fn checkout_problems(
        &self,
        order: &Order,
        quote: &Quote,
    ) -> rusqlite::Result<Vec<Problem>> {
        let mut out = Vec::new();
        let outcomes = quote
            .parts
            .first()
            .map(|(_, b)| &b.coupons)
            .unwrap_or(&quote.breakdown.coupons);
        for code in &order.coupons {
            let message = match self.coupon_with_state(code)? {
                None => Some(format!("coupon {code} no longer exists: remove it")),
                Some((_, false)) => Some(format!(
                    "coupon {code}: its promotion is no longer offered: remove it"
                )),
                Some(_) => outcomes
                    .iter()
                    .find(|o| o.code.eq_ignore_ascii_case(code))
                    .and_then(|o| o.reason.clone()),
            };
            if let Some(message) = message {
                out.push(Problem {
                    area: Area::Adjustments,
                    message,
                });
            }
        }
        if let Some(Payment::Account { po_number }) = &order.payment {
            let account = order.customer.as_ref().and_then(|c| c.account.as_ref());
            if let Err(message) =
                self.check_account_payment(account, po_number, order.currency, quote.total())?
            {
                out.push(Problem {
                    area: Area::Payment,
                    message,
                });
            }
        }
        Ok(out)
    }

    /// What an account owes and may owe, for the payment screen.
    pub fn account_credit(&self, account_id: i64) -> rusqlite::Result<Option<(Decimal, Decimal)>> {
        Ok(account_credit_in(&self.conn, account_id)?.map(|c| (c.limit, c.used)))
    }
}

/// Whether two adjustments change the same thing (one replaces the other).
fn same_target(a: &Adjustment, b: &Adjustment) -> bool {
    a.kind.code() == b.kind.code() && a.kind.target() == b.kind.target()
}
