//! Picking items and customers for simulated operators
//! (`orderdesk simulate`).

use super::Store;
use anyhow::{anyhow, Result};
use rusqlite::params;

impl Store {
    /// Item SKUs for these SKUs as typed (all active items when empty).
    pub fn simulation_items(&self, skus: &[String]) -> Result<Vec<String>> {
        if skus.is_empty() {
            let mut stmt = self
                .conn
                .prepare("SELECT sku FROM items WHERE active = 1 ORDER BY id")?;
            let rows = stmt
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            return Ok(rows);
        }
        skus.iter()
            .map(|s| {
                self.conn
                    .query_row("SELECT sku FROM items WHERE sku = ?1", [s], |r| r.get(0))
                    .map_err(|_| anyhow!("no item with SKU {s}"))
            })
            .collect()
    }

    /// The first enabled registered customer at or after a random point
    /// drawn with `pick` from 1 to the largest id.
    pub fn random_customer(&self, pick: &mut dyn FnMut(i64) -> i64) -> Result<i64> {
        let max_id: i64 = self.conn.query_row(
            "SELECT COALESCE(MAX(id), 0) FROM customers WHERE is_guest = 0",
            [],
            |r| r.get(0),
        )?;
        let start = pick(max_id.max(1));
        self.conn
            .query_row(
                "SELECT id FROM customers WHERE is_guest = 0 AND enabled = 1 AND id >= ?1
                 UNION ALL SELECT id FROM customers WHERE is_guest = 0 AND enabled = 1
                 LIMIT 1",
                params![start],
                |r| r.get(0),
            )
            .map_err(|_| anyhow!("no enabled registered customer to order for"))
    }
}
