//! The supervisor approval box: opened over the screen when the session
//! refused something a supervisor may approve (an adjustment beyond the
//! operator's limits, an order for a disabled customer, a customer's
//! stored payment locked by wrong challenge answers). The supervisor types
//! their name and PIN; its keys are a table in `app.rs`
//! (`approval_keys`), which its hint lines are drawn from.

use crate::domain::text::fit;
use crate::session::Refusal;
use crate::tui::flow::Step;
use crate::tui::theme::Theme;
use crate::tui::widgets::text_field::TextField;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear};
use ratatui::Frame;

/// What was refused, so its answer goes where it would have gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// A session command from a screen: the step to go on to when it is
    /// carried out, and whether it started a guest order.
    Command { next: Option<Step>, guest: bool },
    /// The challenge question of customer (id) on the record screen.
    Challenge(i64),
}

pub struct ApprovalBox {
    pub asked: Asked,
    /// The refusal, which stands if nobody approves.
    pub refusal: Refusal,
    /// What waits for approval, in words.
    pub what: String,
    pub supervisor: TextField,
    pub pin: TextField,
    /// The PIN field has the keys (else the name field).
    pub on_pin: bool,
    /// Why the last name and PIN did not approve it.
    pub error: Option<String>,
}

impl ApprovalBox {
    pub fn new(asked: Asked, refusal: Refusal, what: String) -> ApprovalBox {
        ApprovalBox {
            asked,
            refusal,
            what,
            supervisor: TextField::new("Supervisor", 64),
            pin: TextField::new("PIN", 12).masked(),
            on_pin: false,
            error: None,
        }
    }

    /// The field that has the keys.
    pub fn field(&mut self) -> &mut TextField {
        if self.on_pin {
            &mut self.pin
        } else {
            &mut self.supervisor
        }
    }

    /// Draws the box in the middle of `area`, its hint lines last.
    pub fn draw(&self, f: &mut Frame, area: Rect, hints: &[String], theme: Theme) {
        let width = area.width.min(78);
        let inner = width.saturating_sub(4) as usize;
        let what = wrap(&self.what, inner, 3);
        let height = (what.len() + hints.len() + 7) as u16;
        let height = height.min(area.height);
        let r = Rect::new(
            area.x + (area.width - width) / 2,
            area.y + (area.height - height) / 2,
            width,
            height,
        );
        f.render_widget(Clear, r);
        f.render_widget(
            Block::default()
                .borders(Borders::ALL)
                .title(Line::styled(" Supervisor approval ", theme.title())),
            r,
        );
        let mut y = r.y + 1;
        let bottom = r.bottom().saturating_sub(1);
        let mut row = |f: &mut Frame, line: Line| {
            if y < bottom {
                f.render_widget(line, Rect::new(r.x + 2, y, r.width - 4, 1));
            }
            y += 1;
        };
        for l in &what {
            row(f, Line::raw(l.clone()));
        }
        row(
            f,
            Line::styled(
                fit("A supervisor approves it with their name and PIN.", inner),
                theme.label(),
            ),
        );
        let field_row = |y: u16| Rect::new(r.x + 2, y, r.width - 4, 1);
        if y < bottom {
            self.supervisor
                .draw(f, field_row(y), 12, !self.on_pin, theme);
        }
        y += 1;
        if y < bottom {
            self.pin.draw(f, field_row(y), 12, self.on_pin, theme);
        }
        y += 1;
        let error = self
            .error
            .as_ref()
            .map(|e| Line::styled(fit(&format!("! {e}"), inner), theme.error()))
            .unwrap_or_default();
        let mut row = |f: &mut Frame, line: Line| {
            if y < bottom {
                f.render_widget(line, Rect::new(r.x + 2, y, r.width - 4, 1));
            }
            y += 1;
        };
        row(f, error);
        row(f, Line::raw(""));
        for h in hints {
            row(f, Line::raw(fit(h, inner)));
        }
    }
}

/// `text` in lines of at most `width` columns, broken at spaces, at most
/// `max` lines (the last one cut with an ellipsis when more is left).
fn wrap(text: &str, width: usize, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max {
        let rest = lines.split_off(max - 1).join(" ");
        lines.push(fit(&rest, width));
    }
    lines.into_iter().map(|l| fit(&l, width)).collect()
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_spaces_and_cuts_the_last_line() {
        assert_eq!(wrap("aa bb cc", 5, 3), ["aa bb", "cc"]);
        let w = wrap("one two three four five six", 9, 2);
        assert_eq!(w.len(), 2);
        assert_eq!(w[0], "one two");
    }
}
