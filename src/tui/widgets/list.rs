//! Selection and scrolling for a list of rows; the rows themselves are
//! drawn by the screen, with [`row_style`] marking the selection.

use crate::tui::keymap::Cmd;
use crate::tui::theme::Theme;
use ratatui::style::Style;
use std::cell::Cell;

/// Rows PgUp/PgDn move.
const PAGE: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListState {
    pub selected: usize,
    /// First visible row; kept by drawing, so scrolling moves only when the
    /// selection would leave the view (fewer bytes over slow links).
    offset: Cell<usize>,
}

impl ListState {
    pub fn up(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }
    pub fn down(&mut self, len: usize) {
        if self.selected + 1 < len {
            self.selected += 1;
        }
    }
    pub fn page_up(&mut self, page: usize) {
        self.selected = self.selected.saturating_sub(page.max(1));
    }
    pub fn page_down(&mut self, len: usize, page: usize) {
        self.selected = (self.selected + page.max(1)).min(len.saturating_sub(1));
    }
    /// Applies a movement command (↑ ↓ PgUp PgDn) to a list of `len` rows;
    /// false for any other command.
    pub fn step(&mut self, cmd: Cmd, len: usize) -> bool {
        match cmd {
            Cmd::Up => self.up(),
            Cmd::Down => self.down(len),
            Cmd::PageUp => self.page_up(PAGE),
            Cmd::PageDown => self.page_down(len, PAGE),
            _ => return false,
        }
        true
    }

    /// Keeps the selection inside a list that changed length.
    pub fn clamp(&mut self, len: usize) {
        if self.selected >= len {
            self.selected = len.saturating_sub(1);
        }
    }
    /// The first row to draw so the selection is visible in `height` rows.
    pub fn visible_from(&self, height: usize) -> usize {
        if height == 0 {
            return 0;
        }
        let mut offset = self.offset.get().min(self.selected);
        if self.selected >= offset + height {
            offset = self.selected + 1 - height;
        }
        self.offset.set(offset);
        offset
    }
}

/// `> ` and reverse video for the selected row, so the selection shows on
/// monochrome terminals too.
pub fn row_style(selected: bool, theme: Theme) -> (&'static str, Style) {
    if selected {
        ("> ", theme.selected())
    } else {
        ("  ", Style::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_stays_visible_and_in_range() {
        let mut s = ListState::default();
        for _ in 0..10 {
            s.down(5);
        }
        assert_eq!(s.selected, 4);
        assert_eq!(s.visible_from(3), 2);
        s.page_up(3);
        assert_eq!(s.selected, 1);
        s.clamp(1);
        assert_eq!(s.selected, 0);
        s.page_down(100, 20);
        assert_eq!(s.selected, 20);
    }
}
