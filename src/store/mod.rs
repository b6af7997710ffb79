//! SQLite through rusqlite: the only place with SQL (docs/design.md).
//!
//! [`Store::open`] checks the file before anything is written (not SQLite,
//! read-only, locked, newer schema: each refused with the file untouched),
//! then sets WAL, the busy timeout and foreign keys, and migrates.
//! The repositories are `impl Store` blocks, one file per subject.

mod catalog;
mod customer_records;
mod customers;
pub mod demo;
mod drafts;
mod facts;
pub mod generate;
mod inventory;
mod migrate;
mod orders;
mod promotions;
mod quote;
mod sampling;
mod settings;

pub use catalog::{CategoryRow, ItemRow};
pub use customer_records::SaveError;
pub use customers::CustomerQuery;
pub use customers::CustomerRow;
pub use customers::{customer_search_sql, customer_search_sql_with, SearchField};
pub use drafts::{Draft, DraftError};
pub use orders::{DraftRef, OrderSummary, PlacedOrder, SubmitError, SubmitInput};

use rusqlite::{Connection, OpenFlags};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a writer waits for another operator's transaction.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a database could not be opened; each is one line for the operator.
#[derive(Debug)]
pub enum OpenError {
    NotSqlite(PathBuf),
    ReadOnly(PathBuf),
    Locked(PathBuf),
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    Other(PathBuf, String),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::NotSqlite(p) => write!(f, "{}: not an orderdesk (SQLite) database", p.display()),
            OpenError::ReadOnly(p) => write!(f, "{}: the database is read-only; orderdesk needs to write to it", p.display()),
            OpenError::Locked(p) => write!(f, "{}: the database is locked by another program; try again shortly", p.display()),
            OpenError::NewerSchema { path, found, known } => write!(
                f,
                "{}: database schema version {found} is newer than this orderdesk knows ({known}); use a newer orderdesk",
                path.display()
            ),
            OpenError::Other(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

impl std::error::Error for OpenError {}

/// A database failure as the operator is told of it: what happened and
/// what to do, not SQLite's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// Another program or operator held the lock past the busy timeout.
    Busy,
    /// The file is damaged.
    Corrupt,
    /// The disk is full.
    Full,
    /// A constraint refused the write (a bug or a concurrent change).
    Constraint(String),
    Other(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Busy => {
                f.write_str("the database is busy with other work; try again in a moment")
            }
            StoreError::Corrupt => {
                f.write_str("the database is damaged: run orderdesk check; restore from backup")
            }
            StoreError::Full => f.write_str("the disk is full: nothing was written"),
            StoreError::Constraint(m) => write!(f, "the database refused the change ({m})"),
            StoreError::Other(m) => write!(f, "database error: {m}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => StoreError::Corrupt,
            Some(ErrorCode::DiskFull) => StoreError::Full,
            Some(ErrorCode::ConstraintViolation) => StoreError::Constraint(e.to_string()),
            _ => StoreError::Other(e.to_string()),
        }
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Opens (creating if missing) the database at `path`. Returns the store
    /// and whether the file was created by this call.
    pub fn open(path: &Path, busy_timeout: Duration) -> Result<(Store, bool), OpenError> {
        let p = || path.to_path_buf();
        let existed = path.exists();
        if existed {
            let meta = std::fs::metadata(path).map_err(|e| OpenError::Other(p(), e.to_string()))?;
            if !meta.is_file() {
                return Err(OpenError::Other(p(), "not a file".into()));
            }
            let mut head = Vec::with_capacity(16);
            std::fs::File::open(path)
                .and_then(|f| f.take(16).read_to_end(&mut head))
                .map_err(|e| OpenError::Other(p(), e.to_string()))?;
            if !head.is_empty() && head.as_slice() != SQLITE_MAGIC {
                return Err(OpenError::NotSqlite(p()));
            }
            // Root may write anywhere; a file without write bits is still
            // meant to be read-only, so it is refused for everyone.
            if meta.permissions().readonly() {
                return Err(OpenError::ReadOnly(p()));
            }
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| OpenError::Other(p(), e.to_string()))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        conn.busy_timeout(busy_timeout)
            .map_err(|e| classify(path, e))?;
        // Reads only: a file we must refuse stays byte-for-byte as it was.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| classify(path, e))?;
        if version > migrate::LATEST {
            return Err(OpenError::NewerSchema {
                path: p(),
                found: version,
                known: migrate::LATEST,
            });
        }
        if conn.is_readonly("main").unwrap_or(false) {
            return Err(OpenError::ReadOnly(p()));
        }
        // Taking the write lock before changing anything tells a locked or
        // unwritable file apart without touching it.
        conn.execute_batch("BEGIN IMMEDIATE; COMMIT;")
            .map_err(|e| classify(path, e))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| classify(path, e))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| classify(path, e))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| classify(path, e))?;
        let mut store = Store { conn, path: p() };
        migrate::run(&mut store.conn).map_err(|e| classify(path, e))?;
        Ok((store, !existed || version == 0))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version this program writes.
    pub fn schema_version() -> i64 {
        migrate::LATEST
    }
}

fn classify(path: &Path, e: rusqlite::Error) -> OpenError {
    use rusqlite::ErrorCode;
    let p = path.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => OpenError::NotSqlite(p),
        Some(ErrorCode::ReadOnly) => OpenError::ReadOnly(p),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => OpenError::Locked(p),
        Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => {
            OpenError::Other(p, "cannot open the database file".into())
        }
        Some(ErrorCode::DiskFull) => OpenError::Other(p, "the disk is full".into()),
        _ => OpenError::Other(p, e.to_string()),
    }
}

/// The current time as stored: `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
