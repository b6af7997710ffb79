//! Helpers shared by the integration tests: a demo database on a temporary
//! file, a fixed "today", and key events. Each test file uses a subset.
#![allow(dead_code)]

pub mod backends;
pub mod desk;
pub mod pg;
pub mod placing;
pub mod pty;
pub mod simulate;
pub mod stored;

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

/// Checks what must hold of a database after any number of submits, even
/// ones killed half-way: the file is sound, every order is whole, and stock
/// reserved is exactly what orders hold and have not shipped. Returns
/// every violation.
pub fn consistency_problems(conn: &rusqlite::Connection) -> Vec<String> {
    let mut problems = Vec::new();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    if integrity != "ok" {
        problems.push(format!("integrity_check: {integrity}"));
    }
    let mut list = |sql: &str, what: &str| {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok(match r.get::<_, rusqlite::types::Value>(0)? {
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for row in rows {
            problems.push(format!("{what}: {row}"));
        }
    };
    // What orders not cancelled hold and have not shipped.
    let held =
        "COALESCE((SELECT SUM(l.qty_now - COALESCE((SELECT SUM(sl.quantity) FROM shipment_lines sl
                    JOIN shipments s ON s.id = sl.shipment_id
                    WHERE sl.order_line_id = l.id AND s.status = 'shipped'), 0))
                FROM order_lines l JOIN orders o ON o.id = l.order_id
                WHERE l.item_id = v.item_id AND o.status <> 'cancelled'), 0)";
    list(
        &format!(
            "SELECT i.sku || ' reserved ' || v.reserved || ', orders hold ' || {held}
             FROM inventory v JOIN items i ON i.id = v.item_id WHERE v.reserved <> {held}"
        ),
        "reservations do not match orders",
    );
    list(
        "SELECT i.sku FROM inventory v JOIN items i ON i.id = v.item_id WHERE v.reserved > v.on_hand",
        "oversold",
    );
    list(
        "SELECT order_no FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)",
        "order without lines",
    );
    list(
        "SELECT order_no FROM orders o WHERE NOT EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id)",
        "order without shipments",
    );
    list(
        "SELECT order_no FROM orders o WHERE (SELECT COUNT(*) FROM payments p WHERE p.order_id = o.id) <> 1",
        "order without exactly one payment",
    );
    list(
        "SELECT o.order_no || ' line ' || l.line_no FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE l.quantity <> COALESCE((SELECT SUM(quantity) FROM shipment_lines sl WHERE sl.order_line_id = l.id), 0)",
        "line not wholly in shipments",
    );
    list(
        "SELECT o.order_no FROM orders o WHERE o.part = 2 AND NOT EXISTS
           (SELECT 1 FROM orders p WHERE p.id = o.parent_order_id AND p.submit_token = o.submit_token AND p.part = 1)",
        "backorder order without its main order",
    );
    list(
        "SELECT 'next ' || next_no FROM order_number_sequence WHERE next_no <= (SELECT COALESCE(MAX(order_no), 0) FROM orders)",
        "sequence behind the orders",
    );
    problems
}

/// The console on `store` for `operator`, on the tests' fixed day.
pub fn app(
    store: Store,
    operator: &str,
    theme: orderdesk::tui::theme::Theme,
) -> orderdesk::tui::app::App {
    let session = orderdesk::session::Session::new(store, operator, today());
    orderdesk::tui::app::App::new(session, theme)
}

/// F7 and the list of payment methods ("New card" selected): what the
/// step opens by itself (the default card's challenge, a guest's new card
/// form) is closed with Esc.
pub fn payment_list(app: &mut orderdesk::tui::app::App) {
    let press = |app: &mut orderdesk::tui::app::App, c: KeyCode| {
        app.handle_key(key(c));
        app.settle();
    };
    press(app, KeyCode::F(7));
    if app.typing() {
        press(app, KeyCode::Esc);
    }
}
