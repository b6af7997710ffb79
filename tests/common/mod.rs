//! Helpers shared by the integration tests: a demo database on a temporary
//! file, a fixed "today", and key events. Each test file uses a subset.
#![allow(dead_code)]

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use orderdesk::store::Store;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;

/// Every test runs on the same day so dates on screen are stable.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

/// A short busy timeout keeps the lock tests fast.
pub const BUSY: Duration = Duration::from_millis(200);

/// A fresh temporary folder and the database path inside it.
pub fn temp_db() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orderdesk.db");
    (dir, path)
}

/// A new database at `path` filled with the demo data.
pub fn open_demo(path: &Path) -> Store {
    let (mut store, created) = Store::open(path, BUSY).unwrap();
    assert!(created, "a new file must report created");
    store.load_demo(today()).unwrap();
    store
}

/// A temporary demo database; keep the TempDir alive as long as the store.
pub fn demo_store() -> (TempDir, PathBuf, Store) {
    let (dir, path) = temp_db();
    let store = open_demo(&path);
    (dir, path, store)
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent {
        code,
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }
}

pub fn shift_tab() -> KeyEvent {
    KeyEvent {
        code: KeyCode::BackTab,
        modifiers: KeyModifiers::SHIFT,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }
}

/// The characters of `text` as key presses.
pub fn chars(text: &str) -> Vec<KeyEvent> {
    text.chars().map(|c| key(KeyCode::Char(c))).collect()
}
