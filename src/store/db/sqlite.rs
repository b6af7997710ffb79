//! The SQLite side of the layer: rusqlite with its statement cache.

use super::value::{Row, Value};
use super::Error;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params_from_iter, Connection, ToSql};
use std::sync::Arc;

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Real(v) => ToSqlOutput::Borrowed(ValueRef::Real(*v)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

pub(super) fn execute(conn: &Connection, sql: &str, params: &[Value]) -> Result<u64, Error> {
    let mut statement = conn.prepare_cached(sql)?;
    Ok(statement.execute(params_from_iter(params))? as u64)
}

pub(super) fn query(conn: &Connection, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
    let mut statement = conn.prepare_cached(sql)?;
    let names: Arc<[String]> = statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut rows = statement.query(params_from_iter(params))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut values = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            values.push(match r.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(v) => Value::Int(v),
                ValueRef::Real(v) => Value::Real(v),
                ValueRef::Text(t) => {
                    Value::Text(String::from_utf8(t.to_vec()).map_err(|_| Error::Column {
                        index: i,
                        name: names[i].clone(),
                        expected: "UTF-8 text",
                        found: "other bytes".into(),
                    })?)
                }
                ValueRef::Blob(_) => {
                    return Err(Error::Column {
                        index: i,
                        name: names[i].clone(),
                        expected: "an integer, real or text",
                        found: "a blob".into(),
                    })
                }
            });
        }
        out.push(Row::new(names.clone(), values));
    }
    Ok(out)
}

pub(super) fn begin(conn: &Connection) -> Result<(), Error> {
    if !conn.is_autocommit() {
        return Err(Error::Nested);
    }
    // IMMEDIATE: the write lock up front, so two writers never deadlock
    // upgrading a read lock; the busy timeout waits for the other one.
    conn.execute_batch("BEGIN IMMEDIATE")?;
    Ok(())
}
