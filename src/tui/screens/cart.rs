//! Step 4, cart: lines with quantity, unit price, discount and line total;
//! change a quantity in place, remove a line, put the last removal back.

use super::{title, Ctx, Screen};
use crate::domain::order::parse_quantity;
use crate::domain::text::fit;
use crate::tui::action::Action;
use crate::tui::keymap::{list_moves, Binding, Cmd, Key};
use crate::tui::widgets::list::{row_style, ListState};
use crate::tui::widgets::text_field::TextField;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

#[derive(Default)]
pub struct Cart {
    list: ListState,
    /// The quantity being edited for the selected line.
    editing: Option<TextField>,
}

impl Screen for Cart {
    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding> {
        if self.editing.is_some() {
            return vec![
                Binding::new(&[Key::plain(KeyCode::Enter)], "Set quantity", Cmd::Enter),
                Binding::new(&[Key::plain(KeyCode::Esc)], "Cancel", Cmd::Back),
            ];
        }
        let mut b = vec![
            Binding::new(&[Key::plain(KeyCode::Enter)], "Change qty", Cmd::Edit),
            Binding::new(&[Key::plain(KeyCode::Delete)], "Remove", Cmd::Remove),
            Binding::new(&[Key::ctrl('u')], "Undo remove", Cmd::Undo),
        ];
        b.extend(list_moves());
        b
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Vec<Action> {
        let lines = &ctx.order.lines;
        match cmd {
            Cmd::Edit => {
                if let Some(l) = lines.get(self.list.selected) {
                    let mut field = TextField::new("Quantity", 5);
                    field.set(&l.quantity.to_string());
                    self.editing = Some(field);
                }
                vec![]
            }
            Cmd::Enter => {
                let Some(field) = &mut self.editing else {
                    return vec![];
                };
                match parse_quantity(field.value()) {
                    Ok(q) => {
                        self.editing = None;
                        vec![Action::SetQuantity {
                            line: self.list.selected,
                            quantity: q,
                        }]
                    }
                    Err(e) => {
                        field.error = Some(e);
                        vec![]
                    }
                }
            }
            Cmd::Back => {
                self.editing = None;
                vec![]
            }
            Cmd::Remove => {
                if self.list.selected < lines.len() {
                    let i = self.list.selected;
                    self.list.clamp(lines.len().saturating_sub(1));
                    vec![Action::RemoveLine(i)]
                } else {
                    vec![]
                }
            }
            Cmd::Undo => vec![Action::UndoRemove],
            Cmd::Up => {
                self.list.up();
                vec![]
            }
            Cmd::Down => {
                self.list.down(lines.len());
                vec![]
            }
            Cmd::PageUp => {
                self.list.page_up(10);
                vec![]
            }
            Cmd::PageDown => {
                self.list.page_down(lines.len(), 10);
                vec![]
            }
            _ => vec![],
        }
    }

    fn input(&mut self, key: &KeyEvent, _ctx: &Ctx) -> Vec<Action> {
        if let Some(f) = &mut self.editing {
            f.handle_key(key);
        }
        vec![]
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx) -> Vec<Action> {
        if let Some(f) = &mut self.editing {
            f.insert(text);
        }
        vec![]
    }

    fn typing(&self) -> bool {
        self.editing.is_some()
    }

    fn enter(&mut self, ctx: &Ctx) {
        self.editing = None;
        self.list.clamp(ctx.order.lines.len());
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        let cur = ctx.order.currency;
        let b = &ctx.quote.breakdown;
        title(
            f,
            area,
            &format!("Cart — {} lines, {cur}", ctx.order.lines.len()),
            theme,
        );
        f.render_widget(
            Line::styled(
                format!(
                    "  {:<12} {:<24} {:>6} {:>11} {:>8} {:>12}",
                    "SKU", "Item", "Qty", "Unit", "Disc.", "Total"
                ),
                theme.label(),
            ),
            Rect::new(area.x, area.y + 1, area.width, 1),
        );
        let top = area.y + 2;
        let height = area.bottom().saturating_sub(top + 3) as usize;
        let from = self.list.visible_from(height);
        for (i, l) in ctx.order.lines.iter().enumerate().skip(from).take(height) {
            let (marker, style) = row_style(i == self.list.selected, theme);
            let amounts = b.lines.get(i);
            let text = format!(
                "{marker}{:<12} {:<24} {:>6} {:>11} {:>8} {:>12}",
                fit(&l.sku, 12),
                fit(&l.name, 24),
                l.quantity,
                cur.format(l.unit_price),
                amounts.map(|a| cur.format(a.discount)).unwrap_or_default(),
                amounts.map(|a| cur.format(a.total)).unwrap_or_default(),
            );
            f.render_widget(
                Line::styled(fit(&text, area.width as usize), style),
                Rect::new(area.x, top + (i - from) as u16, area.width, 1),
            );
        }
        if ctx.order.lines.is_empty() {
            f.render_widget(
                Line::styled("  The cart is empty: F4 opens the catalog.", theme.warn()),
                Rect::new(area.x, top, area.width, 1),
            );
        }
        f.render_widget(
            Line::styled(
                format!("{:>66} {:>12}", "Merchandise", cur.format(b.merchandise)),
                theme.title(),
            ),
            Rect::new(area.x, area.bottom() - 2, area.width, 1),
        );
        if let Some(field) = &self.editing {
            field.draw(
                f,
                Rect::new(area.x, area.bottom() - 1, area.width, 1),
                12,
                true,
                theme,
            );
        }
    }
}
