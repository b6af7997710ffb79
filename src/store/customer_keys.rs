//! Migration 008's step in Rust: every customer's search keys recomputed by
//! [`SearchKeys::of`], the one function that makes them, for databases made
//! before the keys heard names and numbers as spoken.

use crate::domain::search_keys::{KeySource, SearchKeys};
use rusqlite::{params, Transaction};

/// Rows read per batch (by id, so updating never disturbs the read).
const BATCH: i64 = 20_000;

/// Above this many customers the search indexes are dropped and built again
/// after the update, which is faster than updating them row by row.
const REBUILD_FROM: i64 = 50_000;

/// A customer's fields and stored keys, as read for the backfill.
struct Stored {
    id: i64,
    logon: Option<String>,
    first: String,
    last: String,
    email: String,
    phone: String,
    postal: String,
    country: String,
    keys: SearchKeys,
}

/// Recomputes the search keys of every customer and writes those that
/// changed, inside the migration's transaction.
pub(crate) fn backfill(tx: &Transaction) -> rusqlite::Result<()> {
    let count: i64 = tx.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?;
    let indexes = if count >= REBUILD_FROM {
        drop_search_indexes(tx)?
    } else {
        Vec::new()
    };
    let mut read = tx.prepare(
        "SELECT c.id, c.logon_id, c.first_name, c.last_name, c.email, c.phone,
                COALESCE(a.postal_code, ''), COALESCE(a.country, ''),
                c.logon_key, c.first_key, c.last_key, c.email_key, c.postal_key, c.phone_key,
                c.phone_national_key
         FROM customers c
         LEFT JOIN addresses a ON a.id = (SELECT min(id) FROM addresses
                                          WHERE customer_id = c.id AND is_default_shipping = 1)
         WHERE c.id > ?1 ORDER BY c.id LIMIT ?2",
    )?;
    let mut write = tx.prepare(
        "UPDATE customers SET logon_key = ?2, first_key = ?3, last_key = ?4, email_key = ?5,
            postal_key = ?6, phone_key = ?7, phone_national_key = ?8
         WHERE id = ?1",
    )?;
    let mut after = 0;
    loop {
        let rows = read
            .query_map(params![after, BATCH], |r| {
                Ok(Stored {
                    id: r.get(0)?,
                    logon: r.get(1)?,
                    first: r.get(2)?,
                    last: r.get(3)?,
                    email: r.get(4)?,
                    phone: r.get(5)?,
                    postal: r.get(6)?,
                    country: r.get(7)?,
                    keys: SearchKeys {
                        logon: r.get(8)?,
                        first: r.get(9)?,
                        last: r.get(10)?,
                        email: r.get(11)?,
                        postal: r.get(12)?,
                        phone: r.get(13)?,
                        phone_national: r.get(14)?,
                    },
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for s in &rows {
            let k = SearchKeys::of(&KeySource {
                logon: s.logon.as_deref(),
                first: &s.first,
                last: &s.last,
                email: &s.email,
                phone: &s.phone,
                postal: &s.postal,
                country: &s.country,
            });
            if k != s.keys {
                write.execute(params![
                    s.id,
                    k.logon,
                    k.first,
                    k.last,
                    k.email,
                    k.postal,
                    k.phone,
                    k.phone_national
                ])?;
            }
        }
    }
    for (_, sql) in &indexes {
        tx.execute_batch(sql)?;
    }
    Ok(())
}

/// Drops the indexes of `customers` that carry search keys; returns their
/// names and SQL, to build them again.
fn drop_search_indexes(tx: &Transaction) -> rusqlite::Result<Vec<(String, String)>> {
    let indexes: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'index' AND tbl_name = 'customers' AND sql IS NOT NULL AND sql LIKE '%\\_key%' ESCAPE '\\'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
    }
    Ok(indexes)
}
