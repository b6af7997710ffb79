//! Picking items and customers for simulated operators
//! (`orderdesk simulate`), on either backend.

use super::Store;
use anyhow::{anyhow, Result};

impl Store {
    /// Item SKUs for these SKUs as typed (all active items when empty).
    pub fn simulation_items(&self, skus: &[String]) -> Result<Vec<String>> {
        let sql = self.sql();
        if skus.is_empty() {
            return sql
                .query("SELECT sku FROM items WHERE active = 1 ORDER BY id", &[])?
                .iter()
                .map(|r| Ok(r.get_str(0)?.to_owned()))
                .collect();
        }
        skus.iter()
            .map(|s| {
                let row =
                    sql.query_opt("SELECT sku FROM items WHERE sku = ?1", &[s.as_str().into()])?;
                match row {
                    Some(r) => Ok(r.get_str(0)?.to_owned()),
                    None => Err(anyhow!("no item with SKU {s}")),
                }
            })
            .collect()
    }

    /// The first enabled registered customer at or after a random point
    /// drawn with `pick` from 1 to the largest id.
    pub fn random_customer(&self, pick: &mut dyn FnMut(i64) -> i64) -> Result<i64> {
        let sql = self.sql();
        let max_id = sql
            .query_row(
                "SELECT COALESCE(MAX(id), 0) FROM customers WHERE is_guest = 0",
                &[],
            )?
            .get_i64(0)?;
        let start = pick(max_id.max(1));
        // The first at or after the point, else (wrapping round) the first
        // of all: two reads along the primary key, no sort.
        let first = "SELECT id FROM customers WHERE is_guest = 0 AND enabled = 1 AND id >= ?1
                     ORDER BY id LIMIT 1";
        let row = match sql.query_opt(first, &[start.into()])? {
            Some(r) => Some(r),
            None => sql.query_opt(first, &[0i64.into()])?,
        };
        match row {
            Some(r) => Ok(r.get_i64(0)?),
            None => Err(anyhow!("no enabled registered customer to order for")),
        }
    }
}
