//! The challenge question of a customer's record: asking it, checking an
//! answer (every attempt audited), the lock after too many wrong answers
//! and a supervisor's unlock. The SQL is written once, for both backends,
//! as free functions over a [`Sql`] handle; the `Store` methods run them
//! on the store's connection.

use super::db::{self, Sql};
use super::operators::{audit_row, time_text, ChallengeCheck};
use super::Store;
use crate::domain::operator::{CHALLENGE_ATTEMPTS, CHALLENGE_WINDOW_MINUTES};
use crate::domain::secret;
use crate::domain::text::clean;
use chrono::{DateTime, Utc};

/// The customer's challenge question, if one is stored.
pub fn challenge_question(sql: Sql<'_>, id: i64) -> Result<Option<String>, db::Error> {
    Ok(sql
        .query_opt(
            "SELECT challenge_question FROM customers
             WHERE id = ?1 AND challenge_answer_hash IS NOT NULL",
            &[id.into()],
        )?
        .map(|r| r.get_opt_string(0))
        .transpose()?
        .flatten()
        .map(|q| clean(&q))
        .filter(|q| !q.trim().is_empty()))
}

/// Checks an answer to customer `id`'s challenge question at `now`.
/// Every attempt is audited: `challenge.passed`, `challenge.failed`,
/// or `challenge.refused` while locked (the answer is then not even
/// checked). The fifth wrong answer within an hour (since the last
/// right one or unlock) locks the customer's stored payment
/// (`challenge.locked`) until a supervisor unlocks it.
pub fn check_challenge(
    sql: Sql<'_>,
    id: i64,
    answer: &str,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<ChallengeCheck, db::Error> {
    let subject = format!("customer:{id}");
    let at = time_text(now);
    if challenge_locked(sql, id)? {
        audit_row(
            sql,
            &at,
            operator,
            "challenge.refused",
            &subject,
            "stored payment locked: the answer was not checked",
        )?;
        return Ok(ChallengeCheck::Locked);
    }
    let stored = sql
        .query_opt(
            "SELECT challenge_answer_hash FROM customers WHERE id = ?1",
            &[id.into()],
        )?
        .map(|r| r.get_opt_string(0))
        .transpose()?
        .flatten();
    // Argon2 is slow on purpose: checked before the transaction.
    let ok = stored.is_some_and(|h| secret::verify(&secret::normalize_answer(answer), &h));
    sql.write(|tx| {
        if ok {
            audit_row(
                **tx,
                &at,
                operator,
                "challenge.passed",
                &subject,
                "right answer",
            )?;
            return Ok(ChallengeCheck::Passed);
        }
        audit_row(
            **tx,
            &at,
            operator,
            "challenge.failed",
            &subject,
            "wrong answer",
        )?;
        let failures = challenge_failures(**tx, id, now)?;
        let locked = failures >= CHALLENGE_ATTEMPTS;
        if locked {
            let known = tx
                .query_row(
                    "SELECT COUNT(*) FROM customers WHERE id = ?1",
                    &[id.into()],
                )?
                .get_i64(0)?
                > 0;
            if known {
                tx.execute(
                    "INSERT INTO challenge_locks (customer_id, locked_at, failures)
                     VALUES (?1, ?2, ?3) ON CONFLICT (customer_id) DO NOTHING",
                    &[id.into(), at.as_str().into(), failures.into()],
                )?;
            }
            audit_row(
                **tx,
                &at,
                operator,
                "challenge.locked",
                &subject,
                &format!(
                    "{failures} wrong answers within {CHALLENGE_WINDOW_MINUTES} minutes: stored payment locked until a supervisor unlocks it"
                ),
            )?;
        }
        Ok(ChallengeCheck::Wrong { failures, locked })
    })
}

/// Wrong answers for customer `id` within the hour before `now`, after the
/// last right answer or unlock.
pub fn challenge_failures(sql: Sql<'_>, id: i64, now: DateTime<Utc>) -> Result<i64, db::Error> {
    let since = time_text(now - chrono::Duration::minutes(CHALLENGE_WINDOW_MINUTES));
    sql.query_row(
        "SELECT COUNT(*) FROM audit
         WHERE subject = ?1 AND action = 'challenge.failed' AND at > ?2
           AND id > COALESCE((SELECT MAX(id) FROM audit WHERE subject = ?1
                              AND action IN ('challenge.passed', 'challenge.unlocked')), 0)",
        &[format!("customer:{id}").into(), since.into()],
    )?
    .get_i64(0)
}

/// Whether customer `id`'s stored payment is locked by wrong answers.
pub fn challenge_locked(sql: Sql<'_>, id: i64) -> Result<bool, db::Error> {
    Ok(sql
        .query_row(
            "SELECT COUNT(*) FROM challenge_locks WHERE customer_id = ?1",
            &[id.into()],
        )?
        .get_i64(0)?
        > 0)
}

/// Unlocks customer `id`'s stored payment (`operator` asked,
/// `supervisor` approved); false when it was not locked.
pub fn unlock_challenge(
    sql: Sql<'_>,
    id: i64,
    operator: &str,
    supervisor: &str,
    now: DateTime<Utc>,
) -> Result<bool, db::Error> {
    sql.write(|tx| {
        let gone = tx.execute(
            "DELETE FROM challenge_locks WHERE customer_id = ?1",
            &[id.into()],
        )? > 0;
        audit_row(
            **tx,
            &time_text(now),
            operator,
            "challenge.unlocked",
            &format!("customer:{id}"),
            &format!("asked by {operator}, approved by {supervisor}"),
        )?;
        Ok(gone)
    })
}

impl Store {
    /// See [`challenge_question`].
    pub fn challenge_question(&self, id: i64) -> rusqlite::Result<Option<String>> {
        Ok(challenge_question(self.sql(), id)?)
    }

    /// Checks an answer to the challenge question (trimmed, any case), now:
    /// true only for the right answer while stored payment is not locked.
    /// See [`check_challenge`].
    pub fn verify_challenge(
        &self,
        id: i64,
        answer: &str,
        operator: &str,
    ) -> rusqlite::Result<bool> {
        Ok(self.check_challenge(id, answer, operator, Utc::now())? == ChallengeCheck::Passed)
    }

    /// See [`check_challenge`].
    pub fn check_challenge(
        &self,
        id: i64,
        answer: &str,
        operator: &str,
        now: DateTime<Utc>,
    ) -> rusqlite::Result<ChallengeCheck> {
        Ok(check_challenge(self.sql(), id, answer, operator, now)?)
    }

    /// How many wrong challenge answers count now for a customer: those
    /// within the last hour, since the last right answer or unlock.
    pub fn challenge_failures(&self, id: i64) -> rusqlite::Result<i64> {
        Ok(challenge_failures(self.sql(), id, Utc::now())?)
    }

    /// See [`challenge_locked`].
    pub fn challenge_locked(&self, id: i64) -> rusqlite::Result<bool> {
        Ok(challenge_locked(self.sql(), id)?)
    }

    /// See [`unlock_challenge`].
    pub fn unlock_challenge(
        &self,
        id: i64,
        operator: &str,
        supervisor: &str,
        now: DateTime<Utc>,
    ) -> rusqlite::Result<bool> {
        Ok(unlock_challenge(self.sql(), id, operator, supervisor, now)?)
    }
}
