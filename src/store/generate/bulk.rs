//! The bulk load: one transaction with the connection set for speed,
//! indexes dropped and rebuilt and the full-text index built once when
//! many rows are added, fresh statistics at the end.

use super::customers::generate_customers;
use super::items::generate_items;
use super::words::words;
use super::Secrets;
use anyhow::{anyhow, Context, Result};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction};

/// The connection settings a bulk load changes, to be put back afterwards.
pub(super) struct SavedPragmas {
    /// True when the load switched the database out of WAL.
    left_wal: bool,
    synchronous: i64,
    cache_size: i64,
    temp_store: i64,
    foreign_keys: i64,
}

impl SavedPragmas {
    pub(super) fn set_bulk(conn: &Connection) -> Result<SavedPragmas> {
        let get = |name: &str| -> Result<i64> {
            conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
                .with_context(|| format!("PRAGMA {name}"))
        };
        // Out of WAL when no one else has the database open (else the
        // switch is refused and the load goes through the WAL): pages added
        // beyond the end of the file need no journal, so each page is
        // written once instead of to the WAL and again by the checkpoint.
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        let left_wal = mode.eq_ignore_ascii_case("wal")
            && conn
                .query_row("PRAGMA journal_mode = DELETE", [], |r| {
                    r.get::<_, String>(0)
                })
                .map(|m| m.eq_ignore_ascii_case("delete"))
                .unwrap_or(false);
        let saved = SavedPragmas {
            left_wal,
            synchronous: get("synchronous")?,
            cache_size: get("cache_size")?,
            temp_store: get("temp_store")?,
            foreign_keys: get("foreign_keys")?,
        };
        // The load is one transaction, so an interrupted load leaves the
        // database as it was; syncing every page buys nothing. Every
        // reference written is valid by construction, so the per-row foreign
        // key checks are skipped too.
        conn.execute_batch(
            "PRAGMA synchronous = OFF; PRAGMA cache_size = -200000; PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;",
        )?;
        Ok(saved)
    }

    pub(super) fn restore(&self, conn: &Connection) -> Result<()> {
        conn.execute_batch(&format!(
            "PRAGMA synchronous = {}; PRAGMA cache_size = {}; PRAGMA temp_store = {}; PRAGMA foreign_keys = {};",
            self.synchronous, self.cache_size, self.temp_store, self.foreign_keys
        ))?;
        if self.left_wal {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(anyhow!(
                    "could not return the database to WAL mode (it is in {mode} mode)"
                ));
            }
        }
        Ok(())
    }
}

/// The whole load in one transaction; `tick(done)` after every row.
pub(super) fn bulk_load(
    conn: &Connection,
    customers: u64,
    items: u64,
    rebuild_from: u64,
    today: NaiveDate,
    secrets: &Secrets,
    tick: &mut dyn FnMut(u64),
) -> Result<()> {
    let words = words()?;
    let tx = Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let mut done = 0u64;
    let mut count = |n: u64| {
        done += n;
        tick(done);
    };
    if customers > 0 {
        let dropped = if customers >= rebuild_from {
            drop_customer_indexes(&tx)?
        } else {
            Vec::new()
        };
        generate_customers(&tx, customers, today, words, secrets, &mut count)?;
        for (_, sql) in &dropped {
            tx.execute_batch(sql)?;
        }
    }
    if items > 0 {
        // The full-text index is built once at the end rather than row by
        // row (its incremental merges cost more than the rows themselves).
        let suspended = if items >= rebuild_from {
            suspend_fts_insert_trigger(&tx)?
        } else {
            None
        };
        generate_items(&tx, &words.items, items, today, &mut count)?;
        if let Some(sql) = suspended {
            tx.execute_batch("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")?;
            tx.execute_batch(&sql)?;
        }
    }
    // Fresh statistics, so the planner picks the right index at this size.
    // (Sampled: exact counts would read every index in full for little gain.)
    tx.execute_batch("PRAGMA analysis_limit = 2000; ANALYZE; PRAGMA analysis_limit = 0;")?;
    tx.commit()?;
    Ok(())
}

/// Drops the trigger that copies new items into `items_fts` and returns its
/// exact `CREATE TRIGGER` text from the schema (None: there is none).
fn suspend_fts_insert_trigger(tx: &Transaction) -> Result<Option<String>> {
    let sql: Option<String> = tx
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'items_fts_insert'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if sql.is_some() {
        tx.execute_batch("DROP TRIGGER items_fts_insert")?;
    }
    Ok(sql)
}

/// Drops the customers' secondary indexes (not the UNIQUE logon constraint)
/// and returns their names and exact `CREATE INDEX` text from the schema.
fn drop_customer_indexes(tx: &Transaction) -> Result<Vec<(String, String)>> {
    let indexes: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'index' AND tbl_name = 'customers' AND sql IS NOT NULL AND name LIKE 'customers\\_%' ESCAPE '\\'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
    }
    Ok(indexes)
}
