//! Keys and their hints. Each screen lists its [`Binding`]s; the key bar,
//! the help overlay and the dispatcher all read that one list, so a hint
//! cannot exist for a key that does nothing, nor a key without its hint
//! (docs/design.md).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A screen-level command; what it does depends on the screen handling it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Up,
    Down,
    PageUp,
    PageDown,
    NextField,
    PrevField,
    Enter,
    Back,
    Remove,
    Undo,
    Edit,
    NewCustomer,
    Guest,
    ClearSearch,
    Toggle,
    NextShipTo,
    Submit,
    NewOrder,
    Resume,
    Discard,
    Yes,
    No,
    /// Left/Right on a field chosen from a list.
    PrevChoice,
    NextChoice,
    /// Add an entry (an address to the address book).
    Add,
    /// Ask the customer's challenge question.
    Challenge,
    /// One of a few numbered options (the backorder choice).
    Choose(u8),
}

/// One key (with modifiers) as written in hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }
    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }
    pub const fn char(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    /// Whether `ev` is this key. Shift is ignored for characters (it is in
    /// the character already) and BackTab arrives with or without Shift.
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
        match (self.code, ev.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                let same = if self.mods.contains(KeyModifiers::CONTROL) {
                    a.eq_ignore_ascii_case(&b)
                } else {
                    a == b
                };
                same && (ev.modifiers & relevant) == (self.mods & relevant)
            }
            (KeyCode::BackTab, KeyCode::BackTab) => true,
            (a, b) => a == b && (ev.modifiers & relevant) == (self.mods & relevant),
        }
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Backspace => "Bksp".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("^{}", base.to_uppercase())
        } else {
            base
        }
    }
}

/// Keys → a command, with the hint shown for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub label: &'static str,
    pub cmd: Cmd,
    /// Shown in the key bar (all bindings are in the help overlay).
    pub in_bar: bool,
}

impl Binding {
    pub fn new(keys: &[Key], label: &'static str, cmd: Cmd) -> Binding {
        Binding {
            keys: keys.to_vec(),
            label,
            cmd,
            in_bar: true,
        }
    }
    /// Listed in help only (arrows and the like, obvious in use).
    pub fn help_only(mut self) -> Binding {
        self.in_bar = false;
        self
    }
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(Key::label)
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// The command bound to `ev` in `bindings`, if any.
pub fn lookup(bindings: &[Binding], ev: &KeyEvent) -> Option<Cmd> {
    bindings
        .iter()
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.cmd)
}

/// The usual list movement keys, shared by list screens.
pub fn list_moves() -> Vec<Binding> {
    vec![
        Binding::new(&[Key::plain(KeyCode::Up)], "Up", Cmd::Up).help_only(),
        Binding::new(&[Key::plain(KeyCode::Down)], "Down", Cmd::Down).help_only(),
        Binding::new(&[Key::plain(KeyCode::PageUp)], "Page up", Cmd::PageUp).help_only(),
        Binding::new(&[Key::plain(KeyCode::PageDown)], "Page down", Cmd::PageDown).help_only(),
    ]
}

/// Field movement keys, shared by form screens.
pub fn field_moves() -> Vec<Binding> {
    vec![
        Binding::new(&[Key::plain(KeyCode::Tab)], "Next field", Cmd::NextField).help_only(),
        Binding::new(
            &[Key::plain(KeyCode::BackTab)],
            "Previous field",
            Cmd::PrevField,
        )
        .help_only(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: mods,
            kind: KeyEventKind::Press,
            state: crossterm::event::KeyEventState::NONE,
        }
    }

    #[test]
    fn ctrl_letters_match_either_case_and_plain_do_not() {
        let k = Key::ctrl('f');
        assert!(k.matches(&ev(KeyCode::Char('f'), KeyModifiers::CONTROL)));
        assert!(k.matches(&ev(
            KeyCode::Char('F'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT
        )));
        assert!(!k.matches(&ev(KeyCode::Char('f'), KeyModifiers::NONE)));
        assert!(Key::char('?').matches(&ev(KeyCode::Char('?'), KeyModifiers::SHIFT)));
        assert!(!Key::char('a').matches(&ev(KeyCode::Char('a'), KeyModifiers::ALT)));
        assert!(Key::plain(KeyCode::BackTab).matches(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)));
    }

    #[test]
    fn labels() {
        assert_eq!(Key::ctrl('k').label(), "^K");
        assert_eq!(Key::plain(KeyCode::F(4)).label(), "F4");
        assert_eq!(
            Binding::new(&[Key::plain(KeyCode::F(2)), Key::ctrl('f')], "x", Cmd::Up).keys_label(),
            "F2/^F"
        );
    }
}
