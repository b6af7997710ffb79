//! `orderdesk backup PATH`: a copy of the database made while operators
//! keep working. SQLite's online backup copies every page in one step, so
//! it reads one snapshot (every order committed before it began, none half
//! written) while writers go on in the WAL; the copy is then checked with
//! `integrity_check`. The copy is a new file of mode 0600: an existing file
//! is never overwritten, and a copy that fails is removed.

use super::{check_file_path, create_private_file, one_line, Store, APPLICATION_ID};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a finished backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupDone {
    pub path: PathBuf,
    pub bytes: u64,
    pub orders: i64,
    pub elapsed: Duration,
}

#[derive(Debug)]
pub enum BackupError {
    /// The copy's path is not a plain file path (a URI, `:memory:`).
    NotAFile(String),
    /// A file is already there; backups never overwrite.
    Exists(PathBuf),
    /// The folder for the copy does not exist.
    NoFolder(PathBuf),
    /// Writers kept the database locked past the wait.
    Busy(PathBuf),
    /// The copy failed its integrity check (and was removed).
    CopyDamaged(PathBuf, String),
    Other(PathBuf, String),
}

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupError::NotAFile(s) => write!(
                f,
                "{s}: a backup is written to a file path (no URI, no in-memory database)"
            ),
            BackupError::Exists(p) => write!(
                f,
                "{}: a file is already there; a backup never overwrites, choose a new name",
                p.display()
            ),
            BackupError::NoFolder(p) => write!(
                f,
                "{}: the folder {} does not exist",
                p.display(),
                p.parent()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default()
            ),
            BackupError::Busy(p) => write!(
                f,
                "{}: the database stayed busy; nothing was copied, try again",
                p.display()
            ),
            BackupError::CopyDamaged(p, why) => write!(
                f,
                "{}: the copy failed its integrity check ({why}); it was removed",
                p.display()
            ),
            BackupError::Other(p, e) => write!(
                f,
                "{}: backup failed: {e}; the copy was removed",
                p.display()
            ),
        }
    }
}

impl std::error::Error for BackupError {}

/// Removes the copy and the journal files SQLite may have left beside it.
fn remove_copy(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

impl Store {
    /// Copies the database to `dest`, a new file (mode 0600), while other
    /// connections keep reading and writing; waits up to `busy_timeout`
    /// when the source is locked. The copy is checked with
    /// `integrity_check` before this returns.
    pub fn backup(&self, dest: &Path, busy_timeout: Duration) -> Result<BackupDone, BackupError> {
        let started = Instant::now();
        check_file_path(dest).map_err(|_| BackupError::NotAFile(dest.display().to_string()))?;
        let d = || dest.to_path_buf();
        if std::fs::symlink_metadata(dest).is_ok() {
            return Err(BackupError::Exists(d()));
        }
        let dir = dest.parent().unwrap_or(Path::new(""));
        if !dir.as_os_str().is_empty() && !dir.is_dir() {
            return Err(BackupError::NoFolder(d()));
        }
        // Made here, so its mode is 0600 whatever the umask; SQLite's
        // journal beside it takes the same mode.
        match create_private_file(dest, 0o600) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(BackupError::Exists(d()))
            }
            Err(e) => return Err(BackupError::Other(d(), e.to_string())),
        }
        match self.copy_to(dest, busy_timeout) {
            Ok(orders) => {
                let bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
                Ok(BackupDone {
                    path: d(),
                    bytes,
                    orders,
                    elapsed: started.elapsed(),
                })
            }
            Err(e) => {
                remove_copy(dest);
                Err(e)
            }
        }
    }

    /// Fills the (new, empty) file at `dest`, checks it, and syncs it.
    /// Returns how many orders the copy holds.
    fn copy_to(&self, dest: &Path, busy_timeout: Duration) -> Result<i64, BackupError> {
        let d = || dest.to_path_buf();
        let other = |e: rusqlite::Error| BackupError::Other(dest.to_path_buf(), one_line(&e));
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        {
            let mut to = Connection::open_with_flags(dest, flags).map_err(other)?;
            let source = self
                .sqlite("the copy of the database file (pg_dump does it there)")
                .map_err(|e| BackupError::Other(d(), e.to_string()))?;
            let backup = Backup::new(source, &mut to).map_err(other)?;
            let waited = Instant::now();
            loop {
                // Every page in one step: one read transaction on the source,
                // one consistent snapshot; writers are not held up (WAL).
                match backup.step(-1).map_err(other)? {
                    StepResult::Done => break,
                    StepResult::More => {}
                    // Busy or Locked: another connection holds the lock.
                    _ => {
                        if waited.elapsed() > busy_timeout {
                            return Err(BackupError::Busy(
                                self.path().map(Path::to_path_buf).unwrap_or_default(),
                            ));
                        }
                        std::thread::sleep(Duration::from_millis(50));
                    }
                }
            }
        }
        // A fresh connection reads the copy from the file itself.
        let copy = Connection::open_with_flags(dest, flags).map_err(other)?;
        let verdict: String = copy
            .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
            .map_err(|e| BackupError::CopyDamaged(d(), one_line(&e)))?;
        if verdict != "ok" {
            return Err(BackupError::CopyDamaged(d(), verdict));
        }
        let (id, orders): (i64, i64) = copy
            .query_row(
                "SELECT (SELECT application_id FROM pragma_application_id),
                        (SELECT COUNT(*) FROM orders)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(other)?;
        if id as u32 != APPLICATION_ID {
            return Err(BackupError::CopyDamaged(
                d(),
                "no orderdesk application id".into(),
            ));
        }
        copy.close().map_err(|(_, e)| other(e))?;
        // On disk before we say it is done: the file, and its name in the folder.
        std::fs::File::open(dest)
            .and_then(|f| f.sync_all())
            .map_err(|e| BackupError::Other(d(), e.to_string()))?;
        let dir = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if let Ok(f) = std::fs::File::open(dir) {
            let _ = f.sync_all();
        }
        Ok(orders)
    }
}
