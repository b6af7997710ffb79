//! One way to run SQL on either backend: SQLite (the embedded default) or
//! PostgreSQL (several hosts, one order book; docs/design.md, "PostgreSQL
//! backend"). Repositories are written once, in portable SQL, against a
//! [`Sql`] handle; the business rules stay in session and domain.
//!
//! - Parameters are `?1..?N` (reused freely) or `?`, given as a slice of
//!   [`Value`]s: `&[key.into(), amount.into()]`. PostgreSQL gets `$1..$N`.
//! - Rows come back owned ([`Row`]), read with typed getters: `get_i64`,
//!   `get_opt_str`, `get_decimal` (money is TEXT on both), `get_bool` (flags
//!   are 0/1 BIGINTs on both).
//! - [`Sql::write`] runs a write transaction: `BEGIN IMMEDIATE` on SQLite,
//!   `SERIALIZABLE` on PostgreSQL, run again when PostgreSQL reports a
//!   serialization failure or deadlock.
//!
//! Portable SQL (what both accept and mean alike): `INSERT … ON CONFLICT …
//! DO NOTHING / DO UPDATE` (not `INSERT OR …`), `RETURNING id` (not
//! `last_insert_rowid()`), `UPDATE … FROM`, `CAST(SUM(x) AS BIGINT)` or the
//! layer's NUMERIC reading for sums; no `json_extract`/`json_group_array`
//! (JSON is built and read in Rust), no `COLLATE NOCASE` (compare the folded
//! *_key columns), no `SELECT … FOR UPDATE` (SQLite has none: serializable
//! transactions do that job), no PRAGMAs outside the SQLite opener.

pub mod pg_migrate;
mod postgres;
mod sqlite;
mod target;
mod value;

pub use self::postgres::{rewrite_placeholders, PgConn};
pub use target::{is_postgres_url, PgTarget};
pub use value::{Row, Value};

use std::cell::RefCell;
use std::fmt;
use std::time::Duration;

/// Which database a handle talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Why a statement failed, on either backend.
#[derive(Debug)]
pub enum Error {
    Sqlite(rusqlite::Error),
    Postgres(::postgres::Error),
    /// A column whose value is not what the reader asked for.
    Column {
        index: usize,
        name: String,
        expected: &'static str,
        found: String,
    },
    /// A parameter the statement cannot take (1-based, as in `?N`).
    Parameter {
        index: usize,
        problem: String,
    },
    /// `query_row` found nothing.
    NoRow,
    /// A transaction begun inside another one.
    Nested,
    /// An operation of the other backend (e.g. PostgreSQL's migrations on
    /// an SQLite connection).
    WrongBackend(&'static str),
    /// The PostgreSQL server cannot be reached (down, restarting, the
    /// network gone): why. The next statement tries to connect again.
    Unreachable(String),
    /// Something the program does only on SQLite so far (what, e.g. "the
    /// customer search"), asked of a PostgreSQL store.
    NotOnPostgres(&'static str),
    /// The database's schema is newer than this program.
    NewerSchema {
        found: i64,
        known: i64,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Sqlite(e) => write!(f, "{e}"),
            Error::Postgres(e) => match e.as_db_error() {
                // 57P01-03: the server is shutting down, restarting or not
                // yet accepting connections.
                Some(db) if db.code().code().starts_with("57P") => {
                    write!(f, "database unreachable, retrying… ({})", db.message())
                }
                // 55P03: a lock held by another connection for longer than
                // the busy timeout (PgConn::connect), as SQLite's "busy".
                Some(db) if db.code().code() == "55P03" => {
                    write!(f, "database busy, try again ({})", db.message())
                }
                Some(db) => write!(f, "{} ({})", db.message(), db.code().code()),
                None if e.is_closed() => write!(f, "database unreachable, retrying… ({e})"),
                None => write!(f, "{e}"),
            },
            Error::Unreachable(why) => write!(f, "database unreachable, retrying… ({why})"),
            Error::Column {
                index,
                name,
                expected,
                found,
            } => write!(f, "column {index} ({name}): expected {expected}, found {found}"),
            Error::Parameter { index, problem } => write!(f, "parameter ?{index}: {problem}"),
            Error::WrongBackend(why) => write!(f, "{why}"),
            Error::NotOnPostgres(what) => write!(f, "{what} is not available on PostgreSQL yet"),
            Error::NoRow => write!(f, "the query returned no row"),
            Error::Nested => write!(f, "a transaction was begun inside another one"),
            Error::NewerSchema { found, known } => write!(
                f,
                "database schema version {found} is newer than this orderdesk knows ({known}); use a newer orderdesk"
            ),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        Error::Sqlite(e)
    }
}

impl From<::postgres::Error> for Error {
    fn from(e: ::postgres::Error) -> Error {
        Error::Postgres(e)
    }
}

impl Error {
    /// PostgreSQL's SQLSTATE, when the server answered with one.
    pub fn sqlstate(&self) -> Option<&str> {
        match self {
            Error::Postgres(e) => e.code().map(|c| c.code()),
            _ => None,
        }
    }

    /// A uniqueness constraint refused the row, on either backend.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            }
            _ => self.sqlstate() == Some("23505"),
        }
    }

    /// A CHECK constraint refused the row, on either backend.
    pub fn is_check_violation(&self) -> bool {
        match self {
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_CHECK
            }
            _ => self.sqlstate() == Some("23514"),
        }
    }
}

/// While the store's methods still answer in rusqlite's terms, a layer
/// error on the store's SQLite connection goes back as what it was; a
/// column or parameter problem becomes rusqlite's conversion failure,
/// with the layer's message.
impl From<Error> for rusqlite::Error {
    fn from(e: Error) -> rusqlite::Error {
        match e {
            Error::Sqlite(e) => e,
            Error::NoRow => rusqlite::Error::QueryReturnedNoRows,
            Error::Column { index, .. } => rusqlite::Error::FromSqlConversionFailure(
                index,
                rusqlite::types::Type::Text,
                Box::new(e),
            ),
            other => rusqlite::Error::ToSqlConversionFailure(Box::new(other)),
        }
    }
}

/// An error after which running the whole transaction again may succeed.
pub trait Retryable {
    fn retryable(&self) -> bool;
}

impl Retryable for Error {
    /// PostgreSQL's serialization failure (40001) and deadlock (40P01).
    /// SQLite's writers queue on `BEGIN IMMEDIATE` with the busy timeout,
    /// so nothing there is worth a retry.
    fn retryable(&self) -> bool {
        matches!(self.sqlstate(), Some("40001") | Some("40P01"))
    }
}

/// What a transaction given to [`Sql::write`] fails with when the
/// repository may refuse inside it: the database's error (run again when
/// retryable) or the repository's own refusal `E` (rolled back, never run
/// again). [`Abort::into_inner`] gives the repository's error type back.
#[derive(Debug)]
pub enum Abort<E> {
    Db(Error),
    Refused(E),
}

impl<E> From<Error> for Abort<E> {
    fn from(e: Error) -> Abort<E> {
        Abort::Db(e)
    }
}

impl<E> Retryable for Abort<E> {
    fn retryable(&self) -> bool {
        matches!(self, Abort::Db(e) if e.retryable())
    }
}

impl<E: From<Error>> Abort<E> {
    pub fn into_inner(self) -> E {
        match self {
            Abort::Db(e) => E::from(e),
            Abort::Refused(e) => e,
        }
    }
}

/// How many times [`Sql::write`] runs a transaction that keeps losing.
pub const WRITE_ATTEMPTS: u32 = 10;

/// An owned connection to either backend.
pub enum Db {
    Sqlite(rusqlite::Connection),
    /// In a RefCell so every statement takes `&self`, as on rusqlite; a
    /// query collects its rows before returning, so no borrow outlives it.
    /// Boxed: the client is several times a rusqlite connection's size.
    Postgres(Box<RefCell<PgConn>>),
}

impl Db {
    /// An SQLite connection already opened and set up (the store's
    /// opener does that: WAL, busy timeout, foreign keys, migrations).
    pub fn from_sqlite(conn: rusqlite::Connection) -> Db {
        Db::Sqlite(conn)
    }

    /// Connects to PostgreSQL (see [`PgConn::connect`]), lock waits
    /// bounded by the default busy timeout; the schema is brought up to
    /// date by [`pg_migrate::run`].
    pub fn connect_postgres(params: &str) -> Result<Db, Error> {
        Db::connect_postgres_waiting(params, super::DEFAULT_BUSY_TIMEOUT)
    }

    /// [`Db::connect_postgres`], lock waits bounded by `busy`.
    pub fn connect_postgres_waiting(params: &str, busy: Duration) -> Result<Db, Error> {
        Ok(Db::Postgres(Box::new(RefCell::new(PgConn::connect(
            params, busy,
        )?))))
    }

    pub fn sql(&self) -> Sql<'_> {
        match self {
            Db::Sqlite(conn) => Sql::Sqlite(conn),
            Db::Postgres(conn) => Sql::Postgres(conn),
        }
    }
}

/// A borrowed handle to run statements on: the connection or, inside a
/// transaction, the same connection (see [`Tx`]). Cheap to copy.
#[derive(Clone, Copy)]
pub enum Sql<'a> {
    Sqlite(&'a rusqlite::Connection),
    Postgres(&'a RefCell<PgConn>),
}

impl<'a> Sql<'a> {
    pub fn backend(&self) -> Backend {
        match self {
            Sql::Sqlite(_) => Backend::Sqlite,
            Sql::Postgres(_) => Backend::Postgres,
        }
    }

    /// The condition that `column` is among `ids`, given as parameter
    /// `param` (the returned value): one statement text whatever the
    /// number of ids, so it is prepared once. On PostgreSQL an array, whose
    /// plan for any value the server settles on after five runs (a list of
    /// placeholders was planned for its values at every run, some 1 ms for
    /// a catalog search); on SQLite a JSON array.
    pub fn among_ids(&self, column: &str, param: usize, ids: &[i64]) -> (String, Value) {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        match self.backend() {
            Backend::Postgres => (
                format!("{column} = ANY(CAST(CAST(?{param} AS TEXT) AS BIGINT[]))"),
                format!("{{{list}}}").into(),
            ),
            Backend::Sqlite => (
                format!("{column} IN (SELECT value FROM json_each(?{param}))"),
                format!("[{list}]").into(),
            ),
        }
    }

    /// Runs a statement that returns no rows; how many rows it changed.
    pub fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, Error> {
        match self {
            Sql::Sqlite(conn) => sqlite::execute(conn, sql, params),
            Sql::Postgres(conn) => conn.borrow_mut().execute(sql, params),
        }
    }

    /// Every row the query returns.
    pub fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
        match self {
            Sql::Sqlite(conn) => sqlite::query(conn, sql, params),
            Sql::Postgres(conn) => conn.borrow_mut().query(sql, params),
        }
    }

    /// Every row the query returns, the statement planned for its values
    /// at every run on PostgreSQL (not kept), its parameters sent as the
    /// types of their kind (text, BIGINT, DOUBLE PRECISION) rather than
    /// those the server infers; on SQLite as [`Sql::query`]. For
    /// statements whose values decide which index to read.
    pub fn query_planned(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
        match self {
            Sql::Sqlite(conn) => sqlite::query(conn, sql, params),
            Sql::Postgres(conn) => conn.borrow_mut().query_planned(sql, params),
        }
    }

    /// The first row, or None.
    pub fn query_opt(&self, sql: &str, params: &[Value]) -> Result<Option<Row>, Error> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The first row; [`Error::NoRow`] when there is none (an
    /// `INSERT … RETURNING id` always has one).
    pub fn query_row(&self, sql: &str, params: &[Value]) -> Result<Row, Error> {
        self.query_opt(sql, params)?.ok_or(Error::NoRow)
    }

    /// Statements without parameters, separated by semicolons.
    pub fn execute_batch(&self, sql: &str) -> Result<(), Error> {
        match self {
            Sql::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Sql::Postgres(conn) => conn.borrow_mut().execute_batch(sql),
        }
    }

    /// Begins a write transaction; it rolls back unless committed.
    pub fn begin(self) -> Result<Tx<'a>, Error> {
        match self {
            Sql::Sqlite(conn) => sqlite::begin(conn)?,
            Sql::Postgres(conn) => conn.borrow_mut().begin()?,
        }
        Ok(Tx {
            sql: self,
            open: true,
        })
    }

    /// Runs `f` in a write transaction and commits; runs it again (up to
    /// [`WRITE_ATTEMPTS`] times, after a short pause) when the database
    /// says another writer won. `f` must be safe to run again: everything
    /// it wrote was rolled back.
    pub fn write<T, E>(self, mut f: impl FnMut(&Tx<'a>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<Error> + Retryable,
    {
        let mut attempt = 1;
        loop {
            // A transaction that lost once runs again in the writers' queue
            // (PostgreSQL; SQLite's BEGIN IMMEDIATE queues them all), so
            // it loses again only to a first try, not to every other
            // loser: sixteen consoles on the same stock all get through.
            let queued = match self {
                Sql::Postgres(conn) if attempt > 1 => Some(WritersQueue::join(conn)?),
                _ => None,
            };
            let tx = self.begin()?;
            let result = f(&tx).and_then(|v| tx.commit().map(|()| v).map_err(E::from));
            if let Some(queue) = queued {
                queue.leave();
            }
            match result {
                Err(e) if e.retryable() && attempt < WRITE_ATTEMPTS => {
                    // A doubling pause, jittered over its whole span, so
                    // the losers spread out instead of colliding again in
                    // step (sixteen writers on the same stock rows need it).
                    let span = 2u64 << attempt.min(7);
                    let ms = span / 2 + fastrand::u64(0..span);
                    std::thread::sleep(Duration::from_millis(ms));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

/// The place of a PostgreSQL connection in the writers' queue: a session
/// advisory lock, waited for outside any transaction (so the transaction
/// that follows takes its snapshot after the last writer committed) and
/// let go after it. The server lets go of it for a connection that dies.
struct WritersQueue<'a>(&'a RefCell<PgConn>);

/// The advisory lock key of the writers' queue ("ODSW"; the migrations'
/// is "ODSK").
const WRITERS_KEY: i64 = 0x4F44_5357;

impl<'a> WritersQueue<'a> {
    fn join(conn: &'a RefCell<PgConn>) -> Result<WritersQueue<'a>, Error> {
        conn.borrow_mut()
            .execute("SELECT pg_advisory_lock(?1)", &[WRITERS_KEY.into()])?;
        Ok(WritersQueue(conn))
    }

    /// A failure is not the transaction's (it has committed or rolled
    /// back): it means the connection is gone, and the server let go of
    /// the lock with it.
    fn leave(self) {
        let _ = self
            .0
            .borrow_mut()
            .execute("SELECT pg_advisory_unlock(?1)", &[WRITERS_KEY.into()]);
    }
}

/// A write transaction; statements run on it through `Deref` to [`Sql`].
/// Dropped without [`Tx::commit`], it rolls back.
pub struct Tx<'a> {
    sql: Sql<'a>,
    open: bool,
}

impl<'a> std::ops::Deref for Tx<'a> {
    type Target = Sql<'a>;
    fn deref(&self) -> &Sql<'a> {
        &self.sql
    }
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<(), Error> {
        self.finish(true)
    }

    pub fn rollback(mut self) -> Result<(), Error> {
        self.finish(false)
    }

    fn finish(&mut self, commit: bool) -> Result<(), Error> {
        self.open = false;
        match self.sql {
            Sql::Sqlite(conn) => {
                Ok(conn.execute_batch(if commit { "COMMIT" } else { "ROLLBACK" })?)
            }
            Sql::Postgres(conn) => conn.borrow_mut().finish(commit),
        }
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            // Nothing to tell anyone: the transaction is gone either way
            // (a lost connection ends it on the server).
            let _ = self.finish(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> Db {
        let conn = rusqlite::Connection::open_in_memory().expect("in-memory SQLite");
        let db = Db::from_sqlite(conn);
        db.sql()
            .execute_batch(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
                                 amount TEXT, flag INTEGER NOT NULL DEFAULT 0 CHECK (flag IN (0, 1)))",
            )
            .expect("table");
        db
    }

    #[test]
    fn insert_returning_and_read_back() {
        let db = memory();
        let sql = db.sql();
        let id = sql
            .query_row(
                "INSERT INTO t (name, amount, flag) VALUES (?1, ?2, ?3) RETURNING id",
                &["a".into(), "12.50".into(), true.into()],
            )
            .and_then(|r| r.get_i64(0))
            .expect("insert");
        let row = sql
            .query_row(
                "SELECT name, amount, flag FROM t WHERE id = ?1",
                &[id.into()],
            )
            .expect("row");
        assert_eq!(row.get_str(0).unwrap(), "a");
        assert_eq!(row.get_decimal(1).unwrap().to_string(), "12.50");
        assert!(row.get_bool(2).unwrap());
        assert!(sql
            .query_opt("SELECT 1 FROM t WHERE id = ?1", &[(id + 1).into()])
            .unwrap()
            .is_none());
        assert!(matches!(
            sql.query_row("SELECT 1 FROM t WHERE 0", &[]),
            Err(Error::NoRow)
        ));
    }

    #[test]
    fn constraint_errors_are_recognised() {
        let db = memory();
        let sql = db.sql();
        sql.execute("INSERT INTO t (name) VALUES (?1)", &["a".into()])
            .unwrap();
        let e = sql
            .execute("INSERT INTO t (name) VALUES (?1)", &["a".into()])
            .unwrap_err();
        assert!(e.is_unique_violation(), "{e}");
        let e = sql
            .execute("INSERT INTO t (name, flag) VALUES ('b', 2)", &[])
            .unwrap_err();
        assert!(e.is_check_violation(), "{e}");
        assert!(!e.retryable());
    }

    #[test]
    fn a_dropped_transaction_writes_nothing_and_nesting_is_refused() {
        let db = memory();
        let sql = db.sql();
        {
            let tx = sql.begin().unwrap();
            tx.execute("INSERT INTO t (name) VALUES ('gone')", &[])
                .unwrap();
            assert!(matches!(tx.begin(), Err(Error::Nested)));
        }
        let n = sql
            .query_row("SELECT COUNT(*) FROM t", &[])
            .unwrap()
            .get_i64(0)
            .unwrap();
        assert_eq!(n, 0);
        let kept: Result<i64, Error> = sql.write(|tx| {
            tx.query_row("INSERT INTO t (name) VALUES ('kept') RETURNING id", &[])?
                .get_i64(0)
        });
        assert!(kept.is_ok());
        let n = sql
            .query_row("SELECT COUNT(*) FROM t", &[])
            .unwrap()
            .get_i64(0)
            .unwrap();
        assert_eq!(n, 1);
    }
}
