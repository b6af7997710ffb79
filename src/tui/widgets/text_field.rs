//! A one-line text field: cursor, insert, delete, Home/End, a length limit
//! shown beside it, and a validation message next to it.
//!
//! A field has a [`Kind`] (free text, quantity, money, card number,
//! expiry): a key its kind never takes, or one past its length, is refused
//! as it is typed, with a message, and the value stays as it was (docs/
//! design.md, section 9). A value set rather than typed is selected: the
//! first character typed replaces it; an editing key deselects it first.
//! The field's message is drawn beside it where it fits whole; screens
//! also put it on the status line ([`TextField::status`]), which always
//! has room, and take it off again when the message goes.
//!
//! Its editing keys are one table, [`editing_keys`]: the field dispatches
//! them from it and the help overlay lists it under "Typing in a field".
//! Any other plain character is typed. The screen's own bindings come
//! first (tui/keymap.rs), so a field sees only the keys its screen leaves.

use crate::domain::card::check_expiry;
use crate::domain::money::Currency;
use crate::domain::order::parse_quantity;
use crate::domain::text::clean;
use crate::tui::action::Action;
use crate::tui::keymap::{lookup, Binding, Key};
use crate::tui::theme::Theme;
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::Frame;
use rust_decimal::Decimal;
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

/// What a field holds, and so which keys it takes. Each kind's value is
/// read by the one parser the session uses (docs/design.md, section 9):
/// quantities by `domain::order::parse_quantity`, amounts by
/// `Currency::parse_amount`, expiry dates by `domain::card::check_expiry`.
/// The field only refuses what its kind never holds; the parser decides
/// the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any text (control characters are cleaned out).
    Text,
    /// A whole number of items: ASCII digits, at most
    /// [`QUANTITY_DIGITS`] of them.
    Quantity,
    /// An amount: digits, `,` and one `.`.
    Money,
    /// A card number: digits, spaces and dashes (as the domain's
    /// `check_number` takes them).
    CardNumber,
    /// A card's expiry: digits and `/` (MMYY, MM/YY or MM/YYYY).
    Expiry,
}

/// A quantity has at most this many digits (99,999 at most).
pub const QUANTITY_DIGITS: usize = 5;
/// An amount field's length: 9,999,999.99 fits.
pub const MONEY_CHARS: usize = 12;
/// A card number of 19 digits in groups of four, spaced.
pub const CARD_NUMBER_CHARS: usize = 23;
/// MM/YYYY.
pub const EXPIRY_CHARS: usize = 7;

impl Kind {
    fn allows(self, c: char) -> bool {
        match self {
            Kind::Text => true,
            Kind::Quantity => c.is_ascii_digit(),
            Kind::Money => c.is_ascii_digit() || c == '.' || c == ',',
            Kind::CardNumber => c.is_ascii_digit() || c == ' ' || c == '-',
            Kind::Expiry => c.is_ascii_digit() || c == '/',
        }
    }

    /// What the kind takes, for the message when a key is refused.
    fn takes(self) -> &'static str {
        match self {
            Kind::Text => "any text",
            Kind::Quantity => "digits only",
            Kind::Money => "digits, ',' and one '.' only",
            Kind::CardNumber => "digits, spaces and dashes only",
            Kind::Expiry => "digits and '/' only, e.g. 09/28",
        }
    }

    /// How a length is counted in messages.
    fn unit(self) -> &'static str {
        match self {
            Kind::Quantity => "digits",
            _ => "characters",
        }
    }
}

/// `message` for `width` columns: whole if it fits, else up to the last
/// whole word that fits and `…` (a refused key's message is whole on the
/// status line); empty when not even one word fits. Never cut inside a
/// word.
pub fn fit_message(message: &str, width: usize) -> String {
    if message.width() <= width {
        return message.to_string();
    }
    let mut out = String::new();
    for word in message.split(' ') {
        let next = if out.is_empty() {
            word.to_string()
        } else {
            format!("{out} {word}")
        };
        if next.width() + 1 > width {
            break;
        }
        out = next;
    }
    if out.is_empty() {
        return out;
    }
    // A cut after a comma or colon reads better without it.
    let out = out.trim_end_matches([',', ':', ';']);
    format!("{out}…")
}

/// What the status line should do after a key in a field.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Note {
    /// Show this refusal or message.
    Say(String),
    /// Take the field's message off again: its cause was fixed.
    Clear,
}

#[derive(Debug, Clone)]
pub struct TextField {
    pub label: &'static str,
    /// The value and cursor; editing is tui-input's (grapheme-aware).
    input: Input,
    pub max_len: usize,
    /// Shown as dots (security code).
    pub masked: bool,
    /// The field's message: a key it refused, or what is wrong with the
    /// value. It goes when the value is edited.
    pub error: Option<String>,
    kind: Kind,
    /// A value set (prefilled), not typed: the first character typed
    /// replaces it whole; an editing key first deselects it.
    selected: bool,
    /// The field's message is on the status line too (it may not fit
    /// beside the field), so it is taken off there when it goes.
    posted: bool,
    /// What the status line should do after the last key; see
    /// [`TextField::status`].
    note: Option<Note>,
}

impl TextField {
    /// A free-text field of at most `max_len` characters.
    pub fn new(label: &'static str, max_len: usize) -> TextField {
        TextField {
            label,
            input: Input::default(),
            max_len,
            masked: false,
            error: None,
            kind: Kind::Text,
            selected: false,
            posted: false,
            note: None,
        }
    }

    /// A quantity: ASCII digits, at most [`QUANTITY_DIGITS`].
    pub fn quantity(label: &'static str) -> TextField {
        TextField::new(label, QUANTITY_DIGITS).of_kind(Kind::Quantity)
    }

    /// An amount of money: digits, `,` and one `.`.
    pub fn money(label: &'static str) -> TextField {
        TextField::new(label, MONEY_CHARS).of_kind(Kind::Money)
    }

    /// A card number: digits and spaces (or dashes).
    pub fn card_number(label: &'static str) -> TextField {
        TextField::new(label, CARD_NUMBER_CHARS).of_kind(Kind::CardNumber)
    }

    /// A card's expiry: digits and `/`, room for MM/YYYY.
    pub fn expiry(label: &'static str) -> TextField {
        TextField::new(label, EXPIRY_CHARS).of_kind(Kind::Expiry)
    }

    fn of_kind(mut self, kind: Kind) -> TextField {
        self.kind = kind;
        self
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn masked(mut self) -> TextField {
        self.masked = true;
        self
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Whether the value is selected: set, not typed, so the next
    /// character typed replaces it.
    pub fn is_selected(&self) -> bool {
        self.selected
    }

    /// What messages call the field: the kind's name, else its label.
    fn noun(&self) -> &'static str {
        match self.kind {
            Kind::Quantity => "Quantity",
            Kind::Expiry => "Expiry",
            _ => self.label,
        }
    }

    /// The field's message as shown beside it: without the field's name
    /// in front ("5 digits at most"), which the status line keeps.
    pub fn message_beside(&self) -> Option<&str> {
        let err = self.error.as_deref()?;
        Some(
            err.strip_prefix(self.noun())
                .and_then(|rest| rest.strip_prefix(": "))
                .unwrap_or(err),
        )
    }

    /// Sets the value, whole, and selects it (typing replaces it): a
    /// stored value longer than the limit is kept and shown as it is (only
    /// typing past the limit is refused).
    pub fn set(&mut self, value: &str) {
        self.input = Input::new(clean(value));
        self.selected = !self.value().is_empty();
        self.error = None;
        self.posted = false;
        self.note = None;
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    /// Whether a draft may keep this field's value: never a masked one
    /// (password, challenge answer, security code, PIN) nor a card number
    /// (docs/design.md, section 6).
    pub fn keeps(&self) -> bool {
        !self.masked && self.kind != Kind::CardNumber
    }

    /// What a draft keeps of the field: its text as a string, or
    /// `{"text", "selected": true}` for a value set and not typed over yet
    /// (the first key typed still replaces it). None for a field that is
    /// never written ([`TextField::keeps`]).
    pub fn kept(&self) -> Option<serde_json::Value> {
        if !self.keeps() {
            return None;
        }
        Some(if self.selected {
            serde_json::json!({"text": self.value(), "selected": true})
        } else {
            serde_json::Value::String(self.value().to_string())
        })
    }

    /// Puts back what [`TextField::kept`] gave, the cursor at the end.
    /// Nothing for a field that keeps nothing, or for text its kind never
    /// holds (a draft written by another version).
    pub fn put_back(&mut self, kept: &serde_json::Value) {
        if !self.keeps() {
            return;
        }
        let (text, selected) = match kept {
            serde_json::Value::String(s) => (s.as_str(), false),
            serde_json::Value::Object(m) => (
                m.get("text").and_then(|t| t.as_str()).unwrap_or(""),
                m.get("selected").and_then(|b| b.as_bool()) == Some(true),
            ),
            _ => return,
        };
        if text.chars().any(|c| !self.kind.allows(c)) {
            return;
        }
        self.set(text);
        self.selected &= selected;
    }

    /// Why `text` may not go in where the cursor is (or in place of the
    /// selected value), if it may not.
    fn refusal(&self, text: &str) -> Option<String> {
        if text.chars().any(|c| !self.kind.allows(c)) {
            return Some(format!("{}: {}", self.noun(), self.kind.takes()));
        }
        let kept = if self.selected {
            String::new()
        } else {
            self.value().to_string()
        };
        if self.kind == Kind::Money && kept.matches('.').count() + text.matches('.').count() > 1 {
            return Some(format!("{}: {}", self.noun(), self.kind.takes()));
        }
        let room = self.max_len.saturating_sub(kept.chars().count());
        if text.chars().count() > room {
            return Some(format!(
                "{}: {} {} at most",
                self.noun(),
                self.max_len,
                self.kind.unit()
            ));
        }
        None
    }

    /// Inserts text (typed or pasted), cleaned of control characters; it
    /// replaces a selected value. Text the field's kind never holds, or
    /// text past the limit, is refused whole with a message, never cut.
    pub fn insert(&mut self, text: &str) {
        let text = clean(text);
        if let Some(why) = self.refusal(&text) {
            self.refuse(why);
            return;
        }
        if std::mem::take(&mut self.selected) {
            self.input = Input::default();
        }
        for c in text.chars() {
            self.input.handle(InputRequest::InsertChar(c));
        }
        self.edited();
    }

    /// A key or a paste was refused: the value stays, the message shows.
    fn refuse(&mut self, why: String) {
        self.error = Some(why.clone());
        self.posted = true;
        self.note = Some(Note::Say(why));
    }

    /// The value changed: its message goes (here and on the status line).
    fn edited(&mut self) {
        if self.error.take().is_some() && std::mem::take(&mut self.posted) {
            self.note = Some(Note::Clear);
        }
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

    /// Carries out one editing command; a selected value is deselected
    /// first and then edited as typed text is.
    pub fn edit(&mut self, edit: Edit) {
        self.selected = false;
        if self
            .input
            .handle(edit.request())
            .is_some_and(|changed| changed.value)
        {
            self.edited();
        }
    }

    /// What the status line should show after the last key or paste: a
    /// refusal (it may not fit beside the field), or nothing again once
    /// the field's message went. Taken once.
    pub fn status(&mut self) -> Vec<Action> {
        match self.note.take() {
            Some(Note::Say(m)) => vec![Action::Error(m)],
            Some(Note::Clear) => vec![Action::Status(String::new())],
            None => Vec::new(),
        }
    }

    /// Shows `message` at the field and on the status line (a value found
    /// wrong on Enter or when the field is left); the actions to show it.
    pub fn fail(&mut self, message: impl Into<String>) -> Vec<Action> {
        let message = message.into();
        self.refuse(message);
        self.status()
    }

    /// The field's message goes, and off the status line too (the field
    /// is closed or no longer matters); the actions that take it off.
    pub fn dismiss(&mut self) -> Vec<Action> {
        self.note = None;
        self.edited();
        self.status()
    }

    /// The quantity typed, read by the domain's `parse_quantity`; a
    /// message standing at the field (a refused key) is shown again and
    /// holds the value back until the field is edited. Err: the actions
    /// that show why.
    pub fn quantity_value(&mut self) -> Result<u32, Vec<Action>> {
        if let Some(e) = self.error.clone() {
            return Err(self.fail(e));
        }
        parse_quantity(self.value()).map_err(|e| self.fail(e))
    }

    /// A quantity field being left: the actions that show why its value is
    /// refused, none when it reads or is empty (an empty one waits for
    /// Enter).
    pub fn quantity_check_on_leave(&mut self) -> Vec<Action> {
        if self.value().trim().is_empty() {
            return Vec::new();
        }
        self.quantity_value().err().unwrap_or_default()
    }

    /// The amount typed, read by `Currency::parse_amount`; as
    /// [`TextField::quantity_value`].
    pub fn amount_value(&mut self, currency: Currency) -> Result<Decimal, Vec<Action>> {
        if let Some(e) = self.error.clone() {
            return Err(self.fail(e));
        }
        currency
            .parse_amount(self.value())
            .map_err(|e| self.fail(e))
    }

    /// The expiry typed (month, year), read by `check_expiry`; as
    /// [`TextField::quantity_value`].
    pub fn expiry_value(&mut self, today: NaiveDate) -> Result<(u32, i32), Vec<Action>> {
        if let Some(e) = self.error.clone() {
            return Err(self.fail(e));
        }
        check_expiry(self.value(), today).map_err(|e| self.fail(e))
    }

    /// Draws `label: [value____] n/max  message` on one row; places the
    /// terminal cursor when focused. A selected value is drawn in reverse
    /// video. The message beside the box is whole where it fits, else cut
    /// after a whole word (a refusal is whole on the status line).
    pub fn draw(&self, f: &mut Frame, area: Rect, label_width: u16, focused: bool, theme: Theme) {
        if area.height == 0 || area.width < label_width + 4 {
            return;
        }
        // What the terminal may draw at another width (a flag in a stored
        // name) is drawn as its stand-in, so no glyph is left behind; the
        // cursor is placed in what is drawn.
        let shown: String = if self.masked {
            "•".repeat(self.value().chars().count())
        } else {
            crate::domain::text::shown(self.value()).into_owned()
        };
        let box_width = (self.max_len.min(40) as u16 + 1).min(area.width - label_width - 2);
        // Keep the cursor in view for values longer than the box.
        let cursor_col = if self.masked {
            self.input.cursor()
        } else {
            let before: String = self.value().chars().take(self.input.cursor()).collect();
            crate::domain::text::width(&before)
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
        let value_style = if focused {
            theme.focused_field()
        } else {
            theme.dim()
        };
        let mut spans = vec![Span::styled(
            format!("{marker}{:<w$}", self.label, w = label_width as usize - 1),
            if focused {
                theme.title()
            } else {
                theme.label()
            },
        )];
        if focused && self.selected {
            spans.push(Span::styled(
                visible,
                value_style.add_modifier(Modifier::REVERSED),
            ));
            spans.push(Span::styled("_".repeat(pad), value_style));
        } else {
            spans.push(Span::styled(
                format!("{visible}{}", "_".repeat(pad)),
                value_style,
            ));
        }
        let used = label_width as usize + box_width as usize;
        if let Some(err) = self.message_beside() {
            let room = (area.width as usize).saturating_sub(used + 3);
            let beside = fit_message(err, room);
            if !beside.is_empty() {
                spans.push(Span::styled(format!(" ! {beside}"), theme.error()));
            } else if used + 2 <= area.width as usize {
                spans.push(Span::styled(" !", theme.error()));
            }
        } else if focused {
            let counter = format!(" {}/{}", self.value().chars().count(), self.max_len);
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
        // End deselects the stored value; typing then appends to it.
        t.handle_key(&key(KeyCode::End));
        t.insert("x");
        assert_eq!(t.value(), long, "no more typing past the limit");
        assert!(t.error.as_deref().unwrap().contains("40 characters"));
        t.handle_key(&key(KeyCode::Backspace));
        assert_eq!(t.value().chars().count(), 46);
    }

    fn typed(t: &mut TextField, text: &str) {
        for c in text.chars() {
            t.handle_key(&key(KeyCode::Char(c)));
        }
    }

    #[test]
    fn typing_into_a_prefilled_value_replaces_it() {
        let mut t = TextField::quantity("Qty");
        t.set("1");
        assert!(t.is_selected());
        typed(&mut t, "2");
        assert_eq!(t.value(), "2");
        assert!(!t.is_selected());
        typed(&mut t, "5");
        assert_eq!(t.value(), "25", "only the first key replaces");
    }

    #[test]
    fn editing_keys_deselect_first_and_then_edit_as_usual() {
        let mut t = TextField::quantity("Qty");
        t.set("12");
        t.handle_key(&key(KeyCode::Backspace));
        assert_eq!(t.value(), "1", "Backspace deletes one, not the whole value");
        typed(&mut t, "3");
        assert_eq!(t.value(), "13");
        for k in [KeyCode::Left, KeyCode::Right, KeyCode::Home, KeyCode::End] {
            t.set("12");
            t.handle_key(&key(k));
            assert!(!t.is_selected(), "{k:?}");
            typed(&mut t, "3");
            assert_eq!(t.value().len(), 3, "{k:?} then typing inserts");
        }
        let mut t = TextField::quantity("Qty");
        t.set("12");
        t.handle_key(&key(KeyCode::Home));
        typed(&mut t, "3");
        assert_eq!(t.value(), "312");
    }

    #[test]
    fn a_sixth_digit_is_refused_as_it_is_typed() {
        let mut t = TextField::quantity("Qty");
        t.set("1");
        typed(&mut t, "12345");
        assert_eq!((t.value(), t.error.as_deref()), ("12345", None));
        typed(&mut t, "6");
        assert_eq!(t.value(), "12345", "the value stays as it was");
        assert_eq!(t.error.as_deref(), Some("Quantity: 5 digits at most"));
        assert_eq!(
            t.status(),
            vec![Action::Error("Quantity: 5 digits at most".into())]
        );
        assert_eq!(t.status(), vec![], "said once");
        // The value stands refused until it is edited.
        assert!(t.quantity_value().is_err());
        t.handle_key(&key(KeyCode::Backspace));
        assert_eq!(t.error, None);
        assert_eq!(
            t.status(),
            vec![Action::Status(String::new())],
            "the message leaves the status line with it"
        );
        assert_eq!(t.quantity_value(), Ok(1234));
    }

    #[test]
    fn letters_never_enter_a_quantity() {
        let mut t = TextField::quantity("Qty");
        t.set("1");
        typed(&mut t, "C");
        assert_eq!(t.value(), "1");
        assert!(t.is_selected(), "a refused key leaves the value selected");
        assert_eq!(t.error.as_deref(), Some("Quantity: digits only"));
        for bad in ["-1", "1.5", " 2", "\u{0663}", "1e3", "+4"] {
            let mut t = TextField::quantity("Qty");
            t.insert(bad);
            assert_eq!(t.value(), "", "{bad:?}");
            assert_eq!(t.error.as_deref(), Some("Quantity: digits only"), "{bad:?}");
        }
    }

    #[test]
    fn an_over_long_paste_is_refused_whole_with_a_message() {
        let mut t = TextField::quantity("Qty");
        t.set("1");
        t.insert("123456");
        assert_eq!(t.value(), "1", "not cut to 12345");
        assert_eq!(t.error.as_deref(), Some("Quantity: 5 digits at most"));
        t.insert("99999999999999999999");
        assert_eq!(t.value(), "1");
        t.insert("99999");
        assert_eq!(t.value(), "99999", "a paste that fits replaces the value");
        assert_eq!(t.error, None);
        let mut t = TextField::new("Last name", 10);
        t.insert("Abcdefghijk");
        assert_eq!(t.value(), "");
        assert_eq!(t.error.as_deref(), Some("Last name: 10 characters at most"));
    }

    #[test]
    fn quantities_are_read_by_the_domain_parser() {
        let mut t = TextField::quantity("Qty");
        for (text, want) in [("1", 1), ("99999", 99_999), ("00007", 7)] {
            t.set(text);
            assert_eq!(t.quantity_value(), Ok(want));
        }
        t.set("0");
        let said = parse_quantity("0").err();
        assert_eq!(
            t.quantity_value(),
            Err(said.clone().map(Action::Error).into_iter().collect())
        );
        assert_eq!(t.error, said);
        t.set("");
        assert!(t.quantity_value().is_err());
    }

    #[test]
    fn a_quantity_left_says_why_it_is_refused_and_an_empty_one_waits() {
        let mut t = TextField::quantity("Qty");
        t.set("");
        assert_eq!(t.quantity_check_on_leave(), vec![]);
        assert_eq!(t.error, None, "an empty quantity waits for Enter");
        t.set("3");
        assert_eq!(t.quantity_check_on_leave(), vec![]);
        t.set("0");
        let said = parse_quantity("0").err();
        assert_eq!(
            t.quantity_check_on_leave(),
            said.clone()
                .map(Action::Error)
                .into_iter()
                .collect::<Vec<_>>()
        );
        assert_eq!(t.error, said, "the refusal stands at the field");
    }

    #[test]
    fn money_takes_digits_commas_and_one_point() {
        let mut t = TextField::money("Unit price");
        typed(&mut t, "1,234.5");
        assert_eq!(t.value(), "1,234.5");
        typed(&mut t, ".");
        assert_eq!(t.value(), "1,234.5", "a second point is refused");
        assert_eq!(
            t.error.as_deref(),
            Some("Unit price: digits, ',' and one '.' only")
        );
        typed(&mut t, "x");
        assert_eq!(t.value(), "1,234.5");
        // What may be typed is still read strictly by the one parser.
        t.set("1,5");
        assert!(t.amount_value(Currency::USD).is_err());
        t.set("1,234.50");
        assert_eq!(
            t.amount_value(Currency::USD).ok(),
            Currency::USD.parse_amount("1,234.50").ok()
        );
        let mut t = TextField::money("Amount off");
        typed(&mut t, "9,999,999.99");
        assert_eq!(t.value(), "9,999,999.99");
        typed(&mut t, "9");
        assert_eq!(
            t.error.as_deref(),
            Some("Amount off: 12 characters at most")
        );
    }

    #[test]
    fn card_number_and_expiry_take_only_what_they_hold() {
        let mut n = TextField::card_number("Card number");
        typed(&mut n, "4111 1111-1111 1111");
        assert_eq!(n.value(), "4111 1111-1111 1111");
        typed(&mut n, "a");
        assert_eq!(n.value(), "4111 1111-1111 1111");
        assert_eq!(
            n.error.as_deref(),
            Some("Card number: digits, spaces and dashes only")
        );
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        let mut e = TextField::expiry("Expiry MM/YY");
        typed(&mut e, "09/2028");
        assert_eq!(e.value(), "09/2028", "MM/YYYY fits");
        assert_eq!(e.expiry_value(today), Ok((9, 2028)));
        typed(&mut e, "1");
        assert_eq!(e.error.as_deref(), Some("Expiry: 7 characters at most"));
        let mut e = TextField::expiry("Expiry MM/YY");
        typed(&mut e, "09-");
        assert_eq!(e.value(), "09", "the dash is refused");
        assert_eq!(
            e.error.as_deref(),
            Some("Expiry: digits and '/' only, e.g. 09/28")
        );
        e.handle_key(&key(KeyCode::End));
        assert!(e.expiry_value(today).is_err(), "held back until edited");
        typed(&mut e, "28");
        assert_eq!(e.error, None, "editing takes the message away");
        assert_eq!(e.expiry_value(today), Ok((9, 2028)));
        e.set("13/28");
        let said = check_expiry("13/28", today).err();
        assert_eq!(
            e.expiry_value(today),
            Err(said.map(Action::Error).into_iter().collect())
        );
    }

    #[test]
    fn free_text_takes_anything_up_to_its_length() {
        let mut t = TextField::new("Comment", 12);
        typed(&mut t, "Ø 12 x ½ – ok");
        assert_eq!(t.value(), "Ø 12 x ½ – o");
        assert_eq!(t.error.as_deref(), Some("Comment: 12 characters at most"));
    }

    #[test]
    fn every_refusal_fits_an_80_column_status_line() {
        let fields = [
            TextField::quantity("Quantity to move"),
            TextField::money("New charge"),
            TextField::card_number("Card number"),
            TextField::expiry("Expiry MM/YY"),
            TextField::new("Challenge question", 80),
            TextField::new("For the warehouse", 200),
        ];
        for t in fields {
            for text in [&"9".repeat(300), "x\u{e9}.,./"] {
                let mut t = t.clone();
                t.insert(text);
                let m = t.error.clone().unwrap_or_default();
                assert!(!m.is_empty() || t.kind() == Kind::Text, "{}", t.label);
                // The status line is "! " and the message.
                assert!(m.width() + 2 <= 80, "{m}");
            }
        }
    }

    #[test]
    fn a_message_too_long_for_its_place_is_cut_after_a_whole_word() {
        let m = "card number: check digit wrong, a digit is mistyped";
        assert_eq!(fit_message(m, 80), m);
        assert_eq!(fit_message(m, 33), "card number: check digit wrong…");
        assert_eq!(fit_message(m, 36), "card number: check digit wrong, a…");
        assert_eq!(fit_message(m, 13), "card number…");
        assert_eq!(fit_message(m, 5), "card…");
        assert_eq!(fit_message(m, 4), "");
        assert!(fit_message(m, 30).width() <= 30);
    }

    #[test]
    fn a_field_is_kept_as_typed_and_put_back_with_its_selection() {
        let mut t = TextField::new("Comment", 60);
        typed(&mut t, "Leave at the back door");
        let kept = t.kept().unwrap();
        let mut back = TextField::new("Comment", 60);
        back.put_back(&kept);
        assert_eq!(back.value(), "Leave at the back door");
        assert!(!back.is_selected());
        typed(&mut back, ", please");
        assert_eq!(
            back.value(),
            "Leave at the back door, please",
            "cursor at the end"
        );
        let mut q = TextField::quantity("Qty");
        q.set("1");
        let mut back = TextField::quantity("Qty");
        back.put_back(&q.kept().unwrap());
        assert!(back.is_selected(), "a prefilled value stays selected");
        typed(&mut back, "4");
        assert_eq!(back.value(), "4");
        back.put_back(&serde_json::json!("12x"));
        assert_eq!(
            back.value(),
            "4",
            "text the kind never holds is not put back"
        );
    }

    #[test]
    fn masked_fields_and_card_numbers_are_never_kept() {
        let mut p = TextField::new("Password", 64).masked();
        typed(&mut p, "s3cret");
        assert_eq!(p.kept(), None);
        p.put_back(&serde_json::json!("other"));
        assert_eq!(p.value(), "s3cret");
        let mut n = TextField::card_number("Card number");
        typed(&mut n, "4111111111111111");
        assert_eq!(n.kept(), None);
        let mut n = TextField::card_number("Card number");
        n.put_back(&serde_json::json!("4111111111111111"));
        assert_eq!(n.value(), "");
    }

    #[test]
    fn escape_sequences_never_enter() {
        let mut t = TextField::new("Name", 40);
        t.insert("\u{1b}[31mRed\u{7}");
        assert_eq!(t.value(), "Red");
    }

    #[test]
    fn a_value_the_terminal_may_draw_wide_is_drawn_as_its_stand_in() {
        use ratatui::backend::TestBackend;
        use ratatui::Terminal;
        let mut f = TextField::new("Last name", 40);
        f.set("Lind\u{1F1F8}\u{1F1EA}qvist");
        let mut term = Terminal::new(TestBackend::new(60, 1)).unwrap();
        term.draw(|fr| {
            f.draw(
                fr,
                fr.area(),
                12,
                true,
                crate::tui::theme::Theme { mono: true },
            )
        })
        .unwrap();
        let row: String = (0..60)
            .map(|x| term.backend().buffer()[(x, 0)].symbol().to_string())
            .collect();
        assert!(row.contains("Lind?qvist"), "{row}");
        assert!(!row.contains('\u{1F1F8}'), "{row}");
        // The value itself is kept as typed.
        assert_eq!(f.value(), "Lind\u{1F1F8}\u{1F1EA}qvist");
    }
}
