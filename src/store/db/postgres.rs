//! The PostgreSQL side of the layer: the synchronous `postgres` client,
//! `?N` placeholders rewritten to `$N`, prepared statements cached per
//! SQL text, and values converted to and from the server's column types.

use super::value::{Row, Value};
use super::Error;
use postgres::types::{ToSql, Type};
use postgres::{Client, Config, NoTls, Statement};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Statements kept prepared; past this the cache starts over.
const CACHE_CAPACITY: usize = 256;

/// How long a (re)connection may take before the server counts as
/// unreachable, unless the parameters say (`connect_timeout`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection and what the layer keeps beside it.
pub struct PgConn {
    client: Client,
    /// To connect again when the server went away (restarted, the network
    /// dropped): the next statement outside a transaction reconnects.
    config: Config,
    statements: HashMap<String, Statement>,
    in_transaction: bool,
}

impl PgConn {
    /// `params`: a libpq-style connection string (`host=/run/postgresql
    /// user=orderdesk dbname=orders`) or URL (`postgres://user@host/db`).
    /// No TLS: the server is on this host (unix socket) or loopback.
    ///
    /// A statement waits at most `busy` for a lock another connection
    /// holds (a row, the writers' queue), as SQLite waits its busy timeout,
    /// then fails (SQLSTATE 55P03) instead of hanging the console behind a
    /// writer that stopped. Sent in the startup options, so a connection
    /// made again keeps it.
    pub fn connect(params: &str, busy: Duration) -> Result<PgConn, Error> {
        let mut config: Config = params.parse()?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let lock_timeout = format!("-c lock_timeout={}", busy.as_millis().max(1));
        let options = match config.get_options() {
            Some(given) => format!("{given} {lock_timeout}"),
            None => lock_timeout,
        };
        config.options(&options);
        Ok(PgConn {
            client: config.connect(NoTls)?,
            config,
            statements: HashMap::new(),
            in_transaction: false,
        })
    }

    /// The client, connected again first if the server closed the last
    /// connection. Inside a transaction that is an error instead: the
    /// server rolled the transaction back with the connection, and what
    /// ran in it must run again from its start (Sql::write's caller
    /// decides; submit is idempotent by its token).
    fn live(&mut self) -> Result<&mut Client, Error> {
        if self.client.is_closed() {
            if self.in_transaction {
                return Err(Error::Unreachable(
                    "the connection closed inside a transaction".into(),
                ));
            }
            self.client = self.config.connect(NoTls).map_err(|e| {
                Error::Unreachable(match e.as_db_error() {
                    Some(db) => db.message().to_string(),
                    None => e.to_string(),
                })
            })?;
            self.statements.clear();
        }
        Ok(&mut self.client)
    }

    fn prepare(&mut self, sql: &str) -> Result<Statement, Error> {
        self.live()?;
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&rewrite_placeholders(sql))?;
        if self.statements.len() >= CACHE_CAPACITY {
            self.statements.clear();
        }
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    pub(super) fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, Error> {
        let statement = self.prepare(sql)?;
        let typed = typed_params(&statement, params)?;
        let refs: Vec<&(dyn ToSql + Sync)> = typed.iter().map(|p| p.as_ref()).collect();
        Ok(self.client.execute(&statement, &refs)?)
    }

    pub(super) fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
        let statement = self.prepare(sql)?;
        self.query_statement(&statement, params)
    }

    /// [`PgConn::query`] as the unnamed statement, not kept: PostgreSQL
    /// plans it for these values. A kept one is planned for its values
    /// five times and may then be given one plan for any value for good,
    /// which for a search on two fields reads whichever index the planner
    /// guessed without the values. The parameters' types are sent with
    /// the statement ([`own_type`]), so it is parsed, planned and run in
    /// one round trip: preparing it first took two more (prepare, and
    /// close after), each a wait for the server.
    pub(super) fn query_planned(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
        let typed: Vec<(Box<dyn ToSql + Sync>, Type)> = params.iter().map(own_type).collect();
        let refs: Vec<(&(dyn ToSql + Sync), Type)> =
            typed.iter().map(|(v, t)| (v.as_ref(), t.clone())).collect();
        let rows = self
            .live()?
            .query_typed(&rewrite_placeholders(sql), &refs)?;
        match rows.first() {
            Some(first) => owned_rows(&rows, first.columns()),
            None => Ok(Vec::new()),
        }
    }

    fn query_statement(
        &mut self,
        statement: &Statement,
        params: &[Value],
    ) -> Result<Vec<Row>, Error> {
        let typed = typed_params(statement, params)?;
        let refs: Vec<&(dyn ToSql + Sync)> = typed.iter().map(|p| p.as_ref()).collect();
        let rows = self.client.query(statement, &refs)?;
        owned_rows(&rows, statement.columns())
    }

    /// Several statements without parameters (a schema, a migration), as
    /// one simple-protocol round trip. Prepared statements are forgotten:
    /// a schema change can change what they return.
    pub(super) fn execute_batch(&mut self, sql: &str) -> Result<(), Error> {
        self.statements.clear();
        self.live()?.batch_execute(sql)?;
        Ok(())
    }

    pub(super) fn begin(&mut self) -> Result<(), Error> {
        if self.in_transaction {
            return Err(Error::Nested);
        }
        // SERIALIZABLE: two writers that read what the other changes cannot
        // both commit; the loser gets SQLSTATE 40001 and Sql::write runs its
        // transaction again on fresh data.
        self.live()?
            .batch_execute("BEGIN ISOLATION LEVEL SERIALIZABLE")?;
        self.in_transaction = true;
        Ok(())
    }

    /// COMMIT or ROLLBACK. The transaction is over either way (a failed
    /// COMMIT rolls back).
    pub(super) fn finish(&mut self, commit: bool) -> Result<(), Error> {
        self.in_transaction = false;
        if self.client.is_closed() {
            // The server rolled it back when the connection went.
            return match commit {
                true => Err(Error::Unreachable(
                    "the connection closed before the commit".into(),
                )),
                false => Ok(()),
            };
        }
        self.client
            .batch_execute(if commit { "COMMIT" } else { "ROLLBACK" })?;
        Ok(())
    }
}

/// `?N` (SQLite's numbered parameter) becomes `$N`, a bare `?` the next
/// number; string literals, quoted names and comments are left alone.
pub fn rewrite_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut next = 1u32;
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                // A doubled quote inside is an escaped one: the loop just
                // closes and reopens.
                for d in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                out.push(c);
                let mut prev = ' ';
                for d in chars.by_ref() {
                    out.push(d);
                    if prev == '*' && d == '/' {
                        break;
                    }
                    prev = d;
                }
            }
            '?' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    chars.next();
                }
                out.push('$');
                if digits.is_empty() {
                    out.push_str(&next.to_string());
                    next += 1;
                } else {
                    if let Ok(n) = digits.parse::<u32>() {
                        next = next.max(n + 1);
                    }
                    out.push_str(&digits);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Each parameter as the Rust type the server asks for at its position
/// (it inferred the types when preparing): an integer bound where the
/// server wants INT4 must fit, a NULL takes the parameter's own type.
fn typed_params(
    statement: &Statement,
    params: &[Value],
) -> Result<Vec<Box<dyn ToSql + Sync>>, Error> {
    let types = statement.params();
    if types.len() != params.len() {
        return Err(Error::Parameter {
            index: params.len().min(types.len()) + 1,
            problem: format!(
                "the statement has {} parameters, {} were given",
                types.len(),
                params.len()
            ),
        });
    }
    params
        .iter()
        .zip(types)
        .enumerate()
        .map(|(i, (value, ty))| {
            typed(value, ty).map_err(|problem| Error::Parameter {
                index: i + 1,
                problem,
            })
        })
        .collect()
}

/// The layer's rows of the client's, whose columns are `columns`.
fn owned_rows(rows: &[postgres::Row], columns: &[postgres::Column]) -> Result<Vec<Row>, Error> {
    let names: Arc<[String]> = columns.iter().map(|c| c.name().to_owned()).collect();
    rows.iter()
        .map(|r| {
            let values = (0..names.len())
                .map(|i| column_value(r, i))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Row::new(names.clone(), values))
        })
        .collect()
}

/// A value with the type it is sent as when no prepared statement says
/// which the server expects ([`PgConn::query_planned`]): text as TEXT,
/// integers as BIGINT, reals as DOUBLE PRECISION, NULL as a TEXT NULL.
fn own_type(value: &Value) -> (Box<dyn ToSql + Sync>, Type) {
    match value {
        Value::Null => (Box::new(None::<String>), Type::TEXT),
        Value::Int(v) => (Box::new(*v), Type::INT8),
        Value::Real(v) => (Box::new(*v), Type::FLOAT8),
        Value::Text(s) => (Box::new(s.clone()), Type::TEXT),
    }
}

fn typed(value: &Value, ty: &Type) -> Result<Box<dyn ToSql + Sync>, String> {
    let wrong = || {
        format!(
            "{} cannot be bound where the server expects {ty}",
            value.kind()
        )
    };
    let out_of_range = |v: &i64| format!("{v} does not fit the server's {ty}");
    Ok(match (value, ty) {
        (Value::Null, &Type::INT8) => Box::new(None::<i64>),
        (Value::Null, &Type::INT4) => Box::new(None::<i32>),
        (Value::Null, &Type::INT2) => Box::new(None::<i16>),
        (Value::Null, &Type::FLOAT8) => Box::new(None::<f64>),
        (Value::Null, &Type::BOOL) => Box::new(None::<bool>),
        (Value::Null, _) => Box::new(None::<String>),
        (Value::Int(v), &Type::INT8) => Box::new(*v),
        (Value::Int(v), &Type::INT4) => Box::new(i32::try_from(*v).map_err(|_| out_of_range(v))?),
        (Value::Int(v), &Type::INT2) => Box::new(i16::try_from(*v).map_err(|_| out_of_range(v))?),
        (Value::Int(v), &Type::BOOL) => match v {
            0 => Box::new(false),
            1 => Box::new(true),
            _ => return Err(out_of_range(v)),
        },
        (Value::Int(v), &Type::NUMERIC) => Box::new(Decimal::from(*v)),
        (Value::Real(v), &Type::FLOAT8) => Box::new(*v),
        (
            Value::Text(s),
            &Type::TEXT | &Type::VARCHAR | &Type::BPCHAR | &Type::NAME | &Type::UNKNOWN,
        ) => Box::new(s.clone()),
        _ => return Err(wrong()),
    })
}

/// A column's value in the layer's terms. Integers of every width are
/// Int; NUMERIC (what SUM of a BIGINT column gives) is Int when it is a
/// whole number that fits, as SQLite's SUM is, else its exact text.
fn column_value(row: &postgres::Row, i: usize) -> Result<Value, Error> {
    let column = &row.columns()[i];
    let ty = column.type_();
    let unsupported = || Error::Column {
        index: i,
        name: column.name().to_owned(),
        expected: "an integer, real or text",
        found: format!("PostgreSQL type {ty}"),
    };
    Ok(match *ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(i)?.into(),
        Type::INT4 => row.try_get::<_, Option<i32>>(i)?.into(),
        Type::INT2 => row.try_get::<_, Option<i16>>(i)?.map(i64::from).into(),
        Type::BOOL => row.try_get::<_, Option<bool>>(i)?.into(),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.into(),
        Type::FLOAT4 => row.try_get::<_, Option<f32>>(i)?.map(f64::from).into(),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
            row.try_get::<_, Option<String>>(i)?.into()
        }
        Type::NUMERIC => match row.try_get::<_, Option<Decimal>>(i)? {
            None => Value::Null,
            Some(d) => match d.fract().is_zero().then(|| d.to_i64()).flatten() {
                Some(n) => Value::Int(n),
                None => Value::Text(d.to_string()),
            },
        },
        _ => return Err(unsupported()),
    })
}

#[cfg(test)]
mod tests {
    use super::rewrite_placeholders as rw;

    #[test]
    fn numbered_and_bare_placeholders_become_dollars() {
        assert_eq!(rw("SELECT ?1, ?2, ?1"), "SELECT $1, $2, $1");
        assert_eq!(rw("VALUES (?, ?)"), "VALUES ($1, $2)");
        assert_eq!(rw("WHERE a = ?10 AND b = ?"), "WHERE a = $10 AND b = $11");
    }

    #[test]
    fn quoted_text_and_comments_keep_their_question_marks() {
        assert_eq!(
            rw("SELECT '?1', \"a?\" FROM t WHERE x = ?1"),
            "SELECT '?1', \"a?\" FROM t WHERE x = $1"
        );
        assert_eq!(rw("SELECT 'it''s ?' , ?1"), "SELECT 'it''s ?' , $1");
        assert_eq!(rw("SELECT ?1 -- why ?2\n, ?2"), "SELECT $1 -- why ?2\n, $2");
        assert_eq!(rw("SELECT /* ?3 */ ?1"), "SELECT /* ?3 */ $1");
    }
}
