//! The step bar: the nine steps with their keys, the current one marked,
//! and a `!` on those that still miss something.

use crate::tui::flow::Step;
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

pub fn draw(f: &mut Frame, area: Rect, current: Step, incomplete: &[Step], theme: Theme) {
    let mut spans = Vec::new();
    for step in Step::ALL {
        let key = step.key_label();
        let mark = if incomplete.contains(&step) { "!" } else { "" };
        let text = if key.is_empty() {
            format!("{}{mark}", step.short())
        } else {
            format!("{key} {}{mark}", step.short())
        };
        // The current step: a `>` marker and reverse video (monochrome-safe).
        if step == current {
            spans.push(Span::styled(format!(">{text}"), theme.selected()));
        } else {
            spans.push(Span::raw(format!(" {text}")));
        }
    }
    f.render_widget(Line::from(spans), area);
}
