//! The database file before SQLite opens it: which paths are files,
//! the modes of new files and folders, and what an existing file's
//! header says (an orderdesk database, and at which schema version).

use super::{migrate, OpenError, APPLICATION_ID};
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// What the 100-byte header of an existing, non-empty file says.
pub(crate) struct Header {
    pub(crate) user_version: i64,
    pub(crate) application_id: u32,
}

/// Refuses what is not a plain file path: SQLite would read `file:` and
/// `…://…` as URIs (or as odd file names), `postgres:/…` would become a
/// folder named `postgres:`, and `:memory:` or an empty name is a database
/// that vanishes when the program ends.
pub fn check_file_path(path: &Path) -> Result<(), OpenError> {
    let text = path.to_string_lossy();
    let lower = text.to_ascii_lowercase();
    // `postgres:/host/db`, `sqlite:orders.db`: a scheme, not a folder name.
    let scheme = lower.split_once(':').is_some_and(|(s, _)| {
        s.len() >= 2
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    if text.trim().is_empty()
        || lower == ":memory:"
        || scheme
        || lower.contains("://")
        || lower.contains("mode=memory")
    {
        return Err(OpenError::NotAFile(text.into_owned()));
    }
    Ok(())
}

/// The mode of a new database file in `dir`: 0600, or 0660 when the
/// folder is shared by a group (it has the setgid bit or is group-writable),
/// so a call centre's operators in one group share one database. SQLite
/// gives the -wal, -shm and -journal files the database file's mode.
pub fn new_file_mode(dir: &Path) -> u32 {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    match std::fs::metadata(dir) {
        Ok(m) if m.permissions().mode() & 0o2020 != 0 => 0o660,
        _ => 0o600,
    }
}

/// Creates `dir` and any missing folders above it with mode 0700 (set
/// explicitly, whatever the umask); folders already there are left alone.
pub fn create_private_folder(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_private_folder(parent)?;
    }
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) => Err(e),
    }
}

/// Creates `path` (which must not exist) with `mode`, set explicitly so
/// the umask cannot widen or narrow it.
pub(crate) fn create_private_file(path: &Path, mode: u32) -> std::io::Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    Ok(file)
}

/// Reads the header of an existing file without opening it as a
/// database: nothing is written, no journal or WAL is made.
pub(crate) fn read_header(path: &Path) -> Result<Option<Header>, OpenError> {
    let p = || path.to_path_buf();
    let mut head = Vec::with_capacity(100);
    std::fs::File::open(path)
        .and_then(|f| f.take(100).read_to_end(&mut head))
        .map_err(|e| OpenError::Other(p(), e.to_string()))?;
    if head.is_empty() {
        return Ok(None);
    }
    if head.len() < 100 || &head[..16] != SQLITE_MAGIC {
        return Err(OpenError::NotSqlite(p()));
    }
    let word = |at: usize| u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    Ok(Some(Header {
        user_version: i64::from(word(60) as i32),
        application_id: word(68),
    }))
}

/// Checks an existing file is orderdesk's before anything opens it:
/// `None` for an empty file. Shared by [`Store::open_with`] and
/// `orderdesk check`.
pub(crate) fn inspect_existing(path: &Path) -> Result<Option<i64>, OpenError> {
    let p = || path.to_path_buf();
    let meta = std::fs::metadata(path).map_err(|e| OpenError::Other(p(), e.to_string()))?;
    if !meta.is_file() {
        return Err(OpenError::Other(p(), "not a file".into()));
    }
    let Some(header) = read_header(path)? else {
        return Ok(None);
    };
    if header.application_id != APPLICATION_ID {
        return Err(OpenError::Foreign {
            path: p(),
            application_id: header.application_id,
        });
    }
    if header.user_version > migrate::LATEST {
        return Err(OpenError::NewerSchema {
            path: p(),
            found: header.user_version,
            known: migrate::LATEST,
        });
    }
    Ok(Some(header.user_version))
}
