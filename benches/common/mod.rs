//! What both benchmarks share: their environment settings, the check that
//! a bench database was built by the current schema, the percentiles and
//! the verdict.

use orderdesk::store::Store;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The number in environment variable `name` (`_` allowed between digits),
/// else `default`.
pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// The schema as SQLite keeps it (tables, indexes, triggers), to tell a
/// reusable bench database from one built by an older schema.
pub fn schema_text(conn: &Connection) -> rusqlite::Result<String> {
    let mut stmt = conn.prepare(
        "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master
         WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join("\n"))
}

/// [`schema_text`] of a new store made by this build.
pub fn current_schema() -> anyhow::Result<String> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("schema.db");
    let (store, _) =
        Store::open(&path, Duration::from_secs(5)).map_err(|e| anyhow::anyhow!("{e}"))?;
    drop(store);
    let conn = Connection::open(&path)?;
    Ok(schema_text(&conn)?)
}

/// Removes a database file with its WAL and shared-memory files.
pub fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Other processes on the machine show up in the p99 as scheduler delays,
/// so the load average is printed first.
pub fn print_load_average() {
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "load average: {}",
            load.split(' ').take(3).collect::<Vec<_>>().join(" ")
        );
    }
}

/// PostgreSQL's times depend on whether the search's tables fit in the
/// server's shared buffers (else their pages come from the system's file
/// cache) and on `huge_pages` (without them a connection's first touch of
/// each 4 kB page of the buffers is a page fault: 200 customers read by id
/// took 7.5 ms the first time on a connection, 1.3 with huge pages), so
/// its version, those settings and the size of `tables` with their
/// indexes are printed before its rows.
pub fn print_postgres_cache(store: &Store, tables: &[&str]) -> anyhow::Result<()> {
    let list = tables
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let row = store.sql().query_row(
        &format!(
            "SELECT current_setting('server_version'), current_setting('shared_buffers'),
                    current_setting('huge_pages'),
                    pg_size_pretty(CAST(SUM(pg_total_relation_size(CAST(t AS regclass))) AS BIGINT))
             FROM unnest(ARRAY[{list}]) AS t"
        ),
        &[],
    )?;
    println!(
        "PostgreSQL {}, shared_buffers {} (huge_pages {}); {} with their indexes: {}",
        row.get_str(0)?,
        row.get_str(1)?,
        row.get_str(2)?,
        tables.join(", "),
        row.get_str(3)?
    );
    Ok(())
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

/// Prints whether every target was met, and exits non-zero when not.
pub fn verdict(all_pass: bool) -> anyhow::Result<()> {
    println!();
    println!(
        "{}",
        if all_pass {
            "all targets met"
        } else {
            "some targets FAILED"
        }
    );
    if !all_pass {
        std::process::exit(1);
    }
    Ok(())
}
