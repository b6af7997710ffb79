//! Versioned migrations on `PRAGMA user_version`: `schema.sql` is version 1,
//! `migrations/NNN_*.sql` the versions after it, each applied once.

use rusqlite::Connection;

/// Migration N+1 is `MIGRATIONS[N]`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../schema.sql"),
    include_str!("../../migrations/002_order_session.sql"),
    include_str!("../../migrations/003_operators.sql"),
    include_str!("../../migrations/004_draft_fields.sql"),
    include_str!("../../migrations/005_coupon_usage.sql"),
    include_str!("../../migrations/006_catalog_version.sql"),
];

pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Applies every migration above the file's version, each in its own
/// `BEGIN IMMEDIATE` transaction together with its version bump.
pub fn run(conn: &mut Connection) -> rusqlite::Result<()> {
    loop {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version >= LATEST {
            return tx.commit();
        }
        tx.execute_batch(MIGRATIONS[version as usize])?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
}
