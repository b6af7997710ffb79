//! Supervisor PINs and approvals (docs/design.md, section 13): checking
//! a name and PIN typed to approve, recording the approval, and whether
//! an approval an order carries still holds. Written once for both
//! backends over a [`Sql`] handle; every attempt is audited.

use super::db::{self, Backend, Sql};
use super::operators::{audit_row, limits, operator, time_text, NewApproval, PinCheck};
use super::Store;
use crate::domain::money::Currency;
use crate::domain::operator::{Approval, Role, PIN_ATTEMPTS, PIN_LOCK_MINUTES};
use crate::domain::rules::ApprovalState;
use crate::domain::secret;
use crate::domain::text::clean;
use chrono::{DateTime, Utc};

/// Checks a supervisor's name and PIN typed to approve what `asker`
/// could not do, at `now`. A wrong PIN counts; the fifth in a row locks
/// the PIN for 15 minutes; a right one clears the count.
pub fn verify_supervisor_pin(
    sql: Sql<'_>,
    name: &str,
    pin: &str,
    asker: &str,
    now: DateTime<Utc>,
) -> Result<PinCheck, db::Error> {
    let login = clean(name).trim().to_string();
    if login.is_empty() {
        return Ok(PinCheck::Refused("type the supervisor's name".into()));
    }
    let Some(row) = operator(sql, &login)? else {
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
    if sql.backend() == Backend::Postgres {
        return checked_by_postgres(sql, &login, pin, asker, row.role);
    }
    let hash = sql
        .query_row(
            "SELECT pin_hash FROM operators WHERE login = ?1",
            &[login.as_str().into()],
        )?
        .get_opt_string(0)?;
    let Some(hash) = hash else {
        return Ok(PinCheck::Refused(no_pin(&login)));
    };
    let at = time_text(now);
    let subject = format!("operator:{login}");
    if let Some(until) = row.pin_locked_until.clone().filter(|u| *u > at) {
        audit_row(
            sql,
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
    sql.write(|tx| {
        if right {
            tx.execute(
                "UPDATE operators SET pin_failures = 0, pin_locked_until = NULL WHERE login = ?1",
                &[login.as_str().into()],
            )?;
            return Ok(PinCheck::Approved {
                login: row.login.clone(),
                role: row.role,
            });
        }
        // Counted in the database: two consoles typing wrong PINs for the
        // same supervisor both count.
        let failures = tx
            .query_row(
                "UPDATE operators SET pin_failures = pin_failures + 1 WHERE login = ?1
                 RETURNING pin_failures",
                &[login.as_str().into()],
            )?
            .get_i64(0)?;
        audit_row(
            **tx,
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
                &[login.as_str().into(), until.as_str().into()],
            )?;
            audit_row(
                **tx,
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
        Ok(PinCheck::Wrong {
            failures,
            locked_until,
        })
    })
}

/// The PIN check on PostgreSQL, where the database checks it
/// (orderdesk_check_pin, pg/migrations/004_pins_in_database.sql): the hash
/// is not readable by an operator's role, the wrong tries are counted and
/// audited there, and a right PIN lets this connection record one approval.
/// The server's clock decides the lock.
fn checked_by_postgres(
    sql: Sql<'_>,
    login: &str,
    pin: &str,
    asker: &str,
    role: Role,
) -> Result<PinCheck, db::Error> {
    let r = sql.query_row(
        "SELECT outcome, failures, locked_until FROM orderdesk_check_pin(?1, ?2, ?3)",
        &[login.into(), pin.into(), asker.into()],
    )?;
    Ok(match r.get_str(0)? {
        "approved" => PinCheck::Approved {
            login: login.to_string(),
            role,
        },
        "wrong" => PinCheck::Wrong {
            failures: r.get_i64(1)?,
            locked_until: r.get_opt_string(2)?,
        },
        "locked" => PinCheck::Locked {
            until: r.get_opt_string(2)?.unwrap_or_default(),
        },
        "no_pin" => PinCheck::Refused(no_pin(login)),
        "reset" => PinCheck::Refused(format!(
            "{login}'s PIN was set on another database: an admin sets it again here \
             (orderdesk operators set-pin {login})"
        )),
        _ => PinCheck::Refused(format!("{login} is not a supervisor")),
    })
}

fn no_pin(login: &str) -> String {
    format!("{login} has no PIN yet: an admin sets it (orderdesk operators set-pin {login})")
}

/// Records an approval (and audits it as `approval.granted`, naming who
/// asked and who approved); the approval to keep with what it approved.
pub fn record_approval(
    sql: Sql<'_>,
    a: &NewApproval,
    now: DateTime<Utc>,
) -> Result<Approval, db::Error> {
    let at = time_text(now);
    let id = sql.write(|tx| {
        let id = tx
            .query_row(
                "INSERT INTO approvals (at, operator, supervisor, action, order_token, subject, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                &[
                    at.as_str().into(),
                    a.operator.into(),
                    a.supervisor.into(),
                    a.action.into(),
                    a.order_token.into(),
                    a.subject.into(),
                    a.detail.into(),
                ],
            )?
            .get_i64(0)?;
        audit_row(
            **tx,
            &at,
            a.operator,
            "approval.granted",
            a.subject,
            &format!(
                "{} asked by {}, approved by {}: {}",
                a.action, a.operator, a.supervisor, a.detail
            ),
        )?;
        Ok::<_, db::Error>(id)
    })?;
    Ok(Approval {
        id,
        supervisor: a.supervisor.to_string(),
        at,
    })
}

/// Whether approval `id` holds for `operator`'s order `token`, given for
/// `action` on `subject`; with its supervisor's limits in `currency` now.
/// Read on any handle (submit reads it in its transaction).
pub fn approval_state(
    sql: Sql<'_>,
    id: i64,
    operator_login: &str,
    token: &str,
    action: &str,
    subject: &str,
    currency: Currency,
) -> Result<ApprovalState, db::Error> {
    let row = sql.query_opt(
        "SELECT operator, supervisor, action, order_token, subject FROM approvals WHERE id = ?1",
        &[id.into()],
    )?;
    let void = |why: String| Ok(ApprovalState::Void(why));
    let Some(r) = row else {
        return void("it is not on file".into());
    };
    let (asker, supervisor) = (r.get_str(0)?, r.get_string(1)?);
    if asker != operator_login {
        return void(format!("it was given to {asker}"));
    }
    if r.get_str(2)? != action || r.get_str(3)? != token || r.get_str(4)? != subject {
        return void("it was given for something else".into());
    }
    match operator(sql, &supervisor)? {
        None => void(format!("{supervisor} is no longer an operator")),
        Some(s) if !s.enabled => void(format!("{supervisor} is disabled")),
        Some(s) if !s.role.approves() => void(format!("{supervisor} is no longer a supervisor")),
        Some(_) => Ok(ApprovalState::Holds {
            limits: limits(sql, &supervisor, currency)?,
            supervisor,
        }),
    }
}

impl Store {
    /// See [`verify_supervisor_pin`].
    pub fn verify_supervisor_pin(
        &self,
        name: &str,
        pin: &str,
        asker: &str,
        now: DateTime<Utc>,
    ) -> rusqlite::Result<PinCheck> {
        Ok(verify_supervisor_pin(self.sql(), name, pin, asker, now)?)
    }

    /// See [`record_approval`].
    pub fn record_approval(
        &self,
        a: &NewApproval,
        now: DateTime<Utc>,
    ) -> rusqlite::Result<Approval> {
        Ok(record_approval(self.sql(), a, now)?)
    }
}
