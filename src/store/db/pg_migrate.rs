//! PostgreSQL's own schema versions: `pg/schema.sql` is version 1 (the
//! SQLite schema's version 8 in PostgreSQL's terms), `pg/migrations/NNN_*.sql`
//! the versions after it (NNN is the version), each applied once;
//! `schema_version` records it. Each file also records its own version at
//! its end, so the files fed to psql in order make the same database.
//! SQLite keeps its runner (store/migrate.rs) on `PRAGMA user_version`.

use super::{Db, Error, PgConn};

/// Migration N+1 is `MIGRATIONS[N]`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../pg/schema.sql"),
    include_str!("../../../pg/migrations/002_operator_roles.sql"),
    include_str!("../../../pg/migrations/003_pair_search.sql"),
    include_str!("../../../pg/migrations/004_pins_in_database.sql"),
    include_str!("../../../pg/migrations/005_customer_search.sql"),
    include_str!("../../../pg/migrations/006_shown_address.sql"),
    include_str!("../../../pg/migrations/007_initial_indexes.sql"),
    include_str!("../../../pg/migrations/008_email_initials.sql"),
    include_str!("../../../pg/migrations/009_pair_buckets.sql"),
    include_str!("../../../pg/migrations/010_account_buckets.sql"),
];

pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// The advisory lock migrators take: orderdesk's application id, "ODSK".
const LOCK_KEY: i64 = 0x4F44_534B;

/// Brings a PostgreSQL database up to [`LATEST`], one migration per
/// transaction with its version bump; returns the version it found. A
/// database newer than this program is refused untouched. Consoles
/// starting together take turns on an advisory lock held for the whole
/// run (not per migration, or two would share the steps): the first
/// migrates, the others then find the work done; one that waits past its
/// busy timeout (a long migration) is refused as busy, to start again.
pub fn run(db: &Db) -> Result<i64, Error> {
    let Db::Postgres(conn) = db else {
        return Err(Error::WrongBackend(
            "PostgreSQL migrations run on a PostgreSQL connection; SQLite migrates as it opens",
        ));
    };
    let mut conn = conn.borrow_mut();
    conn.execute("SELECT pg_advisory_lock(?1)", &[LOCK_KEY.into()])?;
    let migrated = migrate(&mut conn);
    let unlocked = conn.execute("SELECT pg_advisory_unlock(?1)", &[LOCK_KEY.into()]);
    let found = migrated?;
    unlocked?;
    Ok(found)
}

/// The steps, under the lock.
fn migrate(conn: &mut PgConn) -> Result<i64, Error> {
    let mut found = None;
    loop {
        // READ COMMITTED (not the layer's SERIALIZABLE): after waiting for
        // the lock, each statement must see what the lock holder committed.
        conn.execute_batch("BEGIN")?;
        match step(conn) {
            Ok(Step::Applied(version)) => {
                found.get_or_insert(version);
                conn.execute_batch("COMMIT")?;
            }
            Ok(Step::Current(version)) => {
                conn.execute_batch("COMMIT")?;
                return Ok(found.unwrap_or(version));
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
    }
}

enum Step {
    /// Applied the migration after this version.
    Applied(i64),
    /// Nothing to do: the database is at this version.
    Current(i64),
}

fn step(conn: &mut PgConn) -> Result<Step, Error> {
    let has_table = conn
        .query("SELECT to_regclass('schema_version') IS NOT NULL", &[])?
        .first()
        .map(|r| r.get_bool(0))
        .transpose()?
        .unwrap_or(false);
    let version = if has_table {
        conn.query("SELECT version FROM schema_version WHERE id = 1", &[])?
            .first()
            .map(|r| r.get_i64(0))
            .transpose()?
            .unwrap_or(0)
    } else {
        0
    };
    if version > LATEST {
        return Err(Error::NewerSchema {
            found: version,
            known: LATEST,
        });
    }
    if version == LATEST {
        return Ok(Step::Current(version));
    }
    conn.execute_batch(MIGRATIONS[version as usize])?;
    conn.execute(
        "UPDATE schema_version SET version = ?1 WHERE id = 1",
        &[(version + 1).into()],
    )?;
    Ok(Step::Applied(version))
}
