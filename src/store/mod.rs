//! The only place with SQL (docs/design.md): SQLite through rusqlite, or
//! PostgreSQL through the portable layer in `db/` when `--db` is a
//! `postgres://` URL ([`Store::connect_postgres`]).
//!
//! [`Store::open_with`] checks the file before anything is written (a URI,
//! not SQLite, another program's database, read-only, locked, newer schema,
//! damaged: each refused with the file untouched), creates only a missing
//! or empty file (mode 0600, 0660 in a group-shared folder), then sets WAL,
//! `synchronous=FULL`, the busy timeout and foreign keys, and migrates.
//! `check.rs` is `orderdesk check`, `backup.rs` `orderdesk backup`.
//! The repositories are `impl Store` blocks, one file per subject.

mod approvals;
pub mod backup;
pub mod busy;
pub mod catalog;
pub mod check;
pub mod customer_buckets;
pub mod customer_challenge;
pub mod customer_duplicates;
mod customer_keys;
mod customer_pair;
mod customer_race;
pub mod customer_records;
pub mod customer_ref;
mod customer_sample;
mod customer_search_pg;
mod customer_shown;
mod customers;
pub mod db;
pub mod demo;
mod demo_postgres;
pub mod drafts;
mod facts;
mod file;
pub mod generate;
pub mod guest_conversion;
pub mod inventory;
pub mod item_search;
pub mod map_warm;
mod migrate;
pub mod move_to_postgres;
mod open_postgres;
mod operator_changes;
pub mod operators;
pub mod order_changes;
pub mod order_record;
mod order_write;
pub mod orders;
pub mod placed;
pub mod promotions;
pub mod quote;
pub mod redemptions;
mod sampling;
pub mod settings;
pub mod warehouse;

pub use catalog::{CategoryRow, ItemRow};
pub use customer_duplicates::Duplicate;
pub use customer_pair::phone_postal_sql;
pub use customer_records::SaveError;
pub use customers::CustomerQuery;
pub use customers::CustomerRow;
pub use customers::{customer_search_sql, customer_search_sql_with, SearchField};
pub use drafts::{Draft, DraftError};
pub use item_search::ItemHit;
pub use order_changes::{ChangeInput, OrderAction, ServiceError};
pub use order_record::{FoundOrder, OrderEvent, OrderQuery, StoredOrder, StoredShipment};
pub use orders::{DraftRef, PlacedOrder, SubmitError, SubmitInput};
pub use placed::{OrderSummary, ReorderShipTos};
pub use warehouse::{Filled, Received};

pub use file::{check_file_path, create_private_folder, new_file_mode};
pub(crate) use file::{create_private_file, inspect_existing, read_header};
use rusqlite::{Connection, OpenFlags};
use std::fmt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a writer waits for another operator's transaction.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// orderdesk's `PRAGMA application_id`, the bytes "ODSK" (0x4F44534B,
/// 1329877835), written at offset 68 of every database orderdesk creates.
/// A file without it is not opened: it belongs to another program.
pub const APPLICATION_ID: u32 = 0x4F44_534B;

/// Why a database could not be opened; each is one line for the operator.
#[derive(Debug)]
pub enum OpenError {
    NotSqlite(PathBuf),
    /// An SQLite database of another program: `application_id` is not
    /// orderdesk's (0: none at all).
    Foreign {
        path: PathBuf,
        application_id: u32,
    },
    ReadOnly(PathBuf),
    Locked(PathBuf),
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// A URI or an in-memory database: orderdesk keeps orders in a file.
    NotAFile(String),
    /// An explicit path with no database: `orderdesk init` makes one.
    Missing(PathBuf),
    /// An existing file with nothing in it, where a database was expected.
    Empty(PathBuf),
    /// A new database was asked for where a file already is.
    Exists(PathBuf),
    /// The folder the database should be in does not exist.
    NoFolder(PathBuf),
    /// The start-up check (or SQLite itself) found the file damaged.
    Damaged(PathBuf),
    Other(PathBuf, String),
    /// A PostgreSQL database that cannot be used: the database as shown
    /// to the operator (no password), and why.
    Postgres(String, String),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::NotSqlite(p) => write!(f, "{}: not an orderdesk (SQLite) database", p.display()),
            OpenError::Foreign { path, application_id: 0 } => write!(
                f,
                "{}: an SQLite database that is not orderdesk's (no orderdesk application id); it was left untouched",
                path.display()
            ),
            OpenError::Foreign { path, application_id } => write!(
                f,
                "{}: the SQLite database of another program (application id {application_id:#010x}), not an orderdesk database; it was left untouched",
                path.display()
            ),
            OpenError::ReadOnly(p) => write!(f, "{}: the database is read-only; orderdesk needs to write to it", p.display()),
            OpenError::Locked(p) => write!(f, "{}: the database is locked by another program; try again shortly", p.display()),
            OpenError::NewerSchema { path, found, known } => write!(
                f,
                "{}: database schema version {found} is newer than this orderdesk knows ({known}); use a newer orderdesk",
                path.display()
            ),
            OpenError::NotAFile(s) => write!(
                f,
                "{s}: not a database file path; orderdesk keeps orders in an SQLite file (URIs and in-memory databases are refused)"
            ),
            OpenError::Missing(p) => write!(
                f,
                "{}: no such database; create one with orderdesk init --db {}",
                p.display(),
                p.display()
            ),
            OpenError::Empty(p) => write!(
                f,
                "{}: an empty file, not a database yet; create one with orderdesk init --db {}",
                p.display(),
                p.display()
            ),
            OpenError::Exists(p) => write!(
                f,
                "{}: a file is already there; a new database needs a new path",
                p.display()
            ),
            OpenError::NoFolder(p) => write!(
                f,
                "{}: the folder {} does not exist; create it first",
                p.display(),
                p.parent().map(|d| d.display().to_string()).unwrap_or_default()
            ),
            OpenError::Damaged(p) => write!(f, "{}: {}", p.display(), StoreError::Corrupt),
            OpenError::Other(p, e) => write!(f, "{}: {e}", p.display()),
            OpenError::Postgres(target, why) => write!(f, "{target}: {why}"),
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
    /// What the program does only on SQLite so far, asked of PostgreSQL.
    NotOnPostgres(&'static str),
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
            StoreError::NotOnPostgres(what) => {
                write!(f, "{what} is not available on PostgreSQL yet")
            }
            StoreError::Other(m) => write!(f, "database error: {m}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        // Store::sqlite's refusal, passed on in rusqlite's terms.
        if let rusqlite::Error::ToSqlConversionFailure(inner) = &e {
            if let Some(db::Error::NotOnPostgres(what)) = inner.downcast_ref::<db::Error>() {
                return StoreError::NotOnPostgres(what);
            }
        }
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => StoreError::Corrupt,
            Some(ErrorCode::DiskFull) => StoreError::Full,
            Some(ErrorCode::ConstraintViolation) => StoreError::Constraint(one_line(&e)),
            _ => StoreError::Other(one_line(&e)),
        }
    }
}

/// A layer error (store/db) as the operator is told of it: SQLite's as
/// above; PostgreSQL's by its SQLSTATE class.
impl From<db::Error> for StoreError {
    fn from(e: db::Error) -> Self {
        match e {
            db::Error::Sqlite(e) => return StoreError::from(e),
            db::Error::NotOnPostgres(what) => return StoreError::NotOnPostgres(what),
            _ => {}
        }
        match e.sqlstate() {
            // Serialization failure, deadlock, lock not available: another
            // writer won more often than Sql::write tries.
            Some("40001" | "40P01" | "55P03") => StoreError::Busy,
            Some("53100") => StoreError::Full,
            Some("XX001" | "XX002") => StoreError::Corrupt,
            Some(code) if code.starts_with("23") => StoreError::Constraint(e.to_string()),
            _ => StoreError::Other(e.to_string()),
        }
    }
}

/// True when `e` says the database file is damaged (SQLITE_CORRUPT or
/// SQLITE_NOTADB).
pub fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt) | Some(rusqlite::ErrorCode::NotADatabase)
    )
}

/// SQLite's message on one line, without the SQL it was given (rusqlite
/// appends the whole statement, the schema for a failed migration).
pub(crate) fn one_line(e: &rusqlite::Error) -> String {
    let text = match e {
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        other => other.to_string(),
    };
    let line = text.lines().next().unwrap_or_default().trim();
    match line.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

/// Whether [`Store::open_with`] may make a new database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// Only an existing orderdesk database opens; a missing or empty file
    /// is refused (an explicit `--db` for the console and the commands).
    Never,
    /// A missing file (or an empty one) becomes a new database; its folder
    /// must exist (the default database, `orderdesk demo`, the tests).
    IfMissing,
    /// Only a new database: a missing or empty file (`orderdesk init`).
    New,
}

/// How [`Store::open_with`] opens a database.
#[derive(Debug, Clone, Copy)]
pub struct OpenOptions {
    pub busy_timeout: Duration,
    pub create: Create,
    /// Check the file before anything is written and refuse a damaged one
    /// ([`STARTUP_CHECKED_TABLES`]). Reads every page: about a second per
    /// 450 MB, so the console and the commands do it and the library's
    /// plain [`Store::open`] does not.
    pub startup_check: bool,
    /// Put the file's memory map into the page tables in the background
    /// (map_warm.rs): for the console, which searches all day; a command
    /// that runs once and ends has no use for it.
    pub warm_map: bool,
}

impl OpenOptions {
    pub fn new(busy_timeout: Duration, create: Create) -> OpenOptions {
        OpenOptions {
            busy_timeout,
            create,
            startup_check: false,
            warm_map: false,
        }
    }

    pub fn warm_map(mut self, on: bool) -> OpenOptions {
        self.warm_map = on;
        self
    }

    pub fn startup_check(mut self, on: bool) -> OpenOptions {
        self.startup_check = on;
        self
    }
}

/// The start-up check runs `PRAGMA quick_check` on the whole file (every
/// page and b-tree well formed) and, because quick_check does not compare
/// an index with its table, a full `integrity_check` of these tables: what
/// an order is priced, reserved, discounted and numbered with, and who may
/// do what (operators, their limits, locked challenges). They are
/// small (milliseconds on a million customers); a damaged index here would
/// have orders placed against wrong stock, or a valid coupon called
/// unknown. The big tables (customers, addresses, orders) are checked in
/// full by `orderdesk check`.
pub const STARTUP_CHECKED_TABLES: &[&str] = &[
    "settings",
    "currencies",
    "business_accounts",
    "categories",
    "items",
    "price_lists",
    "prices",
    "inventory",
    "expected_receipts",
    "promotions",
    "coupons",
    "shipping_methods",
    "shipping_rates",
    "shipping_method_regions",
    "tax_regions",
    "reason_codes",
    "operator_limits",
    "order_number_sequence",
    "operators",
    "role_limits",
    "challenge_locks",
];

/// The start-up check (see [`STARTUP_CHECKED_TABLES`]): `Ok(true)` when sound.
fn startup_check(conn: &Connection) -> rusqlite::Result<bool> {
    let ok = |sql: &str| -> rusqlite::Result<bool> {
        let verdict: String = conn.query_row(sql, [], |r| r.get(0))?;
        Ok(verdict == "ok")
    };
    if !ok("PRAGMA quick_check(1)")? {
        return Ok(false);
    }
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let present: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in STARTUP_CHECKED_TABLES {
        if present.iter().any(|t| t == table) && !ok(&format!("PRAGMA integrity_check({table})"))? {
            return Ok(false);
        }
    }
    Ok(true)
}

pub struct Store {
    db: db::Db,
    location: Location,
    /// The catalog's search index, built by the first search (item_search.rs).
    item_index: item_search::IndexCache,
    /// Customers' keys sampled by the first multi-field search
    /// (customer_sample.rs).
    customer_sample: std::cell::OnceCell<customer_sample::CustomerSample>,
    /// How fast this connection's races read, per kind of way
    /// (customer_race.rs).
    race_pace: std::cell::Cell<customer_race::Pace>,
}

/// Where a store's database is.
enum Location {
    File(PathBuf),
    /// The connection string as given (it may hold a password, so it is
    /// never shown) and what may be shown of it.
    Postgres {
        params: String,
        target: db::PgTarget,
    },
}

/// `PRAGMA mmap_size` of every store connection: up to 2 GB of the file is
/// read through a memory map (SQLite's own ceiling; writes still go
/// through the WAL). The cost: a disk failing under a read shows as a
/// crash (SIGBUS) instead of an I/O error, which the WAL and FULL sync
/// keep from costing a committed order.
pub const MMAP_SIZE: i64 = 2_000_000_000;

impl Store {
    /// Opens (creating if missing) the database at `path`. Returns the store
    /// and whether the file was created by this call. The folder must
    /// exist; see [`Store::open_with`].
    pub fn open(path: &Path, busy_timeout: Duration) -> Result<(Store, bool), OpenError> {
        Store::open_with(path, OpenOptions::new(busy_timeout, Create::IfMissing))
    }

    /// Opens the database at `path` as `options` say. Returns the store and
    /// whether it is new (its schema was made by this call).
    ///
    /// Before anything is written: the path must be a file path (no URI,
    /// no in-memory database); an existing file must be an SQLite database
    /// with orderdesk's [`APPLICATION_ID`] and a schema this program knows,
    /// writable, and not locked past the busy timeout; with `startup_check`
    /// it must pass the start-up check (see [`STARTUP_CHECKED_TABLES`]). A file refused for any of these
    /// is left byte for byte as it was. Only a missing or empty file
    /// becomes a new database (mode per [`new_file_mode`]); a missing
    /// folder is never created here.
    pub fn open_with(path: &Path, options: OpenOptions) -> Result<(Store, bool), OpenError> {
        let p = || path.to_path_buf();
        check_file_path(path)?;
        let exists = match std::fs::symlink_metadata(path) {
            Ok(_) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(OpenError::Other(p(), e.to_string())),
        };
        let fresh = if exists {
            let version = inspect_existing(path)?;
            // Root may write anywhere; a file without write bits is still
            // meant to be read-only, so it is refused for everyone.
            let meta = std::fs::metadata(path).map_err(|e| OpenError::Other(p(), e.to_string()))?;
            if meta.permissions().readonly() {
                return Err(OpenError::ReadOnly(p()));
            }
            match (version, options.create) {
                (None, Create::Never) => return Err(OpenError::Empty(p())),
                (Some(_), Create::New) => return Err(OpenError::Exists(p())),
                (None, _) => {
                    // An empty file made ready for us: it gets a new
                    // database's mode.
                    let dir = path.parent().unwrap_or(Path::new(""));
                    std::fs::set_permissions(
                        path,
                        std::fs::Permissions::from_mode(new_file_mode(dir)),
                    )
                    .map_err(|e| OpenError::Other(p(), e.to_string()))?;
                    true
                }
                (Some(_), _) => false,
            }
        } else {
            if options.create == Create::Never {
                return Err(OpenError::Missing(p()));
            }
            let dir = path.parent().unwrap_or(Path::new(""));
            if !dir.as_os_str().is_empty() && !dir.is_dir() {
                return Err(OpenError::NoFolder(p()));
            }
            match create_private_file(path, new_file_mode(dir)) {
                Ok(_) => true,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    return Err(OpenError::Other(
                        p(),
                        "another program created this file meanwhile; try again".into(),
                    ))
                }
                Err(e) => return Err(OpenError::Other(p(), e.to_string())),
            }
        };
        match Store::open_file(path, options, fresh) {
            Ok(opened) => Ok(opened),
            Err(e) => {
                if fresh && !exists {
                    // Leave nothing behind of a database that never was.
                    let _ = std::fs::remove_file(path);
                }
                Err(e)
            }
        }
    }

    fn open_file(
        path: &Path,
        options: OpenOptions,
        fresh: bool,
    ) -> Result<(Store, bool), OpenError> {
        let p = || path.to_path_buf();
        // The file exists by now: SQLite never creates it (it would with
        // SQLite's default mode, 0644 less the umask).
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        busy::set_timeout(options.busy_timeout);
        conn.busy_handler(Some(busy::handler))
            .map_err(|e| classify(path, e))?;
        // Reads only: a file we must refuse stays byte-for-byte as it was.
        let (version, application_id, objects): (i64, i64, i64) = conn
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version),
                        (SELECT application_id FROM pragma_application_id),
                        (SELECT COUNT(*) FROM sqlite_master)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| classify(path, e))?;
        // The header said orderdesk; SQLite (with the WAL) must agree. A file
        // that has tables but no schema version was not made by orderdesk.
        let ours = application_id as u32 == APPLICATION_ID;
        if !fresh && (!ours || (version == 0 && objects > 0)) {
            return Err(OpenError::Foreign {
                path: p(),
                application_id: application_id as u32,
            });
        }
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
        if options.startup_check
            && !fresh
            && !startup_check(&conn).map_err(|e| classify(path, e))?
        {
            return Err(OpenError::Damaged(p()));
        }
        let mut conn = conn;
        if fresh {
            // The id goes in first, in rollback-journal mode, so it is in the
            // file itself (not only in a WAL) from the first write on.
            conn.pragma_update(None, "application_id", APPLICATION_ID as i32)
                .map_err(|e| classify(path, e))?;
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| classify(path, e))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| classify(path, e))?;
        // FULL: a commit is on disk (the WAL synced) before it returns, so an
        // order read back to the customer survives a power cut or OS crash.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|e| classify(path, e))?;
        migrate::run(&mut conn).map_err(|e| classify(path, e))?;
        // Searches read index pages in place through a memory map rather than
        // copying each into SQLite's cache: about a quarter off reading an index
        // range at a million customers.
        conn.pragma_update(None, "mmap_size", MMAP_SIZE)
            .map_err(|e| classify(path, e))?;
        if options.warm_map {
            // SQLite maps the file at its first read through the map.
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
                .map_err(|e| classify(path, e))?;
            map_warm::warm_in_background(path);
        }
        // The customer search alone prepares a statement per field, per
        // combination of fields and per way of reading one (customer_race.rs):
        // some hundred across every combination.
        conn.set_prepared_statement_cache_capacity(256);
        let store = Store {
            db: db::Db::from_sqlite(conn),
            location: Location::File(p()),
            item_index: Default::default(),
            customer_sample: Default::default(),
            race_pace: Default::default(),
        };
        Ok((store, fresh || version == 0))
    }

    /// The SQLite file; None on PostgreSQL.
    pub fn path(&self) -> Option<&Path> {
        match &self.location {
            Location::File(path) => Some(path),
            Location::Postgres { .. } => None,
        }
    }

    /// The database as the operator is told of it: the file's path, or
    /// the PostgreSQL URL without its password.
    pub fn describe(&self) -> String {
        match &self.location {
            Location::File(path) => path.display().to_string(),
            Location::Postgres { target, .. } => target.label(),
        }
    }

    /// Where the PostgreSQL database is (None on SQLite).
    pub fn postgres_target(&self) -> Option<&db::PgTarget> {
        match &self.location {
            Location::File(_) => None,
            Location::Postgres { target, .. } => Some(target),
        }
    }

    /// The connection string the store was opened with (None on SQLite);
    /// it may hold a password: for connecting, never for showing.
    pub(crate) fn postgres_params(&self) -> Option<&str> {
        match &self.location {
            Location::File(_) => None,
            Location::Postgres { params, .. } => Some(params),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.sql().backend() == db::Backend::Postgres
    }

    /// The connection's `PRAGMA synchronous`: 2 (FULL) — every commit is
    /// on disk before it returns.
    pub fn synchronous(&self) -> rusqlite::Result<i64> {
        self.sqlite("PRAGMA synchronous")?
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
    }

    /// The store's connection as the portable SQL handle (store/db), for
    /// repositories written once for both backends.
    pub fn sql(&self) -> db::Sql<'_> {
        self.db.sql()
    }

    /// The SQLite connection, for what is not on the portable layer yet;
    /// on PostgreSQL, the error that `what` (e.g. "the customer search")
    /// is not available there yet.
    pub(crate) fn sqlite(&self, what: &'static str) -> Result<&Connection, db::Error> {
        match &self.db {
            db::Db::Sqlite(conn) => Ok(conn),
            db::Db::Postgres(_) => Err(db::Error::NotOnPostgres(what)),
        }
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
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => OpenError::Damaged(p),
        Some(ErrorCode::ReadOnly) => OpenError::ReadOnly(p),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => OpenError::Locked(p),
        Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => {
            OpenError::Other(p, "cannot open the database file".into())
        }
        Some(ErrorCode::DiskFull) => OpenError::Other(p, "the disk is full".into()),
        _ => OpenError::Other(p, one_line(&e)),
    }
}

/// The current time as stored: `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
