//! Step 3, catalog: search by SKU prefix or words of name and description
//! (docs/design.md, section 16); each row shows the price in the order's
//! currency and availability now, with the words that matched underlined.

use super::{title, Ctx, DrawCtx, Screen};
use crate::domain::availability::allocate;
use crate::domain::item_index::Field;
use crate::domain::search_words::mark_words;
use crate::domain::text::{fit, pad, pad_start, width};
use crate::session::{Command, Done, Refusal};
use crate::store::{CategoryRow, ItemHit, ItemRow};
use crate::tui::action::Action;
use crate::tui::keymap::{field_moves, list_moves, Binding, Cmd, Key};
use crate::tui::widgets::list::{row_style, ListState};
use crate::tui::widgets::text_field::TextField;
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;
use std::collections::HashMap;

const LIMIT: usize = 100;

/// Columns of the results, in terminal columns (docs/design.md, section 10).
const SKU_W: usize = 12;
const NAME_W: usize = 26;
const PRICE_W: usize = 11;

pub struct Catalog {
    search: TextField,
    quantity: TextField,
    /// 0: search field, 1: quantity field.
    focus: usize,
    results: Vec<ItemHit>,
    /// For items out of stock: when one more would arrive.
    dues: HashMap<i64, Option<NaiveDate>>,
    list: ListState,
    searched: Option<(String, crate::domain::money::Currency, Option<i64>)>,
    /// Browsing within this category (and its subcategories): (id, name).
    category: Option<(i64, String)>,
    /// The category tree picker, when open.
    picker: Option<(Vec<CategoryRow>, ListState)>,
    /// The search as it stands added an item: nothing in it is waiting to
    /// be confirmed (a draft does not keep it) until it is edited again.
    confirmed: bool,
    /// The registered customer's latest placed order (^B copies it).
    last_order: Option<i64>,
}

impl Default for Catalog {
    fn default() -> Self {
        let mut quantity = TextField::quantity("Qty");
        quantity.set("1");
        Catalog {
            search: TextField::new("Search", 60),
            quantity,
            focus: 0,
            results: Vec::new(),
            dues: HashMap::new(),
            list: ListState::default(),
            searched: None,
            category: None,
            picker: None,
            confirmed: false,
            last_order: None,
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

impl Catalog {
    /// The field that has the keys (none while the category tree is open).
    fn focused_field(&mut self) -> Option<&mut TextField> {
        match (&self.picker, self.focus) {
            (Some(_), _) => None,
            (None, 0) => Some(&mut self.search),
            (None, _) => Some(&mut self.quantity),
        }
    }
}

impl Screen for Catalog {
    fn bindings(&self, _ctx: &DrawCtx) -> Vec<Binding> {
        if self.picker.is_some() {
            let mut b = vec![
                Binding::new(
                    &[Key::plain(KeyCode::Enter)],
                    "Browse this category",
                    Cmd::BrowseCategory,
                ),
                Binding::new(&[Key::plain(KeyCode::Esc)], "Back", Cmd::Back),
            ];
            b.extend(list_moves());
            return b;
        }
        let mut b = vec![
            Binding::new(&[Key::plain(KeyCode::Enter)], "Add to cart", Cmd::AddToCart),
            Binding::new(&[Key::ctrl('y')], "Categories", Cmd::Categories),
            Binding::new(
                &[Key::plain(KeyCode::Esc)],
                "Clear search",
                Cmd::ClearSearch,
            ),
        ];
        if self.last_order.is_some() {
            // First in the bar: after picking a customer who ordered
            // before, copying that order is one key.
            b.insert(
                0,
                Binding::new(&[Key::ctrl('b')], "Reorder last order", Cmd::ReorderLast),
            );
        }
        b.extend(field_moves());
        b.extend(list_moves());
        b
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        if let Some((tree, list)) = &mut self.picker {
            match cmd {
                Cmd::BrowseCategory => {
                    // Row 0 is "All categories".
                    self.category = list
                        .selected
                        .checked_sub(1)
                        .and_then(|i| tree.get(i))
                        .map(|c| (c.id, c.name.clone()));
                    self.picker = None;
                }
                Cmd::Back => self.picker = None,
                Cmd::Up => list.up(),
                Cmd::Down => list.down(tree.len() + 1),
                Cmd::PageUp => list.page_up(10),
                Cmd::PageDown => list.page_down(tree.len() + 1, 10),
                _ => return None,
            }
            return Some(vec![]);
        }
        Some(match cmd {
            Cmd::Categories => match ctx.lookup.category_tree() {
                Ok(tree) => {
                    let mut list = ListState::default();
                    if let Some((id, _)) = &self.category {
                        list.selected = tree.iter().position(|c| c.id == *id).map_or(0, |i| i + 1);
                    }
                    self.picker = Some((tree, list));
                    vec![]
                }
                Err(e) => vec![Action::Error(format!("could not read the categories: {e}"))],
            },
            Cmd::AddToCart => {
                let Some(ItemHit { item, .. }) = self.results.get(self.list.selected) else {
                    return Some(vec![Action::Error("nothing selected to add".into())]);
                };
                if ctx.order.customer.is_none() {
                    return Some(vec![Action::Error(
                        "pick the customer first (F2): prices follow their currency".into(),
                    )]);
                }
                match self.quantity.quantity_value() {
                    Ok(q) => {
                        self.quantity.set("1");
                        // The next SKU typed replaces this search.
                        self.focus = 0;
                        let search = self.search.value().to_string();
                        self.search.set(&search);
                        vec![Action::Order(Command::AddItem {
                            sku: item.sku.clone(),
                            qty: q,
                        })]
                    }
                    Err(show) => {
                        self.focus = 1;
                        show
                    }
                }
            }
            Cmd::ReorderLast => match self.last_order {
                Some(order_no) => vec![Action::Order(Command::Reorder { order_no })],
                None => return None,
            },
            Cmd::ClearSearch => {
                let show = self.search.dismiss();
                self.search.clear();
                self.focus = 0;
                show
            }
            Cmd::NextField | Cmd::PrevField => {
                // A quantity is checked as it is left.
                let show = if self.focus == 1 {
                    self.quantity.quantity_check_on_leave()
                } else {
                    vec![]
                };
                self.focus = 1 - self.focus;
                show
            }
            Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown => {
                self.list.step(cmd, self.results.len());
                vec![]
            }
            _ => return None,
        })
    }

    fn input(&mut self, key: &KeyEvent, _ctx: &Ctx) -> Vec<Action> {
        let Some(field) = self.focused_field() else {
            return vec![];
        };
        field.handle_key(key);
        let show = field.status();
        self.confirmed = false;
        show
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx) -> Vec<Action> {
        let Some(field) = self.focused_field() else {
            return vec![];
        };
        field.insert(text);
        let show = field.status();
        self.confirmed = false;
        show
    }

    /// The only order command the catalog asks for is adding an item.
    fn answered(&mut self, outcome: &Result<Done, Refusal>) -> Vec<Action> {
        self.confirmed = outcome.is_ok();
        Vec::new()
    }

    fn typing(&self) -> bool {
        self.picker.is_none()
    }

    /// Coming back to the catalog re-reads stock (others may have sold it).
    fn enter(&mut self, ctx: &Ctx) {
        self.searched = None;
        let customer = ctx.order.customer.as_ref().filter(|c| !c.guest);
        self.last_order = customer
            .and_then(|c| c.id)
            .and_then(|id| ctx.lookup.recent_orders(id, 1).ok())
            .and_then(|o| o.first().map(|o| o.order_no));
    }

    fn refresh(&mut self, ctx: &Ctx) -> Result<(), String> {
        let key = (
            self.search.value().to_string(),
            ctx.order.currency,
            self.category.as_ref().map(|c| c.0),
        );
        if self.searched.as_ref() == Some(&key) {
            return Ok(());
        }
        self.results = ctx
            .lookup
            .find_items(key.1, &key.0, key.2, LIMIT)
            .map_err(|e| format!("catalog search failed: {e}"))?;
        // The search brought each item's stock along: no query per row.
        self.dues = self
            .results
            .iter()
            .filter(|h| h.item.available() == 0)
            .map(|h| {
                let id = h.item.id;
                let stock = HashMap::from([(id, h.stock.clone())]);
                (id, allocate(&[(id, 1)], &stock).first().and_then(|a| a.due))
            })
            .collect();
        self.list = ListState::default();
        self.searched = Some(key);
        Ok(())
    }

    /// The search and the quantity; nothing while both are as on a fresh
    /// screen (no search, the prefilled 1) or the search just added an item.
    fn typed(&self) -> Option<serde_json::Value> {
        let fresh = self.confirmed
            || self.search.value().is_empty()
                && self.quantity.value() == "1"
                && self.quantity.is_selected();
        (!fresh).then(|| {
            serde_json::json!({
                "search": self.search.kept(),
                "quantity": self.quantity.kept(),
                "focus": self.focus,
            })
        })
    }

    fn restore_typed(&mut self, typed: &serde_json::Value) {
        if let Some(v) = typed.get("search") {
            self.search.put_back(v);
        }
        if let Some(v) = typed.get("quantity") {
            self.quantity.put_back(v);
        }
        self.focus = usize::from(typed.get("focus").and_then(|f| f.as_u64()) == Some(1));
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        let cur = ctx.order.currency;
        let within = self
            .category
            .as_ref()
            .map(|(_, name)| format!(" in {name}"))
            .unwrap_or_default();
        title(
            f,
            area,
            &fit(
                &format!("Catalog{within} — prices in {cur}"),
                area.width as usize,
            ),
            theme,
        );
        if let Some((tree, list)) = &self.picker {
            let top = area.y + 1;
            let height = area.height.saturating_sub(1) as usize;
            let from = list.visible_from(height);
            let all = CategoryRow {
                id: 0,
                name: "All categories".into(),
                depth: 0,
            };
            for (i, CategoryRow { name, depth, .. }) in std::iter::once(&all)
                .chain(tree.iter())
                .enumerate()
                .skip(from)
                .take(height)
            {
                let (marker, style) = row_style(i == list.selected, theme);
                f.render_widget(
                    Line::styled(
                        fit(
                            &format!("{marker}{}{name}", "  ".repeat(*depth)),
                            area.width as usize,
                        ),
                        style,
                    ),
                    Rect::new(area.x, top + (i - from) as u16, area.width, 1),
                );
            }
            return;
        }
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
                    "  {} {} {}  Availability",
                    pad("SKU", SKU_W),
                    pad("Item", NAME_W),
                    pad_start("Price", PRICE_W),
                ),
                theme.label(),
            ),
            Rect::new(area.x, top - 1, area.width, 1),
        );
        let height = area.bottom().saturating_sub(top + 2) as usize;
        let from = self.list.visible_from(height);
        for (i, hit) in self.results.iter().enumerate().skip(from).take(height) {
            let item = &hit.item;
            let (marker, style) = row_style(i == self.list.selected, theme);
            let price = item
                .price
                .map(|p| cur.format(p))
                .unwrap_or_else(|| "not sold".into());
            let mut spans = vec![Span::styled(marker, style)];
            let sku = pad(&item.sku, SKU_W);
            spans.push(match hit.sku_match {
                true => Span::styled(sku, matched(style)),
                false => Span::styled(sku, style),
            });
            spans.push(Span::styled(" ", style));
            let name = pad(&item.name, NAME_W);
            spans.extend(marked(&name, hit, Field::Name, style));
            let used = width(marker) + SKU_W + 1 + NAME_W;
            let rest = format!(
                " {}  {}",
                pad_start(&price, PRICE_W),
                availability_text(item, self.dues.get(&item.id).copied().flatten())
            );
            spans.push(Span::styled(
                fit(&rest, (area.width as usize).saturating_sub(used)),
                style,
            ));
            f.render_widget(
                Line::from(spans),
                Rect::new(area.x, top + (i - from) as u16, area.width, 1),
            );
        }
        if let Some(hit) = self.results.get(self.list.selected) {
            let text = fit(&format!("  {}", hit.item.description), area.width as usize);
            f.render_widget(
                Line::from(marked(&text, hit, Field::Description, theme.dim())),
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

/// A matched word's look: underlined, so it shows without colour.
fn matched(style: Style) -> Style {
    style.add_modifier(Modifier::UNDERLINED)
}

/// `text` (drawn from the hit's `field`) with the words found there
/// underlined.
fn marked<'t>(text: &'t str, hit: &ItemHit, field: Field, style: Style) -> Vec<Span<'t>> {
    let found: Vec<&str> = hit
        .words
        .iter()
        .filter(|w| w.field == field)
        .map(|w| w.found.as_str())
        .collect();
    mark_words(text, &found)
        .into_iter()
        .map(|(piece, hit)| match hit {
            true => Span::styled(piece, matched(style)),
            false => Span::styled(piece, style),
        })
        .collect()
}
