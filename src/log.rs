//! The operations log: one line per event worth knowing after the fact —
//! start, the database opened, each submit with its order numbers and how
//! long it took, each refusal (its rule, not its text), errors and panics.
//! Ids only: no names, addresses or anything of a card. A file a day under
//! the state folder (`$XDG_STATE_HOME/orderdesk/`, else the data folder),
//! kept private (0700 folder).

use std::path::PathBuf;
use tracing_appender::non_blocking::WorkerGuard;

/// Where the log goes: `ORDERDESK_LOG_DIR`, else the state folder.
pub fn folder() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ORDERDESK_LOG_DIR") {
        return Some(PathBuf::from(dir));
    }
    let dirs = directories::ProjectDirs::from("", "", "orderdesk")?;
    Some(
        dirs.state_dir()
            .map(|d| d.to_path_buf())
            .unwrap_or_else(|| dirs.data_dir().join("log")),
    )
}

/// Starts the log; the guard flushes it when dropped (keep it for the
/// process's life). A log that cannot be opened is no reason not to take
/// orders: the console runs without it.
pub fn init() -> Option<WorkerGuard> {
    let dir = folder()?;
    if std::fs::create_dir_all(&dir).is_err() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
    }
    let file = tracing_appender::rolling::daily(&dir, "orderdesk.log");
    let (writer, guard) = tracing_appender::non_blocking(file);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false)
        .try_init()
        .ok()?;
    Some(guard)
}
