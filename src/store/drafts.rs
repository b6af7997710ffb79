//! Drafts: the order in progress, saved on every change, one row per order
//! being taken, belonging to its operator and held by one live console at
//! a time.
//!
//! A console holds a draft by naming itself in `holder` and keeping
//! `lease_until` in the future (it renews the lease while it runs). Another
//! console of the same operator sees the draft as in use until the lease
//! lapses, and may take it over explicitly; the first console's next save,
//! renewal or submit then finds another holder and is refused.
//!
//! Beside the order, a draft keeps what the operator has typed and not yet
//! confirmed (`fields`, JSON the console writes and reads back): saving it
//! is not a change of the order. Masked fields and the card form are never
//! in it: the console leaves them out before it gets here.

use super::{now_text, Store};
use crate::domain::order::Order;
use crate::domain::text::clean;
use rusqlite::{params, OptionalExtension};
use std::fmt;

/// How long a hold lasts without renewal: a console renews it well within
/// this while it runs; one that died stops holding its draft after it.
pub const LEASE_SECONDS: i64 = 30;

#[derive(Debug, Clone)]
pub struct Draft {
    pub id: i64,
    pub summary: String,
    pub updated_at: String,
    /// When another console holds it now: since when (`HH:MM`, UTC).
    pub in_use_since: Option<String>,
    /// Err when the saved data cannot be read back (written by another
    /// version): the operator is told and may discard it.
    pub order: Result<Order, String>,
    /// What was typed and not yet confirmed, as the console saved it;
    /// None when nothing was (or it cannot be read).
    pub fields: Option<serde_json::Value>,
}

#[derive(Debug)]
pub enum DraftError {
    /// Another console took the draft over (at this `HH:MM`).
    TakenOver(String),
    /// The draft is gone: placed or discarded in another console.
    Gone,
    Db(super::StoreError),
}

impl fmt::Display for DraftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DraftError::TakenOver(at) => {
                write!(f, "another console took this order over at {at}")
            }
            DraftError::Gone => f.write_str("another console placed or discarded this order"),
            DraftError::Db(e) => write!(f, "draft NOT saved: {e}"),
        }
    }
}

impl From<rusqlite::Error> for DraftError {
    fn from(e: rusqlite::Error) -> Self {
        DraftError::Db(e.into())
    }
}

/// `HH:MM` of a stored timestamp, for messages.
pub(crate) fn clock_time(stamp: &str) -> String {
    stamp.get(11..16).unwrap_or(stamp).to_string()
}

fn lease_end() -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(LEASE_SECONDS))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

impl Store {
    /// Saves `order` as draft `id` held by `holder` (a new draft when None);
    /// returns its id. Refused when another console holds it now, or when
    /// it is gone (placed or discarded elsewhere: saving it again would
    /// only make a draft that can never be placed).
    pub fn save_draft(
        &self,
        id: Option<i64>,
        operator: &str,
        holder: &str,
        order: &Order,
    ) -> Result<i64, DraftError> {
        let data = serde_json::to_string(order)
            .map_err(|e| DraftError::Db(super::StoreError::Other(e.to_string())))?;
        let now = now_text();
        if let Some(id) = id {
            let n = self.conn.execute(
                "UPDATE drafts SET data = ?1, summary = ?2, updated_at = ?3, lease_until = ?4
                 WHERE id = ?5 AND operator = ?6 AND holder = ?7",
                params![
                    data,
                    order.summary(),
                    now,
                    lease_end(),
                    id,
                    operator,
                    holder
                ],
            )?;
            if n == 1 {
                return Ok(id);
            }
            self.held_elsewhere(id, holder)?;
            return Err(DraftError::Gone);
        }
        self.conn.execute(
            "INSERT INTO drafts (operator, data, summary, created_at, updated_at, holder, held_since, lease_until)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?4, ?6)",
            params![operator, data, order.summary(), now, holder, lease_end()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Keeps `fields` (what was typed and not yet confirmed; None: nothing)
    /// with draft `id` held by `holder`. The order is not touched. Refused
    /// as [`Store::save_draft`] is when another console holds the draft or
    /// it is gone.
    pub fn save_draft_fields(
        &self,
        id: i64,
        operator: &str,
        holder: &str,
        fields: Option<&str>,
    ) -> Result<(), DraftError> {
        let n = self.conn.execute(
            "UPDATE drafts SET fields = ?1, updated_at = ?2, lease_until = ?3
             WHERE id = ?4 AND operator = ?5 AND holder = ?6",
            params![fields, now_text(), lease_end(), id, operator, holder],
        )?;
        if n == 1 {
            return Ok(());
        }
        self.held_elsewhere(id, holder)?;
        Err(DraftError::Gone)
    }

    /// Deletes draft `id` if `holder` holds it: an order with nothing on
    /// it and nothing typed is not worth offering again.
    pub fn drop_empty_draft(&self, id: i64, holder: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "DELETE FROM drafts WHERE id = ?1 AND holder = ?2",
            params![id, holder],
        )?;
        Ok(())
    }

    /// Err when draft `id` is held by another console than `holder` or is
    /// gone.
    fn held_elsewhere(&self, id: i64, holder: &str) -> Result<(), DraftError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT holder, held_since FROM drafts WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match row {
            Some((h, since)) if h != holder => Err(DraftError::TakenOver(clock_time(&since))),
            Some(_) => Ok(()),
            None => Err(DraftError::Gone),
        }
    }

    /// Keeps `holder`'s hold on draft `id` alive; Err when another console
    /// took it over or it is gone.
    pub fn renew_draft(&self, id: i64, holder: &str) -> Result<(), DraftError> {
        let n = self.conn.execute(
            "UPDATE drafts SET lease_until = ?1 WHERE id = ?2 AND holder = ?3",
            params![lease_end(), id, holder],
        )?;
        if n == 0 {
            self.held_elsewhere(id, holder)?;
        }
        Ok(())
    }

    /// Lets go of draft `id` (the console is closing): the next console
    /// resumes it without being told it is in use.
    pub fn release_draft(&self, id: i64, holder: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE drafts SET lease_until = '' WHERE id = ?1 AND holder = ?2",
            params![id, holder],
        )?;
        Ok(())
    }

    /// Takes draft `id` for `holder` (resuming it, or taking it over from
    /// another console) and returns it.
    pub fn take_draft(
        &self,
        id: i64,
        operator: &str,
        holder: &str,
    ) -> rusqlite::Result<Option<Draft>> {
        let now = now_text();
        let n = self.conn.execute(
            "UPDATE drafts SET holder = ?1, held_since = ?2, lease_until = ?3 WHERE id = ?4 AND operator = ?5",
            params![holder, now, lease_end(), id, operator],
        )?;
        if n == 0 {
            return Ok(None);
        }
        self.draft_where("id = ?1", &id.to_string())
    }

    /// The operator's most recently changed draft.
    pub fn latest_draft(&self, operator: &str) -> rusqlite::Result<Option<Draft>> {
        self.draft_where("operator = ?1", operator)
    }

    fn draft_where(&self, condition: &str, value: &str) -> rusqlite::Result<Option<Draft>> {
        let now = now_text();
        self.conn
            .query_row(
                &format!(
                    "SELECT id, summary, updated_at, data, held_since, lease_until > ?2, fields FROM drafts
                     WHERE {condition} ORDER BY updated_at DESC, id DESC LIMIT 1"
                ),
                params![value, now],
                |r| {
                    let data: String = r.get(3)?;
                    let since: String = r.get(4)?;
                    let live: bool = r.get(5)?;
                    let fields: Option<String> = r.get(6)?;
                    Ok(Draft {
                        id: r.get(0)?,
                        summary: clean(&r.get::<_, String>(1)?),
                        updated_at: r.get(2)?,
                        in_use_since: live.then(|| clock_time(&since)),
                        order: serde_json::from_str(&data).map_err(|e| e.to_string()),
                        fields: fields.and_then(|f| serde_json::from_str(&f).ok()),
                    })
                },
            )
            .optional()
    }

    pub fn delete_draft(&self, id: i64) -> rusqlite::Result<()> {
        self.conn
            .execute("DELETE FROM drafts WHERE id = ?1", [id])?;
        Ok(())
    }
}
