//! The challenge question of a customer's record: asking it, checking an
//! answer (every attempt audited), the lock after too many wrong answers
//! and a supervisor's unlock.

use super::operators::{audit_at, time_text, ChallengeCheck};
use super::Store;
use crate::domain::operator::{CHALLENGE_ATTEMPTS, CHALLENGE_WINDOW_MINUTES};
use crate::domain::secret;
use crate::domain::text::clean;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

impl Store {
    /// The customer's challenge question, if one is stored.
    pub fn challenge_question(&self, id: i64) -> rusqlite::Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT challenge_question FROM customers WHERE id = ?1 AND challenge_answer_hash IS NOT NULL",
                [id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten()
            .map(|q| clean(&q))
            .filter(|q| !q.trim().is_empty()))
    }

    /// Checks an answer to the challenge question (trimmed, any case), now:
    /// true only for the right answer while stored payment is not locked.
    /// See [`Store::check_challenge`].
    pub fn verify_challenge(
        &self,
        id: i64,
        answer: &str,
        operator: &str,
    ) -> rusqlite::Result<bool> {
        Ok(self.check_challenge(id, answer, operator, Utc::now())? == ChallengeCheck::Passed)
    }

    /// Checks an answer to customer `id`'s challenge question at `now`.
    /// Every attempt is audited: `challenge.passed`, `challenge.failed`,
    /// or `challenge.refused` while locked (the answer is then not even
    /// checked). The fifth wrong answer within an hour (since the last
    /// right one or unlock) locks the customer's stored payment
    /// (`challenge.locked`) until a supervisor unlocks it.
    pub fn check_challenge(
        &self,
        id: i64,
        answer: &str,
        operator: &str,
        now: DateTime<Utc>,
    ) -> rusqlite::Result<ChallengeCheck> {
        let subject = format!("customer:{id}");
        let at = time_text(now);
        if challenge_locked_in(&self.conn, id)? {
            audit_at(
                &self.conn,
                &at,
                operator,
                "challenge.refused",
                &subject,
                "stored payment locked: the answer was not checked",
            )?;
            return Ok(ChallengeCheck::Locked);
        }
        let stored: Option<String> = self
            .conn
            .query_row(
                "SELECT challenge_answer_hash FROM customers WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        // Argon2 is slow on purpose: checked before the transaction.
        let ok = stored.is_some_and(|h| secret::verify(&secret::normalize_answer(answer), &h));
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let check = if ok {
            audit_at(
                &tx,
                &at,
                operator,
                "challenge.passed",
                &subject,
                "right answer",
            )?;
            ChallengeCheck::Passed
        } else {
            audit_at(
                &tx,
                &at,
                operator,
                "challenge.failed",
                &subject,
                "wrong answer",
            )?;
            let failures = failures_in(&tx, id, now)?;
            let locked = failures >= CHALLENGE_ATTEMPTS;
            if locked {
                tx.execute(
                    "INSERT OR IGNORE INTO challenge_locks (customer_id, locked_at, failures)
                     SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM customers WHERE id = ?1)",
                    params![id, at, failures],
                )?;
                audit_at(
                    &tx,
                    &at,
                    operator,
                    "challenge.locked",
                    &subject,
                    &format!(
                        "{failures} wrong answers within {CHALLENGE_WINDOW_MINUTES} minutes: stored payment locked until a supervisor unlocks it"
                    ),
                )?;
            }
            ChallengeCheck::Wrong { failures, locked }
        };
        tx.commit()?;
        Ok(check)
    }

    /// How many wrong challenge answers count now for a customer: those
    /// within the last hour, since the last right answer or unlock.
    pub fn challenge_failures(&self, id: i64) -> rusqlite::Result<i64> {
        failures_in(&self.conn, id, Utc::now())
    }

    /// Whether customer `id`'s stored payment is locked by wrong answers.
    pub fn challenge_locked(&self, id: i64) -> rusqlite::Result<bool> {
        challenge_locked_in(&self.conn, id)
    }

    /// Unlocks customer `id`'s stored payment (`operator` asked,
    /// `supervisor` approved); false when it was not locked.
    pub fn unlock_challenge(
        &self,
        id: i64,
        operator: &str,
        supervisor: &str,
        now: DateTime<Utc>,
    ) -> rusqlite::Result<bool> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let gone = tx.execute("DELETE FROM challenge_locks WHERE customer_id = ?1", [id])? > 0;
        audit_at(
            &tx,
            &time_text(now),
            operator,
            "challenge.unlocked",
            &format!("customer:{id}"),
            &format!("asked by {operator}, approved by {supervisor}"),
        )?;
        tx.commit()?;
        Ok(gone)
    }
}

/// Whether customer `id`'s stored payment is locked (on any connection).
pub(crate) fn challenge_locked_in(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM challenge_locks WHERE customer_id = ?1)")?
        .query_row([id], |r| r.get(0))
}

/// Wrong answers for customer `id` within the hour before `now`, after the
/// last right answer or unlock.
fn failures_in(conn: &Connection, id: i64, now: DateTime<Utc>) -> rusqlite::Result<i64> {
    let since = time_text(now - chrono::Duration::minutes(CHALLENGE_WINDOW_MINUTES));
    conn.prepare_cached(
        "SELECT COUNT(*) FROM audit
         WHERE subject = ?1 AND action = 'challenge.failed' AND at > ?2
           AND id > COALESCE((SELECT MAX(id) FROM audit WHERE subject = ?1
                              AND action IN ('challenge.passed', 'challenge.unlocked')), 0)",
    )?
    .query_row(params![format!("customer:{id}"), since], |r| r.get(0))
}
