//! One test body on both backends: a fresh SQLite file (schema by the
//! store's migration runner) and a fresh PostgreSQL database (schema by
//! pg/schema.sql and its migrations through pg_migrate). The body gets a
//! [`Target`] and opens as many connections on it as it needs.

use super::pg;
use orderdesk::store::db::{pg_migrate, Db, Sql};
use orderdesk::store::{Create, Store};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Where a test's database is; each [`Target::connect`] is a new connection.
pub enum Target {
    /// The folder lives as long as the target: the file is inside.
    Sqlite(#[allow(dead_code)] TempDir, PathBuf),
    Postgres(String),
}

/// A connection on either backend.
pub enum Conn {
    Store(Box<Store>),
    Db(Db),
}

impl Conn {
    pub fn sql(&self) -> Sql<'_> {
        match self {
            Conn::Store(s) => s.sql(),
            Conn::Db(d) => d.sql(),
        }
    }
}

impl Target {
    pub fn sqlite() -> Target {
        let (dir, path) = super::temp_db();
        Target::Sqlite(dir, path)
    }

    /// A new database in the tests' cluster, migrated to the latest version.
    pub fn postgres() -> Target {
        let began = Instant::now();
        let params = pg::fresh_database();
        let target = Target::Postgres(params);
        let conn = target.connect();
        let Conn::Db(db) = &conn else { unreachable!() };
        assert_eq!(pg_migrate::run(db).expect("pg/schema.sql applies"), 0);
        eprintln!(
            "PostgreSQL: cluster started in {:?}; database created and migrated in {:?}",
            pg::started_in().unwrap_or_default(),
            began.elapsed()
        );
        target
    }

    /// A new connection: on SQLite a `Store` (as the program opens it),
    /// on PostgreSQL the layer's connection.
    pub fn connect(&self) -> Conn {
        match self {
            Target::Sqlite(_, path) => {
                let (store, _) = Store::open(path, Duration::from_secs(5)).expect("SQLite store");
                Conn::Store(Box::new(store))
            }
            Target::Postgres(params) => {
                Conn::Db(Db::connect_postgres(params).expect("PostgreSQL connection"))
            }
        }
    }

    /// The store as the console opens it, on either backend.
    pub fn store(&self) -> Store {
        let busy = Duration::from_secs(5);
        let (store, _) = match self {
            Target::Sqlite(_, path) => Store::open(path, busy).expect("SQLite store"),
            Target::Postgres(params) => {
                Store::connect_postgres(params, Create::Never, busy).expect("PostgreSQL store")
            }
        };
        store
    }
}

/// Runs `check` on SQLite, then on PostgreSQL.
pub fn on_both(check: fn(&Target)) {
    check(&Target::sqlite());
    check(&Target::postgres());
}

/// A category and an item in it, on either backend; the item's id.
pub fn new_item(sql: Sql<'_>, sku: &str) -> i64 {
    let category = sql
        .query_row(
            "INSERT INTO categories (code, name) VALUES (?1, ?1)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name RETURNING id",
            &["tools".into()],
        )
        .and_then(|r| r.get_i64(0))
        .expect("category");
    sql.query_row(
        "INSERT INTO items (sku, sku_key, name, name_key, category_id, weight_grams)
         VALUES (?1, lower(?1), ?2, lower(?2), ?3, 250) RETURNING id",
        &[sku.into(), format!("Item {sku}").into(), category.into()],
    )
    .and_then(|r| r.get_i64(0))
    .expect("item")
}
