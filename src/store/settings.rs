//! Settings (key/value) and the audit trail. The SQL is written once, for
//! both backends ([`setting`], [`set_setting`], [`audit`] on a
//! [`Sql`] handle); the `Store` methods run it on the store's connection.

use super::db::{self, Sql};
use super::{now_text, Store};

/// A setting's value; None when it is not set.
pub fn setting(sql: Sql<'_>, key: &str) -> Result<Option<String>, db::Error> {
    sql.query_opt("SELECT value FROM settings WHERE key = ?1", &[key.into()])?
        .map(|r| r.get_string(0))
        .transpose()
}

/// Sets a setting, replacing any value it had.
pub fn set_setting(sql: Sql<'_>, key: &str, value: &str) -> Result<(), db::Error> {
    sql.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[key.into(), value.into()],
    )?;
    Ok(())
}

/// One audit row, stamped now; its id.
pub fn audit(
    sql: Sql<'_>,
    operator: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<i64, db::Error> {
    sql.query_row(
        "INSERT INTO audit (at, operator, action, subject, detail)
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        &[
            now_text().into(),
            operator.into(),
            action.into(),
            subject.into(),
            detail.into(),
        ],
    )?
    .get_i64(0)
}

impl Store {
    pub fn setting(&self, key: &str) -> rusqlite::Result<Option<String>> {
        Ok(setting(self.sql(), key)?)
    }

    /// The store's country for guests and new addresses (setting
    /// `default_country`, ISO 3166 alpha-2), None when none is set: the
    /// forms then start with the country empty.
    pub fn default_country(&self) -> rusqlite::Result<Option<String>> {
        Ok(self
            .setting("default_country")?
            .map(|c| crate::domain::text::clean(c.trim()).to_ascii_uppercase())
            .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic())))
    }

    /// The store's shipping method for an order whose customer has no
    /// last one (setting `default_shipping_method`, a method code).
    pub fn default_method(&self) -> rusqlite::Result<Option<String>> {
        Ok(self
            .setting("default_shipping_method")?
            .map(|c| crate::domain::text::clean(c.trim()))
            .filter(|c| !c.is_empty()))
    }

    pub fn set_setting(&self, key: &str, value: &str) -> rusqlite::Result<()> {
        Ok(set_setting(self.sql(), key, value)?)
    }

    pub fn audit(
        &self,
        operator: &str,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> rusqlite::Result<()> {
        audit(self.sql(), operator, action, subject, detail)?;
        Ok(())
    }
}
