//! What goes into a statement ([`Value`]) and what comes out of one
//! ([`Row`]): owned, the same on both backends.

use super::Error;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A parameter or a column's value. SQLite's storage classes less BLOB
/// (orderdesk stores none); PostgreSQL's BIGINT, DOUBLE PRECISION and TEXT
/// map onto the same four.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Value {
    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Int(_) => "an integer",
            Value::Real(_) => "a real number",
            Value::Text(_) => "text",
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Int(v.into())
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Value {
        Value::Int(v.into())
    }
}
/// Flags are stored as 0 or 1 on both backends.
impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}
/// Money is TEXT holding the decimal exactly as it is ("12.50" keeps its
/// scale), never a float.
impl From<Decimal> for Value {
    fn from(v: Decimal) -> Value {
        Value::Text(v.to_string())
    }
}
impl From<&Decimal> for Value {
    fn from(v: &Decimal) -> Value {
        Value::Text(v.to_string())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// One result row, read by column index with typed getters that name the
/// column when its value is not what the reader expected.
#[derive(Clone, Debug)]
pub struct Row {
    names: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    pub(super) fn new(names: Arc<[String]>, values: Vec<Value>) -> Row {
        Row { names, values }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The column's value as it came.
    pub fn value(&self, i: usize) -> Result<&Value, Error> {
        self.values
            .get(i)
            .ok_or_else(|| self.wrong(i, "a column", "no such column"))
    }

    fn wrong(&self, i: usize, expected: &'static str, found: &str) -> Error {
        Error::Column {
            index: i,
            name: self.names.get(i).cloned().unwrap_or_default(),
            expected,
            found: found.to_owned(),
        }
    }

    pub fn get_opt_i64(&self, i: usize) -> Result<Option<i64>, Error> {
        match self.value(i)? {
            Value::Null => Ok(None),
            Value::Int(v) => Ok(Some(*v)),
            other => Err(self.wrong(i, "an integer", other.kind())),
        }
    }

    pub fn get_i64(&self, i: usize) -> Result<i64, Error> {
        self.get_opt_i64(i)?
            .ok_or_else(|| self.wrong(i, "an integer", "NULL"))
    }

    /// A flag column: 0 or 1, anything else is an error (the schemas'
    /// CHECKs keep it so).
    pub fn get_bool(&self, i: usize) -> Result<bool, Error> {
        match self.get_i64(i)? {
            0 => Ok(false),
            1 => Ok(true),
            n => Err(self.wrong(i, "a flag (0 or 1)", &n.to_string())),
        }
    }

    pub fn get_opt_f64(&self, i: usize) -> Result<Option<f64>, Error> {
        match self.value(i)? {
            Value::Null => Ok(None),
            Value::Real(v) => Ok(Some(*v)),
            // SQLite hands back a REAL column holding 2.0 as 2.
            Value::Int(v) => Ok(Some(*v as f64)),
            other => Err(self.wrong(i, "a real number", other.kind())),
        }
    }

    pub fn get_f64(&self, i: usize) -> Result<f64, Error> {
        self.get_opt_f64(i)?
            .ok_or_else(|| self.wrong(i, "a real number", "NULL"))
    }

    pub fn get_opt_str(&self, i: usize) -> Result<Option<&str>, Error> {
        match self.value(i)? {
            Value::Null => Ok(None),
            Value::Text(s) => Ok(Some(s)),
            other => Err(self.wrong(i, "text", other.kind())),
        }
    }

    pub fn get_str(&self, i: usize) -> Result<&str, Error> {
        self.get_opt_str(i)?
            .ok_or_else(|| self.wrong(i, "text", "NULL"))
    }

    pub fn get_opt_string(&self, i: usize) -> Result<Option<String>, Error> {
        Ok(self.get_opt_str(i)?.map(str::to_owned))
    }

    pub fn get_string(&self, i: usize) -> Result<String, Error> {
        self.get_str(i).map(str::to_owned)
    }

    /// Money and rates: TEXT parsed exactly (scale kept, never rounded);
    /// text that is not a decimal is an error naming the column.
    pub fn get_opt_decimal(&self, i: usize) -> Result<Option<Decimal>, Error> {
        match self.get_opt_str(i)? {
            None => Ok(None),
            Some(s) => Decimal::from_str_exact(s)
                .map(Some)
                .map_err(|_| self.wrong(i, "a decimal", s)),
        }
    }

    pub fn get_decimal(&self, i: usize) -> Result<Decimal, Error> {
        self.get_opt_decimal(i)?
            .ok_or_else(|| self.wrong(i, "a decimal", "NULL"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn row(values: Vec<Value>) -> Row {
        let names: Vec<String> = (0..values.len()).map(|i| format!("c{i}")).collect();
        Row::new(names.into(), values)
    }

    #[test]
    fn parameters_convert_without_loss() {
        assert_eq!(Value::from(true), Value::Int(1));
        assert_eq!(Value::from(None::<i64>), Value::Null);
        assert_eq!(Value::from(Some("a")), Value::Text("a".into()));
        assert_eq!(Value::from(dec!(12.50)), Value::Text("12.50".into()));
        assert_eq!(Value::from(i64::MAX), Value::Int(i64::MAX));
    }

    #[test]
    fn getters_read_their_type_and_name_the_column_otherwise() {
        let r = row(vec![
            Value::Int(7),
            Value::Null,
            Value::Text("0.10".into()),
            Value::Text("ten".into()),
            Value::Int(2),
        ]);
        assert_eq!(r.get_i64(0).unwrap(), 7);
        assert_eq!(r.get_opt_i64(1).unwrap(), None);
        assert_eq!(r.get_opt_str(1).unwrap(), None);
        assert_eq!(r.get_decimal(2).unwrap().to_string(), "0.10");
        let e = r.get_decimal(3).unwrap_err().to_string();
        assert!(e.contains("c3") && e.contains("ten"), "{e}");
        let e = r.get_i64(1).unwrap_err().to_string();
        assert!(e.contains("c1") && e.contains("NULL"), "{e}");
        assert!(r.get_str(0).is_err());
        assert!(r.get_bool(4).is_err());
        assert!(r.value(9).is_err());
    }
}
