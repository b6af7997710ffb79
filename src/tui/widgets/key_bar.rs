//! The bottom line: the keys that work on this screen, from the same
//! bindings that dispatch them, and where help is.

use crate::tui::keymap::Binding;
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn draw<C: Copy>(f: &mut Frame, area: Rect, bindings: &[Binding<C>], theme: Theme) {
    let mut spans = Vec::new();
    let mut used = 0usize;
    let help = "F1/? Help";
    let room = (area.width as usize).saturating_sub(help.width() + 1);
    for b in bindings.iter().filter(|b| b.in_bar()) {
        let keys = b.keys_label();
        let w = keys.width() + b.label.width() + 2;
        if used + w > room {
            break;
        }
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {} ", b.label)));
        used += w;
    }
    let pad = (area.width as usize).saturating_sub(used + help.width());
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled("F1/?", theme.key()));
    spans.push(Span::raw(" Help"));
    f.render_widget(Line::from(spans), area);
}
