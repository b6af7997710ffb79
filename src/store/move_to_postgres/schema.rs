//! Both sides' tables and columns, read from the databases themselves (not
//! from a list kept here, so a table or column added later is moved too),
//! compared, and put in the order the foreign keys need.

use super::{MoveError, PG_KEPT, PG_ONLY};
use crate::store::db::Sql;
use rusqlite::Connection;
use std::collections::{BTreeSet, HashMap};

/// A table of the SQLite store to copy.
#[derive(Debug, Clone)]
pub struct SqliteTable {
    pub name: String,
    /// In the table's order.
    pub columns: Vec<String>,
    /// The primary key's columns (empty: none, read in rowid order).
    pub key: Vec<String>,
}

/// A column of a PostgreSQL table.
#[derive(Debug, Clone)]
pub struct PgColumn {
    pub name: String,
    /// information_schema's `data_type`: "bigint", "text", …
    pub data_type: String,
    /// `GENERATED … AS IDENTITY` (orderdesk's ids).
    pub identity: bool,
    /// A serial: its default is a sequence's next value.
    pub serial: bool,
}

/// PostgreSQL's tables (of the connection's schema) by name.
pub type Tables = HashMap<String, Vec<PgColumn>>;

/// A foreign key of PostgreSQL's schema.
#[derive(Debug, Clone)]
pub struct ForeignKey {
    pub table: String,
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
}

/// `name` double-quoted for SQL, after making sure it is a plain name
/// (the names come from the databases' catalogs: nothing to escape in
/// orderdesk's, and anything else is refused rather than spliced in).
pub fn ident(name: &str) -> Result<String, MoveError> {
    let plain = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plain {
        return Err(MoveError::Refused(format!(
            "a table or column named {name:?} is not one of orderdesk's"
        )));
    }
    Ok(format!("\"{name}\""))
}

/// The store's tables: SQLite's own (`sqlite_*`) and the virtual tables
/// with their shadow tables left out. Those are the catalog's word index
/// (items_fts, FTS5), derived from `items`; PostgreSQL has no counterpart
/// (its consoles search the in-memory index, store/item_search.rs).
pub fn sqlite_tables(conn: &Connection) -> Result<Vec<SqliteTable>, MoveError> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM pragma_table_list
              WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
              ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tables = Vec::new();
    for name in names {
        let mut columns = Vec::new();
        let mut key: Vec<(i64, String)> = Vec::new();
        let mut stmt = conn.prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")?;
        let mut rows = stmt.query([&name])?;
        while let Some(r) = rows.next()? {
            let column: String = r.get(0)?;
            let pk: i64 = r.get(1)?;
            if pk > 0 {
                key.push((pk, column.clone()));
            }
            columns.push(column);
        }
        key.sort();
        tables.push(SqliteTable {
            name,
            columns,
            key: key.into_iter().map(|(_, c)| c).collect(),
        });
    }
    Ok(tables)
}

/// PostgreSQL's tables and columns in the connection's schema.
pub fn postgres_tables(sql: Sql<'_>) -> Result<Tables, MoveError> {
    let rows = sql.query(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text,
                c.is_identity = 'YES', coalesce(c.column_default::text, '') LIKE 'nextval(%'
           FROM information_schema.columns c
           JOIN information_schema.tables t
             ON t.table_schema = c.table_schema AND t.table_name = c.table_name
          WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
          ORDER BY c.table_name, c.ordinal_position",
        &[],
    )?;
    let mut tables = Tables::new();
    for r in rows {
        tables.entry(r.get_string(0)?).or_default().push(PgColumn {
            name: r.get_string(1)?,
            data_type: r.get_string(2)?,
            identity: r.get_bool(3)?,
            serial: r.get_bool(4)?,
        });
    }
    Ok(tables)
}

/// Every foreign key of PostgreSQL's schema, its columns in order.
pub fn postgres_foreign_keys(sql: Sql<'_>) -> Result<Vec<ForeignKey>, MoveError> {
    let rows = sql.query(
        "SELECT c.oid::bigint, cl.relname::text, fl.relname::text, a.attname::text, fa.attname::text
           FROM pg_constraint c
           JOIN pg_class cl ON cl.oid = c.conrelid
           JOIN pg_class fl ON fl.oid = c.confrelid
          CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, fcol, ord)
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
           JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fcol
          WHERE c.contype = 'f' AND cl.relnamespace = current_schema()::regnamespace
          ORDER BY c.oid, k.ord",
        &[],
    )?;
    let mut keys: Vec<(i64, ForeignKey)> = Vec::new();
    for r in rows {
        let oid = r.get_i64(0)?;
        if keys.last().map(|(o, _)| *o) != Some(oid) {
            keys.push((
                oid,
                ForeignKey {
                    table: r.get_string(1)?,
                    columns: Vec::new(),
                    ref_table: r.get_string(2)?,
                    ref_columns: Vec::new(),
                },
            ));
        }
        if let Some((_, fk)) = keys.last_mut() {
            fk.columns.push(r.get_string(3)?);
            fk.ref_columns.push(r.get_string(4)?);
        }
    }
    Ok(keys.into_iter().map(|(_, fk)| fk).collect())
}

/// Refuses unless every SQLite table is in PostgreSQL with the same
/// columns (by name; their order may differ), but those PostgreSQL's
/// triggers keep (`PG_KEPT`). Tables only in PostgreSQL stay as they
/// are. Compared rather than trusting the schema versions: a SQLite
/// version that only adds indexes moves all the same.
pub fn compare(tables: &[SqliteTable], target: &Tables) -> Result<(), MoveError> {
    let mut differences = Vec::new();
    for table in tables {
        let Some(pg) = target.get(&table.name) else {
            differences.push(format!("table {} is not in PostgreSQL", table.name));
            continue;
        };
        let lite: BTreeSet<&str> = table.columns.iter().map(String::as_str).collect();
        let theirs: BTreeSet<&str> = pg.iter().map(|c| c.name.as_str()).collect();
        let only_lite: Vec<&str> = lite.difference(&theirs).copied().collect();
        let only_pg: Vec<&str> = theirs
            .difference(&lite)
            .copied()
            .filter(|c| !PG_KEPT.contains(&(table.name.as_str(), *c)))
            .collect();
        if !only_lite.is_empty() {
            differences.push(format!(
                "{}: columns only in SQLite: {}",
                table.name,
                only_lite.join(", ")
            ));
        }
        if !only_pg.is_empty() {
            differences.push(format!(
                "{}: columns only in PostgreSQL: {}",
                table.name,
                only_pg.join(", ")
            ));
        }
    }
    if tables.iter().any(|t| t.name == PG_ONLY) {
        differences.push(format!("the SQLite store has a table {PG_ONLY}"));
    }
    if differences.is_empty() {
        return Ok(());
    }
    Err(MoveError::Refused(format!(
        "the two schemas differ: {}",
        differences.join("; ")
    )))
}

/// The tables in an order where each comes after every table its foreign
/// keys refer to (a table referring to itself is ordered row by row as it
/// is copied). `last`: tables nothing refers to that are copied after the
/// rest (the seeded ones: a trigger on `items` moves `catalog_version`, whose
/// copied row must be the last word).
pub fn copy_order(
    tables: &[SqliteTable],
    keys: &[ForeignKey],
    last: &[&str],
) -> Result<Vec<String>, MoveError> {
    let names: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    let referenced = |t: &str| keys.iter().any(|k| k.ref_table == t && k.table != t);
    let deferred: Vec<&str> = last
        .iter()
        .copied()
        .filter(|t| names.contains(t) && !referenced(t))
        .collect();
    // Each table's parents among the tables copied.
    let mut waiting: Vec<(&str, BTreeSet<&str>)> = names
        .iter()
        .filter(|t| !deferred.contains(t))
        .map(|t| {
            let parents = keys
                .iter()
                .filter(|k| {
                    k.table == *t && k.ref_table != *t && names.contains(k.ref_table.as_str())
                })
                .map(|k| k.ref_table.as_str())
                .collect();
            (*t, parents)
        })
        .collect();
    let mut order: Vec<String> = Vec::new();
    while !waiting.is_empty() {
        // Alphabetical among the ready ones: the same order every run.
        let Some(i) = waiting
            .iter()
            .position(|(_, parents)| parents.iter().all(|p| order.iter().any(|o| o == p)))
        else {
            let stuck: Vec<&str> = waiting.iter().map(|(t, _)| *t).collect();
            return Err(MoveError::Refused(format!(
                "the foreign keys of {} refer to each other in a circle",
                stuck.join(", ")
            )));
        };
        order.push(waiting.remove(i).0.to_string());
    }
    order.extend(deferred.iter().map(|t| t.to_string()));
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> SqliteTable {
        SqliteTable {
            name: name.into(),
            columns: vec!["id".into()],
            key: vec!["id".into()],
        }
    }

    fn fk(table: &str, ref_table: &str) -> ForeignKey {
        ForeignKey {
            table: table.into(),
            columns: vec!["x".into()],
            ref_table: ref_table.into(),
            ref_columns: vec!["id".into()],
        }
    }

    #[test]
    fn parents_come_first_and_seeded_tables_last() {
        let tables: Vec<SqliteTable> = ["a_lines", "b_orders", "c_customers", "seed", "cats"]
            .into_iter()
            .map(table)
            .collect();
        let keys = vec![
            fk("a_lines", "b_orders"),
            fk("b_orders", "c_customers"),
            fk("b_orders", "b_orders"),
            fk("cats", "cats"),
        ];
        let order = copy_order(&tables, &keys, &["seed"]).unwrap();
        assert_eq!(
            order,
            ["c_customers", "b_orders", "a_lines", "cats", "seed"]
        );
        let circle = vec![fk("a_lines", "b_orders"), fk("b_orders", "a_lines")];
        let e = copy_order(&tables, &circle, &[]).unwrap_err().to_string();
        assert!(e.contains("a_lines, b_orders"), "{e}");
    }

    #[test]
    fn names_are_plain_or_refused() {
        assert_eq!(ident("order_lines").unwrap(), "\"order_lines\"");
        assert!(ident("a\"; DROP TABLE x; --").is_err());
        assert!(ident("").is_err());
        assert!(ident("1a").is_err());
    }

    #[test]
    fn differing_columns_are_named() {
        let tables = vec![SqliteTable {
            name: "t".into(),
            columns: vec!["id".into(), "a".into()],
            key: vec![],
        }];
        let mut target = Tables::new();
        target.insert(
            "t".into(),
            vec![
                PgColumn {
                    name: "id".into(),
                    data_type: "bigint".into(),
                    identity: true,
                    serial: false,
                },
                PgColumn {
                    name: "b".into(),
                    data_type: "text".into(),
                    identity: false,
                    serial: false,
                },
            ],
        );
        let e = compare(&tables, &target).unwrap_err().to_string();
        assert!(e.contains("t: columns only in SQLite: a"), "{e}");
        assert!(e.contains("t: columns only in PostgreSQL: b"), "{e}");
        let e = compare(&[table("u")], &target).unwrap_err().to_string();
        assert!(e.contains("table u is not in PostgreSQL"), "{e}");
    }

    #[test]
    fn columns_the_triggers_keep_are_postgresql_s_alone() {
        let column = |name: &str| PgColumn {
            name: name.into(),
            data_type: "text".into(),
            identity: false,
            serial: false,
        };
        let tables = vec![SqliteTable {
            name: "customers".into(),
            columns: vec!["id".into()],
            key: vec![],
        }];
        let mut target = Tables::new();
        target.insert(
            "customers".into(),
            vec![column("id"), column("account_name_key")],
        );
        assert!(compare(&tables, &target).is_ok());
        target.insert(
            "customers".into(),
            vec![column("id"), column("account_name_key"), column("extra")],
        );
        let e = compare(&tables, &target).unwrap_err().to_string();
        assert!(
            e.contains("customers: columns only in PostgreSQL: extra"),
            "{e}"
        );
    }
}
