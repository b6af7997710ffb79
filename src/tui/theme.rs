//! Colours and emphasis. Nothing depends on colour alone: selection is
//! reverse video plus a `>` marker; with `NO_COLOR` or a `vt100`/`linux`
//! terminal the theme drops colours itself (docs/design.md).

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub mono: bool,
}

impl Theme {
    /// Monochrome when `NO_COLOR` is set (to anything) or TERM is a terminal
    /// known for poor colour.
    pub fn from_env() -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some();
        let term = std::env::var("TERM").unwrap_or_default();
        let dumb = term.starts_with("vt100")
            || term == "linux"
            || term == "dumb"
            || term.starts_with("vt220");
        Theme {
            mono: no_color || dumb,
        }
    }

    fn fg(self, c: Color) -> Style {
        if self.mono {
            Style::default()
        } else {
            Style::default().fg(c)
        }
    }

    pub fn selected(self) -> Style {
        let s = Style::default().add_modifier(Modifier::REVERSED);
        if self.mono {
            s.add_modifier(Modifier::BOLD)
        } else {
            s.fg(Color::Cyan)
        }
    }
    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn label(self) -> Style {
        self.fg(Color::Gray)
    }
    pub fn focused_field(self) -> Style {
        Style::default().add_modifier(Modifier::UNDERLINED)
    }
    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn ok(self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }
    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn key(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }
    pub fn dim(self) -> Style {
        if self.mono {
            Style::default()
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }
}
