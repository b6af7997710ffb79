//! Generated bulk data for `orderdesk demo --customers N --items M`: many
//! realistic customers and items on top of the demo data, for trying the
//! console (and measuring its searches) at a realistic size.
//!
//! Deterministic: the same counts on the same database give the same rows.
//! Every generated customer has the password [`GENERATED_PASSWORD`]; the
//! challenge answers are those of the demo customers with the same question.
//! Argon2 is slow on purpose, so each secret is hashed once and the PHC
//! string reused.
//!
//! The words (names, cities, streets, item words...) are data under
//! `assets/generator/` (`words.rs`); the formats of numbers and addresses,
//! and the odds of each choice, are code.
//!
//! - `bulk.rs`: the load's transaction, pragmas, index rebuilds.
//! - `customers.rs`: customers and business accounts.
//! - `addresses.rs`: telephone numbers, postal codes, street lines.
//! - `items.rs`: items, prices, stock.
//! - `random.rs`: seeded choices.

mod addresses;
mod bulk;
mod customers;
mod items;
mod random;
mod words;

use super::demo::demo_customers;
use super::Store;
use crate::domain::secret;
use anyhow::{anyhow, Result};
use bulk::{bulk_load, SavedPragmas};
use chrono::NaiveDate;

/// The password of every generated customer.
pub const GENERATED_PASSWORD: &str = "Demo-pass-1";

/// The seed of the generator: the same database and counts give the same data.
const SEED: u64 = 0x0D0E_5EED_2024;

/// Below this many new customers the indexes stay in place; above it they
/// are dropped and rebuilt, which is faster than updating them row by row.
const REBUILD_INDEXES_FROM: u64 = 50_000;

/// Progress is reported every this many rows.
const PROGRESS_EVERY: u64 = 10_000;

impl Store {
    /// Adds `customers` generated customers and `items` generated items to a
    /// database that already holds the demo data (currencies, price lists,
    /// categories, shipping). Deterministic for a given database and counts.
    /// `progress(done, total)` is called every 10,000 rows and at the end.
    pub fn generate(
        &mut self,
        customers: u64,
        items: u64,
        today: NaiveDate,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<()> {
        self.generate_with(customers, items, today, progress, REBUILD_INDEXES_FROM)
    }

    /// [`Store::generate`], rebuilding the indexes instead of updating them
    /// from `rebuild_from` new rows on.
    fn generate_with(
        &mut self,
        customers: u64,
        items: u64,
        today: NaiveDate,
        progress: &mut dyn FnMut(u64, u64),
        rebuild_from: u64,
    ) -> Result<()> {
        let total = customers + items;
        progress(0, total);
        let conn = self.sqlite("generating customers and items")?;
        let existing: i64 = conn.query_row("SELECT count(*) FROM currencies", [], |r| r.get(0))?;
        if existing == 0 {
            return Err(anyhow!(
                "the database has no demo data; load the demo first"
            ));
        }
        // A malformed word list is refused before anything is written.
        words::words()?;
        // Secrets: hashed once each, before the write lock is taken.
        let password_hash = secret::hash(GENERATED_PASSWORD).map_err(|e| anyhow!(e))?;
        let mut challenges: Vec<(String, String)> = Vec::new();
        for c in demo_customers()? {
            if !challenges.iter().any(|(q, _)| *q == c.challenge_question) {
                let h = secret::hash(&secret::normalize_answer(&c.challenge_answer))
                    .map_err(|e| anyhow!(e))?;
                challenges.push((c.challenge_question.clone(), h));
            }
        }
        if challenges.is_empty() {
            challenges.push((
                "Favorite color?".into(),
                secret::hash("blue").map_err(|e| anyhow!(e))?,
            ));
        }

        let saved = SavedPragmas::set_bulk(conn)?;
        let loaded = bulk_load(
            conn,
            customers,
            items,
            rebuild_from,
            today,
            &Secrets {
                password_hash,
                challenges,
            },
            &mut |done| {
                if done % PROGRESS_EVERY == 0 {
                    progress(done, total);
                }
            },
        );
        let restored = saved.restore(conn);
        loaded?;
        restored?;
        progress(total, total);
        // When the load had to go through the WAL (another connection was
        // open), fold it into the database file so the WAL does not stay
        // hundreds of megabytes long; otherwise this finds nothing to do.
        let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        Ok(())
    }
}

/// The hashed secrets every generated customer shares: the password's, and
/// one answer's per challenge question.
pub(super) struct Secrets {
    pub password_hash: String,
    pub challenges: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::demo::demo_items;
    use crate::store::CustomerQuery;
    use rusqlite::Connection;

    fn schema(path: &std::path::Path) -> Vec<String> {
        let conn = Connection::open(path).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master
                 WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name",
            )
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    /// The bulk path (indexes dropped and rebuilt, full-text index rebuilt)
    /// leaves exactly the schema a new database has, and working searches.
    #[test]
    fn bulk_load_restores_indexes_and_triggers() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.db");
        drop(Store::open(&fresh, std::time::Duration::from_secs(5)).unwrap());
        let path = dir.path().join("bulk.db");
        let (mut store, _) = Store::open(&path, std::time::Duration::from_secs(5)).unwrap();
        let today = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
        store.load_demo(today).unwrap();
        // The connection's settings the load changes are put back.
        let settings = |store: &Store| -> Vec<i64> {
            let conn = store.sqlite("the test").unwrap();
            ["synchronous", "cache_size", "threads", "foreign_keys"]
                .iter()
                .map(|p| {
                    conn.query_row(&format!("PRAGMA {p}"), [], |r| r.get(0))
                        .unwrap()
                })
                .collect()
        };
        let before = settings(&store);
        store
            .generate_with(300, 200, today, &mut |_, _| {}, 1)
            .unwrap();
        assert_eq!(settings(&store), before);
        assert_eq!(schema(&path), schema(&fresh));
        // A search through each index, and the full-text index has every item
        // (the demo's too), and new items still reach it through the trigger.
        let conn = Connection::open(&path).unwrap();
        let (first, last, email, phone, postal): (String, String, String, String, String) = conn
            .query_row(
                "SELECT c.first_name, c.last_name, c.email, c.phone, a.postal_code FROM customers c
                 JOIN addresses a ON a.customer_id = c.id AND a.is_default_shipping = 1 ORDER BY c.id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        let q = CustomerQuery {
            first_name: first,
            last_name: last,
            email,
            phone,
            postal,
            ..Default::default()
        };
        assert_eq!(store.search_customers(&q, 201).unwrap().len(), 1);
        let fts: i64 = conn
            .query_row("SELECT count(*) FROM items_fts", [], |r| r.get(0))
            .unwrap();
        let items: i64 = conn
            .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fts, items);
        let demo_word = demo_items().unwrap()[0]
            .name
            .split(' ')
            .next()
            .unwrap()
            .to_string();
        assert!(!store
            .search_items(crate::domain::money::Currency::USD, &demo_word, 10)
            .unwrap()
            .is_empty());
        store.generate(0, 5, today, &mut |_, _| {}).unwrap();
        let fts: i64 = conn
            .query_row("SELECT count(*) FROM items_fts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fts, items + 5);
    }
}
