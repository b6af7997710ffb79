//! The copy checked against the store before it is committed: each table's
//! rows counted on both sides, and the sums that matter (money and stock)
//! added up exactly on both — SQLite's read in Rust as decimals, PostgreSQL's
//! by the server as NUMERIC.

use super::schema::{ident, SqliteTable};
use super::{MoveError, Total};
use crate::store::db::Sql;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use rust_decimal::Decimal;

/// The sums compared: order totals, line amounts and quantities, what was
/// charged, paid, adjusted, discounted and owed back, stock on hand,
/// reserved and expected, list prices and credit limits.
const TOTALS: &[(&str, &str)] = &[
    ("orders", "merchandise_total"),
    ("orders", "discount_total"),
    ("orders", "shipping_total"),
    ("orders", "tax_total"),
    ("orders", "grand_total"),
    ("order_lines", "quantity"),
    ("order_lines", "qty_backordered"),
    ("order_lines", "line_total"),
    ("order_lines", "tax"),
    ("shipments", "charge"),
    ("payments", "amount"),
    ("adjustments", "amount"),
    ("order_discounts", "amount"),
    ("refunds_owed", "amount"),
    ("inventory", "on_hand"),
    ("inventory", "reserved"),
    ("expected_receipts", "quantity"),
    ("prices", "amount"),
    ("business_accounts", "credit_limit"),
];

/// Compares counts and totals; the totals when every one is equal, else
/// [`MoveError::Mismatch`] naming each difference.
pub fn verify(
    source: &Connection,
    sql: &Sql<'_>,
    tables: &[SqliteTable],
    copied: &[(String, u64)],
) -> Result<Vec<Total>, MoveError> {
    let mut differences = Vec::new();
    for (name, inserted) in copied {
        let t = ident(name)?;
        let lite: i64 = source.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?;
        let pg = sql
            .query_row(&format!("SELECT COUNT(*) FROM {t}"), &[])?
            .get_i64(0)?;
        if lite != pg || u64::try_from(lite).ok() != Some(*inserted) {
            differences.push(format!(
                "{name}: {lite} rows in SQLite, {inserted} copied, {pg} in PostgreSQL"
            ));
        }
    }
    let mut totals = Vec::new();
    let present = |table: &str, column: &str| {
        copied.iter().any(|(n, _)| n == table)
            && tables
                .iter()
                .any(|t| t.name == table && t.columns.iter().any(|c| c == column))
    };
    for (table, column) in TOTALS.iter().filter(|(t, c)| present(t, c)) {
        let lite = sqlite_sum(source, table, column)?;
        let pg = postgres_sum(sql, table, column)?;
        if lite != pg {
            differences.push(format!(
                "{table}.{column}: {lite} in SQLite, {pg} in PostgreSQL"
            ));
        }
        totals.push(Total {
            table: table.to_string(),
            column: column.to_string(),
            sum: lite,
        });
    }
    if differences.is_empty() {
        Ok(totals)
    } else {
        Err(MoveError::Mismatch(differences))
    }
}

/// The column's sum, each value read exactly (money is TEXT holding a
/// decimal; SQLite's own SUM would go through floating point).
fn sqlite_sum(source: &Connection, table: &str, column: &str) -> Result<Decimal, MoveError> {
    let mut stmt = source.prepare(&format!("SELECT {} FROM {}", ident(column)?, ident(table)?))?;
    let mut rows = stmt.query([])?;
    let mut sum = Decimal::ZERO;
    let wrong =
        |what: String| MoveError::Failed(format!("{table}.{column} in SQLite holds {what}"));
    while let Some(r) = rows.next()? {
        let value = match r.get_ref(0)? {
            ValueRef::Null => continue,
            ValueRef::Integer(i) => Decimal::from(i),
            ValueRef::Text(t) => {
                let s = String::from_utf8_lossy(t);
                Decimal::from_str_exact(s.trim())
                    .map_err(|_| wrong(format!("{s:?}, not a decimal")))?
            }
            other => return Err(wrong(format!("{other:?}, not a decimal"))),
        };
        sum = sum
            .checked_add(value)
            .ok_or_else(|| wrong("a sum too large to add up".into()))?;
    }
    Ok(sum)
}

/// The server's exact sum (NUMERIC, as text so nothing rounds on the way).
fn postgres_sum(sql: &Sql<'_>, table: &str, column: &str) -> Result<Decimal, MoveError> {
    let row = sql.query_row(
        &format!(
            "SELECT CAST(SUM(CAST({} AS NUMERIC)) AS TEXT) FROM {}",
            ident(column)?,
            ident(table)?
        ),
        &[],
    )?;
    match row.get_opt_str(0)? {
        None => Ok(Decimal::ZERO),
        Some(s) => Decimal::from_str_exact(s).map_err(|_| {
            MoveError::Failed(format!(
                "{table}.{column}: PostgreSQL's sum {s:?} is not a decimal"
            ))
        }),
    }
}
