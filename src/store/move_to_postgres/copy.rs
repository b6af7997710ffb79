//! One table's rows from SQLite into PostgreSQL, ids kept, each value
//! converted to its target column's type; then the identities restarted
//! past the ids copied.

use super::schema::{ident, ForeignKey, PgColumn, SqliteTable, Tables};
use super::MoveError;
use crate::store::db::{Sql, Value};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use std::collections::HashSet;

/// Parameters in one INSERT (PostgreSQL takes at most 65,535).
const MAX_PARAMS: usize = 30_000;
/// Rows in one INSERT.
const MAX_ROWS: usize = 1_000;

/// Copies `table`'s rows in key order; how many were inserted. Rows of a
/// table referring to itself (a category's parent, an order's first part)
/// wait until the row they refer to is in.
pub fn copy_table(
    source: &Connection,
    sql: &Sql<'_>,
    table: &SqliteTable,
    target: &[PgColumn],
    keys: &[ForeignKey],
) -> Result<u64, MoveError> {
    let types = table
        .columns
        .iter()
        .map(|c| {
            target
                .iter()
                .find(|p| &p.name == c)
                .map(|p| p.data_type.as_str())
                .ok_or_else(|| {
                    MoveError::Refused(format!("{}.{c} is not in PostgreSQL", table.name))
                })
        })
        .collect::<Result<Vec<&str>, _>>()?;
    let own: Vec<SelfKey> = keys
        .iter()
        .filter(|k| k.table == table.name && k.ref_table == table.name)
        .map(|k| SelfKey::new(k, &table.columns))
        .collect::<Result<_, _>>()?;
    let columns = table
        .columns
        .iter()
        .map(|c| ident(c))
        .collect::<Result<Vec<_>, _>>()?;
    let order = if table.key.is_empty() {
        "rowid".to_string()
    } else {
        table
            .key
            .iter()
            .map(|c| ident(c))
            .collect::<Result<Vec<_>, _>>()?
            .join(", ")
    };
    let select = format!(
        "SELECT {} FROM {} ORDER BY {order}",
        columns.join(", "),
        ident(&table.name)?
    );
    let mut insert = Insert::new(sql, &table.name, &columns)?;
    let mut waiting: Vec<Vec<Value>> = Vec::new();
    let mut stmt = source.prepare(&select)?;
    let mut rows = stmt.query([])?;
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        n += 1;
        let mut values = Vec::with_capacity(types.len());
        for (i, ty) in types.iter().enumerate() {
            let value = convert(r.get_ref(i)?, ty).map_err(|why| {
                MoveError::Failed(format!(
                    "{} row {}, column {}: {why}",
                    table.name,
                    row_name(table, r, n),
                    table.columns[i]
                ))
            })?;
            values.push(value);
        }
        if own.iter().all(|k| k.ready(&values)) {
            own.iter().for_each(|k| k.seen(&values));
            insert.push(values)?;
        } else {
            waiting.push(values);
        }
    }
    // Rows whose parent came later: as many rounds as the deepest chain.
    while !waiting.is_empty() {
        let before = waiting.len();
        let mut still = Vec::new();
        for values in waiting {
            if own.iter().all(|k| k.ready(&values)) {
                own.iter().for_each(|k| k.seen(&values));
                insert.push(values)?;
            } else {
                still.push(values);
            }
        }
        if still.len() == before {
            return Err(MoveError::Failed(format!(
                "{} rows of {} refer to rows of their own table that are not there",
                still.len(),
                table.name
            )));
        }
        waiting = still;
    }
    insert.flush()?;
    Ok(insert.inserted)
}

/// How a row is named in a message: its key, else its place in the table.
fn row_name(table: &SqliteTable, r: &rusqlite::Row<'_>, n: u64) -> String {
    let parts: Vec<String> = table
        .key
        .iter()
        .filter_map(|k| {
            let i = table.columns.iter().position(|c| c == k)?;
            let v = match r.get_ref(i).ok()? {
                ValueRef::Integer(v) => v.to_string(),
                ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
                other => format!("{other:?}"),
            };
            Some(format!("{k}={v}"))
        })
        .collect();
    if parts.is_empty() {
        format!("#{n}")
    } else {
        parts.join(" ")
    }
}

/// A foreign key of a table to itself, and the key values already copied.
struct SelfKey {
    from: Vec<usize>,
    to: Vec<usize>,
    copied: std::cell::RefCell<HashSet<String>>,
}

impl SelfKey {
    fn new(key: &ForeignKey, columns: &[String]) -> Result<SelfKey, MoveError> {
        let at = |names: &[String]| {
            names
                .iter()
                .map(|n| {
                    columns.iter().position(|c| c == n).ok_or_else(|| {
                        MoveError::Refused(format!("{}.{n} is not in the SQLite store", key.table))
                    })
                })
                .collect::<Result<Vec<usize>, _>>()
        };
        Ok(SelfKey {
            from: at(&key.columns)?,
            to: at(&key.ref_columns)?,
            copied: Default::default(),
        })
    }

    fn text(values: &[Value], at: &[usize]) -> String {
        format!("{:?}", at.iter().map(|&i| &values[i]).collect::<Vec<_>>())
    }

    /// The row refers to nothing (a NULL in the key), to itself, or to a
    /// row already copied.
    fn ready(&self, values: &[Value]) -> bool {
        if self.from.iter().any(|&i| values[i] == Value::Null) {
            return true;
        }
        let refers = Self::text(values, &self.from);
        refers == Self::text(values, &self.to) || self.copied.borrow().contains(&refers)
    }

    fn seen(&self, values: &[Value]) {
        self.copied
            .borrow_mut()
            .insert(Self::text(values, &self.to));
    }
}

/// Rows gathered into multi-row INSERTs.
struct Insert<'s, 'a> {
    sql: &'s Sql<'a>,
    head: String,
    width: usize,
    per_statement: usize,
    rows: Vec<Value>,
    inserted: u64,
}

impl<'s, 'a> Insert<'s, 'a> {
    fn new(sql: &'s Sql<'a>, table: &str, columns: &[String]) -> Result<Self, MoveError> {
        let width = columns.len().max(1);
        Ok(Insert {
            sql,
            head: format!(
                "INSERT INTO {} ({}) VALUES ",
                ident(table)?,
                columns.join(", ")
            ),
            width,
            per_statement: (MAX_PARAMS / width).clamp(1, MAX_ROWS),
            rows: Vec::new(),
            inserted: 0,
        })
    }

    fn push(&mut self, values: Vec<Value>) -> Result<(), MoveError> {
        self.rows.extend(values);
        if self.rows.len() >= self.per_statement * self.width {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), MoveError> {
        let n = self.rows.len() / self.width;
        if n == 0 {
            return Ok(());
        }
        let mut text = self.head.clone();
        for row in 0..n {
            text.push_str(if row == 0 { "(" } else { ", (" });
            for col in 0..self.width {
                if col > 0 {
                    text.push_str(", ");
                }
                text.push_str(&format!("?{}", row * self.width + col + 1));
            }
            text.push(')');
        }
        self.inserted += self.sql.execute(&text, &self.rows)?;
        self.rows.clear();
        Ok(())
    }
}

/// A SQLite value as the PostgreSQL column of type `ty` takes it. SQLite
/// keeps what it was given (an INTEGER column may hold text, a TEXT column
/// a number): each is made the target's type when that loses nothing, and
/// refused otherwise.
pub fn convert(value: ValueRef<'_>, ty: &str) -> Result<Value, String> {
    let text = match value {
        ValueRef::Null => return Ok(Value::Null),
        ValueRef::Blob(_) => return Err("a BLOB (orderdesk stores none)".into()),
        ValueRef::Text(bytes) => {
            let s = std::str::from_utf8(bytes).map_err(|_| "text that is not UTF-8".to_string())?;
            if s.contains('\0') {
                return Err("text with a NUL character, which PostgreSQL cannot hold".into());
            }
            Some(s)
        }
        _ => None,
    };
    match ty {
        "bigint" | "integer" | "smallint" => match (value, text) {
            (ValueRef::Integer(i), _) => Ok(Value::Int(i)),
            (ValueRef::Real(f), _) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Ok(Value::Int(f as i64))
            }
            (_, Some(s)) => s
                .trim()
                .parse::<i64>()
                .map(Value::Int)
                .map_err(|_| format!("{s:?} is not an integer")),
            _ => Err(format!("{value:?} is not an integer")),
        },
        "text" | "character varying" | "character" => match (value, text) {
            (_, Some(s)) => Ok(Value::Text(s.to_owned())),
            (ValueRef::Integer(i), _) => Ok(Value::Text(i.to_string())),
            (ValueRef::Real(f), _) => Ok(Value::Text(f.to_string())),
            _ => Err(format!("{value:?} is not text")),
        },
        "double precision" | "real" => match (value, text) {
            (ValueRef::Real(f), _) => Ok(Value::Real(f)),
            (ValueRef::Integer(i), _) => Ok(Value::Real(i as f64)),
            (_, Some(s)) => s
                .trim()
                .parse::<f64>()
                .map(Value::Real)
                .map_err(|_| format!("{s:?} is not a number")),
            _ => Err(format!("{value:?} is not a number")),
        },
        // The layer binds 0 and 1 to a BOOLEAN.
        "boolean" => match value {
            ValueRef::Integer(i @ (0 | 1)) => Ok(Value::Int(i)),
            _ => Err(format!("{value:?} is not a flag (0 or 1)")),
        },
        other => Err(format!(
            "the PostgreSQL column's type is {other}, which the copy does not convert"
        )),
    }
}

/// Moves every identity (and serial) past the largest id copied, so the
/// next row PostgreSQL numbers itself does not collide. `ALTER TABLE …
/// RESTART` rather than `setval`: it is undone with the transaction.
pub fn restart_identities(sql: &Sql<'_>, target: &Tables) -> Result<(), MoveError> {
    let mut tables: Vec<(&String, &Vec<PgColumn>)> = target.iter().collect();
    tables.sort_by_key(|(name, _)| *name);
    for (name, columns) in tables {
        for column in columns.iter().filter(|c| c.identity || c.serial) {
            let (t, c) = (ident(name)?, ident(&column.name)?);
            let max = sql
                .query_row(&format!("SELECT CAST(MAX({c}) AS BIGINT) FROM {t}"), &[])?
                .get_opt_i64(0)?;
            let Some(max) = max else { continue };
            let next = max.saturating_add(1);
            if column.identity {
                sql.execute(
                    &format!("ALTER TABLE {t} ALTER COLUMN {c} RESTART WITH {next}"),
                    &[],
                )?;
            } else {
                let sequence = sql
                    .query_row(
                        "SELECT pg_get_serial_sequence(?1, ?2)",
                        &[t.clone().into(), column.name.clone().into()],
                    )?
                    .get_string(0)?;
                let plain = sequence
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "_.\"".contains(ch));
                if !plain {
                    return Err(MoveError::Refused(format!(
                        "{name}.{}: sequence {sequence:?}",
                        column.name
                    )));
                }
                sql.execute(
                    &format!("ALTER SEQUENCE {sequence} RESTART WITH {next}"),
                    &[],
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_take_the_target_columns_type() {
        let int = |v| convert(v, "bigint");
        assert_eq!(int(ValueRef::Integer(7)), Ok(Value::Int(7)));
        assert_eq!(int(ValueRef::Text(b" 12 ")), Ok(Value::Int(12)));
        assert_eq!(int(ValueRef::Real(3.0)), Ok(Value::Int(3)));
        assert!(int(ValueRef::Real(3.5)).is_err());
        assert!(int(ValueRef::Text(b"12.50")).is_err());
        assert_eq!(int(ValueRef::Null), Ok(Value::Null));
        let text = |v| convert(v, "text");
        assert_eq!(
            text(ValueRef::Text(b"12.50")),
            Ok(Value::Text("12.50".into()))
        );
        assert_eq!(
            text(ValueRef::Integer(5000)),
            Ok(Value::Text("5000".into()))
        );
        assert!(text(ValueRef::Text(b"a\0b")).is_err());
        assert!(text(ValueRef::Text(&[0xff, 0xfe])).is_err());
        assert!(text(ValueRef::Blob(b"x")).is_err());
        assert_eq!(convert(ValueRef::Integer(1), "boolean"), Ok(Value::Int(1)));
        assert!(convert(ValueRef::Integer(2), "boolean").is_err());
        assert!(convert(ValueRef::Integer(2), "jsonb").is_err());
    }
}
