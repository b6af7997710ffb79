//! Step 3, catalog: search by SKU prefix or words of name and description;
//! each row shows the price in the order's currency and availability now.

use super::{title, Ctx, Screen};
use crate::domain::availability::allocate;
use crate::domain::order::parse_quantity;
use crate::domain::text::fit;
use crate::store::ItemRow;
use crate::tui::action::Action;
use crate::tui::keymap::{field_moves, list_moves, Binding, Cmd, Key};
use crate::tui::widgets::list::{row_style, ListState};
use crate::tui::widgets::text_field::TextField;
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;
use std::collections::HashMap;

const LIMIT: usize = 100;

pub struct Catalog {
    search: TextField,
    quantity: TextField,
    /// 0: search field, 1: quantity field.
    focus: usize,
    results: Vec<ItemRow>,
    /// For items out of stock: when one more would arrive.
    dues: HashMap<i64, Option<NaiveDate>>,
    list: ListState,
    searched: Option<(String, crate::domain::money::Currency)>,
}

impl Default for Catalog {
    fn default() -> Self {
        let mut quantity = TextField::new("Qty", 5);
        quantity.set("1");
        Catalog {
            search: TextField::new("Search", 60),
            quantity,
            focus: 0,
            results: Vec::new(),
            dues: HashMap::new(),
            list: ListState::default(),
            searched: None,
        }
    }
}

/// "in stock", "3 available", or the backorder and the date one more
/// would be due (after the backorders already placed take their receipts).
pub fn availability_text(item: &ItemRow, due: Option<NaiveDate>) -> String {
    match item.available() {
        0 => match due {
            Some(d) => format!("backorder, due {d}"),
            None => "backorder, date unknown".into(),
        },
        n if n < 10 => format!("{n} available"),
        _ => "in stock".into(),
    }
}

impl Screen for Catalog {
    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding> {
        let mut b = vec![
            Binding::new(&[Key::plain(KeyCode::Enter)], "Add to cart", Cmd::Enter),
            Binding::new(
                &[Key::plain(KeyCode::Esc)],
                "Clear search",
                Cmd::ClearSearch,
            ),
        ];
        b.extend(field_moves());
        b.extend(list_moves());
        b
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Vec<Action> {
        match cmd {
            Cmd::Enter => {
                let Some(item) = self.results.get(self.list.selected) else {
                    return vec![Action::Error("nothing selected to add".into())];
                };
                if ctx.order.customer.is_none() {
                    return vec![Action::Error(
                        "pick the customer first (F2): prices follow their currency".into(),
                    )];
                }
                match parse_quantity(self.quantity.value()) {
                    Ok(q) => {
                        self.quantity.set("1");
                        vec![Action::AddItem {
                            item_id: item.id,
                            quantity: q,
                        }]
                    }
                    Err(e) => {
                        self.quantity.error = Some(e.clone());
                        self.focus = 1;
                        vec![Action::Error(e)]
                    }
                }
            }
            Cmd::ClearSearch => {
                self.search.clear();
                self.focus = 0;
                vec![]
            }
            Cmd::NextField | Cmd::PrevField => {
                self.focus = 1 - self.focus;
                vec![]
            }
            Cmd::Up => {
                self.list.up();
                vec![]
            }
            Cmd::Down => {
                self.list.down(self.results.len());
                vec![]
            }
            Cmd::PageUp => {
                self.list.page_up(10);
                vec![]
            }
            Cmd::PageDown => {
                self.list.page_down(self.results.len(), 10);
                vec![]
            }
            _ => vec![],
        }
    }

    fn input(&mut self, key: &KeyEvent, _ctx: &Ctx) -> Vec<Action> {
        let field = if self.focus == 0 {
            &mut self.search
        } else {
            &mut self.quantity
        };
        field.handle_key(key);
        vec![]
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx) -> Vec<Action> {
        let field = if self.focus == 0 {
            &mut self.search
        } else {
            &mut self.quantity
        };
        field.insert(text);
        vec![]
    }

    fn typing(&self) -> bool {
        true
    }

    /// Coming back to the catalog re-reads stock (others may have sold it).
    fn enter(&mut self, _ctx: &Ctx) {
        self.searched = None;
    }

    fn refresh(&mut self, ctx: &Ctx) -> Result<(), String> {
        let key = (self.search.value().to_string(), ctx.order.currency);
        if self.searched.as_ref() == Some(&key) {
            return Ok(());
        }
        self.results = ctx
            .store
            .search_items(key.1, &key.0, LIMIT)
            .map_err(|e| format!("catalog search failed: {e}"))?;
        let out: Vec<i64> = self
            .results
            .iter()
            .filter(|i| i.available() == 0)
            .map(|i| i.id)
            .collect();
        let stock = ctx
            .store
            .item_stock(&out)
            .map_err(|e| format!("stock lookup failed: {e}"))?;
        self.dues = out
            .iter()
            .map(|id| {
                (
                    *id,
                    allocate(&[(*id, 1)], &stock).first().and_then(|a| a.due),
                )
            })
            .collect();
        self.list = ListState::default();
        self.searched = Some(key);
        Ok(())
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        let cur = ctx.order.currency;
        title(f, area, &format!("Catalog — prices in {cur}"), theme);
        self.search.draw(
            f,
            Rect::new(area.x, area.y + 1, area.width - 20, 1),
            9,
            self.focus == 0,
            theme,
        );
        self.quantity.draw(
            f,
            Rect::new(area.x + area.width - 20, area.y + 1, 20, 1),
            6,
            self.focus == 1,
            theme,
        );
        let top = area.y + 3;
        f.render_widget(
            Line::styled(
                format!(
                    "  {:<12} {:<26} {:>11}  {}",
                    "SKU", "Item", "Price", "Availability"
                ),
                theme.label(),
            ),
            Rect::new(area.x, top - 1, area.width, 1),
        );
        let height = area.bottom().saturating_sub(top + 2) as usize;
        let from = self.list.visible_from(height);
        for (i, item) in self.results.iter().enumerate().skip(from).take(height) {
            let (marker, style) = row_style(i == self.list.selected, theme);
            let price = item
                .price
                .map(|p| cur.format(p))
                .unwrap_or_else(|| "not sold".into());
            let text = format!(
                "{marker}{:<12} {:<26} {:>11}  {}",
                fit(&item.sku, 12),
                fit(&item.name, 26),
                price,
                availability_text(item, self.dues.get(&item.id).copied().flatten())
            );
            f.render_widget(
                Line::styled(fit(&text, area.width as usize), style),
                Rect::new(area.x, top + (i - from) as u16, area.width, 1),
            );
        }
        if let Some(item) = self.results.get(self.list.selected) {
            f.render_widget(
                Line::styled(
                    fit(&format!("  {}", item.description), area.width as usize),
                    theme.dim(),
                ),
                Rect::new(area.x, area.bottom() - 1, area.width, 1),
            );
        } else if self.searched.is_some() {
            f.render_widget(
                Line::styled(
                    "  Nothing matches; try fewer letters or another word.",
                    theme.warn(),
                ),
                Rect::new(area.x, top, area.width, 1),
            );
        }
    }
}
