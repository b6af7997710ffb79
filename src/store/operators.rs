//! Operators, roles, limits, supervisor PINs and approvals: the tables of
//! schema version 3 (docs/design.md, section 13).
//!
//! An operator is the OS login name of the session. One not in the
//! `operators` table has the `operator` role. Limits are per role and per
//! currency (`role_limits`); an operator's own row in `operator_limits`
//! replaces their role's in that currency. A supervisor approves with
//! their name and PIN (an Argon2 hash); five wrong PINs in a row lock the
//! PIN for 15 minutes. Every change and every approval is audited.
//!
//! On a shared SQLite file anyone who can write the file can change all of
//! this: these checks keep honest people from mistakes and casual misuse.
//! On PostgreSQL the database holds operators to the same limits
//! (pg/migrations/002_operator_roles.sql).
//!
//! The SQL is written once, for both backends, as free functions over a
//! [`Sql`] handle: the rows and limits here, the admin's changes in
//! `operator_changes.rs`, PINs and approvals in `approvals.rs` (all
//! reachable from here). A change runs in [`Sql::write`]; the `Store`
//! methods run them on the store's connection.

use super::db::{self, Backend, Row, Sql};
use super::{Store, StoreError};
use crate::domain::money::Currency;
use crate::domain::operator::Role;
use crate::domain::rules::Limits;
use crate::domain::text::clean;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

pub use super::approvals::{approval_state, record_approval, verify_supervisor_pin};
pub use super::operator_changes::{
    add_operator, clear_limits, set_act_as, set_enabled, set_limits, set_pin, set_role,
};

/// A moment as the database keeps it (UTC, `YYYY-MM-DDTHH:MM:SSZ`, which
/// sorts as it reads).
pub fn time_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The OS login name of the session: `USER`, else `LOGNAME` (cleaned; the
/// first that is set and not blank), else "operator". It is what the
/// environment says, not a proof of who is typing.
pub fn os_login() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|s| clean(&s).trim().to_string())
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "operator".into())
}

/// One row of `operators`, without the PIN hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRow {
    pub login: String,
    pub role: Role,
    pub name: String,
    pub enabled: bool,
    /// Whom this login may act as: empty, `*` or names (see
    /// [`crate::domain::operator::may_act_as`]).
    pub act_as: String,
    pub pin_set: bool,
    /// Set while five wrong PINs keep the PIN locked (it may have passed).
    pub pin_locked_until: Option<String>,
}

/// Whose limits a row of limits is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitsOf {
    Role(Role),
    Operator(String),
}

impl fmt::Display for LimitsOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitsOf::Role(r) => write!(f, "role {r}"),
            LimitsOf::Operator(o) => write!(f, "{o}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitsRow {
    pub of: LimitsOf,
    pub currency: String,
    pub limits: Limits,
}

/// Why a change to the operators was not made; nothing was written.
#[derive(Debug)]
pub enum OperatorError {
    NotFound(String),
    Exists(String),
    Invalid(String),
    /// The change would leave no enabled admin.
    LastAdmin(String),
    Db(StoreError),
}

impl fmt::Display for OperatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OperatorError::NotFound(l) => write!(
                f,
                "{l} is not in the operators table (orderdesk operators add {l})"
            ),
            OperatorError::Exists(l) => write!(f, "{l} is an operator already"),
            OperatorError::Invalid(m) => f.write_str(m),
            OperatorError::LastAdmin(l) => write!(
                f,
                "{l} is the last enabled admin: make another operator admin first"
            ),
            OperatorError::Db(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for OperatorError {}

impl From<rusqlite::Error> for OperatorError {
    fn from(e: rusqlite::Error) -> Self {
        OperatorError::Db(StoreError::from(e))
    }
}

impl From<db::Error> for OperatorError {
    fn from(e: db::Error) -> Self {
        OperatorError::Db(StoreError::from(e))
    }
}

/// What checking a supervisor's name and PIN found. Every attempt is
/// audited (`approval.pin_wrong`, `approval.pin_locked`,
/// `approval.pin_refused`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinCheck {
    Approved {
        login: String,
        role: Role,
    },
    /// A wrong PIN: how many in a row now, and, at the fifth, until when
    /// the PIN is locked.
    Wrong {
        failures: i64,
        locked_until: Option<String>,
    },
    /// Locked by five wrong PINs: not checked.
    Locked {
        until: String,
    },
    /// Not someone who may approve here; why.
    Refused(String),
}

/// What an answer to a customer's challenge question found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeCheck {
    Passed,
    /// Wrong: how many wrong answers count now, and whether this one
    /// locked the customer's stored payment.
    Wrong {
        failures: i64,
        locked: bool,
    },
    /// Stored payment is locked: the answer was not checked.
    Locked,
}

/// An approval to record: who asked, who approved, what for.
pub struct NewApproval<'a> {
    pub operator: &'a str,
    pub supervisor: &'a str,
    /// `adjustment`, `disabled_customer` or `challenge_unlock`.
    pub action: &'a str,
    pub order_token: &'a str,
    /// `order:<token>` or `customer:<id>`.
    pub subject: &'a str,
    pub detail: &'a str,
}

fn role_at(r: &Row, i: usize) -> Result<Role, db::Error> {
    let text = r.get_str(i)?;
    Role::parse(text).map_err(|e| db::Error::Column {
        index: i,
        name: "role".into(),
        expected: "operator, supervisor or admin",
        found: format!("{text:?} ({e})"),
    })
}

/// The columns of an [`OperatorRow`]. Whether a PIN is set is a boolean on
/// PostgreSQL and 0/1 on SQLite (get_bool reads both); on PostgreSQL the
/// hash is not readable by operators (pg/migrations/004_pins_in_database.sql)
/// and a function tells.
fn operator_columns(sql: Sql<'_>) -> &'static str {
    match sql.backend() {
        Backend::Sqlite => {
            "login, role, name, enabled, act_as, pin_hash IS NOT NULL, pin_locked_until"
        }
        Backend::Postgres => {
            "login, role, name, enabled, act_as, orderdesk_pin_set(login), pin_locked_until"
        }
    }
}

/// A row of [`operator_columns`].
fn operator_row(r: &Row) -> Result<OperatorRow, db::Error> {
    Ok(OperatorRow {
        login: r.get_string(0)?,
        role: role_at(r, 1)?,
        name: clean(r.get_str(2)?),
        enabled: r.get_bool(3)?,
        act_as: r.get_string(4)?,
        pin_set: r.get_bool(5)?,
        pin_locked_until: r.get_opt_string(6)?,
    })
}

/// Limits from columns `at..at+5` (amount, percent, waiver, increase,
/// largest charge waived). An amount or percent that cannot be read counts
/// as zero: nothing passes that nobody allowed.
fn limits_at(r: &Row, at: usize) -> Result<Limits, db::Error> {
    let read = |s: &str| {
        Decimal::from_str(s.trim())
            .ok()
            .filter(|d| *d >= Decimal::ZERO)
            .unwrap_or(Decimal::ZERO)
    };
    Ok(Limits {
        amount: read(r.get_str(at)?),
        percent: read(r.get_str(at + 1)?),
        shipping_waiver: r.get_bool(at + 2)?,
        price_increase: r.get_bool(at + 3)?,
        waiver_max: r.get_opt_str(at + 4)?.map(read),
    })
}

/// The operator with this login, if the table has them.
pub fn operator(sql: Sql<'_>, login: &str) -> Result<Option<OperatorRow>, db::Error> {
    sql.query_opt(
        &format!(
            "SELECT {} FROM operators WHERE login = ?1",
            operator_columns(sql)
        ),
        &[login.into()],
    )?
    .map(|r| operator_row(&r))
    .transpose()
}

/// Every operator in the table, by login.
pub fn operators(sql: Sql<'_>) -> Result<Vec<OperatorRow>, db::Error> {
    sql.query(
        &format!(
            "SELECT {} FROM operators ORDER BY login",
            operator_columns(sql)
        ),
        &[],
    )?
    .iter()
    .map(operator_row)
    .collect()
}

/// `login`'s limits in `currency`: their own row, else their role's (the
/// operator role when they are not in the table); nothing at all when
/// they are disabled or no row says.
pub fn limits(sql: Sql<'_>, login: &str, currency: Currency) -> Result<Limits, db::Error> {
    let row = operator(sql, login)?;
    if row.as_ref().is_some_and(|o| !o.enabled) {
        return Ok(Limits::default());
    }
    let own = sql.query_opt(
        "SELECT amount_off, percent_off, shipping_waiver, price_increase, waiver_max
         FROM operator_limits WHERE operator = ?1 AND currency = ?2",
        &[login.into(), currency.code().into()],
    )?;
    if let Some(r) = own {
        return limits_at(&r, 0);
    }
    let role = row.map(|o| o.role).unwrap_or(Role::Operator);
    sql.query_opt(
        "SELECT amount_off, percent_off, shipping_waiver, price_increase, waiver_max
         FROM role_limits WHERE role = ?1 AND currency = ?2",
        &[role.code().into(), currency.code().into()],
    )?
    .map_or(Ok(Limits::default()), |r| limits_at(&r, 0))
}

/// Every row of limits: the roles', then operators' own.
pub fn limit_rows(sql: Sql<'_>) -> Result<Vec<LimitsRow>, db::Error> {
    let roles = sql.query(
        "SELECT role, currency, amount_off, percent_off, shipping_waiver, price_increase, waiver_max
         FROM role_limits
         ORDER BY CASE role WHEN 'operator' THEN 0 WHEN 'supervisor' THEN 1 ELSE 2 END, currency",
        &[],
    )?;
    let own = sql.query(
        "SELECT operator, currency, amount_off, percent_off, shipping_waiver, price_increase, waiver_max
         FROM operator_limits ORDER BY operator, currency",
        &[],
    )?;
    let mut out = Vec::with_capacity(roles.len() + own.len());
    for r in &roles {
        out.push(LimitsRow {
            of: LimitsOf::Role(role_at(r, 0)?),
            currency: r.get_string(1)?,
            limits: limits_at(r, 2)?,
        });
    }
    for r in &own {
        out.push(LimitsRow {
            of: LimitsOf::Operator(r.get_string(0)?),
            currency: r.get_string(1)?,
            limits: limits_at(r, 2)?,
        });
    }
    Ok(out)
}

/// Whether the table has an enabled admin (until it has, any login may
/// manage operators: a database from before version 3).
pub fn has_admin(sql: Sql<'_>) -> Result<bool, db::Error> {
    sql.query_row(
        "SELECT COUNT(*) FROM operators WHERE role = 'admin' AND enabled = 1",
        &[],
    )?
    .get_i64(0)
    .map(|n| n > 0)
}

/// An audit row at `at`.
pub fn audit_row(
    sql: Sql<'_>,
    at: &str,
    operator: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), db::Error> {
    sql.execute(
        "INSERT INTO audit (at, operator, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            at.into(),
            operator.into(),
            action.into(),
            subject.into(),
            detail.into(),
        ],
    )?;
    Ok(())
}

/// Records `login` as the admin who created the database, allowed to act
/// as any operator (a database is usable out of the box by whoever made
/// it). Nothing changes when the login is in the table already. Run it
/// in the caller's transaction (the row and its audit go together).
pub fn record_creator(sql: Sql<'_>, login: &str) -> Result<bool, db::Error> {
    let now = time_text(Utc::now());
    let added = sql.execute(
        "INSERT INTO operators (login, role, act_as, created_at, updated_at)
         VALUES (?1, 'admin', '*', ?2, ?2) ON CONFLICT (login) DO NOTHING",
        &[login.into(), now.as_str().into()],
    )? > 0;
    if added {
        audit_row(
            sql,
            &now,
            login,
            "operator.added",
            &format!("operator:{login}"),
            "created the database: admin, may act as any operator",
        )?;
    }
    Ok(added)
}

impl Store {
    /// See [`operator`].
    pub fn operator(&self, login: &str) -> rusqlite::Result<Option<OperatorRow>> {
        Ok(operator(self.sql(), login)?)
    }

    /// See [`operators`].
    pub fn operators(&self) -> rusqlite::Result<Vec<OperatorRow>> {
        Ok(operators(self.sql())?)
    }

    /// The role of `login`: the table's, else `operator`.
    pub fn role_of(&self, login: &str) -> rusqlite::Result<Role> {
        Ok(self
            .operator(login)?
            .map(|o| o.role)
            .unwrap_or(Role::Operator))
    }

    /// `login`'s adjustment limits in `currency` (see [`limits`]).
    pub fn limits(&self, login: &str, currency: Currency) -> rusqlite::Result<Limits> {
        Ok(limits(self.sql(), login, currency)?)
    }

    /// See [`limit_rows`].
    pub fn limit_rows(&self) -> rusqlite::Result<Vec<LimitsRow>> {
        Ok(limit_rows(self.sql())?)
    }

    /// See [`has_admin`].
    pub fn has_admin(&self) -> rusqlite::Result<bool> {
        Ok(has_admin(self.sql())?)
    }

    /// Records `login` as the admin who created this database (see
    /// [`record_creator`]); true when they were added.
    pub fn record_creator(&self, login: &str) -> rusqlite::Result<bool> {
        Ok(self.sql().write(|tx| record_creator(**tx, login))?)
    }

    /// Audits that `login` acts as `operator` in this session (allowed by
    /// `login`'s `act_as`).
    pub fn audit_acting(&self, login: &str, operator: &str) -> rusqlite::Result<()> {
        Ok(audit_row(
            self.sql(),
            &time_text(Utc::now()),
            operator,
            "operator.acts_as",
            &format!("operator:{login}"),
            &format!("login {login} acts as operator {operator}"),
        )?)
    }
}

/// Limits in words, for the audit and `orderdesk operators list`.
pub fn describe_limits(currency: Currency, l: &Limits) -> String {
    let yes = |b: bool| if b { "yes" } else { "no" };
    format!(
        "{currency}: {} off and {}% at most, shipping waiver {}, price increase {}",
        l.amount,
        l.percent.normalize(),
        waiver_text(l),
        yes(l.price_increase)
    )
}

/// The shipping waiver in words: "no", "yes" (any charge) or "up to 15.00".
pub fn waiver_text(l: &Limits) -> String {
    match (l.shipping_waiver, l.waiver_max) {
        (false, _) => "no".into(),
        (true, None) => "yes".into(),
        (true, Some(m)) => format!("up to {m}"),
    }
}
