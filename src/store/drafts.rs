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
//!
//! The SQL is written once, for both backends, as free functions over a
//! [`Sql`] handle; each is one statement (or a refusal's read after it),
//! so none needs a transaction. The `Store` methods run them on the
//! store's connection.

use super::db::{self, Sql, Value};
use super::{now_text, Store, StoreError};
use crate::domain::order::Order;
use crate::domain::text::clean;
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

impl From<db::Error> for DraftError {
    fn from(e: db::Error) -> Self {
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

/// Saves `order` as draft `id` held by `holder` (a new draft when None);
/// returns its id. Refused when another console holds it now, or when it
/// is gone (placed or discarded elsewhere: saving it again would only
/// make a draft that can never be placed).
pub fn save_draft(
    sql: Sql<'_>,
    id: Option<i64>,
    operator: &str,
    holder: &str,
    order: &Order,
) -> Result<i64, DraftError> {
    let data = serde_json::to_string(order)
        .map_err(|e| DraftError::Db(StoreError::Other(e.to_string())))?;
    let now = now_text();
    if let Some(id) = id {
        let n = sql.execute(
            "UPDATE drafts SET data = ?1, summary = ?2, updated_at = ?3, lease_until = ?4
             WHERE id = ?5 AND operator = ?6 AND holder = ?7",
            &[
                data.into(),
                order.summary().into(),
                now.into(),
                lease_end().into(),
                id.into(),
                operator.into(),
                holder.into(),
            ],
        )?;
        if n == 1 {
            return Ok(id);
        }
        held_elsewhere(sql, id, holder)?;
        return Err(DraftError::Gone);
    }
    Ok(sql
        .query_row(
            "INSERT INTO drafts (operator, data, summary, created_at, updated_at, holder, held_since, lease_until)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?4, ?6) RETURNING id",
            &[
                operator.into(),
                data.into(),
                order.summary().into(),
                now.into(),
                holder.into(),
                lease_end().into(),
            ],
        )?
        .get_i64(0)?)
}

/// Keeps `fields` (what was typed and not yet confirmed; None: nothing)
/// with draft `id` held by `holder`. The order is not touched. Refused as
/// [`save_draft`] is when another console holds the draft or it is gone.
pub fn save_draft_fields(
    sql: Sql<'_>,
    id: i64,
    operator: &str,
    holder: &str,
    fields: Option<&str>,
) -> Result<(), DraftError> {
    let n = sql.execute(
        "UPDATE drafts SET fields = ?1, updated_at = ?2, lease_until = ?3
         WHERE id = ?4 AND operator = ?5 AND holder = ?6",
        &[
            fields.into(),
            now_text().into(),
            lease_end().into(),
            id.into(),
            operator.into(),
            holder.into(),
        ],
    )?;
    if n == 1 {
        return Ok(());
    }
    held_elsewhere(sql, id, holder)?;
    Err(DraftError::Gone)
}

/// Deletes draft `id` if `holder` holds it: an order with nothing on it
/// and nothing typed is not worth offering again.
pub fn drop_empty_draft(sql: Sql<'_>, id: i64, holder: &str) -> Result<(), db::Error> {
    sql.execute(
        "DELETE FROM drafts WHERE id = ?1 AND holder = ?2",
        &[id.into(), holder.into()],
    )?;
    Ok(())
}

/// Err when draft `id` is held by another console than `holder` or is
/// gone.
fn held_elsewhere(sql: Sql<'_>, id: i64, holder: &str) -> Result<(), DraftError> {
    let row = sql.query_opt(
        "SELECT holder, held_since FROM drafts WHERE id = ?1",
        &[id.into()],
    )?;
    match row {
        Some(r) if r.get_str(0)? != holder => Err(DraftError::TakenOver(clock_time(r.get_str(1)?))),
        Some(_) => Ok(()),
        None => Err(DraftError::Gone),
    }
}

/// Keeps `holder`'s hold on draft `id` alive; Err when another console
/// took it over or it is gone.
pub fn renew_draft(sql: Sql<'_>, id: i64, holder: &str) -> Result<(), DraftError> {
    let n = sql.execute(
        "UPDATE drafts SET lease_until = ?1 WHERE id = ?2 AND holder = ?3",
        &[lease_end().into(), id.into(), holder.into()],
    )?;
    if n == 0 {
        held_elsewhere(sql, id, holder)?;
    }
    Ok(())
}

/// Lets go of draft `id` (the console is closing): the next console
/// resumes it without being told it is in use.
pub fn release_draft(sql: Sql<'_>, id: i64, holder: &str) -> Result<(), db::Error> {
    sql.execute(
        "UPDATE drafts SET lease_until = '' WHERE id = ?1 AND holder = ?2",
        &[id.into(), holder.into()],
    )?;
    Ok(())
}

/// Takes draft `id` for `holder` (resuming it, or taking it over from
/// another console) and returns it; None when the operator has no such
/// draft.
pub fn take_draft(
    sql: Sql<'_>,
    id: i64,
    operator: &str,
    holder: &str,
) -> Result<Option<Draft>, db::Error> {
    let n = sql.execute(
        "UPDATE drafts SET holder = ?1, held_since = ?2, lease_until = ?3
         WHERE id = ?4 AND operator = ?5",
        &[
            holder.into(),
            now_text().into(),
            lease_end().into(),
            id.into(),
            operator.into(),
        ],
    )?;
    if n == 0 {
        return Ok(None);
    }
    draft_where(sql, "id = ?1", id.into())
}

/// The operator's most recently changed draft.
pub fn latest_draft(sql: Sql<'_>, operator: &str) -> Result<Option<Draft>, db::Error> {
    draft_where(sql, "operator = ?1", operator.into())
}

/// The newest draft where `condition` (on `?1`, bound to `value` as its
/// own type: PostgreSQL will not compare a BIGINT id with text) holds.
fn draft_where(sql: Sql<'_>, condition: &str, value: Value) -> Result<Option<Draft>, db::Error> {
    // `lease_until > ?2` is a boolean on PostgreSQL and 0/1 on SQLite;
    // get_bool reads both.
    let row = sql.query_opt(
        &format!(
            "SELECT id, summary, updated_at, data, held_since, lease_until > ?2, fields FROM drafts
             WHERE {condition} ORDER BY updated_at DESC, id DESC LIMIT 1"
        ),
        &[value, now_text().into()],
    )?;
    let Some(r) = row else {
        return Ok(None);
    };
    let (since, live) = (r.get_str(4)?, r.get_bool(5)?);
    Ok(Some(Draft {
        id: r.get_i64(0)?,
        summary: clean(r.get_str(1)?),
        updated_at: r.get_string(2)?,
        in_use_since: live.then(|| clock_time(since)),
        order: serde_json::from_str(r.get_str(3)?).map_err(|e| e.to_string()),
        fields: r.get_opt_str(6)?.and_then(|f| serde_json::from_str(f).ok()),
    }))
}

/// Deletes draft `id`, whoever holds it.
pub fn delete_draft(sql: Sql<'_>, id: i64) -> Result<(), db::Error> {
    sql.execute("DELETE FROM drafts WHERE id = ?1", &[id.into()])?;
    Ok(())
}

impl Store {
    /// See [`save_draft`].
    pub fn save_draft(
        &self,
        id: Option<i64>,
        operator: &str,
        holder: &str,
        order: &Order,
    ) -> Result<i64, DraftError> {
        save_draft(self.sql(), id, operator, holder, order)
    }

    /// See [`save_draft_fields`].
    pub fn save_draft_fields(
        &self,
        id: i64,
        operator: &str,
        holder: &str,
        fields: Option<&str>,
    ) -> Result<(), DraftError> {
        save_draft_fields(self.sql(), id, operator, holder, fields)
    }

    /// See [`drop_empty_draft`].
    pub fn drop_empty_draft(&self, id: i64, holder: &str) -> rusqlite::Result<()> {
        Ok(drop_empty_draft(self.sql(), id, holder)?)
    }

    /// See [`renew_draft`].
    pub fn renew_draft(&self, id: i64, holder: &str) -> Result<(), DraftError> {
        renew_draft(self.sql(), id, holder)
    }

    /// See [`release_draft`].
    pub fn release_draft(&self, id: i64, holder: &str) -> rusqlite::Result<()> {
        Ok(release_draft(self.sql(), id, holder)?)
    }

    /// See [`take_draft`].
    pub fn take_draft(
        &self,
        id: i64,
        operator: &str,
        holder: &str,
    ) -> rusqlite::Result<Option<Draft>> {
        Ok(take_draft(self.sql(), id, operator, holder)?)
    }

    /// See [`latest_draft`].
    pub fn latest_draft(&self, operator: &str) -> rusqlite::Result<Option<Draft>> {
        Ok(latest_draft(self.sql(), operator)?)
    }

    pub fn delete_draft(&self, id: i64) -> rusqlite::Result<()> {
        Ok(delete_draft(self.sql(), id)?)
    }
}
