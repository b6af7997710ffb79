//! A one-line text field: cursor, insert, delete, Home/End, a length limit
//! shown beside it, and a validation message next to it.
//!
//! Its editing keys are one table, [`editing_keys`]: the field dispatches
//! them from it and the help overlay lists it under "Typing in a field".
//! Any other plain character is typed. The screen's own bindings come
//! first (tui/keymap.rs), so a field sees only the keys its screen leaves.

use crate::domain::text::clean;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;
use tui_input::{Input, InputRequest};
use unicode_width::UnicodeWidthStr;

/// What an editing key does in a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    CursorLeft,
    CursorRight,
    CursorStart,
    CursorEnd,
    DeleteBack,
    DeleteForward,
    DeleteWordBack,
    ClearField,
}

/// The editing keys of every text field, in the order help lists them.
pub fn editing_keys() -> Vec<Binding<Edit>> {
    vec![
        Binding::new(
            &[Key::plain(KeyCode::Left)],
            "Cursor left",
            Edit::CursorLeft,
        ),
        Binding::new(
            &[Key::plain(KeyCode::Right)],
            "Cursor right",
            Edit::CursorRight,
        ),
        Binding::new(
            &[Key::plain(KeyCode::Home)],
            "To the start",
            Edit::CursorStart,
        ),
        Binding::new(&[Key::plain(KeyCode::End)], "To the end", Edit::CursorEnd),
        Binding::new(
            &[Key::plain(KeyCode::Backspace)],
            "Delete left",
            Edit::DeleteBack,
        ),
        Binding::new(
            &[Key::plain(KeyCode::Delete)],
            "Delete right",
            Edit::DeleteForward,
        ),
        Binding::new(&[Key::ctrl('w')], "Delete word", Edit::DeleteWordBack),
        Binding::new(&[Key::ctrl('u')], "Clear field", Edit::ClearField),
    ]
}

impl Edit {
    fn request(self) -> InputRequest {
        match self {
            Edit::CursorLeft => InputRequest::GoToPrevChar,
            Edit::CursorRight => InputRequest::GoToNextChar,
            Edit::CursorStart => InputRequest::GoToStart,
            Edit::CursorEnd => InputRequest::GoToEnd,
            Edit::DeleteBack => InputRequest::DeletePrevChar,
            Edit::DeleteForward => InputRequest::DeleteNextChar,
            Edit::DeleteWordBack => InputRequest::DeletePrevWord,
            Edit::ClearField => InputRequest::DeleteLine,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TextField {
    pub label: &'static str,
    /// The value and cursor; editing is tui-input's (grapheme-aware).
    input: Input,
    pub max_len: usize,
    /// Shown as dots (security code).
    pub masked: bool,
    pub error: Option<String>,
}

impl TextField {
    pub fn new(label: &'static str, max_len: usize) -> TextField {
        TextField {
            label,
            input: Input::default(),
            max_len,
            masked: false,
            error: None,
        }
    }

    pub fn masked(mut self) -> TextField {
        self.masked = true;
        self
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Sets the value, whole: a stored value longer than the limit is kept
    /// and shown as it is (only typing past the limit is refused).
    pub fn set(&mut self, value: &str) {
        self.input = Input::new(clean(value));
        self.error = None;
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    /// Inserts text (typed or pasted), cleaned of control characters. Text
    /// past the limit is refused with a message, never cut silently.
    pub fn insert(&mut self, text: &str) {
        let text = clean(text);
        let room = self.max_len.saturating_sub(self.value().chars().count());
        if text.chars().count() > room {
            self.error = Some(format!("{} characters at most", self.max_len));
            return;
        }
        for c in text.chars() {
            self.input.handle(InputRequest::InsertChar(c));
        }
        self.error = None;
    }

    /// A key for the field: an editing key from [`editing_keys`], or a
    /// plain character to type. Returns false for keys a field does not use.
    pub fn handle_key(&mut self, key: &KeyEvent) -> bool {
        // Arrows, Home/End, Backspace and Delete edit with any modifier
        // held; the table names them bare.
        let bare = match key.code {
            KeyCode::Char(_) => *key,
            _ => KeyEvent {
                modifiers: KeyModifiers::NONE,
                ..*key
            },
        };
        if let Some(edit) = lookup(&editing_keys(), &bare) {
            self.edit(edit);
            return true;
        }
        match key.code {
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                self.insert(&c.to_string());
                true
            }
            _ => false,
        }
    }

    /// Carries out one editing command.
    pub fn edit(&mut self, edit: Edit) {
        if self
            .input
            .handle(edit.request())
            .is_some_and(|changed| changed.value)
        {
            self.error = None;
        }
    }

    /// Draws `label: [value____] n/max  message` on one row; places the
    /// terminal cursor when focused.
    pub fn draw(&self, f: &mut Frame, area: Rect, label_width: u16, focused: bool, theme: Theme) {
        if area.height == 0 || area.width < label_width + 4 {
            return;
        }
        let shown: String = if self.masked {
            "•".repeat(self.value().chars().count())
        } else {
            self.value().to_string()
        };
        let box_width = (self.max_len.min(40) as u16 + 1).min(area.width - label_width - 2);
        // Keep the cursor in view for values longer than the box.
        let cursor_col = if self.masked {
            self.input.cursor()
        } else {
            self.input.visual_cursor()
        };
        let skip = cursor_col.saturating_sub(box_width as usize - 1);
        let visible: String = {
            let mut out = String::new();
            let mut w = 0;
            let mut skipped = 0;
            for c in shown.chars() {
                let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                if skipped < skip {
                    skipped += cw;
                    continue;
                }
                if w + cw > box_width as usize {
                    break;
                }
                w += cw;
                out.push(c);
            }
            out
        };
        let pad = (box_width as usize).saturating_sub(visible.width());
        let marker = if focused { ">" } else { " " };
        let mut spans = vec![
            Span::styled(
                format!("{marker}{:<w$}", self.label, w = label_width as usize - 1),
                if focused {
                    theme.title()
                } else {
                    theme.label()
                },
            ),
            Span::styled(
                format!("{visible}{}", "_".repeat(pad)),
                if focused {
                    theme.focused_field()
                } else {
                    theme.dim()
                },
            ),
        ];
        if let Some(err) = &self.error {
            spans.push(Span::styled(format!(" ! {err}"), theme.error()));
        } else if focused {
            let counter = format!(" {}/{}", self.value().chars().count(), self.max_len);
            let used = label_width as usize + box_width as usize;
            if used + counter.len() <= area.width as usize {
                spans.push(Span::styled(counter, theme.dim()));
            }
        }
        f.render_widget(Line::from(spans), area);
        if focused {
            let x = area.x + label_width + (cursor_col - skip) as u16;
            f.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEventKind, KeyEventState};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }
    }

    #[test]
    fn edits_at_the_cursor() {
        let mut t = TextField::new("Name", 10);
        for c in "Zoe".chars() {
            t.handle_key(&key(KeyCode::Char(c)));
        }
        t.handle_key(&key(KeyCode::Left));
        t.handle_key(&key(KeyCode::Backspace));
        assert_eq!(t.value(), "Ze");
        t.handle_key(&key(KeyCode::Home));
        t.handle_key(&key(KeyCode::Delete));
        assert_eq!(t.value(), "e");
        t.handle_key(&key(KeyCode::End));
        t.handle_key(&key(KeyCode::Char('ë')));
        assert_eq!(t.value(), "eë");
    }

    #[test]
    fn backspace_removes_a_whole_grapheme_and_words_go_with_ctrl_w() {
        let mut t = TextField::new("Name", 20);
        t.insert("Rene\u{301}");
        t.handle_key(&key(KeyCode::Backspace));
        assert_eq!(t.value(), "Ren");
        t.insert(" Dupont");
        let ctrl_w = KeyEvent {
            modifiers: KeyModifiers::CONTROL,
            ..key(KeyCode::Char('w'))
        };
        t.handle_key(&ctrl_w);
        assert_eq!(t.value().trim_end(), "Ren");
    }

    #[test]
    fn every_editing_key_in_the_table_edits_and_no_other_chord_does() {
        for b in editing_keys() {
            let mut t = TextField::new("Name", 20);
            t.insert("ab cd");
            t.handle_key(&key(KeyCode::Left));
            let before = (t.value().to_string(), t.input.cursor());
            assert!(t.handle_key(&b.keys[0].event()), "{}", b.label);
            let after = (t.value().to_string(), t.input.cursor());
            assert_ne!(before, after, "{} did nothing", b.label);
        }
        let mut t = TextField::new("Name", 20);
        t.insert("ab");
        let ctrl_a = KeyEvent {
            modifiers: KeyModifiers::CONTROL,
            ..key(KeyCode::Char('a'))
        };
        assert!(!t.handle_key(&ctrl_a));
        assert_eq!(t.value(), "ab");
    }

    #[test]
    fn over_long_paste_is_refused_not_cut() {
        let mut t = TextField::new("Qty", 5);
        t.insert("123");
        t.insert("4567");
        assert_eq!(t.value(), "123");
        assert!(t.error.as_deref().unwrap().contains("5 characters"));
    }

    #[test]
    fn a_longer_value_is_kept_whole_but_typing_past_the_limit_is_refused() {
        let mut t = TextField::new("Last name", 40);
        let long = "L".repeat(47);
        t.set(&long);
        assert_eq!(t.value(), long);
        t.insert("x");
        assert_eq!(t.value(), long, "no more typing past the limit");
        assert!(t.error.as_deref().unwrap().contains("40 characters"));
        t.handle_key(&key(KeyCode::Backspace));
        assert_eq!(t.value().chars().count(), 46);
    }

    #[test]
    fn escape_sequences_never_enter() {
        let mut t = TextField::new("Name", 40);
        t.insert("\u{1b}[31mRed\u{7}");
        assert_eq!(t.value(), "Red");
    }
}
