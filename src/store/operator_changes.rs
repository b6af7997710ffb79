//! The admin's changes to operators and limits (`orderdesk operators …`):
//! each one write transaction ([`Sql::write`]) with its audit row, on
//! either backend. Refusals (no such operator, one already, the last
//! admin) roll back whatever the change had written.

use super::db::{Abort, Backend, Sql, Value};
use super::operators::{audit_row, describe_limits, operator, time_text, LimitsOf, OperatorError};
use super::Store;
use crate::domain::money::Currency;
use crate::domain::operator::Role;
use crate::domain::rules::Limits;
use crate::domain::secret;
use crate::domain::text::clean;
use chrono::Utc;

/// Adds an operator; `by` is the login that does it (audited).
pub fn add_operator(
    sql: Sql<'_>,
    login: &str,
    role: Role,
    name: &str,
    act_as: &str,
    by: &str,
) -> Result<(), OperatorError> {
    sql.write(|tx| {
        if operator(**tx, login)?.is_some() {
            return Err(Abort::Refused(OperatorError::Exists(login.into())));
        }
        let now = time_text(Utc::now());
        tx.execute(
            "INSERT INTO operators (login, role, name, act_as, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            &[
                login.into(),
                role.code().into(),
                clean(name).trim().into(),
                act_as.into(),
                now.as_str().into(),
            ],
        )?;
        let mut detail = format!("role {role}");
        if !act_as.is_empty() {
            detail.push_str(&format!(", may act as {act_as}"));
        }
        audit_row(
            **tx,
            &now,
            by,
            "operator.added",
            &format!("operator:{login}"),
            &detail,
        )?;
        Ok(())
    })
    .map_err(Abort::into_inner)
}

/// Changes one operator's row with `update` (its `?1` the login, `?2` the
/// time, `?3` `value`), refusing a change that leaves no enabled admin;
/// audited as `action` with `detail`.
fn change_operator(
    sql: Sql<'_>,
    login: &str,
    update: &str,
    value: Value,
    action: &str,
    detail: &str,
    by: &str,
) -> Result<(), OperatorError> {
    sql.write(|tx| {
        let before = operator(**tx, login)?
            .ok_or_else(|| Abort::Refused(OperatorError::NotFound(login.into())))?;
        let now = time_text(Utc::now());
        tx.execute(update, &[login.into(), now.as_str().into(), value.clone()])?;
        let admins = tx
            .query_row(
                "SELECT COUNT(*) FROM operators WHERE role = 'admin' AND enabled = 1",
                &[],
            )?
            .get_i64(0)?;
        if admins == 0 && before.role == Role::Admin && before.enabled {
            return Err(Abort::Refused(OperatorError::LastAdmin(login.into())));
        }
        audit_row(**tx, &now, by, action, &format!("operator:{login}"), detail)?;
        Ok(())
    })
    .map_err(Abort::into_inner)
}

pub fn set_role(sql: Sql<'_>, login: &str, role: Role, by: &str) -> Result<(), OperatorError> {
    change_operator(
        sql,
        login,
        "UPDATE operators SET role = ?3, updated_at = ?2 WHERE login = ?1",
        role.code().into(),
        "operator.role",
        &format!("role {role}"),
        by,
    )
}

pub fn set_enabled(
    sql: Sql<'_>,
    login: &str,
    enabled: bool,
    by: &str,
) -> Result<(), OperatorError> {
    change_operator(
        sql,
        login,
        "UPDATE operators SET enabled = ?3, updated_at = ?2 WHERE login = ?1",
        enabled.into(),
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
pub fn set_act_as(sql: Sql<'_>, login: &str, act_as: &str, by: &str) -> Result<(), OperatorError> {
    let detail = if act_as.is_empty() {
        "may act as nobody else".to_string()
    } else {
        format!("may act as {act_as}")
    };
    change_operator(
        sql,
        login,
        "UPDATE operators SET act_as = ?3, updated_at = ?2 WHERE login = ?1",
        act_as.into(),
        "operator.act_as",
        &detail,
        by,
    )
}

/// Sets a supervisor PIN and clears any lock; the PIN itself is never
/// stored. SQLite keeps an Argon2 hash made here; PostgreSQL makes a
/// bcrypt hash itself (pgcrypto), the one its own PIN check reads
/// (pg/migrations/004_pins_in_database.sql).
pub fn set_pin(sql: Sql<'_>, login: &str, pin: &str, by: &str) -> Result<(), OperatorError> {
    crate::domain::operator::check_pin(pin).map_err(OperatorError::Invalid)?;
    let (update, value) = match sql.backend() {
        Backend::Sqlite => (
            "UPDATE operators SET pin_hash = ?3, pin_failures = 0, pin_locked_until = NULL,
                 updated_at = ?2 WHERE login = ?1",
            // Argon2 is slow on purpose: hashed before the transaction.
            secret::hash(pin).map_err(OperatorError::Invalid)?,
        ),
        Backend::Postgres => (
            "UPDATE operators SET pin_hash = crypt(?3, gen_salt('bf', 8)), pin_failures = 0,
                 pin_locked_until = NULL, updated_at = ?2 WHERE login = ?1",
            pin.to_string(),
        ),
    };
    change_operator(
        sql,
        login,
        update,
        value.into(),
        "operator.pin",
        "PIN set",
        by,
    )
}

/// Sets the limits of a role or of one operator in `currency`, replacing
/// any it had there.
pub fn set_limits(
    sql: Sql<'_>,
    of: &LimitsOf,
    currency: Currency,
    limits: &Limits,
    by: &str,
) -> Result<(), OperatorError> {
    let (table, key, who, subject) = match of {
        LimitsOf::Role(r) => (
            "role_limits",
            "role",
            r.code().to_string(),
            format!("role:{r}"),
        ),
        LimitsOf::Operator(o) => (
            "operator_limits",
            "operator",
            o.clone(),
            format!("operator:{o}"),
        ),
    };
    let upsert = format!(
        "INSERT INTO {table} ({key}, currency, amount_off, percent_off, shipping_waiver,
             price_increase, waiver_max) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT ({key}, currency) DO UPDATE SET amount_off = excluded.amount_off,
             percent_off = excluded.percent_off, shipping_waiver = excluded.shipping_waiver,
             price_increase = excluded.price_increase, waiver_max = excluded.waiver_max"
    );
    let values: [Value; 7] = [
        who.into(),
        currency.code().into(),
        limits.amount.to_string().into(),
        limits.percent.normalize().to_string().into(),
        limits.shipping_waiver.into(),
        limits.price_increase.into(),
        limits.waiver_max.map(|m| m.to_string()).into(),
    ];
    Ok(sql.write(|tx| {
        tx.execute(&upsert, &values)?;
        audit_row(
            **tx,
            &time_text(Utc::now()),
            by,
            "operator.limits",
            &subject,
            &describe_limits(currency, limits),
        )
    })?)
}

/// Removes an operator's own limits in `currency`: their role's hold
/// again. False when they had none.
pub fn clear_limits(
    sql: Sql<'_>,
    login: &str,
    currency: Currency,
    by: &str,
) -> Result<bool, OperatorError> {
    Ok(sql.write(|tx| {
        let gone = tx.execute(
            "DELETE FROM operator_limits WHERE operator = ?1 AND currency = ?2",
            &[login.into(), currency.code().into()],
        )? > 0;
        if gone {
            audit_row(
                **tx,
                &time_text(Utc::now()),
                by,
                "operator.limits",
                &format!("operator:{login}"),
                &format!("{currency}: the role's limits again"),
            )?;
        }
        Ok::<_, super::db::Error>(gone)
    })?)
}

impl Store {
    /// See [`add_operator`].
    pub fn add_operator(
        &self,
        login: &str,
        role: Role,
        name: &str,
        act_as: &str,
        by: &str,
    ) -> Result<(), OperatorError> {
        add_operator(self.sql(), login, role, name, act_as, by)
    }

    pub fn set_role(&self, login: &str, role: Role, by: &str) -> Result<(), OperatorError> {
        set_role(self.sql(), login, role, by)
    }

    pub fn set_enabled(&self, login: &str, enabled: bool, by: &str) -> Result<(), OperatorError> {
        set_enabled(self.sql(), login, enabled, by)
    }

    /// See [`set_act_as`].
    pub fn set_act_as(&self, login: &str, act_as: &str, by: &str) -> Result<(), OperatorError> {
        set_act_as(self.sql(), login, act_as, by)
    }

    /// See [`set_pin`].
    pub fn set_pin(&self, login: &str, pin: &str, by: &str) -> Result<(), OperatorError> {
        set_pin(self.sql(), login, pin, by)
    }

    /// See [`set_limits`].
    pub fn set_limits(
        &self,
        of: &LimitsOf,
        currency: Currency,
        limits: &Limits,
        by: &str,
    ) -> Result<(), OperatorError> {
        set_limits(self.sql(), of, currency, limits, by)
    }

    /// See [`clear_limits`].
    pub fn clear_limits(
        &self,
        login: &str,
        currency: Currency,
        by: &str,
    ) -> Result<bool, OperatorError> {
        clear_limits(self.sql(), login, currency, by)
    }
}
