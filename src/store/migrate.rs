//! Versioned migrations on `PRAGMA user_version`: `schema.sql` is version 1,
//! `migrations/NNN_*.sql` the versions after it, each applied once.

use rusqlite::{Connection, Transaction};

/// Version 7: customer search keys, recomputed in Rust ([`AFTER`]).
const CUSTOMER_SEARCH_KEYS: &str = include_str!("../../migrations/007_customer_search_keys.sql");

/// Migration N+1 is `MIGRATIONS[N]`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../schema.sql"),
    include_str!("../../migrations/002_order_session.sql"),
    include_str!("../../migrations/003_operators.sql"),
    include_str!("../../migrations/004_draft_fields.sql"),
    include_str!("../../migrations/005_coupon_usage.sql"),
    include_str!("../../migrations/006_catalog_version.sql"),
    CUSTOMER_SEARCH_KEYS,
    include_str!("../../migrations/008_order_lifecycle.sql"),
    include_str!("../../migrations/009_pair_search.sql"),
    include_str!("../../migrations/010_shown_address.sql"),
    include_str!("../../migrations/011_postal_initials.sql"),
    include_str!("../../migrations/012_email_initials.sql"),
];

/// What SQL cannot compute: a step in Rust run right after the migration
/// whose SQL it names, in that migration's transaction.
type Step = fn(&Transaction) -> rusqlite::Result<()>;
const AFTER: &[(&str, Step)] = &[(CUSTOMER_SEARCH_KEYS, super::customer_keys::backfill)];

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
        let sql = MIGRATIONS[version as usize];
        tx.execute_batch(sql)?;
        for (_, step) in AFTER.iter().filter(|(after, _)| *after == sql) {
            step(&tx)?;
        }
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
}
