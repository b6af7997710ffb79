//! A table's own indexes (those backing no constraint) are dropped before
//! its rows are copied and made again after, inside the move's one
//! transaction: PostgreSQL then builds each index once from the sorted
//! rows instead of inserting every row into every index. The customers
//! have some sixty (their search's, store/customer_buckets.rs); inserted
//! into all of them, a million customers had not been copied after 12
//! minutes, where the whole move took 6.4 minutes before their buckets.

use super::schema::ident;
use super::MoveError;
use crate::store::db::Sql;

/// The definitions of `table`'s own indexes, which it drops; make them
/// again with [`restore`]. The primary key and unique constraints keep
/// theirs (the copy is checked against them as it goes). A table with
/// deferred checks (order lines, shipments: their overrides) keeps all
/// its indexes: an index cannot be made while its checks are pending,
/// and they read other tables by index when they run.
pub fn set_aside(sql: &Sql<'_>, table: &str) -> Result<Vec<String>, MoveError> {
    let deferred = sql.query_row(
        "SELECT EXISTS (SELECT 1 FROM pg_trigger
                        WHERE tgrelid = format('%I', ?1::text)::regclass AND tgdeferrable)",
        &[table.into()],
    )?;
    if deferred.get_bool(0)? {
        return Ok(Vec::new());
    }
    let rows = sql.query(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i
         WHERE i.schemaname = current_schema() AND i.tablename = ?1
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                           WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
         ORDER BY i.indexname",
        &[table.into()],
    )?;
    let mut defs = Vec::with_capacity(rows.len());
    for row in &rows {
        let name = row.get_str(0)?;
        sql.execute(&format!("DROP INDEX {}", ident(name)?), &[])?;
        defs.push(row.get_string(1)?);
    }
    Ok(defs)
}

/// Makes the indexes [`set_aside`] dropped again, each sorted in memory
/// up to 256 MB (the server's default, 64 MB, sorts a million customers'
/// entries on disk), for this transaction only.
pub fn restore(sql: &Sql<'_>, defs: &[String]) -> Result<(), MoveError> {
    if !defs.is_empty() {
        sql.execute("SET LOCAL maintenance_work_mem = '256MB'", &[])?;
    }
    for def in defs {
        sql.execute(def, &[])?;
    }
    Ok(())
}
