//! Drives the App as the event loop does (a key, then `settle`) on
//! ratatui's TestBackend at 80x24, over a demo database on a temporary
//! file, and reads the screen back as text.

use super::{chars, ctrl, demo_store, key, shift_tab, BUSY};
use crossterm::event::{KeyCode, KeyEvent};
use orderdesk::store::Store;
use orderdesk::tui::app::{App, Step};
use orderdesk::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use ratatui::Terminal;
use std::path::PathBuf;
use tempfile::TempDir;

const CARD: &str = "4111111111111111";

pub struct Desk {
    pub _dir: TempDir,
    pub path: PathBuf,
    pub app: App,
    pub term: Terminal<TestBackend>,
}

impl Desk {
    pub fn new() -> Desk {
        Desk::with_theme(Theme { mono: false })
    }

    pub fn with_theme(theme: Theme) -> Desk {
        let (dir, path, store) = demo_store();
        Desk::on(dir, path, store, theme)
    }

    pub fn on(dir: TempDir, path: PathBuf, store: Store, theme: Theme) -> Desk {
        let app = crate::common::app(store, "alice", theme);
        let term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        Desk {
            _dir: dir,
            path,
            app,
            term,
        }
    }

    /// A second console on the same database file, its operator `bob`.
    pub fn beside(&self) -> Desk {
        let (store, created) = Store::open(&self.path, BUSY).unwrap();
        assert!(!created, "the same database");
        let app = crate::common::app(store, "bob", self.app.theme);
        Desk {
            _dir: tempfile::tempdir().unwrap(),
            path: self.path.clone(),
            app,
            term: Terminal::new(TestBackend::new(80, 24)).unwrap(),
        }
    }

    /// What the event loop does once typing pauses (tui/terminal.rs):
    /// what is typed and not yet confirmed is saved with the draft.
    pub fn pause(&mut self) {
        self.app.save_typed();
    }

    /// The console goes away without quitting (a dropped connection, a
    /// killed process: nothing more is saved, the draft is not let go),
    /// and a new console of the same operator starts on the same file.
    pub fn restart(self) -> Desk {
        let Desk {
            _dir, path, app, ..
        } = self;
        let theme = app.theme;
        drop(app);
        let (store, created) = Store::open(&path, BUSY).unwrap();
        assert!(!created, "the same database");
        Desk::on(_dir, path, store, theme)
    }

    /// One key as the event loop handles it: dispatch, then settle.
    pub fn press(&mut self, k: KeyEvent) {
        self.app.handle_key(k);
        self.app.settle();
    }

    pub fn code(&mut self, c: KeyCode) {
        self.press(key(c));
    }

    pub fn type_text(&mut self, text: &str) {
        for k in chars(text) {
            self.press(k);
        }
    }

    /// Draws and returns the screen, one line per row, right-trimmed.
    pub fn screen(&mut self) -> String {
        self.lines().join("\n")
    }

    pub fn lines(&mut self) -> Vec<String> {
        let app = &self.app;
        self.term.draw(|f| app.draw(f)).unwrap();
        let buf = self.term.backend().buffer();
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf.cell((x, y)).unwrap().symbol().to_string())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect()
    }

    /// The screen row holding `text`, drawn fresh.
    pub fn row_with(&mut self, text: &str) -> Option<(usize, String)> {
        self.lines()
            .into_iter()
            .enumerate()
            .find(|(_, l)| l.contains(text))
    }

    /// The list row of `key` (a SKU, a name): a row starting with the
    /// selection marker or its blank twin, then `key`.
    pub fn list_row(&mut self, key: &str) -> Option<String> {
        self.lines()
            .into_iter()
            .find(|l| l.starts_with(&format!("> {key}")) || l.starts_with(&format!("  {key}")))
    }

    /// Whether every cell of `text` on `row` is drawn reversed.
    pub fn reversed_at(&self, row: usize, text_start: usize, len: usize) -> bool {
        let buf = self.term.backend().buffer();
        (text_start..text_start + len).all(|x| {
            buf.cell((x as u16, row as u16))
                .unwrap()
                .modifier
                .contains(Modifier::REVERSED)
        })
    }

    /// Picks the first customer whose last name starts with `last`.
    pub fn pick(&mut self, last: &str) {
        self.type_text(last);
        self.code(KeyCode::Enter);
        assert_eq!(self.app.step, Step::Catalog, "picking goes to the catalog");
    }

    /// Adds `qty` of the first catalog match for `search`.
    pub fn add(&mut self, search: &str, qty: u32) {
        self.code(KeyCode::Esc); // clear the search
        self.type_text(search);
        self.code(KeyCode::Tab);
        self.press(ctrl('u'));
        self.type_text(&qty.to_string());
        self.code(KeyCode::Enter);
        self.press(shift_tab());
    }

    /// Jane Doe with two tents, Ground chosen: ready but for payment.
    pub fn jane_with_tents() -> Desk {
        let mut d = Desk::new();
        d.pick("doe");
        d.add("TNT-2001", 2);
        d.code(KeyCode::F(6));
        d.code(KeyCode::Enter); // the line's ship-to: its methods
        d.code(KeyCode::Enter); // the first, Ground
        assert_eq!(d.app.order().ship_tos[0].method.as_deref(), Some("GROUND"));
        d
    }

    /// F7 and the list of payment methods ("New card" selected): what the
    /// step opens by itself (the default card's challenge, a guest's new
    /// card form) is closed.
    pub fn payment_list(&mut self) {
        crate::common::payment_list(&mut self.app);
    }

    pub fn pay_by_card(&mut self) {
        self.payment_list();
        self.code(KeyCode::Enter); // New card
        self.type_text(CARD);
        self.code(KeyCode::Tab);
        self.type_text("12/30");
        self.code(KeyCode::Tab);
        self.type_text("123");
        self.code(KeyCode::Enter);
    }
}
