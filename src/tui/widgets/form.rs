//! A form: text fields with one focused; Tab/Shift+Tab (and Up/Down where
//! the screen allows) move between them.

use super::text_field::TextField;
use crate::tui::action::Action;
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::Frame;

#[derive(Debug, Clone)]
pub struct Form {
    pub fields: Vec<TextField>,
    pub focus: usize,
}

impl Form {
    pub fn new(fields: Vec<TextField>) -> Form {
        Form { fields, focus: 0 }
    }
    pub fn next(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }
    pub fn prev(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }
    pub fn focused(&mut self) -> Option<&mut TextField> {
        self.fields.get_mut(self.focus)
    }
    pub fn value(&self, i: usize) -> &str {
        self.fields.get(i).map(|f| f.value()).unwrap_or("")
    }
    pub fn set_error(&mut self, i: usize, message: impl Into<String>) {
        if let Some(f) = self.fields.get_mut(i) {
            f.error = Some(message.into());
        }
    }
    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }
    /// Focuses the first field with a message and shows the message on
    /// the status line too (beside the field it may not fit); the actions
    /// that show it.
    pub fn show_error(&mut self) -> Vec<Action> {
        let Some(i) = self.fields.iter().position(|f| f.error.is_some()) else {
            return Vec::new();
        };
        self.focus = i;
        let field = &mut self.fields[i];
        match field.error.clone() {
            Some(e) => field.fail(e),
            None => Vec::new(),
        }
    }
    /// The form closes: its messages go, from the status line too.
    pub fn dismiss(&mut self) -> Vec<Action> {
        let mut out = Vec::new();
        for f in &mut self.fields {
            let taken_off = f.dismiss();
            if out.is_empty() {
                out = taken_off;
            }
        }
        out
    }
    /// Whether nothing is typed in any field.
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.value().is_empty())
    }
    /// What a draft keeps of the form: each field as
    /// [`TextField::kept`] (null for one never written) and the focus.
    pub fn kept(&self) -> serde_json::Value {
        let fields: Vec<serde_json::Value> = self
            .fields
            .iter()
            .map(|f| f.kept().unwrap_or(serde_json::Value::Null))
            .collect();
        serde_json::json!({"fields": fields, "focus": self.focus})
    }
    /// Puts back what [`Form::kept`] gave.
    pub fn put_back(&mut self, kept: &serde_json::Value) {
        if let Some(values) = kept.get("fields").and_then(|v| v.as_array()) {
            for (f, v) in self.fields.iter_mut().zip(values) {
                f.put_back(v);
            }
        }
        if let Some(focus) = kept.get("focus").and_then(|v| v.as_u64()) {
            self.focus = (focus as usize).min(self.fields.len().saturating_sub(1));
        }
    }
    pub fn label_width(&self) -> u16 {
        self.fields.iter().map(|f| f.label.len()).max().unwrap_or(0) as u16 + 3
    }
    /// One row per field from the top of `area`; `active` says whether
    /// the focused field shows as focused (the form may not have focus).
    pub fn draw(&self, f: &mut Frame, area: Rect, active: bool, theme: Theme) {
        let lw = self.label_width();
        for (i, field) in self.fields.iter().enumerate() {
            let y = area.y + i as u16;
            if y >= area.bottom() {
                break;
            }
            field.draw(
                f,
                Rect::new(area.x, y, area.width, 1),
                lw,
                active && i == self.focus,
                theme,
            );
        }
    }
}
