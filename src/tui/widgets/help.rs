//! The help overlay: every key of the current screen and the global keys,
//! listed from the bindings that dispatch them, in two columns so the whole
//! list fits at 80x24.

use crate::tui::keymap::Binding;
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

fn column<'a>(title: String, bindings: &'a [Binding], width: usize, theme: Theme) -> Vec<Line<'a>> {
    let key_width = bindings
        .iter()
        .map(|b| b.keys_label().chars().count())
        .max()
        .unwrap_or(0)
        .min(12);
    let mut lines = vec![Line::styled(title, theme.title())];
    lines.extend(bindings.iter().map(|b| {
        let label: String = b
            .label
            .chars()
            .take(width.saturating_sub(key_width + 2))
            .collect();
        Line::from(vec![
            Span::styled(
                format!("{:<w$} ", b.keys_label(), w = key_width),
                theme.title(),
            ),
            Span::raw(label),
        ])
    }));
    lines
}

pub fn draw(
    f: &mut Frame,
    area: Rect,
    title: &str,
    screen: &[Binding],
    global: &[Binding],
    theme: Theme,
) {
    let rows = screen.len().max(global.len()) as u16 + 3;
    let height = rows.min(area.height);
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
        .title(" Help — any key closes ");
    let inner = block.inner(r);
    f.render_widget(block, r);
    let half = inner.width / 2;
    let left = Rect::new(inner.x, inner.y, half.saturating_sub(1), inner.height);
    let right = Rect::new(inner.x + half, inner.y, inner.width - half, inner.height);
    f.render_widget(
        Paragraph::new(column(
            format!("On {title}"),
            screen,
            left.width as usize,
            theme,
        )),
        left,
    );
    f.render_widget(
        Paragraph::new(column(
            "Everywhere".into(),
            global,
            right.width as usize,
            theme,
        )),
        right,
    );
}
