//! The bottom line: the keys that work on this screen, from the same
//! bindings that dispatch them, and where help is.

use crate::tui::keymap::Binding;
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

const HELP: &str = "F1/? Help";

/// The bindings the bar shows in `width` columns, in order, and those
/// that no longer fit (a screen with more keys may show them itself).
pub fn split<C: Copy>(bindings: &[Binding<C>], width: u16) -> (Vec<&Binding<C>>, Vec<&Binding<C>>) {
    let room = (width as usize).saturating_sub(HELP.width() + 1);
    let mut used = 0usize;
    let mut full = false;
    bindings.iter().filter(|b| b.in_bar()).partition(|b| {
        let w = b.keys_label().width() + b.label.width() + 2;
        full |= used + w > room;
        if !full {
            used += w;
        }
        !full
    })
}

pub fn draw<C: Copy>(f: &mut Frame, area: Rect, bindings: &[Binding<C>], theme: Theme) {
    let mut spans = Vec::new();
    let mut used = 0usize;
    for b in split(bindings, area.width).0 {
        let keys = b.keys_label();
        used += keys.width() + b.label.width() + 2;
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {} ", b.label)));
    }
    let pad = (area.width as usize).saturating_sub(used + HELP.width());
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled("F1/?", theme.key()));
    spans.push(Span::raw(" Help"));
    f.render_widget(Line::from(spans), area);
}
