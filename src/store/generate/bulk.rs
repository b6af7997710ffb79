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
    threads: i64,
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
            threads: get("threads")?,
            foreign_keys: get("foreign_keys")?,
        };
        // The load is one transaction, so an interrupted load leaves the
        // database as it was; syncing every page buys nothing. Every
        // reference written is valid by construction, so the per-row foreign
        // key checks are skipped too. Index builds sort with helper threads,
        // one per core (see rebuild_indexes).
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        conn.execute_batch(&format!(
            "PRAGMA synchronous = OFF; PRAGMA cache_size = {INSERT_CACHE}; PRAGMA threads = {threads}; PRAGMA foreign_keys = OFF;"
        ))?;
        Ok(saved)
    }

    pub(super) fn restore(&self, conn: &Connection) -> Result<()> {
        conn.execute_batch(&format!(
            "PRAGMA synchronous = {}; PRAGMA cache_size = {}; PRAGMA threads = {}; PRAGMA foreign_keys = {};",
            self.synchronous, self.cache_size, self.threads, self.foreign_keys
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
        rebuild_indexes(&tx, &dropped)?;
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

/// Cache while rows are inserted (KiB): the indexes kept during the load
/// are updated in memory.
const INSERT_CACHE: i64 = -200_000;

/// Cache while indexes are built (KiB). SQLite's sorter fills lists of
/// this size and hands each full one to a helper thread (PRAGMA threads)
/// to sort while it reads on, then merges them; with the insert cache, an
/// index at a million customers fits one list, sorted by one thread. At
/// 1M customers on 2 cores the customer indexes took 21 s this way, 51 s
/// with the insert cache, 39 s with the lists kept in memory
/// (temp_store = MEMORY) instead of temporary files.
const SORT_CACHE: i64 = -20_000;

/// Creates the indexes `dropped` again (their exact text from the schema).
fn rebuild_indexes(tx: &Transaction, dropped: &[(String, String)]) -> Result<()> {
    if dropped.is_empty() {
        return Ok(());
    }
    tx.execute_batch(&format!("PRAGMA cache_size = {SORT_CACHE}"))?;
    for (_, sql) in dropped {
        tx.execute_batch(sql)?;
    }
    tx.execute_batch(&format!("PRAGMA cache_size = {INSERT_CACHE}"))?;
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
