//! Opening a store on PostgreSQL (`--db postgres://…`): connect, tell a
//! new database from one holding a store before anything is written, then
//! bring the schema up to date (db/pg_migrate.rs).

use super::{db, Create, Location, OpenError, Store};

impl Store {
    /// Connects to the PostgreSQL database `params` names (a
    /// `postgres://user@host:port/dbname` URL or libpq `key=value` pairs) and
    /// brings its schema up to date (db/pg_migrate.rs). Returns the store
    /// and whether it is new: it held no orderdesk data (no operator, no
    /// currency) and `create` allowed a new one.
    ///
    /// As with a file: `Create::Never` refuses a database without the
    /// orderdesk schema (`orderdesk init` makes it), `Create::New` one that
    /// already holds orderdesk data; both before anything is written. A
    /// statement waits at most `busy` for another connection's lock.
    pub fn connect_postgres(
        params: &str,
        create: Create,
        busy: std::time::Duration,
    ) -> Result<(Store, bool), OpenError> {
        let target = db::PgTarget::parse(params)
            .map_err(|e| OpenError::Postgres("the PostgreSQL connection string".into(), e))?;
        let fail = |why: String| OpenError::Postgres(target.label(), why);
        let db = db::Db::connect_postgres_waiting(params, busy)
            .map_err(|e| fail(format!("cannot connect: {e}")))?;
        let holds_data = pg_holds_data(&db).map_err(|e| fail(e.to_string()))?;
        match (holds_data, create) {
            (None, Create::Never) => {
                return Err(fail(format!(
                    "no orderdesk database there yet; create one with orderdesk init --db {}",
                    target.label()
                )))
            }
            (Some(true), Create::New) => {
                return Err(fail(
                    "it already holds an orderdesk store; a new one needs an empty database".into(),
                ))
            }
            _ => {}
        }
        db::pg_migrate::run(&db).map_err(|e| match e {
            db::Error::NewerSchema { .. } => fail(e.to_string()),
            other => fail(format!("cannot bring its schema up to date: {other}")),
        })?;
        let store = Store {
            db,
            location: Location::Postgres {
                params: params.to_owned(),
                target: target.clone(),
            },
            item_index: Default::default(),
            customer_sample: Default::default(),
            race_pace: Default::default(),
        };
        let fresh = holds_data != Some(true) && create != Create::Never;
        Ok((store, fresh))
    }
}

/// Whether a PostgreSQL database has orderdesk data: None without the
/// schema at all; otherwise whether an operator or a currency is in it (a
/// schema made by psql, or left by a refused start, holds neither).
fn pg_holds_data(db: &db::Db) -> Result<Option<bool>, db::Error> {
    let sql = db.sql();
    let has_schema = sql
        .query_row("SELECT to_regclass('schema_version') IS NOT NULL", &[])?
        .get_bool(0)?;
    if !has_schema {
        return Ok(None);
    }
    let data = sql
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM operators) OR EXISTS (SELECT 1 FROM currencies)",
            &[],
        )?
        .get_bool(0)?;
    Ok(Some(data))
}

#[cfg(test)]
mod tests {
    use super::super::StoreError;
    use super::db;

    /// `Store::sqlite`'s refusal says the same to the operator whether a
    /// method passed it on in rusqlite's terms or the layer's.
    #[test]
    fn a_refusal_reads_alike_through_rusqlite_and_the_layer() {
        let what = "the customer search";
        let direct = StoreError::from(db::Error::NotOnPostgres(what));
        let via = StoreError::from(rusqlite::Error::from(db::Error::NotOnPostgres(what)));
        assert_eq!(direct, via);
        assert_eq!(
            direct.to_string(),
            "the customer search is not available on PostgreSQL yet"
        );
    }
}
