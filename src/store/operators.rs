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

use super::{Store, StoreError};
use crate::domain::money::Currency;
use crate::domain::operator::{Approval, Role, PIN_ATTEMPTS, PIN_LOCK_MINUTES};
use crate::domain::rules::{ApprovalState, Limits};
use crate::domain::secret;
use crate::domain::text::clean;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

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

fn role_col(r: &Row, i: usize) -> rusqlite::Result<Role> {
    let text: String = r.get(i)?;
    Role::parse(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    })
}

const OPERATOR_COLUMNS: &str =
    "login, role, name, enabled, act_as, pin_hash IS NOT NULL, pin_locked_until";

fn operator_row(r: &Row) -> rusqlite::Result<OperatorRow> {
    Ok(OperatorRow {
        login: r.get(0)?,
        role: role_col(r, 1)?,
        name: clean(&r.get::<_, String>(2)?),
        enabled: r.get(3)?,
        act_as: r.get(4)?,
        pin_set: r.get(5)?,
        pin_locked_until: r.get(6)?,
    })
}

/// Limits from columns `at..at+5` (amount, percent, waiver, increase,
/// largest charge waived). An amount or percent that cannot be read counts
/// as zero: nothing passes that nobody allowed.
fn limits_at(r: &Row, at: usize) -> rusqlite::Result<Limits> {
    let read = |s: String| {
        Decimal::from_str(s.trim())
            .ok()
            .filter(|d| *d >= Decimal::ZERO)
            .unwrap_or(Decimal::ZERO)
    };
    Ok(Limits {
        amount: read(r.get(at)?),
        percent: read(r.get(at + 1)?),
        shipping_waiver: r.get(at + 2)?,
        price_increase: r.get(at + 3)?,
        waiver_max: r.get::<_, Option<String>>(at + 4)?.map(read),
    })
}

pub(crate) fn operator_in(conn: &Connection, login: &str) -> rusqlite::Result<Option<OperatorRow>> {
    conn.prepare_cached(&format!(
        "SELECT {OPERATOR_COLUMNS} FROM operators WHERE login = ?1"
    ))?
    .query_row([login], operator_row)
    .optional()
}

/// `login`'s limits in `currency`: their own row, else their role's (the
/// operator role when they are not in the table); nothing at all when
/// they are disabled or no row says.
pub(crate) fn limits_in(
    conn: &Connection,
    login: &str,
    currency: Currency,
) -> rusqlite::Result<Limits> {
    let row = operator_in(conn, login)?;
    if row.as_ref().is_some_and(|o| !o.enabled) {
        return Ok(Limits::default());
    }
    let own = conn
        .prepare_cached(
            "SELECT amount_off, percent_off, shipping_waiver, price_increase, waiver_max
             FROM operator_limits WHERE operator = ?1 AND currency = ?2",
        )?
        .query_row(params![login, currency.code()], |r| limits_at(r, 0))
        .optional()?;
    if let Some(l) = own {
        return Ok(l);
    }
    let role = row.map(|o| o.role).unwrap_or(Role::Operator);
    Ok(conn
        .prepare_cached(
            "SELECT amount_off, percent_off, shipping_waiver, price_increase, waiver_max
             FROM role_limits WHERE role = ?1 AND currency = ?2",
        )?
        .query_row(params![role.code(), currency.code()], |r| limits_at(r, 0))
        .optional()?
        .unwrap_or_default())
}

/// An audit row at `at`.
pub(crate) fn audit_at(
    conn: &Connection,
    at: &str,
    operator: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit (at, operator, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![at, operator, action, subject, detail],
    )?;
    Ok(())
}

/// Records `login` as the admin who created the database, allowed to act
/// as any operator (a database is usable out of the box by whoever made
/// it). Nothing changes when the login is in the table already.
pub(crate) fn record_creator_in(conn: &Connection, login: &str) -> rusqlite::Result<bool> {
    let now = time_text(Utc::now());
    let added = conn.execute(
        "INSERT OR IGNORE INTO operators (login, role, act_as, created_at, updated_at)
         VALUES (?1, 'admin', '*', ?2, ?2)",
        params![login, now],
    )? > 0;
    if added {
        audit_at(
            conn,
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
    fn write_tx(&self) -> rusqlite::Result<Transaction<'_>> {
        Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
    }

    /// The operator with this login, if the table has them.
    pub fn operator(&self, login: &str) -> rusqlite::Result<Option<OperatorRow>> {
        operator_in(&self.conn, login)
    }

    /// Every operator in the table, by login.
    pub fn operators(&self) -> rusqlite::Result<Vec<OperatorRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {OPERATOR_COLUMNS} FROM operators ORDER BY login"
        ))?;
        let rows = stmt.query_map([], operator_row)?;
        rows.collect()
    }

    /// The role of `login`: the table's, else `operator`.
    pub fn role_of(&self, login: &str) -> rusqlite::Result<Role> {
        Ok(self
            .operator(login)?
            .map(|o| o.role)
            .unwrap_or(Role::Operator))
    }

    /// `login`'s adjustment limits in `currency` (see [`limits_in`]).
    pub fn limits(&self, login: &str, currency: Currency) -> rusqlite::Result<Limits> {
        limits_in(&self.conn, login, currency)
    }

    /// Every row of limits: the roles', then operators' own.
    pub fn limit_rows(&self) -> rusqlite::Result<Vec<LimitsRow>> {
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare(
            "SELECT role, currency, amount_off, percent_off, shipping_waiver, price_increase, waiver_max
             FROM role_limits
             ORDER BY CASE role WHEN 'operator' THEN 0 WHEN 'supervisor' THEN 1 ELSE 2 END, currency",
        )?;
        for row in stmt.query_map([], |r| {
            Ok(LimitsRow {
                of: LimitsOf::Role(role_col(r, 0)?),
                currency: r.get(1)?,
                limits: limits_at(r, 2)?,
            })
        })? {
            out.push(row?);
        }
        let mut stmt = self.conn.prepare(
            "SELECT operator, currency, amount_off, percent_off, shipping_waiver, price_increase, waiver_max
             FROM operator_limits ORDER BY operator, currency",
        )?;
        for row in stmt.query_map([], |r| {
            Ok(LimitsRow {
                of: LimitsOf::Operator(r.get(0)?),
                currency: r.get(1)?,
                limits: limits_at(r, 2)?,
            })
        })? {
            out.push(row?);
        }
        Ok(out)
    }

    /// Whether the table has an enabled admin (until it has, any login may
    /// manage operators: a database from before version 3).
    pub fn has_admin(&self) -> rusqlite::Result<bool> {
        self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM operators WHERE role = 'admin' AND enabled = 1)",
            [],
            |r| r.get(0),
        )
    }

    /// Records `login` as the admin who created this database (see
    /// [`record_creator_in`]); true when they were added.
    pub fn record_creator(&self, login: &str) -> rusqlite::Result<bool> {
        let tx = self.write_tx()?;
        let added = record_creator_in(&tx, login)?;
        tx.commit()?;
        Ok(added)
    }

    /// Audits that `login` acts as `operator` in this session (allowed by
    /// `login`'s `act_as`).
    pub fn audit_acting(&self, login: &str, operator: &str) -> rusqlite::Result<()> {
        audit_at(
            &self.conn,
            &time_text(Utc::now()),
            operator,
            "operator.acts_as",
            &format!("operator:{login}"),
            &format!("login {login} acts as operator {operator}"),
        )
    }

    /// Adds an operator; `by` is the login that does it (audited).
    pub fn add_operator(
        &self,
        login: &str,
        role: Role,
        name: &str,
        act_as: &str,
        by: &str,
    ) -> Result<(), OperatorError> {
        let tx = self.write_tx()?;
        if operator_in(&tx, login)?.is_some() {
            return Err(OperatorError::Exists(login.into()));
        }
        let now = time_text(Utc::now());
        tx.execute(
            "INSERT INTO operators (login, role, name, act_as, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![login, role.code(), clean(name).trim(), act_as, now],
        )?;
        let mut detail = format!("role {role}");
        if !act_as.is_empty() {
            detail.push_str(&format!(", may act as {act_as}"));
        }
        audit_at(
            &tx,
            &now,
            by,
            "operator.added",
            &format!("operator:{login}"),
            &detail,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Changes one operator's row with `sql` (its `?1` the login, `?2` the
    /// time), refusing a change that leaves no enabled admin; audited as
    /// `action` with `detail`.
    fn change_operator(
        &self,
        login: &str,
        sql: &str,
        extra: Option<&dyn rusqlite::ToSql>,
        action: &str,
        detail: &str,
        by: &str,
    ) -> Result<(), OperatorError> {
        let tx = self.write_tx()?;
        let before =
            operator_in(&tx, login)?.ok_or_else(|| OperatorError::NotFound(login.into()))?;
        let now = time_text(Utc::now());
        match extra {
            Some(v) => tx.execute(sql, params![login, now, v])?,
            None => tx.execute(sql, params![login, now])?,
        };
        let admins: i64 = tx.query_row(
            "SELECT COUNT(*) FROM operators WHERE role = 'admin' AND enabled = 1",
            [],
            |r| r.get(0),
        )?;
        if admins == 0 && before.role == Role::Admin && before.enabled {
            return Err(OperatorError::LastAdmin(login.into()));
        }
        audit_at(&tx, &now, by, action, &format!("operator:{login}"), detail)?;
        tx.commit()?;
        Ok(())
    }

    pub fn set_role(&self, login: &str, role: Role, by: &str) -> Result<(), OperatorError> {
        self.change_operator(
            login,
            "UPDATE operators SET role = ?3, updated_at = ?2 WHERE login = ?1",
            Some(&role.code()),
            "operator.role",
            &format!("role {role}"),
            by,
        )
    }

    pub fn set_enabled(&self, login: &str, enabled: bool, by: &str) -> Result<(), OperatorError> {
        self.change_operator(
            login,
            "UPDATE operators SET enabled = ?3, updated_at = ?2 WHERE login = ?1",
            Some(&enabled),
            if enabled {
                "operator.enabled"
            } else {
                "operator.disabled"
            },
            if enabled { "enabled" } else { "disabled" },
            by,
        )
    }

    /// Whom `login` may act as: empty, `*`, or names separated by commas.
    pub fn set_act_as(&self, login: &str, act_as: &str, by: &str) -> Result<(), OperatorError> {
        let detail = if act_as.is_empty() {
            "may act as nobody else".to_string()
        } else {
            format!("may act as {act_as}")
        };
        self.change_operator(
            login,
            "UPDATE operators SET act_as = ?3, updated_at = ?2 WHERE login = ?1",
            Some(&act_as),
            "operator.act_as",
            &detail,
            by,
        )
    }

    /// Sets a supervisor PIN (hashed here; the PIN itself is never
    /// stored) and clears any lock.
    pub fn set_pin(&self, login: &str, pin: &str, by: &str) -> Result<(), OperatorError> {
        crate::domain::operator::check_pin(pin).map_err(OperatorError::Invalid)?;
        let hash = secret::hash(pin).map_err(OperatorError::Invalid)?;
        self.change_operator(
            login,
            "UPDATE operators SET pin_hash = ?3, pin_failures = 0, pin_locked_until = NULL,
                 updated_at = ?2 WHERE login = ?1",
            Some(&hash),
            "operator.pin",
            "PIN set",
            by,
        )
    }

    /// Sets the limits of a role or of one operator in `currency`.
    pub fn set_limits(
        &self,
        of: &LimitsOf,
        currency: Currency,
        limits: &Limits,
        by: &str,
    ) -> Result<(), OperatorError> {
        let tx = self.write_tx()?;
        let (table, who) = match of {
            LimitsOf::Role(r) => ("role_limits (role", r.code().to_string()),
            LimitsOf::Operator(o) => ("operator_limits (operator", o.clone()),
        };
        tx.execute(
            &format!(
                "INSERT OR REPLACE INTO {table}, currency, amount_off, percent_off, shipping_waiver,
                     price_increase, waiver_max) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            ),
            params![
                who,
                currency.code(),
                limits.amount.to_string(),
                limits.percent.normalize().to_string(),
                limits.shipping_waiver,
                limits.price_increase,
                limits.waiver_max.map(|m| m.to_string())
            ],
        )?;
        let subject = match of {
            LimitsOf::Role(r) => format!("role:{r}"),
            LimitsOf::Operator(o) => format!("operator:{o}"),
        };
        audit_at(
            &tx,
            &time_text(Utc::now()),
            by,
            "operator.limits",
            &subject,
            &describe_limits(currency, limits),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Removes an operator's own limits in `currency`: their role's hold
    /// again. False when they had none.
    pub fn clear_limits(
        &self,
        login: &str,
        currency: Currency,
        by: &str,
    ) -> Result<bool, OperatorError> {
        let tx = self.write_tx()?;
        let gone = tx.execute(
            "DELETE FROM operator_limits WHERE operator = ?1 AND currency = ?2",
            params![login, currency.code()],
        )? > 0;
        if gone {
            audit_at(
                &tx,
                &time_text(Utc::now()),
                by,
                "operator.limits",
                &format!("operator:{login}"),
                &format!("{currency}: the role's limits again"),
            )?;
        }
        tx.commit()?;
        Ok(gone)
    }

    /// Checks a supervisor's name and PIN typed to approve what `asker`
    /// could not do, at `now`. A wrong PIN counts; the fifth in a row
    /// locks the PIN for 15 minutes; a right one clears the count.
    pub fn verify_supervisor_pin(
        &self,
        name: &str,
        pin: &str,
        asker: &str,
        now: DateTime<Utc>,
    ) -> rusqlite::Result<PinCheck> {
        let login = clean(name).trim().to_string();
        if login.is_empty() {
            return Ok(PinCheck::Refused("type the supervisor's name".into()));
        }
        let Some(row) = self.operator(&login)? else {
            return Ok(PinCheck::Refused(format!(
                "{login} is not a supervisor here"
            )));
        };
        if !row.enabled {
            return Ok(PinCheck::Refused(format!("{login} is disabled")));
        }
        if !row.role.approves() {
            return Ok(PinCheck::Refused(format!("{login} is not a supervisor")));
        }
        let hash: Option<String> = self.conn.query_row(
            "SELECT pin_hash FROM operators WHERE login = ?1",
            [&login],
            |r| r.get(0),
        )?;
        let Some(hash) = hash else {
            return Ok(PinCheck::Refused(format!(
                "{login} has no PIN yet: an admin sets it (orderdesk operators set-pin {login})"
            )));
        };
        let at = time_text(now);
        let subject = format!("operator:{login}");
        if let Some(until) = row.pin_locked_until.clone().filter(|u| *u > at) {
            audit_at(
                &self.conn,
                &at,
                asker,
                "approval.pin_refused",
                &subject,
                &format!("PIN locked until {until}; not checked"),
            )?;
            return Ok(PinCheck::Locked { until });
        }
        // Argon2 is slow on purpose: checked before the transaction.
        let right = crate::domain::operator::check_pin(pin).is_ok() && secret::verify(pin, &hash);
        let tx = self.write_tx()?;
        let check = if right {
            tx.execute(
                "UPDATE operators SET pin_failures = 0, pin_locked_until = NULL WHERE login = ?1",
                [&login],
            )?;
            PinCheck::Approved {
                login: row.login.clone(),
                role: row.role,
            }
        } else {
            let failures: i64 = tx.query_row(
                "UPDATE operators SET pin_failures = pin_failures + 1 WHERE login = ?1
                 RETURNING pin_failures",
                [&login],
                |r| r.get(0),
            )?;
            audit_at(
                &tx,
                &at,
                asker,
                "approval.pin_wrong",
                &subject,
                &format!("wrong PIN ({failures} of {PIN_ATTEMPTS})"),
            )?;
            let locked_until = if failures >= PIN_ATTEMPTS {
                let until = time_text(now + chrono::Duration::minutes(PIN_LOCK_MINUTES));
                tx.execute(
                    "UPDATE operators SET pin_failures = 0, pin_locked_until = ?2 WHERE login = ?1",
                    params![login, until],
                )?;
                audit_at(
                    &tx,
                    &at,
                    asker,
                    "approval.pin_locked",
                    &subject,
                    &format!("{PIN_ATTEMPTS} wrong PINs: locked until {until}"),
                )?;
                Some(until)
            } else {
                None
            };
            PinCheck::Wrong {
                failures,
                locked_until,
            }
        };
        tx.commit()?;
        Ok(check)
    }

    /// Records an approval (and audits it as `approval.granted`, naming
    /// who asked and who approved); the approval to keep with what it
    /// approved.
    pub fn record_approval(
        &self,
        a: &NewApproval,
        now: DateTime<Utc>,
    ) -> rusqlite::Result<Approval> {
        let at = time_text(now);
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO approvals (at, operator, supervisor, action, order_token, subject, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                at,
                a.operator,
                a.supervisor,
                a.action,
                a.order_token,
                a.subject,
                a.detail
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit_at(
            &tx,
            &at,
            a.operator,
            "approval.granted",
            a.subject,
            &format!(
                "{} asked by {}, approved by {}: {}",
                a.action, a.operator, a.supervisor, a.detail
            ),
        )?;
        tx.commit()?;
        Ok(Approval {
            id,
            supervisor: a.supervisor.to_string(),
            at,
        })
    }
}

/// Whether approval `id` holds for `operator`'s order `token`, given for
/// `action` on `subject`; with its supervisor's limits in `currency` now.
/// Read on any connection (submit reads it in its transaction).
pub(crate) fn approval_state_in(
    conn: &Connection,
    id: i64,
    operator: &str,
    token: &str,
    action: &str,
    subject: &str,
    currency: Currency,
) -> rusqlite::Result<ApprovalState> {
    let row = conn
        .prepare_cached(
            "SELECT operator, supervisor, action, order_token, subject FROM approvals WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .optional()?;
    let void = |why: String| Ok(ApprovalState::Void(why));
    let Some((asker, supervisor, kind, order_token, on)) = row else {
        return void("it is not on file".into());
    };
    if asker != operator {
        return void(format!("it was given to {asker}"));
    }
    if kind != action || order_token != token || on != subject {
        return void("it was given for something else".into());
    }
    match operator_in(conn, &supervisor)? {
        None => void(format!("{supervisor} is no longer an operator")),
        Some(s) if !s.enabled => void(format!("{supervisor} is disabled")),
        Some(s) if !s.role.approves() => void(format!("{supervisor} is no longer a supervisor")),
        Some(_) => Ok(ApprovalState::Holds {
            limits: limits_in(conn, &supervisor, currency)?,
            supervisor,
        }),
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
