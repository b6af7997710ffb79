//! Waiting for another program's lock. SQLite calls [`handler`] each time
//! a statement finds the database locked; it waits a little and says
//! whether to try again, up to the connection's busy timeout. Whoever runs
//! the console registers [`on_wait`] to be told while the wait goes on, so
//! the operator sees "waiting for the database…" instead of a frozen
//! screen, and may give up with Ctrl+C.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The longest wait before a statement gives up as busy (milliseconds).
static TIMEOUT_MS: AtomicU64 = AtomicU64::new(5_000);

type Waiting = Box<dyn Fn(Duration) -> bool + Send + Sync>;

static ON_WAIT: OnceLock<Waiting> = OnceLock::new();

thread_local! {
    /// When the current wait started (the handler's first call of it).
    static STARTED: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// How long one step of waiting sleeps.
const STEP: Duration = Duration::from_millis(10);

pub(crate) fn set_timeout(timeout: Duration) {
    TIMEOUT_MS.store(timeout.as_millis() as u64, Ordering::Relaxed);
}

/// Registers what to do while a statement waits for a lock: called with
/// how long it has waited; returning false gives up (the statement fails
/// as busy). Registered once per process; later calls are ignored.
pub fn on_wait(f: impl Fn(Duration) -> bool + Send + Sync + 'static) {
    let _ = ON_WAIT.set(Box::new(f));
}

/// SQLite's busy handler: `count` is how often it was called for this
/// wait before.
pub(crate) fn handler(count: i32) -> bool {
    let started = STARTED.with(|s| {
        if count == 0 || s.get().is_none() {
            s.set(Some(Instant::now()));
        }
        s.get().unwrap_or_else(Instant::now)
    });
    let waited = started.elapsed();
    if waited >= Duration::from_millis(TIMEOUT_MS.load(Ordering::Relaxed)) {
        return false;
    }
    if let Some(f) = ON_WAIT.get() {
        if !f(waited) {
            return false;
        }
    }
    std::thread::sleep(STEP);
    true
}
