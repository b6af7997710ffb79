//! The order in progress kept in a private file on this computer while the
//! database cannot take its draft (a PostgreSQL server away): written when
//! a draft save fails, removed once one succeeds, and handed back to the
//! database as the operator's draft when their next console starts — so a
//! console closed during an outage loses nothing it had.

use crate::domain::order::Order;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file of one operator's unsaved order.
pub struct Unsaved {
    path: PathBuf,
}

impl Unsaved {
    /// In `folder` (made private if missing), named for the operator.
    pub fn in_folder(folder: &Path, operator: &str) -> Unsaved {
        let name: String = operator
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        Unsaved {
            path: folder.join(format!("{name}.json")),
        }
    }

    /// Writes the order (readable by this user only), replacing what was
    /// kept before in one rename.
    pub fn keep(&self, order: &Order) -> std::io::Result<()> {
        let folder = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder)?;
        let data = serde_json::to_vec(order).map_err(std::io::Error::other)?;
        let part = self.path.with_extension("json.part");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            options.mode(0o600);
            std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700))?;
        }
        let mut file = options.open(&part)?;
        file.write_all(&data)?;
        file.sync_all()?;
        std::fs::rename(&part, &self.path)
    }

    /// The kept order, if there is one that reads.
    pub fn read(&self) -> Option<Order> {
        let data = std::fs::read(&self.path).ok()?;
        serde_json::from_slice(&data).ok()
    }

    /// Forgets the kept order: the database has it now. A file that cannot
    /// be removed comes back as a draft next time; placing that gives the
    /// order already placed (the same submit token).
    pub fn clear(&self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
