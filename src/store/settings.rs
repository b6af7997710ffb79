//! Settings (key/value) and the audit trail.

use super::{now_text, Store};
use rusqlite::{params, OptionalExtension};

impl Store {
    pub fn setting(&self, key: &str) -> rusqlite::Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
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
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    pub fn audit(
        &self,
        operator: &str,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO audit (at, operator, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![now_text(), operator, action, subject, detail],
        )?;
        Ok(())
    }
}
