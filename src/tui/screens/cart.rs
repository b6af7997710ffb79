//! Step 4, cart: lines with quantity, unit price, discount and line total.
//! Quick entry (a SKU and a quantity, Enter adds), change a quantity in
//! place, remove a line, put the last removal back, and reorder from the
//! customer's recent orders.

use super::{title, Ctx, DrawCtx, Screen};
use crate::domain::text::{fit, pad, pad_start};
use crate::session::Command;
use crate::store::OrderSummary;
use crate::tui::action::Action;
use crate::tui::keymap::{list_moves, Binding, Cmd, Key};
use crate::tui::widgets::list::{row_style, ListState};
use crate::tui::widgets::text_field::TextField;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

/// Columns of the lines, in terminal columns (docs/design.md, section 10).
const SKU_W: usize = 12;
const NAME_W: usize = 24;
const QTY_W: usize = 6;
const UNIT_W: usize = 11;
const DISC_W: usize = 8;
const TOTAL_W: usize = 12;

enum Mode {
    /// Quick entry fields have the keys; arrows move through the lines.
    Lines,
    /// Changing the selected line's quantity.
    Quantity(TextField),
    /// Picking one of the customer's recent orders to copy.
    Reorder(Vec<OrderSummary>, ListState),
}

pub struct Cart {
    list: ListState,
    sku: TextField,
    quantity: TextField,
    /// 0: SKU field, 1: quantity field.
    focus: usize,
    mode: Mode,
}

impl Default for Cart {
    fn default() -> Self {
        let mut quantity = TextField::quantity("Qty");
        quantity.set("1");
        Cart {
            list: ListState::default(),
            sku: TextField::new("SKU", 20),
            quantity,
            focus: 0,
            mode: Mode::Lines,
        }
    }
}

impl Cart {
    fn quick_entry_empty(&self) -> bool {
        self.sku.value().trim().is_empty()
    }

    fn focused(&mut self) -> &mut TextField {
        if self.focus == 0 {
            &mut self.sku
        } else {
            &mut self.quantity
        }
    }
}

impl Screen for Cart {
    fn bindings(&self, ctx: &DrawCtx) -> Vec<Binding> {
        match &self.mode {
            Mode::Quantity(_) => vec![
                Binding::new(
                    &[Key::plain(KeyCode::Enter)],
                    "Set quantity",
                    Cmd::SetQuantity,
                ),
                Binding::new(&[Key::plain(KeyCode::Esc)], "Cancel", Cmd::Back),
            ],
            Mode::Reorder(..) => {
                let mut b = vec![
                    Binding::new(
                        &[Key::plain(KeyCode::Enter)],
                        "Copy its lines",
                        Cmd::CopyOrder,
                    ),
                    Binding::new(&[Key::plain(KeyCode::Esc)], "Back", Cmd::Back),
                ];
                b.extend(list_moves());
                b
            }
            Mode::Lines => {
                let mut b = if self.quick_entry_empty() {
                    vec![
                        Binding::new(
                            &[Key::plain(KeyCode::Enter)],
                            "Change qty",
                            Cmd::ChangeQuantity,
                        ),
                        Binding::new(&[Key::plain(KeyCode::Delete)], "Remove", Cmd::RemoveLine),
                    ]
                } else {
                    vec![Binding::new(
                        &[Key::plain(KeyCode::Enter)],
                        "Add SKU",
                        Cmd::AddSku,
                    )]
                };
                b.push(Binding::new(
                    &[Key::ctrl('y')],
                    "Undo remove",
                    Cmd::UndoRemove,
                ));
                if ctx
                    .order
                    .customer
                    .as_ref()
                    .is_some_and(|c| c.id.is_some() && !c.guest)
                {
                    b.push(Binding::new(&[Key::ctrl('b')], "Reorder", Cmd::Reorder));
                }
                b.push(
                    Binding::new(&[Key::plain(KeyCode::Tab)], "SKU/Qty", Cmd::NextField)
                        .help_only(),
                );
                b.push(
                    Binding::new(&[Key::plain(KeyCode::BackTab)], "SKU/Qty", Cmd::PrevField)
                        .help_only(),
                );
                b.extend(list_moves());
                b
            }
        }
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        let lines = &ctx.order.lines;
        Some(match &mut self.mode {
            Mode::Quantity(field) => match cmd {
                Cmd::SetQuantity => match field.quantity_value() {
                    Ok(q) => {
                        self.mode = Mode::Lines;
                        vec![Action::Order(Command::SetQuantity {
                            line: self.list.selected + 1,
                            qty: q,
                        })]
                    }
                    Err(show) => show,
                },
                Cmd::Back => {
                    let actions = field.dismiss();
                    self.mode = Mode::Lines;
                    actions
                }
                _ => return None,
            },
            Mode::Reorder(orders, list) => match cmd {
                Cmd::CopyOrder => {
                    let action = orders
                        .get(list.selected)
                        .map(|o| Action::reorder(o.order_no));
                    self.mode = Mode::Lines;
                    action.into_iter().collect()
                }
                Cmd::Back => {
                    self.mode = Mode::Lines;
                    vec![]
                }
                Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown => {
                    list.step(cmd, orders.len());
                    vec![]
                }
                _ => return None,
            },
            Mode::Lines => match cmd {
                Cmd::AddSku => {
                    if ctx.order.customer.is_none() {
                        return Some(vec![Action::Error(
                            "pick the customer first (F2): prices follow their currency".into(),
                        )]);
                    }
                    let sku = self.sku.value().trim().to_string();
                    // An unknown SKU is named at the field and stays there to fix.
                    match ctx.lookup.item_by_sku(ctx.order.currency, &sku) {
                        Ok(Some(_)) => {}
                        Ok(None) => {
                            self.focus = 0;
                            return Some(self.sku.fail(format!("no item with SKU '{sku}'")));
                        }
                        Err(e) => {
                            return Some(vec![Action::Error(format!(
                                "could not look up the SKU: {e}"
                            ))])
                        }
                    }
                    match self.quantity.quantity_value() {
                        Ok(q) => {
                            self.sku.clear();
                            self.quantity.set("1");
                            self.focus = 0;
                            vec![Action::Order(Command::AddItem { sku, qty: q })]
                        }
                        Err(show) => {
                            self.focus = 1;
                            show
                        }
                    }
                }
                Cmd::ChangeQuantity => {
                    if let Some(l) = lines.get(self.list.selected) {
                        let mut field = TextField::quantity("Quantity");
                        field.set(&l.quantity.to_string());
                        self.mode = Mode::Quantity(field);
                    }
                    vec![]
                }
                Cmd::RemoveLine => {
                    if self.list.selected < lines.len() {
                        let i = self.list.selected;
                        self.list.clamp(lines.len().saturating_sub(1));
                        vec![Action::Order(Command::RemoveLine { line: i + 1 })]
                    } else {
                        vec![]
                    }
                }
                Cmd::UndoRemove => vec![Action::Order(Command::Undo)],
                Cmd::Reorder => {
                    let Some(id) = ctx.order.customer.as_ref().and_then(|c| c.id) else {
                        return Some(vec![]);
                    };
                    match ctx.lookup.recent_orders(id, 15) {
                        Ok(orders) if orders.is_empty() => {
                            vec![Action::Status(
                                "No earlier orders for this customer.".into(),
                            )]
                        }
                        Ok(orders) => {
                            self.mode = Mode::Reorder(orders, ListState::default());
                            vec![]
                        }
                        Err(e) => {
                            vec![Action::Error(format!("could not read earlier orders: {e}"))]
                        }
                    }
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
                    self.list.step(cmd, lines.len());
                    vec![]
                }
                _ => return None,
            },
        })
    }

    fn input(&mut self, key: &KeyEvent, _ctx: &Ctx) -> Vec<Action> {
        let field = match &mut self.mode {
            Mode::Quantity(f) => f,
            Mode::Lines => self.focused(),
            Mode::Reorder(..) => return vec![],
        };
        field.handle_key(key);
        field.status()
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx) -> Vec<Action> {
        let field = match &mut self.mode {
            Mode::Quantity(f) => f,
            Mode::Lines => self.focused(),
            Mode::Reorder(..) => return vec![],
        };
        field.insert(text);
        field.status()
    }

    fn typing(&self) -> bool {
        !matches!(self.mode, Mode::Reorder(..))
    }

    fn enter(&mut self, ctx: &Ctx) {
        self.mode = Mode::Lines;
        self.list.clamp(ctx.order.lines.len());
    }

    /// The quick entry (SKU and quantity), and a line's new quantity while
    /// it is being changed; nothing while the quick entry is as on a fresh
    /// screen.
    fn typed(&self) -> Option<serde_json::Value> {
        let changing = match &self.mode {
            Mode::Quantity(field) => field.kept(),
            _ => None,
        };
        let fresh = self.sku.value().is_empty()
            && self.quantity.value() == "1"
            && self.quantity.is_selected();
        if fresh && changing.is_none() {
            return None;
        }
        let mut out = serde_json::json!({
            "sku": self.sku.kept(),
            "quantity": self.quantity.kept(),
            "focus": self.focus,
        });
        if let Some(q) = changing {
            out["line"] = self.list.selected.into();
            out["new_quantity"] = q;
        }
        Some(out)
    }

    fn restore_typed(&mut self, typed: &serde_json::Value) {
        if let Some(v) = typed.get("sku") {
            self.sku.put_back(v);
        }
        if let Some(v) = typed.get("quantity") {
            self.quantity.put_back(v);
        }
        self.focus = usize::from(typed.get("focus").and_then(|f| f.as_u64()) == Some(1));
        if let (Some(line), Some(q)) = (
            typed.get("line").and_then(|l| l.as_u64()),
            typed.get("new_quantity"),
        ) {
            let mut field = TextField::quantity("Quantity");
            field.put_back(q);
            self.list.selected = line as usize;
            self.mode = Mode::Quantity(field);
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        let cur = ctx.order.currency;
        let b = &ctx.quote.breakdown;
        let row = |y: u16| Rect::new(area.x, y, area.width, 1);
        let n = ctx.order.lines.len();
        title(
            f,
            area,
            &format!("Cart — {n} line{}, {cur}", if n == 1 { "" } else { "s" }),
            theme,
        );
        let quick = matches!(self.mode, Mode::Lines);
        self.sku.draw(
            f,
            // Wide enough for the message beside a 20-character SKU.
            Rect::new(area.x, area.y + 1, 59, 1),
            6,
            quick && self.focus == 0,
            theme,
        );
        self.quantity.draw(
            f,
            Rect::new(area.x + 60, area.y + 1, area.width - 60, 1),
            6,
            quick && self.focus == 1,
            theme,
        );
        f.render_widget(
            Line::styled(
                format!(
                    "  {} {} {} {} {} {}",
                    pad("SKU", SKU_W),
                    pad("Item", NAME_W),
                    pad_start("Qty", QTY_W),
                    pad_start("Unit", UNIT_W),
                    pad_start("Disc.", DISC_W),
                    pad_start("Total", TOTAL_W),
                ),
                theme.label(),
            ),
            row(area.y + 2),
        );
        let top = area.y + 3;
        if let Mode::Reorder(orders, list) = &self.mode {
            f.render_widget(
                Line::styled(
                    "Earlier orders — Enter copies one at today's prices",
                    theme.title(),
                ),
                row(top),
            );
            for (i, o) in orders
                .iter()
                .enumerate()
                .take(area.bottom().saturating_sub(top + 1) as usize)
            {
                let (marker, style) = row_style(i == list.selected, theme);
                f.render_widget(
                    Line::styled(
                        fit(
                            &format!(
                                "{marker}{} {} {} lines {} {}",
                                pad(&o.order_no.to_string(), 8),
                                pad(o.placed_at.replace('T', " ").trim_end_matches('Z'), 20),
                                pad_start(&o.lines.to_string(), 3),
                                pad_start(&o.grand_total, 12),
                                o.currency
                            ),
                            area.width as usize,
                        ),
                        style,
                    ),
                    row(top + 1 + i as u16),
                );
            }
            return;
        }
        let height = area.bottom().saturating_sub(top + 2) as usize;
        let from = self.list.visible_from(height);
        for (i, l) in ctx.order.lines.iter().enumerate().skip(from).take(height) {
            let (marker, style) = row_style(i == self.list.selected, theme);
            let amounts = b.lines.get(i);
            let text = format!(
                "{marker}{} {} {} {} {} {}",
                pad(&l.sku, SKU_W),
                pad(&l.name, NAME_W),
                pad_start(&l.quantity.to_string(), QTY_W),
                pad_start(
                    &cur.format(amounts.map(|a| a.unit_price).unwrap_or(l.unit_price)),
                    UNIT_W
                ),
                pad_start(
                    &amounts.map(|a| cur.format(a.discount)).unwrap_or_default(),
                    DISC_W
                ),
                pad_start(
                    &amounts.map(|a| cur.format(a.total)).unwrap_or_default(),
                    TOTAL_W
                ),
            );
            f.render_widget(
                Line::styled(fit(&text, area.width as usize), style),
                row(top + (i - from) as u16),
            );
        }
        if ctx.order.lines.is_empty() {
            f.render_widget(
                Line::styled(
                    "  The cart is empty: type a SKU above, or F4 opens the catalog.",
                    theme.warn(),
                ),
                row(top),
            );
        }
        f.render_widget(
            Line::styled(
                format!(
                    "{} {}",
                    // Under the Total column.
                    pad_start(
                        "Merchandise",
                        2 + SKU_W + 1 + NAME_W + 1 + QTY_W + 1 + UNIT_W + 1 + DISC_W
                    ),
                    pad_start(&cur.format(b.merchandise), TOTAL_W)
                ),
                theme.title(),
            ),
            row(area.bottom() - 2),
        );
        if let Mode::Quantity(field) = &self.mode {
            field.draw(f, row(area.bottom() - 1), 12, true, theme);
        }
    }
}
