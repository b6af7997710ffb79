//! Drafts: the order in progress, saved on every change, one row per order
//! being taken, belonging to its operator.

use super::{now_text, Store};
use crate::domain::order::Order;
use crate::domain::text::clean;
use rusqlite::{params, OptionalExtension};

#[derive(Debug, Clone)]
pub struct Draft {
    pub id: i64,
    pub summary: String,
    pub updated_at: String,
    /// Err when the saved data cannot be read back (written by another
    /// version): the operator is told and may discard it.
    pub order: Result<Order, String>,
}

impl Store {
    /// Saves `order` as draft `id` (a new draft when None); returns its id.
    pub fn save_draft(
        &self,
        id: Option<i64>,
        operator: &str,
        order: &Order,
    ) -> anyhow::Result<i64> {
        let data = serde_json::to_string(order)?;
        let now = now_text();
        if let Some(id) = id {
            let n = self.conn.execute(
                "UPDATE drafts SET data = ?1, summary = ?2, updated_at = ?3 WHERE id = ?4 AND operator = ?5",
                params![data, order.summary(), now, id, operator],
            )?;
            if n == 1 {
                return Ok(id);
            }
        }
        self.conn.execute(
            "INSERT INTO drafts (operator, data, summary, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![operator, data, order.summary(), now],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The operator's most recently changed draft.
    pub fn latest_draft(&self, operator: &str) -> rusqlite::Result<Option<Draft>> {
        self.conn
            .query_row(
                "SELECT id, summary, updated_at, data FROM drafts WHERE operator = ?1
                 ORDER BY updated_at DESC, id DESC LIMIT 1",
                [operator],
                |r| {
                    let data: String = r.get(3)?;
                    Ok(Draft {
                        id: r.get(0)?,
                        summary: clean(&r.get::<_, String>(1)?),
                        updated_at: r.get(2)?,
                        order: serde_json::from_str(&data).map_err(|e| e.to_string()),
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
