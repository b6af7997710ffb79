//! The help overlay: every key of the current screen and the global keys,
//! listed from the bindings that dispatch them, in two columns so the whole
//! list fits at 80x24; under them, while a text field has the keys, the
//! field's editing keys ("Typing in a field"), four to a row. Its title
//! says how it closes, from the overlay's own table.

use crate::tui::keymap::Binding;
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// Field keys per row of the "Typing in a field" section.
const PER_ROW: usize = 4;

/// What the overlay lists; each list is a table that dispatches its keys.
pub struct Help<'a, S, G, E> {
    /// How the overlay closes ("any key closes").
    pub closing: String,
    /// The screen's title.
    pub title: &'a str,
    pub screen: &'a [Binding<S>],
    pub global: &'a [Binding<G>],
    /// The focused field's editing keys; empty when no field has the keys.
    pub field: &'a [Binding<E>],
}

fn listed<C: Copy>(bindings: &[Binding<C>]) -> Vec<&Binding<C>> {
    bindings.iter().filter(|b| b.in_help()).collect()
}

fn key_width<C: Copy>(bindings: &[&Binding<C>]) -> usize {
    bindings
        .iter()
        .map(|b| b.keys_label().chars().count())
        .max()
        .unwrap_or(0)
        .min(12)
}

/// `keys label`, the keys padded to `key_width`, cut to `width`.
fn entry<'a, C: Copy>(
    b: &Binding<C>,
    key_width: usize,
    width: usize,
    theme: Theme,
) -> Vec<Span<'a>> {
    let label: String = b
        .label
        .chars()
        .take(width.saturating_sub(key_width + 2))
        .collect();
    vec![
        Span::styled(
            format!("{:<w$} ", b.keys_label(), w = key_width),
            theme.title(),
        ),
        Span::raw(label),
    ]
}

fn column<'a, C: Copy>(
    title: String,
    bindings: &[&Binding<C>],
    width: usize,
    theme: Theme,
) -> Vec<Line<'a>> {
    let key_width = key_width(bindings);
    let mut lines = vec![Line::styled(title, theme.title())];
    lines.extend(
        bindings
            .iter()
            .map(|b| Line::from(entry(b, key_width, width, theme))),
    );
    lines
}

/// The field keys, `PER_ROW` to a row of `width`.
fn grid<'a, C: Copy>(bindings: &[&Binding<C>], width: usize, theme: Theme) -> Vec<Line<'a>> {
    let key_width = key_width(bindings);
    let cell = width / PER_ROW;
    bindings
        .chunks(PER_ROW)
        .map(|row| {
            let mut spans = Vec::new();
            for b in row {
                let used: usize = {
                    let mut e = entry(b, key_width, cell, theme);
                    let w = e.iter().map(|s| s.content.chars().count()).sum();
                    spans.append(&mut e);
                    w
                };
                spans.push(Span::raw(" ".repeat(cell.saturating_sub(used))));
            }
            Line::from(spans)
        })
        .collect()
}

impl<S: Copy, G: Copy, E: Copy> Help<'_, S, G, E> {
    pub fn draw(&self, f: &mut Frame, area: Rect, theme: Theme) {
        let screen = listed(self.screen);
        let global = listed(self.global);
        let field = listed(self.field);
        let columns = screen.len().max(global.len()) as u16 + 1;
        let field_rows = if field.is_empty() {
            0
        } else {
            // A blank line, the heading, the keys.
            2 + field.len().div_ceil(PER_ROW) as u16
        };
        let height = (columns + field_rows + 2).min(area.height);
        let width = area.width.min(80);
        let r = Rect::new(
            area.x + (area.width - width) / 2,
            area.y + (area.height - height) / 2,
            width,
            height,
        );
        f.render_widget(Clear, r);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" Help — {} ", self.closing));
        let inner = block.inner(r);
        f.render_widget(block, r);
        let top = inner.height.min(columns);
        let half = inner.width / 2;
        let left = Rect::new(inner.x, inner.y, half.saturating_sub(1), top);
        let right = Rect::new(inner.x + half, inner.y, inner.width - half, top);
        f.render_widget(
            Paragraph::new(column(
                format!("On {}", self.title),
                &screen,
                left.width as usize,
                theme,
            )),
            left,
        );
        f.render_widget(
            Paragraph::new(column(
                "Everywhere".into(),
                &global,
                right.width as usize,
                theme,
            )),
            right,
        );
        if field.is_empty() || inner.height <= columns + 1 {
            return;
        }
        let below = Rect::new(
            inner.x,
            inner.y + columns + 1,
            inner.width,
            inner.height - columns - 1,
        );
        let mut lines = vec![Line::styled("Typing in a field", theme.title())];
        lines.extend(grid(&field, below.width as usize, theme));
        f.render_widget(Paragraph::new(lines), below);
    }
}
