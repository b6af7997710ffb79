//! The demo data on a new PostgreSQL store. The demo loader and the
//! generator write SQLite (demo.rs, generate/), so the data is made in a
//! scratch SQLite file and moved over by `orderdesk migrate`'s code, which
//! checks the file, copies it in one transaction and commits only when
//! every count and total matches.

use super::move_to_postgres::move_to_postgres;
use super::{create_private_folder, Store};
use anyhow::{anyhow, Context, Result};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A private (0700) folder of its own under the system's temporary
/// folder, removed with what is in it when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let dir =
            std::env::temp_dir().join(format!("orderdesk-demo-{}-{nanos}", std::process::id()));
        if dir.exists() {
            return Err(anyhow!("{}: already there; try again", dir.display()));
        }
        create_private_folder(&dir)
            .with_context(|| format!("cannot make the scratch folder {}", dir.display()))?;
        Ok(Scratch(dir))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Store {
    /// Fills this new, empty PostgreSQL store with the demo data, dates
    /// relative to `today`, and `customers` and `items` generated beside it
    /// (`progress(done, total)` as they are, then `moving(line)` as each
    /// table is moved); the login loading it is its admin, as on SQLite.
    /// All or nothing: a failed move leaves no row of it.
    pub fn load_demo_on_postgres(
        &self,
        today: NaiveDate,
        busy: Duration,
        customers: u64,
        items: u64,
        progress: &mut dyn FnMut(u64, u64),
        moving: &mut dyn FnMut(&str),
    ) -> Result<()> {
        let params = self.postgres_params().ok_or_else(|| {
            anyhow!("the demo data goes to PostgreSQL only from a PostgreSQL store")
        })?;
        let scratch = Scratch::new()?;
        let file = scratch.path().join("demo.db");
        {
            let (mut demo, _) = Store::open(&file, busy).map_err(|e| anyhow!("{e}"))?;
            demo.load_demo(today)?;
            if customers + items > 0 {
                demo.generate(customers, items, today, progress)?;
            }
        }
        move_to_postgres(&file, params, busy, moving)
            .context("moving the demo data to PostgreSQL")?;
        Ok(())
    }
}
