//! The help overlay: every key of the current screen and the global keys,
//! listed from the bindings that dispatch them.

use crate::tui::keymap::Binding;
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(
    f: &mut Frame,
    area: Rect,
    title: &str,
    screen: &[Binding],
    global: &[Binding],
    theme: Theme,
) {
    let rows = screen.len() + global.len() + 4;
    let height = (rows as u16 + 2).min(area.height);
    let width = 60.min(area.width);
    let r = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let mut lines = vec![Line::styled(format!("Keys on {title}"), theme.title())];
    let row = |b: &Binding| {
        Line::from(vec![
            Span::styled(format!("  {:<14}", b.keys_label()), theme.title()),
            Span::raw(b.label),
        ])
    };
    lines.extend(screen.iter().map(row));
    lines.push(Line::raw(""));
    lines.push(Line::styled("Everywhere", theme.title()));
    lines.extend(global.iter().map(row));
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Help — Esc closes "),
        ),
        r,
    );
}
