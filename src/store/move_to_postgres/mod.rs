//! `orderdesk migrate`: moves a SQLite store to PostgreSQL (docs/design.md,
//! "Moving a store to PostgreSQL").
//!
//! The SQLite file is checked (orderdesk's, at this program's schema
//! version, sound by `orderdesk check`) and read read-only in one snapshot.
//! The PostgreSQL database gets the schema if it has none (pg_migrate, as a
//! console would), must be orderdesk's, owned by the connecting role, with
//! the same tables and columns, and hold no orderdesk data. Then every
//! table is copied in foreign-key order inside ONE PostgreSQL transaction,
//! ids kept, values converted by the target column's type, each table's
//! own indexes made again after its rows (indexes.rs); the identity
//! sequences restart past the largest id; row counts and totals are
//! compared inside the same transaction, and only if every one matches is
//! it committed. Any failure rolls back: the target keeps no row of it.

mod copy;
mod indexes;
mod schema;
mod verify;

use super::db::{self, pg_migrate, Db, Sql};
use super::{check, check_file_path, migrate, read_header, OpenError, APPLICATION_ID};
use rusqlite::{Connection, OpenFlags};
use rust_decimal::Decimal;
use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

/// Tables that pg/schema.sql fills as it makes them (one row each, or the
/// default limits of each role). The store's own rows replace them; rows
/// there are no sign of orderdesk data. `schema_version` is PostgreSQL's own
/// and never copied.
const SEEDED: &[&str] = &["catalog_version", "order_number_sequence", "role_limits"];

/// PostgreSQL's own bookkeeping table, not the store's.
const PG_ONLY: &str = "schema_version";

/// Columns PostgreSQL's triggers keep from other columns, which SQLite
/// has no need of: left out of the copy, the triggers fill them as the
/// rows arrive (an account's name on each member's row, for the account
/// search's buckets: pg/migrations/010_account_buckets.sql).
pub const PG_KEPT: &[(&str, &str)] = &[("customers", "account_name_key")];

/// Why a store was not moved. Nothing was committed to PostgreSQL (at most
/// its schema was made, as any console would make it).
#[derive(Debug)]
pub enum MoveError {
    /// The SQLite file cannot be moved: missing, not orderdesk's, another
    /// schema version, or not sound.
    Source(String),
    /// PostgreSQL cannot be reached, or its schema cannot be brought up.
    Target(String),
    /// The target is not a database to move into: it holds data or other
    /// tables, differs in columns, or is not the connecting role's.
    Refused(String),
    /// Counts or totals differ after the copy (each difference a line).
    Mismatch(Vec<String>),
    /// The copy failed part way.
    Failed(String),
}

impl MoveError {
    /// 2 for a database that cannot be used at all, 1 for a refusal or a
    /// failed copy (the command line's exit codes).
    pub fn exit_code(&self) -> u8 {
        match self {
            MoveError::Source(_) | MoveError::Target(_) => 2,
            _ => 1,
        }
    }
}

const UNTOUCHED: &str = "nothing was written to PostgreSQL";

impl fmt::Display for MoveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoveError::Source(why) => write!(f, "cannot move {why}"),
            MoveError::Target(why) => write!(f, "PostgreSQL: {why}"),
            MoveError::Refused(why) => write!(f, "refused: {why}; {UNTOUCHED}"),
            MoveError::Mismatch(lines) => write!(
                f,
                "the copy does not match the SQLite store ({}); rolled back, {UNTOUCHED}",
                lines.join("; ")
            ),
            MoveError::Failed(why) => {
                write!(f, "the copy failed: {why}; rolled back, {UNTOUCHED}")
            }
        }
    }
}

impl std::error::Error for MoveError {}

/// A statement failing during the copy.
impl From<db::Error> for MoveError {
    fn from(e: db::Error) -> MoveError {
        MoveError::Failed(e.to_string())
    }
}

impl From<rusqlite::Error> for MoveError {
    fn from(e: rusqlite::Error) -> MoveError {
        MoveError::Failed(format!("reading the SQLite store: {}", super::one_line(&e)))
    }
}

/// A sum compared on both sides.
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    pub table: String,
    pub column: String,
    pub sum: Decimal,
}

/// What was moved, every count and total verified equal before commit.
#[derive(Debug, Clone)]
pub struct Moved {
    /// Each table copied with its rows, in the order copied.
    pub tables: Vec<(String, u64)>,
    pub totals: Vec<Total>,
    /// The SQLite file's schema version (`PRAGMA user_version`).
    pub sqlite_version: i64,
    /// PostgreSQL's schema version after its migrations.
    pub postgres_version: i64,
}

impl Moved {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// Moves the store at `from` into the PostgreSQL database `to` (a URL
/// `postgres://user@host:port/db` or libpq `key=value` pairs). `progress`
/// gets a line per step (one per table copied).
pub fn move_to_postgres(
    from: &Path,
    to: &str,
    busy_timeout: Duration,
    progress: &mut dyn FnMut(&str),
) -> Result<Moved, MoveError> {
    let (source, sqlite_version) = open_source(from, busy_timeout)?;
    let tables = schema::sqlite_tables(&source)?;
    progress(&format!(
        "{}: schema version {sqlite_version}, sound; {} tables",
        from.display(),
        tables.len()
    ));

    let db = Db::connect_postgres(to).map_err(|e| MoveError::Target(e.to_string()))?;
    let postgres_version = prepare_target(&db)?;
    let sql = db.sql();
    let target = schema::postgres_tables(sql)?;
    schema::compare(&tables, &target)?;
    let foreign_keys = schema::postgres_foreign_keys(sql)?;
    let order = schema::copy_order(&tables, &foreign_keys, SEEDED)?;

    let tx = sql.begin()?;
    refuse_if_holding_data(&tx, &target)?;
    for table in SEEDED
        .iter()
        .filter(|t| tables.iter().any(|s| s.name == **t))
    {
        tx.execute(&format!("DELETE FROM {}", schema::ident(table)?), &[])?;
    }
    let mut copied = Vec::new();
    for name in &order {
        let Some(table) = tables.iter().find(|t| &t.name == name) else {
            continue;
        };
        let columns = target
            .get(name)
            .ok_or_else(|| MoveError::Refused(format!("table {name} is not in PostgreSQL")))?;
        let indexes = indexes::set_aside(&tx, name)?;
        let rows = copy::copy_table(&source, &tx, table, columns, &foreign_keys)?;
        indexes::restore(&tx, &indexes)?;
        let s = if rows == 1 { "" } else { "s" };
        progress(&format!("copied {name}: {rows} row{s}"));
        copied.push((name.clone(), rows));
    }
    // The database's deferred checks (order lines and shipments against
    // their overrides) run now, not at commit: a table with checks still
    // pending cannot be altered, and a refusal is better known before the
    // verification.
    tx.execute_batch("SET CONSTRAINTS ALL IMMEDIATE")?;
    copy::restart_identities(&tx, &target)?;
    let totals = verify::verify(&source, &tx, &tables, &copied)?;
    progress(&format!(
        "verified: {} tables, {} rows and {} totals equal",
        copied.len(),
        copied.iter().map(|(_, n)| n).sum::<u64>(),
        totals.len()
    ));
    tx.commit()?;
    // The planner's statistics and the visibility map now, not when
    // autovacuum comes round: on a freshly moved million-customer store
    // nothing had been analysed and a one-field search's index-only scan
    // visited the table for each of its 201 rows. Pages a transaction open
    // elsewhere on the server may not see yet are left for autovacuum.
    // VACUUM cannot run in a transaction, so it follows the commit; the
    // move has happened by then, so a failure here is said, not returned.
    let began = Instant::now();
    match sql.execute_batch("VACUUM (ANALYZE)") {
        Ok(()) => progress(&format!(
            "vacuumed and analysed in {:.1} s",
            began.elapsed().as_secs_f64()
        )),
        Err(e) => progress(&format!(
            "not vacuumed ({e}); autovacuum will gather the statistics"
        )),
    }
    Ok(Moved {
        tables: copied,
        totals,
        sqlite_version,
        postgres_version,
    })
}

/// The SQLite file, checked and opened read-only with a read transaction
/// begun: every table is read from the same snapshot while operators may
/// keep working on it.
fn open_source(path: &Path, busy: Duration) -> Result<(Connection, i64), MoveError> {
    let source = |e: OpenError| MoveError::Source(e.to_string());
    check_file_path(path).map_err(source)?;
    if !path.exists() {
        return Err(source(OpenError::Missing(path.to_path_buf())));
    }
    let header = read_header(path)
        .map_err(source)?
        .ok_or_else(|| source(OpenError::Empty(path.to_path_buf())))?;
    if header.application_id != APPLICATION_ID {
        return Err(source(OpenError::Foreign {
            path: path.to_path_buf(),
            application_id: header.application_id,
        }));
    }
    let report = check::check_database(path, busy).map_err(source)?;
    if !report.is_sound() {
        let first = report
            .parts
            .iter()
            .flat_map(|p| p.problems.iter())
            .next()
            .cloned()
            .unwrap_or_default();
        return Err(MoveError::Source(format!(
            "{}: it fails its check ({} problems, the first: {first}); see `orderdesk --db {} check`",
            path.display(),
            report.problems(),
            path.display()
        )));
    }
    let unreadable = |e: rusqlite::Error| {
        MoveError::Source(format!("{}: {}", path.display(), super::one_line(&e)))
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(unreadable)?;
    conn.busy_timeout(busy).map_err(unreadable)?;
    // The snapshot starts with the first read; `user_version` is that read.
    conn.execute_batch("BEGIN").map_err(unreadable)?;
    // Read again in the snapshot: the header on disk lags behind what a
    // WAL file not yet checkpointed says.
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(unreadable)?;
    // Older: its columns are not PostgreSQL's yet, and this orderdesk
    // brings it up to date when it opens it for anything else. Newer: this
    // program cannot vouch for it.
    if version != migrate::LATEST {
        let (age, fix) = if version < migrate::LATEST {
            (
                "older",
                format!(
                    "open it once with this orderdesk (e.g. `orderdesk --db {} operators list`) \
                 to bring it up to date",
                    path.display()
                ),
            )
        } else {
            ("newer", "use a newer orderdesk".to_string())
        };
        return Err(MoveError::Source(format!(
            "{}: schema version {version} is {age} than this orderdesk's ({}); {fix}",
            path.display(),
            migrate::LATEST
        )));
    }
    Ok((conn, version))
}

/// Brings the target's schema up (on an empty database: makes it, owned by
/// the connecting role), after refusing a database holding other tables or
/// an orderdesk schema the connecting role does not own (the database's
/// triggers measure everyone else as an operator, and only the owner may
/// restart the identities). Returns the schema version.
fn prepare_target(db: &Db) -> Result<i64, MoveError> {
    let sql = db.sql();
    let target = |e: db::Error| MoveError::Target(e.to_string());
    let has_schema = sql
        .query_row("SELECT to_regclass(?1) IS NOT NULL", &[PG_ONLY.into()])
        .and_then(|r| r.get_bool(0))
        .map_err(target)?;
    if has_schema {
        // Before migrating: someone else's schema is not this role's to
        // migrate either.
        let owner = sql
            .query_row(
                "SELECT pg_has_role(current_user, c.relowner, 'USAGE'), pg_get_userbyid(c.relowner)::text
                   FROM pg_class c WHERE c.oid = to_regclass(?1)",
                &[PG_ONLY.into()],
            )
            .map_err(target)?;
        if !owner.get_bool(0).map_err(target)? {
            return Err(MoveError::Refused(format!(
                "connect as the schema's owner ({}) or a superuser: the database holds everyone \
                 else to an operator's rights and limits",
                owner.get_str(1).map_err(target)?
            )));
        }
    } else {
        let others: Vec<String> = sql
            .query(
                // pg_class, not information_schema: that lists only what
                // this role may read.
                "SELECT relname::text FROM pg_class
                  WHERE relnamespace = current_schema()::regnamespace
                    AND relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1 LIMIT 6",
                &[],
            )
            .and_then(|rows| rows.iter().map(|r| r.get_string(0)).collect())
            .map_err(target)?;
        if !others.is_empty() {
            return Err(MoveError::Refused(format!(
                "the PostgreSQL database is not orderdesk's and not empty (tables {}); \
                 move into a new database (createdb)",
                others.join(", ")
            )));
        }
    }
    pg_migrate::run(db).map_err(target)?;
    sql.query_row("SELECT version FROM schema_version WHERE id = 1", &[])
        .and_then(|r| r.get_i64(0))
        .map_err(target)
}

/// Refuses a target holding rows in any table but PostgreSQL's own and
/// those the schema fills ([`SEEDED`]), naming them.
fn refuse_if_holding_data(sql: &Sql<'_>, target: &schema::Tables) -> Result<(), MoveError> {
    let mut names: Vec<&String> = target.keys().collect();
    names.sort();
    let mut holding = Vec::new();
    for name in names {
        if name == PG_ONLY || SEEDED.contains(&name.as_str()) {
            continue;
        }
        let n = sql
            .query_row(
                &format!("SELECT COUNT(*) FROM {}", schema::ident(name)?),
                &[],
            )?
            .get_i64(0)?;
        if n > 0 {
            holding.push(format!("{name}: {n} rows"));
        }
    }
    if holding.is_empty() {
        return Ok(());
    }
    Err(MoveError::Refused(format!(
        "the PostgreSQL database already holds orderdesk data ({}); migrate moves a store \
         into an empty database only",
        holding.join(", ")
    )))
}
